/**
 * Watch streams: `?watch=1` answers 200 with chunked JSON lines `{"type":…,"object":…}`.
 *  - no resourceVersion or "0": synthetic ADDED for every current object, then changes;
 *  - resourceVersion=N: every change after N (410 Expired as an ERROR event when N is too old);
 *  - sendInitialEvents=true: ADDED for current objects then a BOOKMARK annotated
 *    `k8s.io/initial-events-end` (needs allowWatchBookmarks);
 *  - allowWatchBookmarks: periodic BOOKMARK events carrying only a resourceVersion;
 *  - timeoutSeconds: the server ends the stream.
 * With a label selector, an object that stops matching is reported DELETED and one that starts
 * matching ADDED, as the API server's filtered watch does.
 */
import type http from 'node:http';
import type { HandlerContext } from '../context.js';
import { ApiError, badRequest, expired } from '../errors.js';
import { wantsTable } from '../http-util.js';
import { groupVersion, resourceKey } from '../resources.js';
import { toTable } from '../table.js';
import type { JsonObject, KubeObject } from '../types.js';
import type { Change } from '../watch-hub.js';
import type { ApiRequest } from './request.js';
import type { Filter } from './read.js';
import { matchesFilter, parseFilter } from './read.js';

export interface OpenWatch {
  close(): void;
}

export function serveWatch(
  ctx: HandlerContext,
  request: ApiRequest,
  res: http.ServerResponse,
  onClose: () => void,
): OpenWatch {
  const { rt } = request.target;
  const filter: Filter = parseFilter(request);
  const rvText = request.query.get('resourceVersion') ?? '';
  if (rvText !== '' && !/^\d+$/.test(rvText))
    throw badRequest(`resourceVersion: Invalid value: "${rvText}": must be a valid resource version`);
  const timeoutText = request.query.get('timeoutSeconds');
  const timeoutSeconds = timeoutText ? Number(timeoutText) : undefined;
  const bookmarks = ['1', 'true'].includes(request.query.get('allowWatchBookmarks') ?? '');
  const sendInitialEvents = request.query.get('sendInitialEvents') === 'true';
  if (sendInitialEvents && !bookmarks) {
    throw new ApiError(
      422,
      'Invalid',
      'ListOptions.meta.k8s.io "" is invalid: allowWatchBookmarks: Required value: allowWatchBookmarks required when sendInitialEvents is specified',
      {},
    );
  }
  const table = wantsTable(request.headers.accept);
  const includeObject = request.query.get('includeObject') ?? 'Metadata';
  let sentColumns = false;

  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private' });
  res.flushHeaders();

  const write = (type: string, object: JsonObject): void => {
    if (res.writableEnded || res.destroyed) return;
    let payload = object;
    if (table && type !== 'BOOKMARK' && type !== 'ERROR') {
      payload = toTable(
        [object as KubeObject],
        rt.kind,
        String((object as KubeObject).metadata.resourceVersion),
        includeObject,
        !sentColumns,
      );
      sentColumns = true;
    }
    res.write(`${JSON.stringify({ type, object: payload })}\n`);
  };
  const bookmark = (annotations?: Record<string, string>): void => {
    const metadata: JsonObject = { resourceVersion: ctx.store.resourceVersion() };
    if (annotations) metadata.annotations = annotations;
    write('BOOKMARK', { kind: rt.kind, apiVersion: groupVersion(rt), metadata });
  };

  const deliver = (change: Change): void => {
    const now = matchesFilter(filter, change.object);
    const before = change.previous !== undefined && matchesFilter(filter, change.previous);
    if (change.type === 'ADDED') {
      if (now) write('ADDED', change.object);
    } else if (change.type === 'DELETED') {
      if (before || now) write('DELETED', change.object);
    } else if (now && before) {
      write('MODIFIED', change.object);
    } else if (now) {
      write('ADDED', change.object);
    } else if (before) {
      write('DELETED', change.object);
    }
  };

  let unsubscribe: () => void = () => undefined;
  const timers: NodeJS.Timeout[] = [];
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe();
    for (const timer of timers) clearTimeout(timer);
    if (!res.writableEnded) res.end();
    onClose();
  };
  res.on('close', close);

  // Snapshot and subscription happen in the same tick: no change can slip between them.
  const resource = resourceKey(rt);
  if (rvText === '' || rvText === '0' || sendInitialEvents) {
    for (const object of ctx.store.list(rt, filter.namespace))
      if (matchesFilter(filter, object)) write('ADDED', object);
    if (sendInitialEvents) bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    const missed = ctx.store.hub.since(resource, Number(rvText));
    if (!missed) {
      const oldest = ctx.store.hub.oldestRetained() ?? 0;
      write('ERROR', expired(`too old resource version: ${rvText} (${oldest - 1})`).toStatus());
      close();
      return { close };
    }
    for (const change of missed) deliver(change);
  }
  unsubscribe = ctx.store.hub.subscribe((change) => {
    if (change.resource === resource) deliver(change);
  });

  if (bookmarks) {
    const interval = setInterval(() => bookmark(), ctx.settings.bookmarkIntervalMs);
    timers.push(interval);
  }
  if (timeoutSeconds !== undefined && timeoutSeconds >= 0) {
    timers.push(setTimeout(close, timeoutSeconds * 1000));
  }
  return { close };
}
