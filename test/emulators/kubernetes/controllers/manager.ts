/** Placeholder replaced below. */
import type { EventEmitter } from 'node:events';
import type { HandlerContext } from '../context.js';
export class ControllerManager {
  constructor(
    readonly ctx: HandlerContext,
    readonly events: EventEmitter,
  ) {}
  start(): void {}
  stop(): void {}
}
