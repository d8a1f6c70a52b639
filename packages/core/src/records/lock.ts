import { z } from 'zod';
import { TimestampSchema } from '../model/index.js';
import { ActorSchema } from './record.js';

export const LockSchema = z.strictObject({
  apiVersion: z.literal('eds/v1'),
  kind: z.literal('EnvironmentLock'),
  application: z.string(),
  environment: z.string(),
  state: z.enum(['held', 'free']),
  /** The deployment holding the environment. */
  holder: z.string().nullable(),
  owner: ActorSchema.nullable(),
  acquiredAt: TimestampSchema.nullable(),
  renewedAt: TimestampSchema.nullable(),
  /** Null while held without a running process, e.g. a canary paused until promoted. */
  expiresAt: TimestampSchema.nullable(),
  /** Why the last change happened: released, taken over after expiry, broken with --force by whom. */
  note: z.string(),
});
export type EnvironmentLock = z.infer<typeof LockSchema> & { revision: number };

export function isLockActive(lock: EnvironmentLock | undefined, now: Date): boolean {
  if (!lock || lock.state !== 'held') return false;
  return lock.expiresAt === null || new Date(lock.expiresAt).getTime() > now.getTime();
}

/** "held by hello.prod.… (alice via github, host runner-1 pid 42) since …, expires …" */
export function describeLock(lock: EnvironmentLock): string {
  if (lock.state !== 'held') return `free (${lock.note})`;
  const who = lock.owner
    ? `${lock.owner.user} via ${lock.owner.frontEnd}${lock.owner.host ? `, host ${lock.owner.host}` : ''}${
        lock.owner.pid !== undefined ? ` pid ${lock.owner.pid}` : ''
      }${lock.owner.jobUrl ? `, job ${lock.owner.jobUrl}` : ''}`
    : 'unknown owner';
  const expiry = lock.expiresAt
    ? `expires ${lock.expiresAt}`
    : 'held until the deployment is promoted or aborted';
  return `held by ${lock.holder ?? '?'} (${who}) since ${lock.acquiredAt ?? '?'}, ${expiry}`;
}
