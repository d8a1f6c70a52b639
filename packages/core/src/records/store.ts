import { ConflictError, LockedError, NotFoundError, ValidationError, EdsError } from '../errors/index.js';
import { assertTransition, DEPLOYMENT_TRANSITIONS, isTerminal, STEP_TRANSITIONS } from '../model/index.js';
import type { DocumentBackend, StoredDocument } from './backend.js';
import { parseDeploymentId } from './ids.js';
import { describeLock, isLockActive, LockSchema, type EnvironmentLock } from './lock.js';
import { DeploymentRecordSchema, RECORD_API_VERSION, type Actor, type DeploymentRecord } from './record.js';

export type NewRecord = Omit<DeploymentRecord, 'revision'>;

export interface ListOptions {
  application: string;
  environment: string;
  /** Newest first; default 20. */
  limit?: number;
}

export interface ListResult {
  records: DeploymentRecord[];
  /** Records that could not be read (corrupt, newer format): reported, never fatal to the listing. */
  problems: EdsError[];
}

export interface AcquireLockOptions {
  holder: string;
  owner: Actor;
  /** Null: held until released (a paused deployment). */
  ttlMs: number | null;
}

/** How many revisions of each record are kept on disk; older ones are history nobody reads. */
const KEEP_REVISIONS = 5;

function recordKey(id: string): string {
  const { application, environment } = parseDeploymentId(id);
  return `records/${application}/${environment}/${id}`;
}

function lockKey(application: string, environment: string): string {
  return `locks/${application}/${environment}`;
}

/**
 * Deployment status records and environment locks over a document backend. Every write is compare-and-swap on
 * a revision number; status changes are checked against the allowed transitions and the event history is
 * append-only, whichever process or front end writes.
 */
export class RecordStore {
  constructor(
    readonly backend: DocumentBackend,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  get description(): string {
    return this.backend.description;
  }

  #decode(document: StoredDocument): DeploymentRecord {
    let raw: unknown;
    try {
      raw = JSON.parse(document.text);
    } catch (cause) {
      throw new ValidationError('record file is corrupt (not JSON)', {
        code: 'CORRUPT_RECORD',
        file: document.location,
        cause,
      });
    }
    const apiVersion = (raw as { apiVersion?: unknown } | null)?.apiVersion;
    if (typeof apiVersion === 'string' && apiVersion !== RECORD_API_VERSION) {
      throw new ValidationError(
        `record was written in format ${apiVersion}, which this eds does not understand; upgrade eds`,
        {
          code: 'UNSUPPORTED_RECORD_VERSION',
          file: document.location,
          path: 'apiVersion',
          expected: RECORD_API_VERSION,
        },
      );
    }
    const parsed = DeploymentRecordSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ValidationError(`record file is corrupt: ${issue?.message ?? 'invalid'}`, {
        code: 'CORRUPT_RECORD',
        file: document.location,
        path: issue?.path.join('.') ?? '',
      });
    }
    return { ...parsed.data, revision: document.revision };
  }

  async get(id: string): Promise<DeploymentRecord | undefined> {
    const document = await this.backend.readLatest(recordKey(id));
    return document ? this.#decode(document) : undefined;
  }

  async require(id: string): Promise<DeploymentRecord> {
    const record = await this.get(id);
    if (!record)
      throw new NotFoundError(`deployment ${id} not found in ${this.backend.description}`, {
        code: 'DEPLOYMENT_NOT_FOUND',
      });
    return record;
  }

  /**
   * Write `next` as revision `expectedRevision + 1` (0 creates). Fails with a ConflictError when someone wrote
   * first: the caller re-reads and decides again (see `update`).
   */
  async put(next: NewRecord, expectedRevision: number, known?: DeploymentRecord): Promise<DeploymentRecord> {
    const key = recordKey(next.deployment.id);
    // The caller may hand over the revision it just read: the link-based create still refuses a stale write.
    const current =
      expectedRevision > 0
        ? known?.revision === expectedRevision
          ? known
          : await this.get(next.deployment.id)
        : undefined;
    if (expectedRevision > 0) {
      if (!current)
        throw new ConflictError(
          `deployment ${next.deployment.id} does not exist; cannot update revision ${expectedRevision}`,
        );
      if (current.revision !== expectedRevision) {
        throw new ConflictError(
          `deployment ${next.deployment.id} changed: revision ${current.revision} is newer than ${expectedRevision}`,
          { details: { id: next.deployment.id, expected: expectedRevision, actual: current.revision } },
        );
      }
      this.#checkChange(current, next);
    }
    const record: DeploymentRecord = { ...next, revision: expectedRevision + 1 };
    const valid = DeploymentRecordSchema.safeParse(record);
    if (!valid.success) {
      const issue = valid.error.issues[0];
      throw new ValidationError(`refusing to write an invalid record: ${issue?.message ?? ''}`, {
        code: 'INVALID_RECORD',
        path: issue?.path.join('.') ?? '',
      });
    }
    const written = await this.backend.create(key, record.revision, `${JSON.stringify(record, null, 1)}\n`);
    if (!written) {
      throw new ConflictError(
        `deployment ${next.deployment.id}: revision ${record.revision} was written by someone else first`,
        {
          details: { id: next.deployment.id, expected: expectedRevision },
        },
      );
    }
    if (record.revision > KEEP_REVISIONS) await this.backend.prune(key, KEEP_REVISIONS);
    return record;
  }

  /** Read-modify-write with retries on conflict. `mutate` must be a pure function of the record it gets. */
  async update(
    id: string,
    mutate: (record: DeploymentRecord) => NewRecord | undefined,
    attempts = 50,
  ): Promise<DeploymentRecord> {
    for (let attempt = 0; ; attempt += 1) {
      const current = await this.require(id);
      const next = mutate(structuredClone(current));
      if (next === undefined) return current;
      try {
        return await this.put(next, current.revision, current);
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
      }
    }
  }

  #checkChange(current: DeploymentRecord, next: NewRecord): void {
    const id = current.deployment.id;
    assertTransition(
      DEPLOYMENT_TRANSITIONS,
      current.deployment.status,
      next.deployment.status,
      `deployment ${id}`,
    );
    const previousSteps = new Map(
      current.pipeline.stages.flatMap((s) => s.steps.map((step) => [step.id, step.status] as const)),
    );
    for (const stage of next.pipeline.stages) {
      for (const step of stage.steps) {
        const before = previousSteps.get(step.id);
        if (before) assertTransition(STEP_TRANSITIONS, before, step.status, `step ${step.id} of ${id}`);
      }
    }
    const kept = next.events.slice(0, current.events.length);
    if (
      kept.length !== current.events.length ||
      kept.some((event, i) => event.seq !== current.events[i]?.seq || event.type !== current.events[i]?.type)
    ) {
      throw new ValidationError(`deployment ${id}: the event history is append-only`, {
        code: 'EVENTS_REWRITTEN',
      });
    }
  }

  async applications(): Promise<string[]> {
    return (await this.backend.children('records')).sort();
  }

  async environments(application: string): Promise<string[]> {
    return (await this.backend.children(`records/${application}`)).sort();
  }

  /** Newest first. Ids sort by time, so only the `limit` newest records are read. */
  async list({ application, environment, limit = 20 }: ListOptions): Promise<ListResult> {
    const ids = (await this.backend.children(`records/${application}/${environment}`)).sort().reverse();
    const records: DeploymentRecord[] = [];
    const problems: EdsError[] = [];
    for (const id of ids) {
      if (records.length >= limit) break;
      try {
        const record = await this.get(id);
        if (record) records.push(record);
      } catch (error) {
        if (error instanceof EdsError) problems.push(error);
        else throw error;
      }
    }
    return { records, problems };
  }

  /**
   * Keep at most `keep` deployments of an environment (default: the backend's, else all): the oldest finished
   * ones beyond that are deleted. Unfinished deployments, and the newest COMPLETED one (what a rollback goes
   * back to), are never deleted. Returns the ids removed.
   */
  async trimHistory(
    application: string,
    environment: string,
    keep = this.backend.defaultHistoryMax,
  ): Promise<string[]> {
    if (keep === undefined || keep < 1) return [];
    const ids = (await this.backend.children(`records/${application}/${environment}`)).sort().reverse();
    if (ids.length <= keep) return [];
    const newestCompleted = (await this.list({ application, environment, limit: keep })).records.some(
      (r) => r.deployment.status === 'COMPLETED',
    );
    const removed: string[] = [];
    let keptCompleted = newestCompleted;
    for (const id of ids.slice(keep)) {
      const record = await this.get(id).catch(() => undefined);
      if (!record || !isTerminal(record.deployment.status)) continue;
      if (!keptCompleted && record.deployment.status === 'COMPLETED') {
        keptCompleted = true;
        continue;
      }
      await this.backend.remove(recordKey(id));
      removed.push(id);
    }
    return removed;
  }

  async latest(application: string, environment: string): Promise<DeploymentRecord | undefined> {
    return (await this.list({ application, environment, limit: 1 })).records[0];
  }

  // ---- environment locks ------------------------------------------------------------------------------

  async getLock(application: string, environment: string): Promise<EnvironmentLock | undefined> {
    const document = await this.backend.readLatest(lockKey(application, environment));
    if (!document) return undefined;
    let raw: unknown;
    try {
      raw = JSON.parse(document.text);
    } catch (cause) {
      throw new ValidationError('lock file is corrupt', {
        code: 'CORRUPT_RECORD',
        file: document.location,
        cause,
      });
    }
    const parsed = LockSchema.safeParse(raw);
    if (!parsed.success)
      throw new ValidationError('lock file is corrupt', { code: 'CORRUPT_RECORD', file: document.location });
    return { ...parsed.data, revision: document.revision };
  }

  async #writeLock(
    current: EnvironmentLock | undefined,
    next: Omit<EnvironmentLock, 'revision'>,
  ): Promise<EnvironmentLock | undefined> {
    const revision = (current?.revision ?? 0) + 1;
    const key = lockKey(next.application, next.environment);
    const { revision: _stale, ...content } = next as EnvironmentLock;
    const ok = await this.backend.create(key, revision, `${JSON.stringify(content, null, 1)}\n`);
    if (!ok) return undefined;
    if (revision > KEEP_REVISIONS * 4) await this.backend.prune(key, KEEP_REVISIONS * 4);
    return { ...content, revision };
  }

  /**
   * Take the environment for `holder`. Re-entrant for the same holder (a resumed deployment re-takes its own
   * lock). An expired lock is taken over and the takeover noted. Otherwise a LockedError names the holder.
   */
  async acquireLock(
    application: string,
    environment: string,
    options: AcquireLockOptions,
  ): Promise<EnvironmentLock> {
    for (;;) {
      const now = this.clock();
      const current = await this.getLock(application, environment);
      if (current && isLockActive(current, now) && current.holder !== options.holder) {
        throw new LockedError(
          `environment ${environment} of ${application} is locked: ${describeLock(current)}`,
          {
            details: {
              holder: current.holder,
              owner: current.owner,
              acquiredAt: current.acquiredAt,
              expiresAt: current.expiresAt,
            },
          },
        );
      }
      const takeover = current?.state === 'held' && current.holder !== options.holder;
      const written = await this.#writeLock(current, {
        apiVersion: 'eds/v1',
        kind: 'EnvironmentLock',
        application,
        environment,
        state: 'held',
        holder: options.holder,
        owner: options.owner,
        acquiredAt:
          current?.state === 'held' && current.holder === options.holder
            ? current.acquiredAt
            : now.toISOString(),
        renewedAt: now.toISOString(),
        expiresAt: options.ttlMs === null ? null : new Date(now.getTime() + options.ttlMs).toISOString(),
        note: takeover
          ? `taken over from ${current.holder ?? '?'} after its lock expired at ${current.expiresAt ?? '?'}`
          : 'acquired',
      });
      if (written) return written;
      // Lost a race with another writer: look again.
    }
  }

  /** Release if (and only if) `holder` still holds it. */
  async releaseLock(
    application: string,
    environment: string,
    holder: string,
    note = 'released',
  ): Promise<void> {
    for (;;) {
      const current = await this.getLock(application, environment);
      if (!current || current.state !== 'held' || current.holder !== holder) return;
      const written = await this.#writeLock(current, {
        ...current,
        state: 'free',
        holder: null,
        owner: current.owner,
        expiresAt: null,
        note: `${note} by ${holder}`,
      });
      if (written) return;
    }
  }

  /** `eds unlock --force`: break whatever lock there is, recording who did it. Returns the lock that was broken. */
  async forceUnlock(
    application: string,
    environment: string,
    by: Actor,
  ): Promise<EnvironmentLock | undefined> {
    for (;;) {
      const current = await this.getLock(application, environment);
      if (!current || current.state !== 'held') return undefined;
      const written = await this.#writeLock(current, {
        ...current,
        state: 'free',
        holder: null,
        expiresAt: null,
        note: `broken with --force by ${by.user} via ${by.frontEnd}${by.host ? ` on ${by.host}` : ''} at ${this.clock().toISOString()} (was ${describeLock(current)})`,
      });
      if (written) return current;
    }
  }
}
