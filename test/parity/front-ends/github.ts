import { runStep, type StepResult } from '../../github/runner.js';
import {
  pairLines,
  type DeployRequest,
  type FrontEnd,
  type StepOutcome,
  type Workspace,
} from './front-end.js';

/** Inputs every EDS action takes here: the shared state directory and no Deployments API mirror. */
const common = (ws: Workspace) => ({ state: ws.state, 'mirror-deployments': 'false' });

function outcome(step: StepResult): StepOutcome {
  const error = step.annotations.find((a) => a.level === 'error');
  const reason = error?.message ?? (step.outputs.result ? resultReason(step.outputs.result) : undefined);
  return {
    failed: step.code !== 0,
    exitCode: Number(step.outputs['exit-code'] ?? step.code),
    ...(step.outputs['deployment-id'] ? { id: step.outputs['deployment-id'] } : {}),
    ...(step.outputs.status ? { status: step.outputs.status } : {}),
    ...(step.outputs.phase ? { phase: step.outputs.phase } : {}),
    ...(reason ? { reason } : {}),
    log: `${step.stdout}\n${step.stderr}`,
  };
}

function resultReason(result: string): string | undefined {
  try {
    const parsed = JSON.parse(result) as { reason?: string | null };
    return parsed.reason ?? undefined;
  } catch {
    return undefined;
  }
}

/** GitHub Actions: each operation is one step running the committed `actions/<name>/dist/index.js`. */
export const github: FrontEnd = {
  name: 'github',
  async deploy(ws: Workspace, request: DeployRequest) {
    const inputs: Record<string, string> = {
      ...common(ws),
      environment: request.environment,
      versions: pairLines(request.versions),
      set: pairLines(request.set),
    };
    if (request.file) inputs.file = request.file;
    if (request.waitLock) inputs['wait-lock'] = request.waitLock;
    return outcome(await runStep('deploy', inputs, { workspace: ws.dir, timeoutMs: 90_000 }));
  },
  async promote(ws, environment, id) {
    const target = id ? { 'deployment-id': id } : { environment };
    return outcome(await runStep('promote', { ...common(ws), ...target }, { workspace: ws.dir }));
  },
  async abort(ws, environment, id) {
    const target = id ? { 'deployment-id': id } : { environment };
    return outcome(await runStep('abort', { ...common(ws), ...target }, { workspace: ws.dir }));
  },
  async rollback(ws, environment) {
    return outcome(await runStep('rollback', { ...common(ws), environment }, { workspace: ws.dir }));
  },
  async check(ws, environment, file) {
    const inputs: Record<string, string> = { state: ws.state, environment, sarif: '' };
    if (file) inputs.file = file;
    return outcome(await runStep('check', inputs, { workspace: ws.dir }));
  },
  async close() {},
};
