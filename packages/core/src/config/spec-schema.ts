import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  parseYamlDocument,
  problemsToError,
  toProblems,
  type AppSpec,
  type PathSegment,
  type PositionLookup,
  type SpecProblem,
} from '../model/index.js';
import { isEdsError } from '../errors/index.js';
import { parseSecretReference } from './secret-ref.js';

const FilePathSchema = z.string().min(1).describe('a path relative to eds.yaml');

/** Secret keys become environment variables and Secret data keys, so they have to be valid as both. */
export const SecretKeySchema = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    'an environment variable name (letters, digits, _; not starting with a digit)',
  );

export const SecretReferenceSchema = z.string().superRefine((text, ctx) => {
  try {
    parseSecretReference(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: isEdsError(error) ? error.message : String(error) });
  }
});

export const SecretsSpecSchema = z.record(SecretKeySchema, SecretReferenceSchema);

/** Like kustomize's `images:`: change a component image's name, tag or pin it by digest. */
export const ImageOverrideSchema = z.strictObject({
  name: z.string().min(1).optional(),
  tag: z
    .string()
    .regex(/^[\w][\w.-]{0,127}$/, 'a Docker tag')
    .optional(),
  digest: z
    .string()
    .regex(/^sha256:[a-f0-9]{64}$/, 'sha256: and 64 hex digits')
    .optional(),
});
export type ImageOverride = z.infer<typeof ImageOverrideSchema>;

const QuantitySchema = z.union([
  z.string().regex(/^\d+(\.\d+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/, 'a Kubernetes quantity such as 100m, 0.5, 128Mi'),
  z.number().positive(),
]);
const ResourceListSchema = z.strictObject({
  cpu: QuantitySchema.optional(),
  memory: QuantitySchema.optional(),
});
export const ResourcesSchema = z.strictObject({
  requests: ResourceListSchema.optional(),
  limits: ResourceListSchema.optional(),
});
export type ResourcesSpec = z.infer<typeof ResourcesSchema>;

const NamespaceSchema = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a Kubernetes namespace name');
const ValuesSchema = z.record(z.string(), z.unknown());
/** Keys are component names; `resources` also takes `'*'` for every component. */
const PerComponent = <T extends z.ZodType>(schema: T) => z.record(z.string(), schema);

const KubernetesFields = {
  /** Namespace of generated objects (default: the KUBERNETES target's namespace, else none). */
  namespace: NamespaceSchema.optional(),
  images: PerComponent(ImageOverrideSchema).optional(),
  resources: PerComponent(ResourcesSchema).optional(),
  replicas: PerComponent(z.number().int().min(0).max(1000)).optional(),
};

/** `config:` at the top of eds.yaml. */
export const ConfigSpecSchema = z.strictObject({
  /** Base values file (YAML or JSON). */
  base: FilePathSchema.optional(),
  /** Base values written inline (merged over `base`). */
  values: ValuesSchema.optional(),
  /** JSON Schema the rendered values must satisfy. */
  schema: FilePathSchema.optional(),
  /** Key → secret reference, for every environment. */
  secrets: SecretsSpecSchema.optional(),
  /** Directory of Kubernetes manifest templates (YAML with `${{ }}`). */
  templates: FilePathSchema.optional(),
  /** Overlay file per environment (alternative to `environments.<env>.config.overlay`). */
  overlays: z.record(z.string(), FilePathSchema).optional(),
  /** Generate a Deployment and a Service per component (templates of the same kind and name win). */
  generate: z.boolean().default(true),
  ...KubernetesFields,
});
export type ConfigSpec = z.infer<typeof ConfigSpecSchema>;

/** `environments.<env>.config:`. */
export const EnvironmentConfigSchema = z.strictObject({
  overlay: FilePathSchema.optional(),
  values: ValuesSchema.optional(),
  secrets: SecretsSpecSchema.optional(),
  ...KubernetesFields,
});
export type EnvironmentConfig = z.infer<typeof EnvironmentConfigSchema>;

export interface ParsedConfigSpec {
  config: ConfigSpec;
  environments: Record<string, EnvironmentConfig>;
}

function positionsOf(specFile: string | undefined, specText: string | undefined): PositionLookup | undefined {
  try {
    const text = specText ?? (specFile ? readFileSync(specFile, 'utf8') : undefined);
    return text === undefined ? undefined : parseYamlDocument(text, specFile ?? 'eds.yaml').position;
  } catch {
    return undefined; // positions are a help for messages, never a reason to fail
  }
}

function crossCheck(parsed: ParsedConfigSpec, spec: AppSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const environments = Object.keys(spec.environments);
  const components = spec.components.map((c) => c.name);
  for (const env of Object.keys(parsed.config.overlays ?? {})) {
    if (!environments.includes(env)) {
      problems.push({
        path: ['config', 'overlays', env],
        message: `overlay for environment "${env}", which does not exist; environments: ${environments.join(', ')}`,
        expected: `one of ${environments.join(', ')}`,
      });
    } else if (parsed.environments[env]?.overlay !== undefined) {
      problems.push({
        path: ['config', 'overlays', env],
        message: `environment "${env}" has two overlays (here and environments.${env}.config.overlay); keep one`,
      });
    }
  }
  const checkComponents = (base: PathSegment[], fields: ConfigSpec | EnvironmentConfig): void => {
    for (const field of ['images', 'resources', 'replicas'] as const) {
      for (const name of Object.keys(fields[field] ?? {})) {
        if (components.includes(name) || (field === 'resources' && name === '*')) continue;
        problems.push({
          path: [...base, field, name],
          message: `no component named "${name}"; components: ${components.join(', ')}`,
          expected: `one of ${components.join(', ')}${field === 'resources' ? ' or *' : ''}`,
        });
      }
    }
  };
  checkComponents(['config'], parsed.config);
  for (const [env, fields] of Object.entries(parsed.environments))
    checkComponents(['environments', env, 'config'], fields);
  return problems;
}

/** Problems found by a sub-schema, re-rooted at their place in eds.yaml (the schema walk needs sub-schema paths). */
function prefixed(base: PathSegment[], problems: SpecProblem[]): SpecProblem[] {
  return problems.map((p) => ({ ...p, path: [...base, ...p.path] }));
}

/**
 * Validate `config:` and every `environments.<env>.config:` of a parsed eds.yaml (the spec schema keeps them
 * opaque; this module owns their shape). Errors name the file, the line and the field path.
 */
export function parseConfigSpec(spec: AppSpec, specFile?: string, specText?: string): ParsedConfigSpec {
  const problems: SpecProblem[] = [];
  const top = ConfigSpecSchema.safeParse(spec.config ?? {}, { reportInput: true });
  if (!top.success)
    problems.push(...prefixed(['config'], toProblems(ConfigSpecSchema, top.error.issues, spec.config)));
  const environments: Record<string, EnvironmentConfig> = {};
  for (const [name, environment] of Object.entries(spec.environments)) {
    const result = EnvironmentConfigSchema.safeParse(environment.config ?? {}, { reportInput: true });
    if (result.success) environments[name] = result.data;
    else {
      const found = toProblems(EnvironmentConfigSchema, result.error.issues, environment.config);
      problems.push(...prefixed(['environments', name, 'config'], found));
    }
  }
  if (top.success && problems.length === 0) {
    const parsed = { config: top.data, environments };
    problems.push(...crossCheck(parsed, spec));
    if (problems.length === 0) return parsed;
  }
  throw problemsToError(problems, specFile, positionsOf(specFile, specText));
}
