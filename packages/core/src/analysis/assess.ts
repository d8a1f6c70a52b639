import type { AnalysisPhase, Measurement, MetricSummary } from './measurement.js';

export interface Limits {
  failureLimit: number;
  inconclusiveLimit: number;
  consecutiveErrorLimit: number;
}

/** Count a metric's measurements; consecutive errors are the trailing run of `Error`s (a good one resets it). */
export function tally(metric: string, measurements: readonly Measurement[]): Omit<MetricSummary, 'phase'> {
  let successful = 0;
  let failed = 0;
  let inconclusive = 0;
  let errors = 0;
  let consecutiveErrors = 0;
  for (const m of measurements) {
    if (m.phase === 'Error') {
      errors++;
      consecutiveErrors++;
      continue;
    }
    consecutiveErrors = 0;
    if (m.phase === 'Successful') successful++;
    else if (m.phase === 'Failed') failed++;
    else inconclusive++;
  }
  return {
    metric,
    measurements: measurements.length,
    successful,
    failed,
    inconclusive,
    errors,
    consecutiveErrors,
  };
}

/**
 * A metric's phase, Argo Rollouts style: beyond a limit the phase is settled at once (that is what lets a bad
 * canary be rolled back mid-analysis); otherwise the metric is Running until `final`.
 *
 * At the end, a metric with not a single successful measurement is not Successful even within its limits: an
 * analysis that never saw evidence of health must not promote (e.g. every reading inconclusive).
 */
export function assessMetric(
  counts: Omit<MetricSummary, 'phase'>,
  limits: Limits,
  final: boolean,
  requireSuccess: boolean,
): MetricSummary['phase'] {
  if (counts.failed > limits.failureLimit) return 'Failed';
  if (counts.consecutiveErrors > limits.consecutiveErrorLimit) return 'Error';
  if (counts.inconclusive > limits.inconclusiveLimit) return 'Inconclusive';
  if (!final) return 'Running';
  if (requireSuccess && counts.successful === 0 && counts.measurements > 0) {
    if (counts.failed > 0) return 'Failed';
    if (counts.inconclusive > 0) return 'Inconclusive';
    return 'Error';
  }
  return 'Successful';
}

const SEVERITY: Record<MetricSummary['phase'], number> = {
  Successful: 0,
  Running: 1,
  Inconclusive: 2,
  Error: 3,
  Failed: 4,
};

/** The run takes the worst phase of its metrics: Failed > Error > Inconclusive > Running > Successful. */
export function worstPhase(phases: readonly MetricSummary['phase'][]): MetricSummary['phase'] {
  return phases.reduce<MetricSummary['phase']>(
    (worst, p) => (SEVERITY[p] > SEVERITY[worst] ? p : worst),
    'Successful',
  );
}

export function isSettledFailure(
  phase: MetricSummary['phase'],
): phase is Exclude<AnalysisPhase, 'Successful'> {
  return phase === 'Failed' || phase === 'Error' || phase === 'Inconclusive';
}
