/**
 * The agent's control API: the zod schemas every request body and query is checked against, shared by the
 * agent (which validates) and the HostTarget client (which sends). Nothing reaches the agent's state without
 * passing through `parseInput`.
 */
import { z } from 'zod';
import { ValidationError } from '../../errors/index.js';

export const API_PREFIX = '/v1';

/** Component names appear in URLs, file names and log lines: keep them to a safe alphabet. */
export const componentNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
    'expected a name of letters, digits, ".", "_" or "-" (1-63 chars)',
  );

/** Versions also allow `+` (semver build metadata). */
export const versionNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/,
    'expected a version of letters, digits, ".", "_", "+" or "-" (1-128 chars)',
  );

const portSchema = z.number().int().min(1).max(65535);

export const runSpecSchema = z.object({
  command: z.string().min(1).max(16_384),
  port: portSchema.optional(),
  cwd: z.string().min(1).max(4096).optional(),
});

export const healthSpecSchema = z
  .object({
    http: z.string().startsWith('/', 'expected a path starting with "/"').max(2048).optional(),
    tcp: z.boolean().optional(),
    command: z.string().min(1).max(16_384).optional(),
    intervalMs: z.number().int().min(50).max(3_600_000),
    timeoutMs: z.number().int().min(10).max(600_000),
    healthyThreshold: z.number().int().min(1).max(100),
    unhealthyThreshold: z.number().int().min(1).max(100),
  })
  .refine(
    (h) => [h.http !== undefined, h.tcp === true, h.command !== undefined].filter(Boolean).length <= 1,
    {
      message: 'expected at most one of http, tcp, command',
    },
  );

const envNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,255}$/, 'expected an environment variable name');
export const envSchema = z.record(envNameSchema, z.string().max(65_536));

/** The maximum instances of one version on one host: a bound against typos like 1000. */
export const MAX_INSTANCES = 64;
const instancesSchema = z.number().int().min(0).max(MAX_INSTANCES);

/** PUT /v1/components/:c/versions/:v */
export const deployBodySchema = z.object({
  instances: instancesSchema,
  run: runSpecSchema,
  health: healthSpecSchema,
  env: envSchema.default({}),
  routerPort: portSchema.optional(),
});
export type DeployBody = z.infer<typeof deployBodySchema>;

/** PATCH /v1/components/:c/versions/:v */
export const scaleBodySchema = z.object({ instances: instancesSchema });

/** Header names are HTTP tokens; Node lower-cases incoming names, so matching is case-insensitive. */
const headerNameSchema = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/, 'expected an HTTP header name');
const cookieNameSchema = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/, 'expected a cookie name');

export const trafficMatchSchema = z
  .object({
    version: versionNameSchema,
    header: z.object({ name: headerNameSchema, value: z.string().max(4096) }).optional(),
    cookie: z.object({ name: cookieNameSchema, value: z.string().max(4096) }).optional(),
  })
  .refine((m) => (m.header === undefined) !== (m.cookie === undefined), {
    message: 'expected exactly one of header, cookie',
  });

export const weightsSchema = z.record(versionNameSchema, z.number().min(0).max(100)).refine(
  (w) => {
    const values = Object.values(w);
    if (values.length === 0) return true;
    return Math.abs(values.reduce((a, b) => a + b, 0) - 100) < 1e-6;
  },
  { message: 'expected weights summing to 100' },
);

/** PUT /v1/components/:c/traffic */
export const trafficBodySchema = z.object({
  weights: weightsSchema,
  matches: z.array(trafficMatchSchema).max(32).optional(),
});

/** POST /v1/components/:c/switch */
export const switchBodySchema = z.object({ version: versionNameSchema });

/** The longest metrics window the router keeps (its ring of one-second slots). */
export const MAX_WINDOW_MS = 300_000;

/** GET .../metrics?windowMs= */
export const metricsQuerySchema = z.object({
  windowMs: z.coerce.number().int().min(1000).max(MAX_WINDOW_MS).default(60_000),
});

/** What a failed API call answers: the EdsError as JSON. */
export interface ApiErrorBody {
  error: { code: string; exitCode: number; message: string; path?: string; expected?: string };
}

/** GET /v1/ping */
export interface PingResponse {
  ok: true;
  agent: 'eds-agent';
  pid: number;
  startedAt: string;
  stateDir: string;
}

function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  return out;
}

/**
 * Check untrusted input against a schema; on failure throw a ValidationError naming the first failing field,
 * e.g. `body.health.intervalMs: Too small: expected number to be >=50`.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const first = issues[0];
  const path = first ? formatPath(what, first.path) : what;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  throw new ValidationError(`${path}: ${first?.message ?? 'invalid'}${more}`, {
    path,
    code: 'INVALID_REQUEST',
  });
}
