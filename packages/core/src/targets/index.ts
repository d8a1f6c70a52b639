export type * from './target.js';
