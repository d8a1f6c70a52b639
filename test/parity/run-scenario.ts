import { eds } from '../helpers/eds.js';
import type { FrontEnd, StepOutcome, Workspace } from './front-ends/index.js';
import { loadEnvironment } from './load.js';
import { readRecords, type JsonRecord } from './records.js';
import type { Scenario } from './scenarios.js';
import { APPLICATION, createWorkspace } from './spec.js';

export interface ScenarioRun {
  frontEnd: string;
  workspace: Workspace;
  outcomes: StepOutcome[];
  records: JsonRecord[];
  /** Answers the load saw, by version. */
  traffic: Record<string, number>;
}

/** Stop the host agent of a state directory (and the instances it runs). */
export async function stopAgent(state: string): Promise<void> {
  await eds(['--state', state, 'agent', 'stop'], { timeoutMs: 30_000 });
}

/** One scenario through one front end, in a workspace and state directory of its own. */
export async function runScenario(frontEnd: FrontEnd, scenario: Scenario): Promise<ScenarioRun> {
  const workspace = createWorkspace(frontEnd.name);
  const load = scenario.load ? loadEnvironment(workspace.state, APPLICATION, scenario.load) : undefined;
  let outcomes: StepOutcome[];
  let traffic: Record<string, number>;
  try {
    outcomes = await scenario.run(frontEnd, workspace);
  } finally {
    traffic = (await load?.stop()) ?? {};
    await stopAgent(workspace.state);
  }
  return { frontEnd: frontEnd.name, workspace, outcomes, records: readRecords(workspace.state), traffic };
}
