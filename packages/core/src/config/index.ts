// The configuration manager: sources and overlays, interpolation, secret references, versions, rendering.
export {
  ConfigSpecSchema,
  EnvironmentConfigSchema,
  SecretReferenceSchema,
  ImageOverrideSchema,
  ResourcesSchema,
  parseConfigSpec,
  type ConfigSpec,
  type EnvironmentConfig,
  type ParsedConfigSpec,
  type ImageOverride,
  type ResourcesSpec,
} from './spec-schema.js';
export { mergeLayers, type Layer, type MergeResult } from './merge.js';
export { parseSetFlag, setFlagLayers, coerceLike, type SetFlag } from './set-flags.js';
export { parseTemplate, hasExpression, type Expr, type TemplatePart } from './interpolation/parser.js';
export {
  interpolateString,
  interpolateTree,
  lookupPath,
  MISSING,
  type Scope,
  type Where,
} from './interpolation/evaluate.js';
export { parseSecretReference, type SecretReference } from './secret-ref.js';
export {
  SECRET_RESOLVERS,
  registerSecretResolver,
  type SecretResolver,
  type ResolveContext,
} from './resolvers/index.js';
export {
  loadFingerprintKey,
  fingerprintSecret,
  FINGERPRINT_KEY_FILE,
  FINGERPRINT_KEY_ENV,
  ABSENT_FINGERPRINT,
} from './fingerprint.js';
export { readConfigFile, readYamlStream } from './source-file.js';
export { canonicalJson, canonicalYaml, sortKeysDeep } from './canonical.js';
export { envVarName, flattenToEnv } from './host-env.js';
export { componentImage, parseImageRef, formatImageRef } from './image-ref.js';
export type { StrategyContext, InterpolationContext, ComponentContext } from './context.js';
export {
  renderConfig,
  configHash,
  type RenderConfigOptions,
  type RenderedConfig,
  type RenderRequest,
  type SecretOptions,
} from './render.js';
export { ConfigurationDataSchema, configDataOf, type ConfigurationData } from './record-data.js';
export { ConfigStore, type SaveOptions, type SaveResult } from './store.js';
export {
  configHistory,
  configDiff,
  loadConfigVersion,
  previewDiff,
  diffSnapshots,
  configText,
  snapshotOfRecord,
  snapshotOfRender,
  type ConfigVersionSummary,
  type ConfigDiffResult,
  type ConfigSnapshot,
} from './history.js';
export { diffLines, unifiedDiff, type DiffLine } from './line-diff.js';
export {
  renderManifests,
  configMapNameFor,
  secretNameFor,
  type RenderManifestsOptions,
  type RenderedManifests,
  type ManifestDocument,
  type ManifestFormat,
  type PruneCandidate,
} from './manifests/render-manifests.js';
export { writeRendered, type WriteOptions } from './manifests/write.js';
export { LABEL, ANNOTATION } from './manifests/labels.js';
export { DEFAULT_RESOURCES, type K8sObject } from './manifests/generate.js';
