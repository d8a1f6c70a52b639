import type { JobObject } from './kinds.js';
import type { RolloutVerdict } from './verdict.js';

/** krane: a Job is done once it completed or has run for 5 s (long jobs are not waited for); failed on its Failed condition or its backoff limit. */
export function judgeJob(job: JobObject, now: Date = new Date()): RolloutVerdict {
  const status = job.status ?? {};
  const failed = status.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
  if (failed) {
    return { state: 'failed', reason: failed.reason ?? 'JobFailed', message: failed.message ?? 'job failed' };
  }
  const limit = job.spec?.backoffLimit ?? 6;
  if ((status.failed ?? 0) > 0 && (status.failed ?? 0) >= limit) {
    return {
      state: 'failed',
      reason: 'BackoffLimitExceeded',
      message: `${status.failed} failed pods, backoffLimit ${limit}`,
    };
  }
  if (status.conditions?.some((c) => c.type === 'Complete' && c.status === 'True')) {
    return { state: 'done', message: `${status.succeeded ?? 0} succeeded` };
  }
  if (status.startTime && now.getTime() - new Date(status.startTime).getTime() > 5000) {
    return { state: 'done', message: `running (${status.active ?? 0} active) for more than 5s` };
  }
  return {
    state: 'progressing',
    message: `${status.active ?? 0} active, ${status.succeeded ?? 0} succeeded`,
  };
}
