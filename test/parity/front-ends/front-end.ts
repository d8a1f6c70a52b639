/**
 * One CI system driving `eds`, seen from a test: each operation runs the way that CI system runs it (an action
 * step, a gitlab-ci-local job, a Jenkins build) and reports what the CI user sees: did the step fail, with which
 * eds exit code, and the deployment it acted on.
 */
export type FrontEndName = 'github' | 'gitlab' | 'jenkins';

export const FRONT_END_NAMES: readonly FrontEndName[] = ['github', 'gitlab', 'jenkins'];

/** Where one front end works: its own workspace (eds.yaml) and the record store it shares with others. */
export interface Workspace {
  /** Directory holding `eds.yaml` and `policy.eds.yaml`. */
  dir: string;
  /** `--state DIR`: records, locks and the host agent. */
  state: string;
}

export interface DeployRequest {
  environment: string;
  /** Spec file relative to the workspace; `eds.yaml` by default. */
  file?: string;
  versions?: Record<string, string>;
  set?: Record<string, string>;
  /** How long to wait for an environment another deployment holds (e.g. `20s`); fail at once (exit 4) without. */
  waitLock?: string;
}

export interface StepOutcome {
  /** The CI step / job / build failed. */
  failed: boolean;
  /** The eds exit code the front end reported (0 success or paused, 1 failed, 2 input, 3 policy, 4 locked). */
  exitCode: number;
  id?: string;
  status?: string;
  phase?: string;
  /** eds' reason or error message, when the front end shows one. */
  reason?: string;
  /** Everything the CI system printed, for failure messages. */
  log: string;
}

export interface FrontEnd {
  readonly name: FrontEndName;
  deploy(ws: Workspace, request: DeployRequest): Promise<StepOutcome>;
  /**
   * Continue a paused deployment. `id` undefined: the front end's own hand-over (GitLab's dotenv from the deploy
   * job); given: a deployment started elsewhere.
   */
  promote(ws: Workspace, environment: string, id?: string): Promise<StepOutcome>;
  abort(ws: Workspace, environment: string, id?: string): Promise<StepOutcome>;
  rollback(ws: Workspace, environment: string): Promise<StepOutcome>;
  /** The security gate alone (`eds check`). */
  check(ws: Workspace, environment: string, file?: string): Promise<StepOutcome>;
  /** Stop background processes the front end started (not the agent). */
  close(): Promise<void>;
}

/** `a=1,b=2` style lines for inputs that take `KEY=VALUE` pairs one per line. */
export function pairLines(pairs: Record<string, string> | undefined): string {
  return Object.entries(pairs ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}
