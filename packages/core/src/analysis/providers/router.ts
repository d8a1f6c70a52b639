import type { VersionMetrics } from '../../targets/index.js';
import type { Condition } from '../condition.js';
import { formatDuration } from '../duration.js';
import type { AnalysisMetric } from '../template.js';
import type {
  FieldProblem,
  MeasureRequest,
  MetricProvider,
  PreparedMetric,
  ProviderReading,
} from './provider.js';

type Kind = 'ratio' | 'latency' | 'count';

/** Metrics the router measures per version, and what kind of number each is (for unit checks). */
export const ROUTER_METRICS = {
  errorRate: 'ratio',
  successRate: 'ratio',
  requests: 'count',
  errors5xx: 'count',
  p50: 'latency',
  p95: 'latency',
  p99: 'latency',
} as const satisfies Record<string, Kind>;
export type RouterMetricName = keyof typeof ROUTER_METRICS;

const KNOWN = Object.keys(ROUTER_METRICS).join(', ');

function isRouterMetric(name: string): name is RouterMetricName {
  return Object.hasOwn(ROUTER_METRICS, name);
}

function pick(name: RouterMetricName, m: VersionMetrics): number | undefined {
  switch (name) {
    case 'errorRate':
      return m.requests > 0 ? m.errorRate : undefined;
    case 'successRate':
      return m.requests > 0 ? 1 - m.errorRate : undefined;
    case 'requests':
      return m.requests;
    case 'errors5xx':
      return m.errors5xx;
    case 'p50':
    case 'p95':
    case 'p99':
      return m[name];
  }
}

export const routerProvider: MetricProvider = {
  name: 'router',
  description: "the target router's own per-version request metrics (" + KNOWN + ')',
  fields: ['metric'],
  conditionRequired: true,

  validate(metric: AnalysisMetric, condition: Condition | undefined): FieldProblem[] {
    const quantity = metric.metric ?? condition?.metric;
    if (quantity === undefined) {
      return [
        {
          path: ['metric'],
          message: `the router provider needs a metric (one of ${KNOWN}), in "metric" or the condition`,
        },
      ];
    }
    if (!isRouterMetric(quantity)) {
      const at = metric.metric !== undefined ? ['metric'] : ['condition'];
      return [{ path: at, message: `unknown router metric ${JSON.stringify(quantity)}; known: ${KNOWN}` }];
    }
    const unit = condition?.operand.literal?.unit;
    const kind: Kind = ROUTER_METRICS[quantity];
    const allowed: Record<Kind, readonly (string | undefined)[]> = {
      ratio: [undefined, '%'],
      latency: [undefined, 'ms', 's'],
      count: [undefined],
    };
    // Relative `stable * 1.2` multiplies by a plain factor: a unit there would be a mistake too.
    if (!allowed[kind].includes(unit)) {
      const hint =
        kind === 'ratio'
          ? 'a ratio such as 0.05 or 5%'
          : kind === 'latency'
            ? 'milliseconds, or ms/s'
            : 'a plain count';
      return [
        { path: ['condition'], message: `unit "${unit ?? ''}" does not fit ${quantity}: expected ${hint}` },
      ];
    }
    if (condition?.operand.kind === 'stable' && condition.operand.operator === '*' && unit !== undefined) {
      return [{ path: ['condition'], message: 'the factor after "stable *" takes no unit' }];
    }
    return [];
  },

  async measure(metric: PreparedMetric, request: MeasureRequest): Promise<ProviderReading> {
    const name = metric.quantity as RouterMetricName;
    const metrics = await request.metrics.read(request.component, request.version, request.windowMs);
    const window = formatDuration(request.windowMs);
    // Counts mean something at any traffic level; ratios and percentiles of a handful of requests do not.
    if (ROUTER_METRICS[name] !== 'count' && metrics.requests < request.minRequests) {
      return {
        kind: 'inconclusive',
        reason: `only ${metrics.requests} requests to ${request.role} ${request.version} in the last ${window} (minRequests ${request.minRequests})`,
      };
    }
    const value = pick(name, metrics);
    if (value === undefined)
      return { kind: 'inconclusive', reason: `no ${name} for ${request.version} in the last ${window}` };
    return {
      kind: 'value',
      value,
      note: `${metrics.requests} requests, ${metrics.errors5xx} 5xx in ${window}`,
    };
  },
};
