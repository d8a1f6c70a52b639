import type { Condition } from '../condition.js';
import { escapeForPromQl, escapeForUrl, fillPlaceholders } from '../placeholders.js';
import type { AnalysisMetric } from '../template.js';
import { fillHeaders, placeholderValues } from './http.js';
import { checkHttpUrl, describeUrl, getJson, toNumber } from './http-util.js';
import {
  ProviderError,
  type FieldProblem,
  type MeasureRequest,
  type MetricProvider,
  type PreparedMetric,
  type ProviderReading,
} from './provider.js';

/**
 * Instant queries against the Prometheus HTTP API: `GET {url}/api/v1/query?query=...`. The answer is
 * `{ status: 'success', data: { resultType: 'vector' | 'scalar', result } }` or
 * `{ status: 'error', errorType, error }` (with a 4xx/5xx status).
 */

const SAMPLE = { component: 'c', version: 'v', canaryVersion: 'v', stableVersion: 'v' };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `[ <unix time>, "<value>" ]`, the shape of a sample in both vector and scalar results. */
function sampleValue(sample: unknown): number | undefined {
  return Array.isArray(sample) && sample.length === 2 ? toNumber(sample[1]) : undefined;
}

export function queryUrl(address: string, query: string): string {
  const base = address.replace(/\/+$/, '');
  return `${base}/api/v1/query?query=${encodeURIComponent(query)}`;
}

export const prometheusProvider: MetricProvider = {
  name: 'prometheus',
  description: 'instant PromQL query (query) against a Prometheus server (url); one series or a scalar',
  fields: ['metric', 'url', 'query', 'headers', 'timeout'],
  conditionRequired: true,

  validate(metric: AnalysisMetric, _condition: Condition | undefined): FieldProblem[] {
    const problems: FieldProblem[] = [];
    if (metric.url === undefined) {
      problems.push({
        path: ['url'],
        message: 'the prometheus provider needs url: the server address, e.g. http://prometheus:9090',
      });
    } else {
      const problem = checkHttpUrl(fillPlaceholders(metric.url, SAMPLE, escapeForUrl));
      if (problem) problems.push({ path: ['url'], message: problem });
    }
    if (metric.query === undefined || metric.query.trim() === '') {
      problems.push({ path: ['query'], message: 'the prometheus provider needs a PromQL query' });
    }
    return problems;
  },

  async measure(metric: PreparedMetric, request: MeasureRequest): Promise<ProviderReading> {
    const values = placeholderValues(request);
    const address = fillPlaceholders(metric.spec.url as string, values, escapeForUrl);
    const query = fillPlaceholders(metric.spec.query as string, values, escapeForPromQl);
    const url = queryUrl(address, query);
    const where = `Prometheus ${describeUrl(address)}`;
    const response = await getJson(url, fillHeaders(metric.spec.headers, values), request);
    const body = response.json;
    if (isObject(body) && body.status === 'error') {
      const type = typeof body.errorType === 'string' ? `${body.errorType}: ` : '';
      throw new ProviderError(
        `${where} rejected query ${JSON.stringify(query)}: ${type}${String(body.error)}`,
      );
    }
    if (!response.ok) throw new ProviderError(`${where} answered ${response.status}: ${response.snippet}`);
    if (!isObject(body) || body.status !== 'success' || !isObject(body.data)) {
      throw new ProviderError(`${where}: not a Prometheus query response: ${response.snippet}`);
    }
    const { resultType, result } = body.data;
    let value: number | undefined;
    if (resultType === 'scalar') {
      value = sampleValue(result);
    } else if (resultType === 'vector') {
      if (!Array.isArray(result)) throw new ProviderError(`${where}: vector result is not a list`);
      if (result.length === 0)
        return { kind: 'inconclusive', reason: `query ${JSON.stringify(query)} returned no data` };
      // Judging one arbitrary series of several would be a silent mistake: ask for an aggregation instead.
      if (result.length > 1) {
        throw new ProviderError(
          `query ${JSON.stringify(query)} returned ${result.length} series; aggregate it to one (e.g. sum(...) or max(...))`,
        );
      }
      const series: unknown = result[0];
      value = isObject(series) ? sampleValue(series.value) : undefined;
    } else {
      throw new ProviderError(
        `${where}: query ${JSON.stringify(query)} returned a ${String(resultType)}; expected a vector or scalar`,
      );
    }
    if (value === undefined) throw new ProviderError(`${where}: unreadable sample in ${response.snippet}`);
    // 0/0 in PromQL (e.g. an error ratio with no traffic) is NaN: no data, not a failure.
    if (Number.isNaN(value))
      return { kind: 'inconclusive', reason: `query ${JSON.stringify(query)} returned NaN` };
    return { kind: 'value', value };
  },
};
