/** The fields of an EDS lock document that a Lease mirrors (see the core's records/lock.ts). */
interface LockFields {
  state?: string;
  holder?: string | null;
  acquiredAt?: string | null;
  renewedAt?: string | null;
  expiresAt?: string | null;
}

export interface LeaseSpec {
  holderIdentity?: string;
  acquireTime?: string;
  renewTime?: string;
  leaseDurationSeconds?: number;
}

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(iso: string): string {
  const date = new Date(iso);
  const base = date.toISOString().slice(0, 19);
  const millis = String(date.getUTCMilliseconds()).padStart(3, '0');
  return `${base}.${millis}000Z`;
}

/**
 * A lock as a Lease, so `kubectl get leases` and other tools see who holds the environment: holder →
 * holderIdentity, acquiredAt → acquireTime, renewedAt → renewTime, expiry → leaseDurationSeconds (from the
 * renewal). A free lock, or one held until promoted (no expiry), has no duration.
 */
export function leaseSpecOf(text: string): LeaseSpec {
  let lock: LockFields;
  try {
    lock = JSON.parse(text) as LockFields;
  } catch {
    return {};
  }
  const held = lock.state === 'held' && lock.holder;
  if (!held) return {};
  const spec: LeaseSpec = { holderIdentity: lock.holder as string };
  if (lock.acquiredAt) spec.acquireTime = microTime(lock.acquiredAt);
  if (lock.renewedAt) spec.renewTime = microTime(lock.renewedAt);
  if (lock.expiresAt && lock.renewedAt) {
    const seconds = Math.ceil(
      (new Date(lock.expiresAt).getTime() - new Date(lock.renewedAt).getTime()) / 1000,
    );
    spec.leaseDurationSeconds = Math.max(1, seconds);
  }
  return spec;
}
