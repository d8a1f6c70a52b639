import { z } from 'zod';
import { isEdsError, ValidationError } from '../errors/index.js';
import { parseCondition, type Condition } from './condition.js';
import { parseDuration } from './duration.js';
import { unknownPlaceholders, PLACEHOLDER_NAMES } from './placeholders.js';
import { PROVIDERS, unknownProviderMessage } from './providers/index.js';
import type { MetricField } from './providers/provider.js';

/**
 * The analysis template as users write it in eds.yaml, e.g.
 *
 *   analysis: { interval: 1s, count: 5, failureLimit: 1,
 *               metrics: [ { provider: router, metric: errorRate, condition: "< 0.05" } ] }
 *
 * Durations stay as written (`"1s"` or `30`) in the parsed value, so parsing a parsed template again gives the
 * same result (records keep it); the evaluator converts them with parseDuration.
 */

const DURATION_EXPECTED = 'a duration such as "500ms", "1s", "2m", or a number of seconds';

/** Text or seconds, checked with parseDuration. */
const durationSchema = (options: { positive: boolean }) =>
  z
    .union([z.string(), z.number()], {
      error: (issue) =>
        issue.input === undefined ? `required: ${DURATION_EXPECTED}` : `expected ${DURATION_EXPECTED}`,
    })
    .describe('a duration: "500ms", "1s", "2m", "1h", "1m30s", or a number of seconds')
    .superRefine((value, ctx) => {
      try {
        const ms = parseDuration(value);
        if (options.positive && ms <= 0) ctx.addIssue({ code: 'custom', message: 'must be longer than 0' });
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: isEdsError(error) ? error.message : String(error) });
      }
    });

const PLACEHOLDER_FIELDS = ['url', 'query', 'command'] as const;
const OPTIONAL_FIELDS: readonly MetricField[] = [
  'metric',
  'query',
  'url',
  'jsonPath',
  'command',
  'headers',
  'timeout',
];

/** Parse a metric's condition, or undefined when it is absent or invalid (validation reports that). */
export function tryParseCondition(text: string | undefined): Condition | undefined {
  if (text === undefined) return undefined;
  try {
    return parseCondition(text);
  } catch {
    return undefined;
  }
}

export const AnalysisMetricSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "_", "." and "-"')
      .optional()
      .describe('Name in results and messages; defaults to the metric, else the provider'),
    provider: z
      .string()
      .min(1)
      .describe(`One of: ${Object.keys(PROVIDERS).join(', ')}`),
    metric: z
      .string()
      .min(1)
      .optional()
      .describe('What to measure, e.g. errorRate, p95 (router); a label elsewhere'),
    condition: z
      .string()
      .optional()
      .describe('e.g. "< 0.05", "p95 < 300ms", "errorRate <= stable + 0.01"; optional only for command'),
    compareWith: z
      .literal('stable')
      .optional()
      .describe('Also measure the stable version (implied by a relative condition)'),
    query: z.string().optional().describe('prometheus: PromQL; {{version}} etc. are filled in'),
    url: z.string().optional().describe('http: the URL to GET; prometheus: the server address'),
    jsonPath: z.string().optional().describe('http: where the number is in the JSON, e.g. $.data.value'),
    command: z.string().optional().describe('command: shell command line'),
    headers: z.record(z.string(), z.string()).optional().describe('http/prometheus: request headers'),
    timeout: durationSchema({ positive: true })
      .optional()
      .describe('Per-measurement timeout (default: the interval, 1s..30s)'),
  })
  .superRefine((metric, ctx) => {
    const provider = Object.hasOwn(PROVIDERS, metric.provider) ? PROVIDERS[metric.provider] : undefined;
    if (!provider) {
      ctx.addIssue({ code: 'custom', path: ['provider'], message: unknownProviderMessage(metric.provider) });
      return;
    }
    let condition: Condition | undefined;
    if (metric.condition === undefined) {
      if (provider.conditionRequired) {
        ctx.addIssue({
          code: 'custom',
          path: ['condition'],
          message: `a condition is required for the ${provider.name} provider`,
        });
      }
    } else {
      try {
        condition = parseCondition(metric.condition);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          path: ['condition'],
          message: isEdsError(error) ? error.message : String(error),
        });
      }
    }
    if (
      condition?.metric !== undefined &&
      metric.metric !== undefined &&
      condition.metric !== metric.metric
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['condition'],
        message: `condition names ${condition.metric} but metric is ${metric.metric}; name it in one place`,
      });
    }
    for (const field of OPTIONAL_FIELDS) {
      if (metric[field] !== undefined && !provider.fields.includes(field)) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `"${field}" is not used by the ${provider.name} provider (it reads: ${provider.fields.join(', ')})`,
        });
      }
    }
    const known = PLACEHOLDER_NAMES.map((n) => `{{${n}}}`).join(', ');
    for (const field of PLACEHOLDER_FIELDS) {
      const text = metric[field];
      for (const name of text === undefined ? [] : unknownPlaceholders(text)) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `unknown placeholder {{${name}}}; known: ${known}`,
        });
      }
    }
    for (const [header, value] of Object.entries(metric.headers ?? {})) {
      for (const name of unknownPlaceholders(value)) {
        ctx.addIssue({
          code: 'custom',
          path: ['headers', header],
          message: `unknown placeholder {{${name}}}; known: ${known}`,
        });
      }
    }
    for (const problem of provider.validate(metric, condition)) {
      ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
    }
  });
export type AnalysisMetric = z.output<typeof AnalysisMetricSchema>;

/** The name a metric goes by in measurements and messages. */
export function metricName(metric: AnalysisMetric): string {
  return metric.name ?? metric.metric ?? tryParseCondition(metric.condition)?.metric ?? metric.provider;
}

const templateFields = {
  interval: durationSchema({ positive: true }).describe(
    'Time between measurements; router metrics cover this window',
  ),
  count: z.int().min(1).describe('Number of measurements'),
  failureLimit: z.int().min(0).default(0).describe('Failed measurements tolerated per metric'),
  inconclusiveLimit: z.int().min(0).default(0).describe('Inconclusive measurements tolerated per metric'),
  consecutiveErrorLimit: z.int().min(0).default(4).describe('Provider errors in a row tolerated per metric'),
  minRequests: z
    .int()
    .min(0)
    .default(20)
    .describe('Router: fewer requests in a window make a measurement inconclusive'),
  initialDelay: durationSchema({ positive: false })
    .optional()
    .describe('Wait before the first interval starts'),
  metrics: z.array(AnalysisMetricSchema).min(1),
};

function checkUniqueNames(template: { metrics: AnalysisMetric[] }, ctx: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  template.metrics.forEach((metric, index) => {
    const name = metricName(metric);
    const first = seen.get(name);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['metrics', index, 'name'],
        message: `metric name ${JSON.stringify(name)} is also used by metrics[${first}]; give each metric a distinct name`,
      });
    } else seen.set(name, index);
  });
}

/** An analysis step (or blue-green pre/post-promotion analysis): `count` measurements. */
export const AnalysisTemplateSchema = z.strictObject(templateFields).superRefine(checkUniqueNames);
export type AnalysisTemplate = z.output<typeof AnalysisTemplateSchema>;
export type AnalysisTemplateInput = z.input<typeof AnalysisTemplateSchema>;

/** Background analysis runs until the rollout ends, so `count` may be left out (it is ignored). */
export const BackgroundAnalysisTemplateSchema = z
  .strictObject({ ...templateFields, count: templateFields.count.optional() })
  .superRefine(checkUniqueNames);
export type BackgroundAnalysisTemplate = z.output<typeof BackgroundAnalysisTemplateSchema>;

function formatPath(prefix: string | undefined, path: readonly PropertyKey[]): string {
  let text = prefix ?? '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}

/**
 * Parse a template outside the spec (tests, `eds pipeline run`); the spec embeds the schema directly. Throws a
 * ValidationError naming the field path of the first problem, with every problem in the message.
 */
export interface ParseTemplateOptions {
  /** Where the template sits in the spec, prefixed to field paths, e.g. `environments.prod.strategy.steps[1].analysis`. */
  path?: string;
  file?: string;
}
export function parseAnalysisTemplate(
  input: unknown,
  options?: ParseTemplateOptions & { background?: false },
): AnalysisTemplate;
export function parseAnalysisTemplate(
  input: unknown,
  options: ParseTemplateOptions & { background: boolean },
): BackgroundAnalysisTemplate;
export function parseAnalysisTemplate(
  input: unknown,
  options: ParseTemplateOptions & { background?: boolean } = {},
): BackgroundAnalysisTemplate {
  const schema = options.background ? BackgroundAnalysisTemplateSchema : AnalysisTemplateSchema;
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = formatPath(options.path, issue.path);
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`
        : issue.message;
    return { path, message };
  });
  const first = problems[0];
  const text = problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ');
  throw new ValidationError(`invalid analysis template: ${text}`, {
    code: 'INVALID_ANALYSIS',
    path: first.path,
    ...(options.file === undefined ? {} : { file: options.file }),
    details: { problems },
  });
}
