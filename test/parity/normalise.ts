/**
 * What of a deployment record must be the same whichever front end drove it. Removed: ids, timestamps, who and
 * where (front-end metadata, users, hosts, pids, job URLs), endpoints and ports, durations, measured values,
 * free-text logs and the revision count. Kept: statuses, phases, steps (ids, names, kinds, statuses, attempts),
 * weights, stable versions, analysis verdicts (run and measurement phases), approvals' decisions, the spec
 * snapshot, reports, and the event types in order.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Keys dropped wherever they appear (ids stay: deployment ids in them are replaced, step ids are compared). */
const DROPPED_KEYS = new Set([
  'revision',
  'createdBy',
  'createdAt',
  'startedAt',
  'completedAt',
  'pausedAt',
  'acquiredAt',
  'renewedAt',
  'expiresAt',
  'at',
  'after',
  'metadata',
  'by',
  'host',
  'pid',
  'jobUrl',
  'logs',
  'value',
  'stableValue',
  'durationMs',
]);

/** Paths (dot-joined, `*` any key or index) dropped or reduced. */
const DROPPED_PATHS = [
  'spec.file',
  'events.*.message',
  'progress.analysis.*.message',
  'progress.analysis.*.measurements.*.message',
];
/** Maps whose keys matter but whose values (URLs with ports) do not. */
const KEYS_ONLY_PATHS = ['progress.endpoints'];

const matches = (pattern: string, at: string[]) => {
  const parts = pattern.split('.');
  return parts.length === at.length && parts.every((p, i) => p === '*' || p === at[i]);
};

/** Text with what varies between runs replaced: deployment ids, URLs, temp paths, decimals (measurements, seconds). */
export function normaliseText(text: string): string {
  return text
    .replace(/\b[a-z0-9-]+\.[a-z0-9-]+\.\d{17}\.[0-9a-f]{4}\b/g, '<deployment-id>')
    .replace(/https?:\/\/(127\.0\.0\.1|localhost):\d+/g, '<url>')
    .replace(/\/tmp\/[^\s"',)]+/g, '<path>')
    .replace(/(?<![\d.])\d+\.\d+(?![\d.])/g, '<n>')
    .replace(/\bpid \d+/g, 'pid <n>');
}

/** Timestamps under any name ending in `At` (`delayStartedAt` in step outputs, epoch ms or ISO). */
const isTimestampKey = (key: string) => DROPPED_KEYS.has(key) || /[a-z]At$/.test(key);

function walk(value: unknown, at: string[]): Json | undefined {
  if (DROPPED_PATHS.some((p) => matches(p, at))) return undefined;
  if (typeof value === 'string') return normaliseText(value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v, i) => walk(v, [...at, String(i)]) ?? null);
  if (typeof value === 'object') {
    if (KEYS_ONLY_PATHS.some((p) => matches(p, at))) return Object.keys(value).sort();
    const out: { [key: string]: Json } = {};
    for (const [key, v] of Object.entries(value)) {
      if (isTimestampKey(key)) continue;
      const kept = walk(v, [...at, key]);
      if (kept !== undefined) out[key] = kept;
    }
    return out;
  }
  return undefined;
}

/** A record reduced to what parity compares. */
export function normaliseRecord(record: unknown): Json {
  return walk(record, []) ?? null;
}
