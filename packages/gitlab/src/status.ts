import type { MirroredSummary } from './summary.js';

/**
 * The statuses GitLab's Deployments API accepts when a deployment is created or updated. `created` and
 * `blocked` exist in GitLab but are set only by GitLab itself (`blocked` by protected-environment approvals);
 * the API answers 400 "status does not have a valid value" to them.
 */
export const API_DEPLOYMENT_STATUSES = ['running', 'success', 'failed', 'canceled'] as const;
export type ApiDeploymentStatus = (typeof API_DEPLOYMENT_STATUSES)[number];

export interface GitLabState {
  status: ApiDeploymentStatus;
  /** EDS waits at its approval gate: GitLab's notion of `blocked`, shown in the note since the API cannot set it. */
  blocked: boolean;
}

/** Map an EDS record onto GitLab: anything not finished is `running` (a paused canary is still rolling out). */
export function gitlabStateOf(
  summary: Pick<MirroredSummary, 'status' | 'phase' | 'pauseReason'>,
): GitLabState {
  switch (summary.status) {
    case 'COMPLETED':
      return { status: 'success', blocked: false };
    case 'FAILED':
      return { status: 'failed', blocked: false };
    case 'CANCELLED':
      return { status: 'canceled', blocked: false };
    default:
      return { status: 'running', blocked: summary.phase === 'PAUSED' && summary.pauseReason === 'approval' };
  }
}
