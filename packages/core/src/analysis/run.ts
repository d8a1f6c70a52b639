import { z } from 'zod';
import { InternalError } from '../errors/index.js';
import type { MetricsSource } from '../targets/index.js';
import { assessMetric, isSettledFailure, tally, worstPhase, type Limits } from './assess.js';
import { abortReason, systemClock, type Clock } from './clock.js';
import { hasTimeUnit, printComparison } from './condition.js';
import { parseDuration } from './duration.js';
import { formatValue } from './format.js';
import { measureMetric } from './measure-metric.js';
import {
  MeasurementSchema,
  type AnalysisVerdict,
  type Measurement,
  type MetricSummary,
} from './measurement.js';
import { getProvider } from './providers/index.js';
import type { MeasureRequest, MetricProvider, PreparedMetric } from './providers/provider.js';
import { metricName, parseAnalysisTemplate, tryParseCondition } from './template.js';

export interface RunAnalysisOptions {
  /** The template as in eds.yaml (validated again here, so a record's copy is checked too). */
  template: unknown;
  component: string;
  canaryVersion: string;
  /** The version serving production traffic; relative conditions are inconclusive without it. */
  stableVersion?: string;
  /** The target's router metrics (used by the `router` provider). */
  metrics: MetricsSource;
  /**
   * `count` (default): take `count` measurements, then decide. `background`: measure until `signal` aborts,
   * failing as soon as a limit is exceeded; the abort then ends the run Successful (nothing went wrong).
   */
  mode?: 'count' | 'background';
  /** Aborting ends the run: a count-mode run rejects with `signal.reason`; see `mode` for background. */
  signal?: AbortSignal;
  clock?: Clock;
  fetch?: typeof fetch;
  /** Measurements already in the record: the run continues from them instead of starting over. */
  previous?: readonly Measurement[];
  /** When the analysis started (epoch ms, from the record): the first interval is timed from it. Default: now. */
  startedAt?: number;
  /** Called (and awaited) after each measurement, in order; persist it into the deployment record here. */
  onMeasurement?: (measurement: Measurement) => void | Promise<void>;
}

interface MetricRun {
  prepared: PreparedMetric;
  provider: MetricProvider;
  measurements: Measurement[];
}

/** Default per-measurement timeout: one interval, within 1 s..30 s, so a hung provider never stalls a rollback. */
function defaultTimeoutMs(intervalMs: number): number {
  return Math.min(30_000, Math.max(1_000, intervalMs));
}

/**
 * Run an analysis: every `interval` (after `initialDelay`) measure all metrics, and settle the verdict as soon
 * as it is certain. Measurement n of a run is taken at startedAt + initialDelay + (n+1) * interval: each one
 * judges the interval that just ended, so the router's window (= interval) is always full of canary traffic.
 */
export async function runAnalysis(options: RunAnalysisOptions): Promise<AnalysisVerdict> {
  const background = options.mode === 'background';
  const template = parseAnalysisTemplate(options.template, { background });
  const clock = options.clock ?? systemClock;
  const signal = options.signal ?? new AbortController().signal;
  const intervalMs = parseDuration(template.interval);
  const initialDelayMs = template.initialDelay === undefined ? 0 : parseDuration(template.initialDelay);
  // Background analysis ignores count: it ends when the rollout does (the signal) or when a limit is exceeded.
  const count = background ? Number.POSITIVE_INFINITY : (template.count ?? 0);
  if (!background && template.count === undefined) {
    // Only reachable through the background schema; a step analysis needs an end.
    throw new InternalError('an analysis in count mode needs count');
  }
  const limits: Limits = template;

  const previous = z.array(MeasurementSchema).safeParse(options.previous ?? []);
  if (!previous.success) {
    throw new InternalError(
      `stored analysis measurements are invalid: ${previous.error.issues[0]?.message ?? ''}`,
    );
  }
  const all: Measurement[] = [...previous.data].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  const runs: MetricRun[] = template.metrics.map((spec) => {
    const name = metricName(spec);
    const condition = tryParseCondition(spec.condition);
    const quantity = spec.metric ?? condition?.metric;
    const prepared: PreparedMetric = {
      name,
      spec,
      ...(condition === undefined ? {} : { condition }),
      ...(quantity === undefined ? {} : { quantity }),
    };
    return {
      prepared,
      provider: getProvider(spec.provider),
      measurements: all.filter((m) => m.metric === name),
    };
  });

  const summarize = (final: boolean): MetricSummary[] =>
    runs.map((run) => {
      const counts = tally(run.prepared.name, run.measurements);
      return { ...counts, phase: assessMetric(counts, limits, final, !background) };
    });
  const verdict = (summaries: MetricSummary[]): AnalysisVerdict =>
    buildVerdict(summaries, runs, all, limits, background);

  const startedAt = options.startedAt ?? clock.now();
  let due =
    all.length > 0
      ? all.reduce((latest, m) => Math.max(latest, Date.parse(m.at)), 0) + intervalMs
      : startedAt + initialDelayMs + intervalMs;

  for (;;) {
    const settled = summarize(false);
    if (isSettledFailure(worstPhase(settled.map((s) => s.phase)))) return verdict(settled);
    const pending = runs.filter((run) => run.measurements.length < count);
    if (pending.length === 0) return verdict(summarize(true));
    try {
      await clock.sleep(Math.max(0, due - clock.now()), signal);
    } catch (error) {
      if (!signal.aborted) throw error;
    }
    if (signal.aborted) {
      if (background) return verdict(summarize(true));
      throw abortReason(signal);
    }
    const roundStartedAt = clock.now();
    await measureRound(pending);
    if (signal.aborted) {
      if (background) return verdict(summarize(true));
      throw abortReason(signal);
    }
    // Keep the rhythm when (nearly) on time, so timer lateness does not add up; when a whole interval late
    // (a restart, a slow round) start a new rhythm instead of a burst of catch-up measurements.
    due = roundStartedAt - due >= intervalMs ? roundStartedAt + intervalMs : due + intervalMs;
  }

  /** Measure the given metrics in parallel; the first settled failure cancels the rest of the round. */
  async function measureRound(pending: MetricRun[]): Promise<void> {
    const round = new AbortController();
    const roundSignal = AbortSignal.any([signal, round.signal]);
    const base: Omit<MeasureRequest, 'version' | 'role' | 'timeoutMs'> = {
      component: options.component,
      canaryVersion: options.canaryVersion,
      ...(options.stableVersion === undefined ? {} : { stableVersion: options.stableVersion }),
      metrics: options.metrics,
      signal: roundSignal,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      clock,
      windowMs: intervalMs,
      minRequests: template.minRequests,
    };
    let persisted: Promise<void> = Promise.resolve();
    const tasks = pending.map(async (run) => {
      const timeoutMs =
        run.prepared.spec.timeout === undefined
          ? defaultTimeoutMs(intervalMs)
          : parseDuration(run.prepared.spec.timeout);
      const draft = await measureMetric(run.prepared, run.provider, { ...base, timeoutMs });
      if (draft === undefined || roundSignal.aborted) return;
      const measurement: Measurement = {
        ...draft,
        index: run.measurements.length,
        at: new Date(clock.now()).toISOString(),
      };
      run.measurements.push(measurement);
      all.push(measurement);
      const counts = tally(run.prepared.name, run.measurements);
      if (isSettledFailure(assessMetric(counts, limits, false, !background))) round.abort();
      // Chained, so the caller sees measurements in the order they were taken.
      const callback = options.onMeasurement;
      persisted = persisted.then(async () => {
        if (callback) await callback(measurement);
      });
      await persisted;
    });
    try {
      await Promise.all(tasks);
    } catch (error) {
      round.abort();
      await Promise.allSettled(tasks);
      throw error;
    }
  }
}

function buildVerdict(
  summaries: MetricSummary[],
  runs: MetricRun[],
  all: Measurement[],
  limits: Limits,
  background: boolean,
): AnalysisVerdict {
  const phase = worstPhase(summaries.map((s) => s.phase));
  const measurements = [...all];
  if (phase === 'Successful' || phase === 'Running') {
    const total = summaries.reduce((sum, s) => sum + s.measurements, 0);
    const parts = summaries.map((s) => `${s.metric} ${s.successful} of ${s.measurements} successful`);
    const message =
      background && total === 0
        ? 'background analysis stopped before its first measurement'
        : `${background ? 'background analysis stopped, no metric failed' : 'all metrics passed'}: ${parts.join(', ')}`;
    return { phase: 'Successful', measurements, message, metrics: summaries };
  }
  const index = summaries.findIndex((s) => s.phase === phase);
  const summary = summaries[index];
  const run = runs[index];
  const wanted = phase === 'Failed' ? 'Failed' : phase === 'Error' ? 'Error' : 'Inconclusive';
  const failing = [...run.measurements].reverse().find((m) => m.phase === wanted) ?? run.measurements.at(-1);
  const message = describeFailure(phase, summary, run, failing, limits);
  return {
    phase,
    measurements,
    ...(failing === undefined ? {} : { failingMeasurement: failing }),
    message,
    metrics: summaries,
  };
}

/** One line naming the metric, the value and the condition, e.g. `errorRate 0.31 failed condition < 0.05 (...)`. */
function describeFailure(
  phase: 'Failed' | 'Error' | 'Inconclusive',
  summary: MetricSummary,
  run: MetricRun,
  failing: Measurement | undefined,
  limits: Limits,
): string {
  const name = summary.metric;
  const of = `of ${summary.measurements} measurements`;
  if (phase === 'Failed') {
    const condition = run.prepared.condition;
    const counts = `(${summary.failed} ${of} failed, limit ${limits.failureLimit})`;
    if (condition === undefined || failing?.value === undefined) {
      return `${name} failed: ${failing?.message ?? 'no successful measurement'} ${counts}`;
    }
    const unit = hasTimeUnit(condition) ? 'ms' : '';
    const stable =
      failing.stableValue === undefined ? '' : `, stable ${formatValue(failing.stableValue, unit)}`;
    return `${name} ${formatValue(failing.value, unit)} failed condition ${printComparison(condition)} ${counts.slice(0, -1)}${stable})`;
  }
  if (phase === 'Error') {
    if (summary.consecutiveErrors > limits.consecutiveErrorLimit) {
      return `${name}: ${summary.consecutiveErrors} provider errors in a row (limit ${limits.consecutiveErrorLimit}); last: ${failing?.message ?? ''}`;
    }
    return `${name}: no successful measurement, only provider errors; last: ${failing?.message ?? ''}`;
  }
  if (summary.inconclusive > limits.inconclusiveLimit) {
    return `${name} inconclusive (${summary.inconclusive} ${of} inconclusive, limit ${limits.inconclusiveLimit}): ${failing?.message ?? ''}`;
  }
  return `${name}: no successful measurement (${summary.inconclusive} ${of} inconclusive): ${failing?.message ?? ''}`;
}
