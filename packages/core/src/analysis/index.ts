/**
 * Analysis: providers measure, conditions judge, the run decides.
 *
 * The controller calls, for an analysis step:
 *   const verdict = await runAnalysis({ template: step.analysis, component, canaryVersion, stableVersion,
 *     metrics: target.metrics, signal, clock, startedAt: stepStartedAt, previous: record.measurements,
 *     onMeasurement: (m) => persistIntoRecord(m) });
 * and with `mode: 'background'` for background analysis (abort the signal when the rollout ends).
 * `Failed` and `Error` mean roll back; `Inconclusive` means pause for a human (Argo's behaviour).
 */
export { runAnalysis, type RunAnalysisOptions } from './run.js';
export {
  AnalysisTemplateSchema,
  BackgroundAnalysisTemplateSchema,
  AnalysisMetricSchema,
  parseAnalysisTemplate,
  metricName,
  type AnalysisTemplate,
  type AnalysisTemplateInput,
  type BackgroundAnalysisTemplate,
  type AnalysisMetric,
  type ParseTemplateOptions,
} from './template.js';
export {
  MeasurementSchema,
  MEASUREMENT_PHASES,
  ANALYSIS_PHASES,
  type Measurement,
  type MeasurementPhase,
  type AnalysisPhase,
  type AnalysisVerdict,
  type MetricSummary,
} from './measurement.js';
export {
  parseCondition,
  printCondition,
  printComparison,
  evaluateCondition,
  isRelative,
  literalValue,
  type Condition,
  type ConditionOperand,
  type ConditionResult,
  type ConditionOutcome,
  type Comparison,
  type ConditionUnit,
  type NumberLiteral,
  type StableOperator,
} from './condition.js';
export { parseDuration, formatDuration, MAX_DURATION_MS } from './duration.js';
export {
  parseJsonPath,
  printJsonPath,
  selectJsonPath,
  type JsonPathSegment,
  type JsonPathSelection,
} from './json-path.js';
export { systemClock, createVirtualClock, type Clock, type VirtualClock } from './clock.js';
export { PLACEHOLDER_NAMES, type PlaceholderName } from './placeholders.js';
export {
  PROVIDERS,
  PROVIDER_NAMES,
  getProvider,
  ROUTER_METRICS,
  ProviderError,
  routerProvider,
  httpProvider,
  prometheusProvider,
  commandProvider,
  type RouterMetricName,
  type MetricProvider,
  type MetricField,
  type ProviderContext,
  type MeasureRequest,
  type PreparedMetric,
  type ProviderReading,
  type FieldProblem,
} from './providers/index.js';
