export * from './enums.js';
export * from './records.js';
export * from './spec.js';
export * from './transitions.js';
export { durationToMs, DurationSchema, formatDuration } from './duration.js';
export {
  formatPath,
  toProblems,
  problemsToError,
  type SpecProblem,
  type PathSegment,
  type PositionLookup,
} from './issues.js';
export { knownKeysAt, nearest } from './schema-walk.js';
export { parseYamlDocument, MAX_DOCUMENT_BYTES, MAX_ALIAS_COUNT, type ParsedYaml } from './yaml-source.js';
export { parseSpec, loadSpecFile, environmentOf, type LoadedSpec } from './load-spec.js';
export { modelJsonSchemas } from './json-schema.js';
