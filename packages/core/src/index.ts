export * from './errors/index.js';
export * from './secrets/index.js';
export * from './targets/index.js';
