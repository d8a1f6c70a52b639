import type { DeploymentSummary } from '@eds/core';

/** The part of `eds --json` output the GitLab glue reads; a full DeploymentSummary satisfies it. */
export type MirroredSummary = Pick<
  DeploymentSummary,
  'id' | 'application' | 'environment' | 'status' | 'phase' | 'components' | 'endpoints' | 'reason'
> &
  Partial<Pick<DeploymentSummary, 'pauseReason' | 'currentStep'>>;
