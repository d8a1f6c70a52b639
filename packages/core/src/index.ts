export * from './errors/index.js';
export * from './secrets/index.js';
export * from './targets/index.js';
export * from './model/index.js';
export * from './records/index.js';
export { jsonSchemas } from './schemas.js';
