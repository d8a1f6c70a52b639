export type * from './target.js';
export * from './host/index.js';
