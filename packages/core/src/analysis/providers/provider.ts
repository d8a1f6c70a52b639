import type { MetricsSource } from '../../targets/index.js';
import type { Clock } from '../clock.js';
import type { Condition } from '../condition.js';
import type { AnalysisMetric } from '../template.js';

/** What every provider gets: who is being analysed and how to reach the world. */
export interface ProviderContext {
  component: string;
  canaryVersion: string;
  /** Absent on a first deployment: relative conditions are then inconclusive. */
  stableVersion?: string;
  metrics: MetricsSource;
  signal: AbortSignal;
  /** Injected for tests and proxies; defaults to the global fetch. */
  fetch?: typeof fetch;
  clock: Clock;
}

/** One reading of one version. Providers read a single version; the evaluator asks twice for relative conditions. */
export interface MeasureRequest extends ProviderContext {
  version: string;
  role: 'canary' | 'stable';
  /** Router metrics cover this sliding window: the analysis interval. */
  windowMs: number;
  /** Below this many requests, router ratios and percentiles are too noisy to judge. */
  minRequests: number;
  /** Give up on the provider after this long (a provider error, not a failure). */
  timeoutMs: number;
}

/** A template metric after validation, with what the evaluator derived from it. */
export interface PreparedMetric {
  /** Unique name within the template (`name`, else `metric`, else the condition's metric, else the provider). */
  name: string;
  spec: AnalysisMetric;
  condition?: Condition;
  /** The quantity to read: the `metric` field or the metric named in the condition. */
  quantity?: string;
}

/**
 * A provider's answer. Errors (unreachable, bad response) are thrown instead: they count against
 * `consecutiveErrorLimit`, not as failures.
 */
export type ProviderReading =
  | { kind: 'value'; value: number; note?: string }
  /** A pass/fail decided by the provider itself (a command without numeric output: its exit code). */
  | { kind: 'verdict'; passed: boolean; note: string }
  /** Not enough data to judge, e.g. too few requests or an empty query result. */
  | { kind: 'inconclusive'; reason: string };

export interface FieldProblem {
  /** Path inside the metric, e.g. `['url']`. */
  path: (string | number)[];
  message: string;
}

export type MetricField = 'metric' | 'query' | 'url' | 'jsonPath' | 'command' | 'headers' | 'timeout';

export interface MetricProvider {
  readonly name: string;
  /** One line for error messages and docs. */
  readonly description: string;
  /** Optional metric fields this provider reads; others are rejected so typos and misplaced fields show. */
  readonly fields: readonly MetricField[];
  /** Whether a condition is required (a command can decide by its exit code alone). */
  readonly conditionRequired: boolean;
  /** Provider-specific checks of a metric, beyond the common schema. */
  validate(metric: AnalysisMetric, condition: Condition | undefined): FieldProblem[];
  measure(metric: PreparedMetric, request: MeasureRequest): Promise<ProviderReading>;
}

/** Thrown by providers for a measurement that could not be taken; the message is shown in the record. */
export class ProviderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderError';
  }
}
