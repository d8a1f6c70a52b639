import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createProject, EDS_COMMAND, gitlabCiLocal, jobJson } from '../../gitlab/runner.js';
import { POLICY_FILE } from '../spec.js';
import type { DeployRequest, FrontEnd, StepOutcome, Workspace } from './front-end.js';

/** Environments of the parity spec that get the deploy, promote and rollback components. */
const ENVIRONMENTS = ['rolling', 'canary', 'bluegreen', 'handoff', 'slow'];

/**
 * The project's .gitlab-ci.yml: the CI/CD components as a team includes them, one set per environment, all on
 * the workspace's state directory (a runner volume). Job-level variables carry what differs per run
 * (versions, `--set`, how long to wait for the lock), word-split by the shell as `args` are.
 */
function pipeline(state: string): string {
  const common = `      mirror: none
      eds-command: ${EDS_COMMAND}
      state-dir: ${state}`;
  const includes = ENVIRONMENTS.flatMap((environment) => [
    `  - local: templates/deploy.yml
    inputs:
      environment: ${environment}
      args: $EDS_ARGS
      wait-lock: $EDS_WAIT_LOCK
${common}`,
    `  - local: templates/promote.yml
    inputs:
      environment: ${environment}
${common}`,
    `  - local: templates/rollback.yml
    inputs:
      environment: ${environment}
${common}`,
  ]);
  return `variables:
  EDS_ARGS: ''
  EDS_WAIT_LOCK: 0s
include:
${includes.join('\n')}
  - local: templates/deploy.yml
    inputs:
      job-prefix: policy
      environment: prod
      file: ${POLICY_FILE}
      wait-lock: 0s
${common}
  - local: templates/check.yml
    inputs:
      job-prefix: policy
      environment: prod
      file: ${POLICY_FILE}
      eds-command: ${EDS_COMMAND}
`;
}

/** gitlab-ci-local's verdict line and the `eds --json` object of one job. */
function outcome(output: string, job: string): StepOutcome {
  const passed = new RegExp(`PASS\\s+${job}\\b`).test(output);
  const failed = new RegExp(`FAIL\\s+${job}\\b`).test(output);
  if (!passed && !failed) throw new Error(`gitlab-ci-local did not run ${job}:\n${output}`);
  // The job's exit code is eds' (gitlab-ci-local: `JOB finished in 1.2 s  FAIL 3`); the JSON adds the rest.
  const code = new RegExp(`${job} finished in [\\d.]+ m?s\\s+FAIL (\\d+)`).exec(output);
  let json: {
    id?: string;
    status?: string;
    phase?: string;
    reason?: string | null;
    exitCode?: number;
    error?: { message: string };
  } = {};
  try {
    json = jobJson(output, job);
  } catch {
    // stderr lines can land inside the printed JSON in the job log; the verdict and exit code still stand
  }
  const reason = json.error?.message ?? json.reason ?? undefined;
  return {
    failed,
    exitCode: code ? Number(code[1]) : (json.exitCode ?? 0),
    ...(json.id ? { id: json.id } : {}),
    ...(json.status ? { status: json.status } : {}),
    ...(json.phase ? { phase: json.phase } : {}),
    ...(reason ? { reason } : {}),
    log: output,
  };
}

/** GitLab CI: each operation is one run of gitlab-ci-local with the job a user would start or click. */
export function createGitlab(): FrontEnd {
  const projects = new Map<string, string>();
  const project = (ws: Workspace): string => {
    let dir = projects.get(ws.dir);
    if (!dir) {
      const file = (name: string) => readFileSync(path.join(ws.dir, name), 'utf8');
      dir = createProject({
        'eds.yaml': file('eds.yaml'),
        [POLICY_FILE]: file(POLICY_FILE),
        '.gitlab-ci.yml': pipeline(ws.state),
      });
      projects.set(ws.dir, dir);
    }
    return dir;
  };
  const job = async (
    ws: Workspace,
    name: string,
    options: { manual?: boolean; variables?: Record<string, string> } = {},
  ) => {
    const args = options.manual ? [name, '--manual', name] : [name];
    const run = await gitlabCiLocal(project(ws), args, { variables: options.variables, timeoutMs: 120_000 });
    return outcome(run.output, name);
  };
  const byId = (id: string | undefined) => (id ? { EDS_DEPLOYMENT_ID: id } : undefined);
  return {
    name: 'gitlab',
    async deploy(ws: Workspace, request: DeployRequest) {
      if (request.file === POLICY_FILE) return job(ws, `policy-deploy-${request.environment}`);
      const words = [
        ...Object.entries(request.versions ?? {}).map(([k, v]) => `--set-version ${k}=${v}`),
        ...Object.entries(request.set ?? {}).map(([k, v]) => `--set ${k}=${v}`),
      ];
      return job(ws, `eds-deploy-${request.environment}`, {
        variables: { EDS_ARGS: words.join(' '), EDS_WAIT_LOCK: request.waitLock ?? '0s' },
      });
    },
    promote: (ws, environment, id) =>
      job(ws, `eds-promote-${environment}`, { manual: true, variables: byId(id) }),
    abort: (ws, environment, id) =>
      job(ws, `eds-abort-${environment}`, { manual: true, variables: byId(id) }),
    rollback: (ws, environment) => job(ws, `eds-rollback-${environment}`, { manual: true }),
    check: (ws, environment) => job(ws, `policy-check-${environment}`),
    async close() {},
  };
}
