/** Exit codes of `eds`: every command and every front end maps results to these. */
export const ExitCode = {
  Success: 0,
  DeploymentFailed: 1,
  InvalidInput: 2,
  BlockedByPolicy: 3,
  EnvironmentLocked: 4,
  Internal: 5,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
