/**
 * Names of the actions' inputs and outputs, in one place (as actions/cache does): an `action.yml` declares
 * them, the code reads them only through these constants, and a test holds the two against each other.
 */
export const Inputs = {
  File: 'file',
  Environment: 'environment',
  Versions: 'versions',
  Set: 'set',
  Strategy: 'strategy',
  State: 'state',
  Store: 'store',
  Wait: 'wait',
  WaitLock: 'wait-lock',
  Timeout: 'timeout',
  VulnReports: 'vuln-reports',
  GithubToken: 'github-token',
  MirrorDeployments: 'mirror-deployments',
  TransientEnvironment: 'transient-environment',
  DeploymentId: 'deployment-id',
  Full: 'full',
  By: 'by',
  Decision: 'decision',
  Comment: 'comment',
  To: 'to',
  Sarif: 'sarif',
  Junit: 'junit',
  Markdown: 'markdown',
  OutputDir: 'output-dir',
  Format: 'format',
} as const;
export type InputName = (typeof Inputs)[keyof typeof Inputs];

export const Outputs = {
  DeploymentId: 'deployment-id',
  Status: 'status',
  Phase: 'phase',
  Environment: 'environment',
  EnvironmentUrl: 'environment-url',
  Record: 'record',
  Result: 'result',
  ExitCode: 'exit-code',
  GithubDeploymentId: 'github-deployment-id',
  Blocked: 'blocked',
  Sarif: 'sarif',
  Junit: 'junit',
  Markdown: 'markdown',
  Files: 'files',
  Hash: 'hash',
} as const;
export type OutputName = (typeof Outputs)[keyof typeof Outputs];
