import { ExitCode, type ExitCodeValue } from '../errors/index.js';
import type { DeploymentRecord, Phase } from './record.js';

/** The result every front end prints or maps to outputs: the `--json` contract of `eds`. */
export interface DeploymentSummary {
  id: string;
  application: string;
  environment: string;
  status: DeploymentRecord['deployment']['status'];
  phase: Phase;
  strategy: DeploymentRecord['deployment']['strategy'];
  components: {
    name: string;
    version: string;
    status: string;
    stableVersion: string | null;
    weights: Record<string, number>;
  }[];
  endpoints: Record<string, string>;
  currentStep: string | null;
  pauseReason: string | null;
  reason: string | null;
  createdBy: string;
  createdAt: string;
  completedAt: string | null;
  revision: number;
  /** The environment's approval gate, when it has one, and who has decided so far. */
  approvals: { required: number; approvers: string[]; given: { by: string; decision: string }[] } | null;
  exitCode: ExitCodeValue;
}

/** COMPLETED and a deployment waiting at a pause are successes; FAILED and CANCELLED are not. */
export function exitCodeOf(record: DeploymentRecord): ExitCodeValue {
  const { status } = record.deployment;
  if (status === 'FAILED' || status === 'CANCELLED') {
    return record.reports.blockedByPolicy === true ? ExitCode.BlockedByPolicy : ExitCode.DeploymentFailed;
  }
  return ExitCode.Success;
}

export function summarize(record: DeploymentRecord): DeploymentSummary {
  return {
    id: record.deployment.id,
    application: record.application,
    environment: record.deployment.environment,
    status: record.deployment.status,
    phase: record.progress.phase,
    strategy: record.deployment.strategy,
    components: record.deployment.components.map((c) => ({
      name: c.name,
      version: c.version,
      status: c.status,
      stableVersion: record.progress.stableVersions[c.name] ?? null,
      weights: record.progress.weights[c.name] ?? {},
    })),
    endpoints: record.progress.endpoints,
    currentStep: record.progress.currentStep,
    pauseReason: record.progress.pauseReason,
    reason: record.progress.reason,
    createdBy: record.deployment.createdBy,
    createdAt: record.deployment.createdAt,
    completedAt: record.deployment.completedAt,
    revision: record.revision,
    approvals: approvalsOf(record),
    exitCode: exitCodeOf(record),
  };
}

function approvalsOf(record: DeploymentRecord): DeploymentSummary['approvals'] {
  const environments = record.spec.application.environments as
    Record<string, { approvals?: { required: number; approvers: string[] } }> | undefined;
  const gate = environments?.[record.deployment.environment]?.approvals;
  if (!gate) return null;
  return {
    required: gate.required,
    approvers: gate.approvers,
    given: record.progress.approvals.map((a) => ({ by: a.by, decision: a.decision })),
  };
}
