import { DeploymentFailedError } from '@eds/core';
import type { KubeClient } from '../connection/kube-client.js';
import type { JobObject } from './kinds.js';
import { judgeJob } from './job-status.js';
import { ObjectCache } from './object-cache.js';

/**
 * Wait, on a watch, until each named Job is done by krane's rule (complete, or running for more than 5 s) or
 * fail at once with its reason (Failed condition, backoff limit). Bounded by `timeoutMs`.
 */
export async function waitForJobs(
  client: KubeClient,
  namespace: string,
  labelSelector: string,
  names: readonly string[],
  timeoutMs: number,
): Promise<void> {
  if (names.length === 0) return;
  const cache = new ObjectCache<JobObject>(
    client,
    `/apis/batch/v1/namespaces/${encodeURIComponent(namespace)}/jobs`,
    labelSelector,
  );
  try {
    await cache.start();
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        const pending: string[] = [];
        for (const name of names) {
          const job = cache.get(name);
          const verdict = job ? judgeJob(job) : { state: 'progressing' as const, message: 'not seen yet' };
          if (verdict.state === 'failed') {
            finish(
              new DeploymentFailedError(`Job/${name} failed: ${verdict.reason}: ${verdict.message}`, {
                code: 'JOB_FAILED',
              }),
            );
            return;
          }
          if (verdict.state !== 'done') pending.push(name);
        }
        if (pending.length === 0) finish();
      };
      const timer = setTimeout(
        () =>
          finish(
            new DeploymentFailedError(
              `Job(s) ${names.join(', ')} not done after ${Math.round(timeoutMs / 1000)}s`,
              { code: 'JOB_TIMEOUT' },
            ),
          ),
        timeoutMs,
      );
      // krane counts a Job running for 5 s as done: re-judge then even without a watch event.
      const tick = setInterval(check, 1000);
      const off = cache.onChange(check);
      const finish = (error?: Error) => {
        clearTimeout(timer);
        clearInterval(tick);
        off();
        if (error) reject(error);
        else resolve();
      };
      check();
    });
  } finally {
    cache.stop();
  }
}
