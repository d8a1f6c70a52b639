import type { DeploymentRecord } from '@eds/core';

/** The deployment status states GitHub accepts (REST "Create a deployment status"). */
export type GithubDeploymentState =
  'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

export interface MirroredStatus {
  state: GithubDeploymentState;
  description: string;
  environmentUrl?: string;
}

/** GitHub rejects a status description longer than 140 characters. */
export const MAX_DESCRIPTION = 140;

export function clip(text: string, max = MAX_DESCRIPTION): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

function versions(record: DeploymentRecord): string {
  return record.deployment.components.map((c) => `${c.name}=${c.version}`).join(', ');
}

/**
 * What GitHub should show for a record. GitHub has no "paused": a canary waiting for `promote` is live and
 * still in progress. An aborted deployment is no longer active; a failed or blocked one is a failure.
 */
export function statusOf(record: DeploymentRecord): MirroredStatus {
  const { status } = record.deployment;
  const { phase, currentStep, pauseReason, reason } = record.progress;
  const url = Object.values(record.progress.endpoints)[0];
  const withUrl = (s: MirroredStatus): MirroredStatus => (url ? { ...s, environmentUrl: url } : s);
  switch (status) {
    case 'PENDING':
      return {
        state: 'queued',
        description: clip(`EDS ${record.deployment.id}: queued (${versions(record)})`),
      };
    case 'IN_PROGRESS':
      if (phase === 'PAUSED') {
        const waitingFor =
          pauseReason === 'approval' ? 'approval' : pauseReason === 'duration' ? 'a timed pause' : 'promote';
        return withUrl({
          state: 'in_progress',
          description: clip(
            `paused at ${currentStep ?? 'a step'}, waiting for ${waitingFor} (${versions(record)})`,
          ),
        });
      }
      return withUrl({
        state: 'in_progress',
        description: clip(`${currentStep ? `at ${currentStep}` : 'running'} (${versions(record)})`),
      });
    case 'COMPLETED':
      return withUrl({ state: 'success', description: clip(`deployed ${versions(record)}`) });
    case 'CANCELLED':
      return { state: 'inactive', description: clip(`aborted${reason ? `: ${reason}` : ''}`) };
    case 'FAILED':
    default:
      return {
        state: 'failure',
        description: clip(
          `${record.reports.blockedByPolicy === true ? 'blocked by policy' : phase === 'ROLLED_BACK' ? 'rolled back' : 'failed'}${reason ? `: ${reason}` : ''}`,
        ),
      };
  }
}
