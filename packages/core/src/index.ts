export * from './errors/index.js';
export * from './secrets/index.js';
export * from './targets/index.js';
export * from './model/index.js';
export * from './records/index.js';
export { jsonSchemas } from './schemas.js';
export * from './observability/index.js';
export * from './strategies/index.js';
export * from './controller/index.js';
export {
  ensureLocalAgent,
  stopLocalAgent,
  localAgentStatus,
  startAgent,
  HostTarget,
  MultiHostTarget,
} from './targets/host/index.js';
export {
  runAnalysis,
  parseAnalysisTemplate,
  parseCondition,
  PROVIDERS,
  PROVIDER_NAMES,
  type AnalysisVerdict,
  type AnalysisTemplate,
  type Measurement,
} from './analysis/index.js';
export * from './service/index.js';
export * from './pipeline/index.js';
export * as security from './security/index.js';
export {
  registerSecretResolver,
  SECRET_RESOLVERS,
  type SecretResolver,
  type ResolveContext,
} from './config/index.js';
