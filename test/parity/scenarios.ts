import type { FrontEnd, StepOutcome, Workspace } from './front-ends/index.js';
import { POLICY_FILE } from './spec.js';

/** What a CI user sees of one step, the same on every front end. */
export type Expected = Pick<StepOutcome, 'failed' | 'exitCode'> & { status?: string; phase?: string };

export interface Scenario {
  name: string;
  /** Environment that needs user traffic while the scenario runs (analysis measures it). */
  load?: string;
  /** The steps, as this front end runs them; one outcome per step. */
  run(frontEnd: FrontEnd, ws: Workspace): Promise<StepOutcome[]>;
  expected: Expected[];
  /** Final versions serving per component, by deployment in order. */
  versions: string[];
}

const ok = (status: string, phase: string): Expected => ({ failed: false, exitCode: 0, status, phase });
const done = ok('COMPLETED', 'COMPLETED');

/** Run steps one after the other, each after the previous one finished (like jobs of one pipeline). */
async function steps(...operations: (() => Promise<StepOutcome>)[]): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = [];
  for (const operation of operations) outcomes.push(await operation());
  return outcomes;
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'a rolling deploy',
    run: (fe, ws) =>
      steps(
        () => fe.deploy(ws, { environment: 'rolling' }),
        () => fe.deploy(ws, { environment: 'rolling', versions: { web: '1.1.0' } }),
      ),
    expected: [done, done],
    versions: ['1.0.0', '1.1.0'],
  },
  {
    name: 'a canary paused after analysis, then promoted',
    load: 'canary',
    run: (fe, ws) =>
      steps(
        () => fe.deploy(ws, { environment: 'canary' }),
        () => fe.deploy(ws, { environment: 'canary', versions: { web: '1.1.0' } }),
        () => fe.promote(ws, 'canary'),
      ),
    expected: [done, ok('IN_PROGRESS', 'PAUSED'), done],
    versions: ['1.0.0', '1.1.0'],
  },
  {
    name: 'a bad canary rolled back by analysis',
    load: 'canary',
    run: (fe, ws) =>
      steps(
        () => fe.deploy(ws, { environment: 'canary' }),
        () => fe.deploy(ws, { environment: 'canary', versions: { web: '1.3.0' }, set: { FAIL_RATE: '0.3' } }),
      ),
    expected: [done, { failed: true, exitCode: 1, status: 'FAILED', phase: 'ROLLED_BACK' }],
    versions: ['1.0.0', '1.3.0'],
  },
  {
    name: 'a blue-green release with preview checks, promoted',
    run: (fe, ws) =>
      steps(
        () => fe.deploy(ws, { environment: 'bluegreen' }),
        () => fe.deploy(ws, { environment: 'bluegreen', versions: { web: '1.1.0' } }),
        () => fe.promote(ws, 'bluegreen'),
      ),
    expected: [done, ok('IN_PROGRESS', 'PAUSED'), done],
    versions: ['1.0.0', '1.1.0'],
  },
  {
    name: 'a manual rollback to the previous deployment',
    run: (fe, ws) =>
      steps(
        () => fe.deploy(ws, { environment: 'rolling' }),
        () => fe.deploy(ws, { environment: 'rolling', versions: { web: '1.1.0' } }),
        () => fe.rollback(ws, 'rolling'),
      ),
    expected: [done, done, done],
    versions: ['1.0.0', '1.1.0', '1.0.0'],
  },
  {
    name: 'a PROD release blocked by policy (image :latest)',
    run: (fe, ws) =>
      steps(
        () => fe.check(ws, 'prod', POLICY_FILE),
        () => fe.deploy(ws, { environment: 'prod', file: POLICY_FILE }),
      ),
    expected: [
      { failed: true, exitCode: 3 },
      { failed: true, exitCode: 3, status: 'FAILED', phase: 'FAILED' },
    ],
    versions: ['1.0.0'],
  },
];
