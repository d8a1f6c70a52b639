/**
 * Server-side printing: `kubectl get` asks for `as=Table` and prints the columns the server sends.
 * Columns follow the API server's built-in printers for these kinds.
 */
import { field, isObject } from './types.js';
import type { JsonObject, KubeObject } from './types.js';

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format?: string;
  description: string;
  priority: number;
  cell: (object: KubeObject) => string | number;
}

/** kubectl's HumanDuration: 45s, 3m12s, 17m, 5h3m, 20h, 3d4h, 12d. */
export function age(timestamp: string | undefined, nowMs = Date.now()): string {
  if (!timestamp) return '<unknown>';
  const seconds = Math.max(0, Math.floor((nowMs - Date.parse(timestamp)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 3) return `${minutes}m`;
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  const days = Math.floor(hours / 24);
  if (hours < 48) return `${hours}h`;
  if (days < 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  return `${days}d`;
}

const num = (value: unknown): number => (typeof value === 'number' ? value : 0);
const str = (value: unknown, fallback = '<none>'): string =>
  typeof value === 'string' && value !== '' ? value : fallback;

const NAME: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
  cell: (o) => o.metadata.name,
};
const AGE: Column = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
  cell: (o) => age(o.metadata.creationTimestamp),
};

function col(name: string, cell: Column['cell'], type: Column['type'] = 'string', priority = 0): Column {
  return { name, type, description: name, priority, cell };
}

function containers(o: KubeObject): JsonObject[] {
  const list = field(o, 'spec', 'template', 'spec', 'containers');
  return Array.isArray(list) ? list.filter(isObject) : [];
}

/** What `kubectl get pods` shows under STATUS. */
export function podStatusReason(pod: KubeObject): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  let reason = str(field(pod, 'status', 'reason'), str(field(pod, 'status', 'phase'), 'Pending'));
  const statuses = field(pod, 'status', 'containerStatuses');
  if (Array.isArray(statuses)) {
    for (const status of statuses) {
      const waiting = str(field(status, 'state', 'waiting', 'reason'), '');
      const terminated = str(field(status, 'state', 'terminated', 'reason'), '');
      if (waiting) reason = waiting;
      else if (terminated) reason = terminated;
    }
  }
  return reason;
}

const COLUMNS: Record<string, Column[]> = {
  Deployment: [
    NAME,
    col('Ready', (o) => `${num(field(o, 'status', 'readyReplicas'))}/${num(field(o, 'spec', 'replicas'))}`),
    col('Up-to-date', (o) => num(field(o, 'status', 'updatedReplicas')), 'integer'),
    col('Available', (o) => num(field(o, 'status', 'availableReplicas')), 'integer'),
    AGE,
    col(
      'Containers',
      (o) =>
        containers(o)
          .map((c) => str(c.name))
          .join(','),
      'string',
      1,
    ),
    col(
      'Images',
      (o) =>
        containers(o)
          .map((c) => str(c.image))
          .join(','),
      'string',
      1,
    ),
  ],
  ReplicaSet: [
    NAME,
    col('Desired', (o) => num(field(o, 'spec', 'replicas')), 'integer'),
    col('Current', (o) => num(field(o, 'status', 'replicas')), 'integer'),
    col('Ready', (o) => num(field(o, 'status', 'readyReplicas')), 'integer'),
    AGE,
  ],
  Pod: [
    NAME,
    col('Ready', (o) => {
      const statuses = field(o, 'status', 'containerStatuses');
      const list = Array.isArray(statuses) ? statuses : [];
      const total = Array.isArray(field(o, 'spec', 'containers'))
        ? (field(o, 'spec', 'containers') as unknown[]).length
        : 0;
      return `${list.filter((s) => field(s, 'ready') === true).length}/${total}`;
    }),
    col('Status', podStatusReason),
    col(
      'Restarts',
      (o) => {
        const statuses = field(o, 'status', 'containerStatuses');
        return Array.isArray(statuses)
          ? statuses.reduce((sum: number, s) => sum + num(field(s, 'restartCount')), 0)
          : 0;
      },
      'integer',
    ),
    AGE,
  ],
  Service: [
    NAME,
    col('Type', (o) => str(field(o, 'spec', 'type'))),
    col('Cluster-IP', (o) => str(field(o, 'spec', 'clusterIP'))),
    col('External-IP', () => '<none>'),
    col('Port(s)', (o) => {
      const ports = field(o, 'spec', 'ports');
      return Array.isArray(ports)
        ? ports.map((p) => `${num(field(p, 'port'))}/${str(field(p, 'protocol'), 'TCP')}`).join(',')
        : '<none>';
    }),
    AGE,
  ],
  ConfigMap: [
    NAME,
    col(
      'Data',
      (o) =>
        Object.keys(isObject(o.data) ? o.data : {}).length +
        Object.keys(isObject(o.binaryData) ? o.binaryData : {}).length,
      'integer',
    ),
    AGE,
  ],
  Secret: [
    NAME,
    col('Type', (o) => str(o.type)),
    col('Data', (o) => Object.keys(isObject(o.data) ? o.data : {}).length, 'integer'),
    AGE,
  ],
  Namespace: [NAME, col('Status', (o) => str(field(o, 'status', 'phase'))), AGE],
  Lease: [NAME, col('Holder', (o) => str(field(o, 'spec', 'holderIdentity'), '')), AGE],
  Job: [
    NAME,
    col('Status', (o) => {
      const conditions = field(o, 'status', 'conditions');
      const list = Array.isArray(conditions) ? conditions : [];
      const done: unknown = list.find(
        (c) =>
          (field(c, 'type') === 'Complete' || field(c, 'type') === 'Failed') && field(c, 'status') === 'True',
      );
      return done ? str(field(done, 'type')) : 'Running';
    }),
    col(
      'Completions',
      (o) => `${num(field(o, 'status', 'succeeded'))}/${num(field(o, 'spec', 'completions'))}`,
    ),
    AGE,
  ],
  Ingress: [
    NAME,
    col('Class', (o) => str(field(o, 'spec', 'ingressClassName'))),
    col('Hosts', (o) => {
      const rules = field(o, 'spec', 'rules');
      const hosts = Array.isArray(rules) ? rules.map((r) => str(field(r, 'host'), '*')) : [];
      return hosts.length > 0 ? hosts.join(',') : '*';
    }),
    col('Address', () => ''),
    col('Ports', () => '80'),
    AGE,
  ],
  HTTPRoute: [
    NAME,
    col('Hostnames', (o) => {
      const names = field(o, 'spec', 'hostnames');
      return Array.isArray(names) ? names.map(String).join(',') : '';
    }),
    AGE,
  ],
};

export function toTable(
  objects: KubeObject[],
  kind: string,
  resourceVersion: string,
  includeObject: string,
  withColumns = true,
  continueToken?: string,
): JsonObject {
  const columns = COLUMNS[kind] ?? [NAME, AGE];
  const metadata: JsonObject = { resourceVersion };
  if (continueToken) metadata.continue = continueToken;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: withColumns
      ? columns.map((c) => {
          const definition: JsonObject = {
            name: c.name,
            type: c.type,
            format: c.format ?? '',
            description: c.description,
            priority: c.priority,
          };
          return definition;
        })
      : null,
    rows: objects.map((object) => {
      const row: JsonObject = { cells: columns.map((c) => c.cell(object)) };
      if (includeObject === 'Object') row.object = object;
      else if (includeObject !== 'None') {
        row.object = {
          kind: 'PartialObjectMetadata',
          apiVersion: 'meta.k8s.io/v1',
          metadata: object.metadata,
        };
      }
      return row;
    }),
  };
}
