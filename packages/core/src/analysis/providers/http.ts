import type { Condition } from '../condition.js';
import { parseJsonPath, printJsonPath, selectJsonPath } from '../json-path.js';
import { escapeForUrl, fillPlaceholders, noEscape, type PlaceholderValues } from '../placeholders.js';
import type { AnalysisMetric } from '../template.js';
import { checkHttpUrl, describeUrl, getJson, toNumber } from './http-util.js';
import {
  ProviderError,
  type FieldProblem,
  type MeasureRequest,
  type MetricProvider,
  type PreparedMetric,
  type ProviderReading,
} from './provider.js';
import { isEdsError } from '../../errors/index.js';

export function placeholderValues(request: MeasureRequest): PlaceholderValues {
  return {
    component: request.component,
    version: request.version,
    canaryVersion: request.canaryVersion,
    stableVersion: request.stableVersion ?? '',
  };
}

/** Fill placeholders in header values (not names); values go verbatim, they are not part of a URL. */
export function fillHeaders(
  headers: Record<string, string> | undefined,
  values: PlaceholderValues,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    out[name] = fillPlaceholders(value, values, noEscape);
  return out;
}

const SAMPLE: PlaceholderValues = { component: 'c', version: 'v', canaryVersion: 'v', stableVersion: 'v' };

export const httpProvider: MetricProvider = {
  name: 'http',
  description: 'GET a URL returning JSON and pick a number with jsonPath',
  fields: ['metric', 'url', 'jsonPath', 'headers', 'timeout'],
  conditionRequired: true,

  validate(metric: AnalysisMetric, _condition: Condition | undefined): FieldProblem[] {
    const problems: FieldProblem[] = [];
    if (metric.url === undefined) problems.push({ path: ['url'], message: 'the http provider needs a url' });
    else {
      const problem = checkHttpUrl(fillPlaceholders(metric.url, SAMPLE, escapeForUrl));
      if (problem) problems.push({ path: ['url'], message: problem });
    }
    if (metric.jsonPath !== undefined) {
      try {
        parseJsonPath(metric.jsonPath);
      } catch (error) {
        if (!isEdsError(error)) throw error;
        problems.push({ path: ['jsonPath'], message: error.message });
      }
    }
    return problems;
  },

  async measure(metric: PreparedMetric, request: MeasureRequest): Promise<ProviderReading> {
    const values = placeholderValues(request);
    const url = fillPlaceholders(metric.spec.url as string, values, escapeForUrl);
    const where = `GET ${describeUrl(url)}`;
    const response = await getJson(url, fillHeaders(metric.spec.headers, values), request);
    if (!response.ok) throw new ProviderError(`${where} answered ${response.status}: ${response.snippet}`);
    if (response.json === undefined)
      throw new ProviderError(`${where} did not return JSON: ${response.snippet}`);
    // Without a jsonPath the whole document must be the number.
    const path = metric.spec.jsonPath === undefined ? [] : parseJsonPath(metric.spec.jsonPath);
    const selection = selectJsonPath(response.json, path);
    if (!selection.found)
      throw new ProviderError(`${where}: no value at ${selection.missingAt} in ${response.snippet}`);
    const value = toNumber(selection.value);
    if (value === undefined) {
      throw new ProviderError(
        `${where}: value at ${printJsonPath(path)} is not a number: ${JSON.stringify(selection.value)?.slice(0, 100)}`,
      );
    }
    if (Number.isNaN(value))
      return { kind: 'inconclusive', reason: `${where}: value at ${printJsonPath(path)} is NaN` };
    return { kind: 'value', value };
  },
};
