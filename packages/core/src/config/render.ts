import { createHash } from 'node:crypto';
import path from 'node:path';
import { ValidationError } from '../errors/index.js';
import {
  environmentOf,
  parseYamlDocument,
  type AppSpec,
  type Configuration,
  type PositionLookup,
} from '../model/index.js';
import { SecretValue } from '../secrets/index.js';
import { readFileSync } from 'node:fs';
import { canonicalJson, isPlainMap, sortKeysDeep } from './canonical.js';
import { buildContext, type InterpolationContext, type StrategyContext } from './context.js';
import type { SourceRef } from './errors.js';
import { ABSENT_FINGERPRINT, fingerprintSecret, loadFingerprintKey } from './fingerprint.js';
import { flattenToEnv } from './host-env.js';
import { ConfigResolver } from './interpolation/config-resolver.js';
import { validateAgainstSchema } from './json-schema.js';
import { mergeLayers, type Layer, type MergeResult } from './merge.js';
import { SECRET_RESOLVERS, type ResolveContext } from './resolvers/index.js';
import { parseSecretReference } from './secret-ref.js';
import { setFlagLayers } from './set-flags.js';
import { readConfigFile } from './source-file.js';
import { parseConfigSpec, type ParsedConfigSpec } from './spec-schema.js';
import { configDataOf } from './record-data.js';

export interface RenderRequest {
  /** `--set KEY=VALUE` flags, in order (later wins). */
  set?: readonly string[];
  /** `--set-version COMPONENT=VERSION`, already parsed. */
  versions?: Readonly<Record<string, string>>;
}

export interface SecretOptions {
  fetch?: typeof fetch;
  /** Timeout of each Vault request; default 5 s. */
  timeoutMs?: number;
  /** Fingerprint key; default: loaded from `stateDir` (see fingerprint.ts). */
  fingerprintKey?: Buffer;
  stateDir?: string;
}

export interface RenderConfigOptions {
  spec: AppSpec;
  /** Path of eds.yaml: relative file names in `config:` start from its directory; also used in messages. */
  specFile: string;
  /** The text of eds.yaml, when the caller has it (line numbers in messages); else read from specFile on error. */
  specText?: string;
  environment: string;
  request?: RenderRequest;
  /** Default `preview` (an `eds render` outside a deployment). */
  deploymentId?: string;
  strategy?: StrategyContext;
  secrets?: SecretOptions;
  /** Environment of secret references and Vault settings; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Render this stored configuration (a config rollback) instead of the sources; secrets are resolved again. */
  pinned?: Configuration;
}

export interface RenderedConfig {
  app: string;
  environment: string;
  deploymentId: string;
  /** Non-secret values: merged, interpolated, validated. */
  values: Record<string, unknown>;
  /** Resolved secrets: print as ***; reveal() only where the value must go (a host env, a Secret manifest). */
  secrets: Record<string, SecretValue>;
  /** Key → reference as written (`env:HELLO_API_TOKEN?`): what a record stores. */
  references: Record<string, string>;
  /** Key → keyed fingerprint (`hmac-sha256:…`, or `absent`). */
  fingerprints: Record<string, string>;
  /** `sha256:…` of the canonical values + references + fingerprints. */
  hash: string;
  /** Files the values came from (for messages and records). */
  sources: string[];
  context: InterpolationContext;
  configSpec: ParsedConfigSpec;
  /** Environment variables for host instances; the only place (besides a Secret manifest) secrets are revealed. */
  hostEnv(): Record<string, string>;
}

function specPositions(specFile: string, specText: string | undefined): PositionLookup {
  let lookup: PositionLookup | undefined | null;
  return (p) => {
    if (lookup === undefined) {
      try {
        lookup = parseYamlDocument(specText ?? readFileSync(specFile, 'utf8'), specFile).position;
      } catch {
        lookup = null;
      }
    }
    return lookup ? lookup(p) : undefined;
  };
}

async function sourceLayers(
  options: RenderConfigOptions,
  parsed: ParsedConfigSpec,
): Promise<{ layers: Layer[]; files: string[] }> {
  const baseDir = path.dirname(options.specFile);
  const position = specPositions(options.specFile, options.specText);
  const inline = (value: Record<string, unknown> | undefined, prefix: string[]): Layer[] =>
    value ? [{ value, source: { file: options.specFile, prefix, position } satisfies SourceRef }] : [];
  const envConfig = parsed.environments[options.environment] ?? {};
  const overlay = envConfig.overlay ?? parsed.config.overlays?.[options.environment];
  const files = [parsed.config.base, overlay]
    .filter((f): f is string => f !== undefined)
    .map((f) => path.join(baseDir, f));
  const [baseFile, overlayFile] = await Promise.all([
    parsed.config.base ? readConfigFile(path.join(baseDir, parsed.config.base)) : undefined,
    overlay ? readConfigFile(path.join(baseDir, overlay)) : undefined,
  ]);
  const layers: Layer[] = [
    ...(baseFile ? [baseFile] : []),
    ...inline(parsed.config.values, ['config', 'values']),
    ...(overlayFile ? [overlayFile] : []),
    ...inline(envConfig.values, ['environments', options.environment, 'config', 'values']),
  ];
  return { layers, files };
}

async function resolveSecrets(
  options: RenderConfigOptions,
  references: Record<string, string>,
  where: Record<string, string>,
): Promise<{ secrets: Record<string, SecretValue>; fingerprints: Record<string, string> }> {
  const env = options.env ?? process.env;
  const context: ResolveContext = {
    env,
    baseDir: path.dirname(options.specFile),
    fetch: options.secrets?.fetch ?? fetch,
    timeoutMs: options.secrets?.timeoutMs ?? 5000,
    cache: new Map(),
  };
  const keys = Object.keys(references).sort();
  const key = keys.length
    ? (options.secrets?.fingerprintKey ??
      (await loadFingerprintKey({ stateDir: options.secrets?.stateDir, env })))
    : Buffer.alloc(0);
  const resolved = await Promise.all(
    keys.map(async (name) => {
      const reference = parseSecretReference(references[name]);
      const resolver = SECRET_RESOLVERS[reference.scheme];
      const value = await resolver?.resolve(reference.body, reference.text, context);
      if (value === undefined && !reference.optional) {
        throw new ValidationError(`secret ${name}: ${reference.text} is not set`, {
          code: 'SECRET_NOT_FOUND',
          file: options.specFile,
          path: where[name] ?? name,
          expected: `${reference.text} to resolve (or mark it optional with a trailing "?")`,
          details: { key: name, reference: reference.text },
        });
      }
      return [name, value] as const;
    }),
  );
  const secrets: Record<string, SecretValue> = {};
  const fingerprints: Record<string, string> = {};
  for (const [name, value] of resolved) {
    if (value === undefined) fingerprints[name] = ABSENT_FINGERPRINT;
    else {
      secrets[name] = new SecretValue(value);
      fingerprints[name] = fingerprintSecret(key, value);
    }
  }
  return { secrets, fingerprints };
}

export function configHash(
  values: unknown,
  references: Record<string, string>,
  fingerprints: Record<string, string>,
): string {
  const secrets = Object.fromEntries(
    Object.keys(references).map((k) => [k, { reference: references[k], fingerprint: fingerprints[k] }]),
  );
  return `sha256:${createHash('sha256').update(canonicalJson({ values, secrets })).digest('hex')}`;
}

/**
 * Render an application's configuration for one environment: base < overlay < inline environment values <
 * request `--set`, interpolated, checked against `config.schema`, secrets resolved just in time.
 */
export async function renderConfig(options: RenderConfigOptions): Promise<RenderedConfig> {
  const { spec, environment } = options;
  const environmentSpec = environmentOf(spec, environment, options.specFile);
  const parsed = parseConfigSpec(spec, options.specFile, options.specText);
  const envConfig = parsed.environments[environment] ?? {};
  const deploymentId = options.deploymentId ?? 'preview';
  const versions = options.request?.versions ?? {};
  for (const name of Object.keys(versions)) {
    if (!spec.components.some((c) => c.name === name)) {
      throw new ValidationError(`no component named "${name}"`, {
        code: 'UNKNOWN_COMPONENT',
        path: '--set-version',
        expected: spec.components.map((c) => c.name).join(', '),
      });
    }
  }
  const context = buildContext(
    spec,
    parsed,
    environment,
    environmentSpec,
    deploymentId,
    versions,
    options.strategy ?? {},
  );

  let values: Record<string, unknown>;
  let references: Record<string, string>;
  let merged: MergeResult | undefined;
  let files: string[] = [];
  const where: Record<string, string> = {};
  if (options.pinned) {
    values = configDataOf(options.pinned).values;
    references = { ...options.pinned.secrets };
  } else {
    const sources = await sourceLayers(options, parsed);
    files = sources.files;
    merged = mergeLayers(sources.layers);
    merged = mergeLayers(setFlagLayers(options.request?.set ?? [], merged.value), merged);
    values = sortKeysDeep(
      new ConfigResolver(merged.value, merged.origins, { ...context }).resolveAll(),
    ) as Record<string, unknown>;
    references = {};
    for (const [name, ref] of Object.entries(parsed.config.secrets ?? {})) {
      references[name] = ref;
      where[name] = `config.secrets.${name}`;
    }
    for (const [name, ref] of Object.entries(envConfig.secrets ?? {})) {
      references[name] = ref;
      where[name] = `environments.${environment}.config.secrets.${name}`;
    }
  }
  for (const name of Object.keys(references)) {
    if (isPlainMap(values) && Object.prototype.hasOwnProperty.call(values, name)) {
      throw new ValidationError(`"${name}" is both a config value and a secret; keep one`, {
        code: 'CONFIG_KEY_COLLISION',
        file: options.specFile,
        path: where[name] ?? `secrets.${name}`,
      });
    }
  }
  if (parsed.config.schema) {
    const schemaFile = path.join(path.dirname(options.specFile), parsed.config.schema);
    await validateAgainstSchema(values, schemaFile, schemaFile, merged?.origins);
  }
  // Checked before secrets are fetched: a bad key must not cost a Vault round trip.
  flattenToEnv(values);
  const { secrets, fingerprints } = await resolveSecrets(options, references, where);
  const hash = configHash(values, references, fingerprints);
  return {
    app: spec.name,
    environment,
    deploymentId,
    values,
    secrets,
    references,
    fingerprints,
    hash,
    sources: files,
    context,
    configSpec: parsed,
    hostEnv: () => {
      const names = new Map<string, string[]>();
      const out = flattenToEnv(values, names);
      for (const [name, secret] of Object.entries(secrets)) {
        const envName = flattenToEnv({ [name]: '' }, names);
        for (const key of Object.keys(envName)) out[key] = secret.reveal();
      }
      return out;
    },
  };
}
