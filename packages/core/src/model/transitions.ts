import { ValidationError } from '../errors/index.js';
import type { InfrastructureStatus, Status } from './enums.js';

/**
 * Allowed status changes, as data. Every writer of a record goes through `assertTransition`, so a record can
 * never go from COMPLETED back to IN_PROGRESS, whatever process or front end wrote it.
 */
export const DEPLOYMENT_TRANSITIONS: Readonly<Record<Status, readonly Status[]>> = {
  PENDING: ['IN_PROGRESS', 'CANCELLED', 'FAILED'],
  IN_PROGRESS: ['COMPLETED', 'FAILED', 'CANCELLED'],
  COMPLETED: [],
  FAILED: [],
  CANCELLED: [],
};

/**
 * Steps may go IN_PROGRESS -> PENDING: a step that was running when its process died is re-queued on resume.
 * PENDING -> COMPLETED is a step skipped by its condition.
 */
export const STEP_TRANSITIONS: Readonly<Record<Status, readonly Status[]>> = {
  PENDING: ['IN_PROGRESS', 'COMPLETED', 'CANCELLED', 'FAILED'],
  IN_PROGRESS: ['COMPLETED', 'FAILED', 'CANCELLED', 'PENDING'],
  COMPLETED: [],
  FAILED: [],
  CANCELLED: [],
};

export const INFRASTRUCTURE_TRANSITIONS: Readonly<
  Record<InfrastructureStatus, readonly InfrastructureStatus[]>
> = {
  PROVISIONING: ['ACTIVE', 'FAILED', 'DELETING'],
  ACTIVE: ['UPDATING', 'DELETING', 'FAILED'],
  UPDATING: ['ACTIVE', 'FAILED', 'DELETING'],
  FAILED: ['PROVISIONING', 'UPDATING', 'DELETING'],
  DELETING: ['FAILED'],
};

export function canTransition<S extends string>(
  table: Readonly<Record<S, readonly S[]>>,
  from: S,
  to: S,
): boolean {
  return from === to || table[from].includes(to);
}

export function assertTransition<S extends string>(
  table: Readonly<Record<S, readonly S[]>>,
  from: S,
  to: S,
  what: string,
): void {
  if (!canTransition(table, from, to)) {
    const allowed = table[from];
    throw new ValidationError(
      `${what} cannot go from ${from} to ${to}` +
        (allowed.length ? ` (allowed: ${allowed.join(', ')})` : ` (${from} is final)`),
      { code: 'INVALID_TRANSITION', expected: allowed.join(' | ') || 'no change' },
    );
  }
}
