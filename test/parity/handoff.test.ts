import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFrontEnds, jenkinsUnavailable, type StepOutcome } from './front-ends/index.js';
import { readRecord, readRecords, type JsonRecord } from './records.js';
import { stopAgent } from './run-scenario.js';
import { recordSchemaValidator } from './schema.js';
import { APPLICATION, createWorkspace } from './spec.js';
import { actors, timeline } from './timeline.js';

/*
 * E10 hand-offs: one record store (one state directory, one host agent), three CI systems each in its own
 * checkout, taking turns on the same deployments. The records must read as one story: who created each
 * deployment from which front end, and which front end did each later step.
 */
const missingJenkins = jenkinsUnavailable();
if (missingJenkins) throw new Error(`the hand-off suite needs Jenkins' harness: ${missingJenkins}`);
const { github, gitlab, jenkins } = createFrontEnds();
const validateRecord = recordSchemaValidator();
const states: string[] = [];

afterAll(async () => {
  await Promise.all(states.map(stopAgent));
  await Promise.all([github.close(), gitlab.close(), jenkins.close()]);
});

/** One shared store, and a checkout of the same project per CI system. */
function sharedStore(label: string) {
  const state = path.join(mkdtempSync(path.join(os.tmpdir(), `eds-handoff-${label}-`)), 'state');
  states.push(state);
  return {
    state,
    github: createWorkspace('github', state),
    gitlab: createWorkspace('gitlab', state),
    jenkins: createWorkspace('jenkins', state),
  };
}

/** Collects what is wrong; fails once at the end with all of it and the store's history as a timeline. */
class Story {
  readonly problems: string[] = [];
  constructor(readonly state: string) {}

  step(what: string, outcome: StepOutcome, want: Partial<StepOutcome>): void {
    const got = Object.fromEntries(Object.keys(want).map((k) => [k, outcome[k as keyof StepOutcome]]));
    if (JSON.stringify(got) !== JSON.stringify(want))
      this.problems.push(
        `${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}\n${outcome.log.slice(-2500)}`,
      );
  }

  check(what: string, ok: boolean): void {
    if (!ok) this.problems.push(what);
  }

  finish(): void {
    const records = readRecords(this.state);
    for (const record of records)
      for (const error of validateRecord(record)) this.problems.push(`${record.deployment.id}: ${error}`);
    for (const record of records)
      if (!record.events.every((e) => e.by?.frontEnd))
        this.problems.push(`${record.deployment.id}: an event does not say which front end did it`);
    const report = this.problems.length
      ? `${this.problems.join('\n\n')}\n\n--- timeline of ${this.state} ---\n${timeline(records)}`
      : '';
    expect(report).toBe('');
  }
}

const eventBy = (record: JsonRecord, type: string) =>
  record.events.find((e) => e.type === type)?.by?.frontEnd;

describe('hand-offs between GitHub Actions, GitLab CI and Jenkins over one record store', () => {
  it('a canary started by the GitHub deploy action is promoted by a GitLab manual job and rolled back by Jenkins', async () => {
    const store = sharedStore('gh-gl-jk');
    const story = new Story(store.state);
    story.step('github: first release', await github.deploy(store.github, { environment: 'handoff' }), {
      failed: false,
      status: 'COMPLETED',
    });
    const canary = await github.deploy(store.github, { environment: 'handoff', versions: { web: '1.1.0' } });
    story.step('github: canary', canary, {
      failed: false,
      exitCode: 0,
      status: 'IN_PROGRESS',
      phase: 'PAUSED',
    });
    const promoted = await gitlab.promote(store.gitlab, 'handoff', canary.id);
    story.step('gitlab: promote job', promoted, {
      failed: false,
      exitCode: 0,
      id: canary.id,
      status: 'COMPLETED',
    });
    const rolledBack = await jenkins.rollback(store.jenkins, 'handoff');
    story.step('jenkins: edsRollback', rolledBack, { failed: false, exitCode: 0, status: 'COMPLETED' });

    const [first, started, rollback] = readRecords(store.state);
    story.check(
      `three deployments, got ${readRecords(store.state).length}`,
      readRecords(store.state).length === 3,
    );
    if (first && started && rollback) {
      story.check(
        `the canary reads github → gitlab, got ${actors(started).join(' → ')}`,
        actors(started).join() === 'github,gitlab',
      );
      story.check('the canary was created from github', started.deployment.metadata?.frontEnd === 'github');
      story.check('gitlab promoted it', eventBy(started, 'Promoted') === 'gitlab');
      story.check('gitlab completed it', eventBy(started, 'Completed') === 'gitlab');
      story.check('jenkins created the rollback', rollback.deployment.metadata?.frontEnd === 'jenkins');
      story.check(
        `the rollback reads jenkins only, got ${actors(rollback).join(' → ')}`,
        actors(rollback).join() === 'jenkins',
      );
      const request = (
        rollback.spec as { request: { versions: Record<string, string>; rollbackOf?: string | null } }
      ).request;
      story.check(
        `the rollback goes back to web 1.0.0, got ${JSON.stringify(request)}`,
        request.versions.web === '1.0.0',
      );
      story.check(
        `the rollback says what it rolls back (${String(request.rollbackOf)})`,
        !!request.rollbackOf,
      );
    }
    story.finish();
  }, 150_000);

  it('a canary started from Jenkins is aborted by the GitHub abort action', async () => {
    const store = sharedStore('jk-gh');
    const story = new Story(store.state);
    story.step('jenkins: first release', await jenkins.deploy(store.jenkins, { environment: 'handoff' }), {
      failed: false,
      status: 'COMPLETED',
    });
    const canary = await jenkins.deploy(store.jenkins, {
      environment: 'handoff',
      versions: { web: '1.1.0' },
    });
    story.step('jenkins: canary', canary, {
      failed: false,
      exitCode: 0,
      status: 'IN_PROGRESS',
      phase: 'PAUSED',
    });
    const aborted = await github.abort(store.github, 'handoff', canary.id);
    story.step('github: abort action', aborted, {
      failed: false,
      exitCode: 0,
      id: canary.id,
      status: 'CANCELLED',
      phase: 'ABORTED',
    });
    if (canary.id) {
      const record = readRecord(store.state, canary.id);
      story.check('the canary was created from jenkins', record.deployment.metadata?.frontEnd === 'jenkins');
      story.check(
        `github aborted it (${String(eventBy(record, 'Aborted'))})`,
        eventBy(record, 'Aborted') === 'github',
      );
      story.check(
        `the canary reads jenkins → github, got ${actors(record).join(' → ')}`,
        actors(record).join() === 'jenkins,github',
      );
    }
    story.finish();
  }, 150_000);

  it('a GitLab deploy in progress holds the lock: a GitHub deploy exits 4 naming it, or waits with wait-lock', async () => {
    const store = sharedStore('gl-gh-lock');
    const story = new Story(store.state);
    story.step('gitlab: first release', await gitlab.deploy(store.gitlab, { environment: 'slow' }), {
      failed: false,
      status: 'COMPLETED',
    });
    // 1.1.0 pauses 8s at 50% inside the GitLab job: the job holds the environment all that time.
    const holding = gitlab.deploy(store.gitlab, { environment: 'slow', versions: { web: '1.1.0' } });
    const holder = await lockHolder(store.state, 'slow', 30_000);
    story.check('the GitLab deploy took the lock', holder !== undefined);

    const refused = await github.deploy(store.github, { environment: 'slow', versions: { web: '1.2.0' } });
    story.step('github: deploy without wait-lock', refused, { failed: true, exitCode: 4 });
    story.check(
      `exit 4 names the holder ${String(holder)} and its front end: ${String(refused.reason)}`,
      !!holder && !!refused.reason?.includes(holder) && /via gitlab/.test(refused.reason ?? ''),
    );
    const waited = await github.deploy(store.github, {
      environment: 'slow',
      versions: { web: '1.2.0' },
      waitLock: '60s',
    });
    story.step('github: deploy with wait-lock 60s', waited, {
      failed: false,
      exitCode: 0,
      status: 'COMPLETED',
    });
    story.step('gitlab: the deploy that held the lock', await holding, {
      failed: false,
      status: 'COMPLETED',
    });

    if (holder && waited.id) {
      const held = readRecord(store.state, holder);
      const after = readRecord(store.state, waited.id);
      story.check(
        'the lock holder was deployed from gitlab',
        held.deployment.metadata?.frontEnd === 'gitlab',
      );
      story.check('the waiting deploy came from github', after.deployment.metadata?.frontEnd === 'github');
      const heldDone = (held.deployment as { completedAt?: string }).completedAt ?? '';
      story.check(
        `github's deployment started (${after.deployment.createdAt}) after gitlab's finished (${heldDone})`,
        heldDone !== '' && after.deployment.createdAt >= heldDone,
      );
    }
    story.finish();
  }, 150_000);
});

/** The deployment holding an environment's lock in a file store, once one does. */
async function lockHolder(
  state: string,
  environment: string,
  timeoutMs: number,
): Promise<string | undefined> {
  const dir = path.join(state, 'store', 'locks', APPLICATION, environment);
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (existsSync(dir)) {
      const newest = readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .at(-1);
      if (newest) {
        const lock = JSON.parse(readFileSync(path.join(dir, newest), 'utf8')) as {
          state: string;
          holder: string | null;
        };
        // Once the second deployment exists, a held lock is its (the first release's was released).
        if (lock.state === 'held' && lock.holder && readRecords(state).length >= 2) return lock.holder;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}
