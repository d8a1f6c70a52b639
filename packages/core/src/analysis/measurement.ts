import { z } from 'zod';

/** Outcome of one measurement of one metric (Argo Rollouts' measurement phases). */
export const MEASUREMENT_PHASES = ['Successful', 'Failed', 'Error', 'Inconclusive'] as const;
export type MeasurementPhase = (typeof MEASUREMENT_PHASES)[number];

/**
 * One measurement, as kept in the deployment record. The schema lets the controller check measurements read
 * back from a record before resuming an analysis with them.
 */
export const MeasurementSchema = z.strictObject({
  /** The metric's name in the template. */
  metric: z.string().min(1),
  /** 0-based number of this measurement of this metric. */
  index: z.int().min(0),
  value: z.number().optional(),
  /** The stable version's value, for relative conditions and `compareWith: stable`. */
  stableValue: z.number().optional(),
  phase: z.enum(MEASUREMENT_PHASES),
  /** ISO 8601 time the measurement was taken. */
  at: z.iso.datetime(),
  /** What was measured and why it got its phase; redacted of secrets. */
  message: z.string(),
});
export type Measurement = z.infer<typeof MeasurementSchema>;

/** Verdict of a whole run. `Error`: a provider kept failing; the controller should treat it like `Failed`. */
export const ANALYSIS_PHASES = ['Successful', 'Failed', 'Inconclusive', 'Error'] as const;
export type AnalysisPhase = (typeof ANALYSIS_PHASES)[number];

/** Per-metric tally, so a summary can show e.g. `errorRate 4/5 successful`. */
export interface MetricSummary {
  metric: string;
  phase: AnalysisPhase | 'Running';
  measurements: number;
  successful: number;
  failed: number;
  inconclusive: number;
  errors: number;
  consecutiveErrors: number;
}

export interface AnalysisVerdict {
  phase: AnalysisPhase;
  /** Every measurement of the run, including those passed in to resume it, oldest first. */
  measurements: Measurement[];
  /** The measurement that decided a non-successful verdict (for the record and the summary). */
  failingMeasurement?: Measurement;
  /** One line naming the metric, the value and the condition, e.g. `errorRate 0.31 failed condition < 0.05 (...)`. */
  message: string;
  metrics: MetricSummary[];
}
