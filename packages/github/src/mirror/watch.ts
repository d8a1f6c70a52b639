import type { DeploymentRecord, RecordStore } from '@eds/core';

/** Which record a running operation works on: a known id, or the next new one of an environment. */
export type WatchTarget =
  { id: string } | { application: string; environment: string; notId: string | undefined };

/**
 * Polls the record store while an operation runs in this process and reports every new revision, so the
 * mirror follows the record's changes as they happen (the service call returns only at the end).
 */
export function watchRecord(
  store: RecordStore,
  target: WatchTarget,
  onChange: (record: DeploymentRecord) => void,
  intervalMs = 500,
): { stop: () => Promise<void>; seen: () => DeploymentRecord | undefined } {
  let last: DeploymentRecord | undefined;
  let stopped = false;
  const poll = async (): Promise<void> => {
    const record =
      'id' in target
        ? await store.get(target.id)
        : await store.latest(target.application, target.environment);
    if (!record || ('notId' in target && record.deployment.id === target.notId)) return;
    if (last && last.deployment.id === record.deployment.id && last.revision === record.revision) return;
    last = record;
    onChange(record);
  };
  let running = poll().catch(() => undefined);
  const timer = setInterval(() => {
    running = running.then(() => (stopped ? undefined : poll())).catch(() => undefined);
  }, intervalMs);
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
    seen: () => last,
  };
}
