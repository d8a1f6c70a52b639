import type { Command } from 'commander';
import type { Handler } from '../main.js';
import { registerValidate } from './validate.js';
import { registerStatus } from './status.js';
import { registerHistory } from './history.js';
import { registerUnlock } from './unlock.js';
import { registerSchema } from './schema.js';
import { registerDeploy, registerLifecycle } from './deploy.js';
import { registerAgent } from './agent.js';
import { registerCheck } from './check.js';
import { registerRender } from './render.js';
import { registerConfig } from './config.js';
import { registerPipeline } from './pipeline.js';
import { registerStop } from './stop.js';

export type Register = (
  program: Command,
  wrap: (h: Handler) => (...args: unknown[]) => Promise<void>,
) => void;

/** Every `eds` command, in help order. */
export const COMMANDS: readonly Register[] = [
  registerValidate,
  registerRender,
  registerCheck,
  registerDeploy,
  registerLifecycle,
  registerStop,
  registerStatus,
  registerHistory,
  registerUnlock,
  registerConfig,
  registerPipeline,
  registerAgent,
  registerSchema,
];
