/** Pod facts the workload controllers share. */
import type { KubeObject } from '../types.js';
import { field, text } from '../types.js';

export function isActive(pod: KubeObject): boolean {
  const phase = field(pod, 'status', 'phase');
  return !pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

function readyCondition(pod: KubeObject): { ready: boolean; since?: number } {
  const conditions = field(pod, 'status', 'conditions');
  if (!Array.isArray(conditions)) return { ready: false };
  const ready: unknown = conditions.find((c) => field(c, 'type') === 'Ready');
  if (field(ready, 'status') !== 'True') return { ready: false };
  const since = Date.parse(text(field(ready, 'lastTransitionTime')));
  return { ready: true, since: Number.isNaN(since) ? undefined : since };
}

export function isReady(pod: KubeObject): boolean {
  return readyCondition(pod).ready;
}

/** Ready for at least `minReadySeconds` (the definition of "available"). */
export function isAvailable(pod: KubeObject, minReadySeconds: number, nowMs: number): boolean {
  const { ready, since } = readyCondition(pod);
  if (!ready) return false;
  if (minReadySeconds <= 0) return true;
  return since !== undefined && since + minReadySeconds * 1000 <= nowMs;
}
