import type { Command } from 'commander';
import type { Handler } from '../main.js';
import { registerValidate } from './validate.js';
import { registerStatus } from './status.js';
import { registerHistory } from './history.js';
import { registerUnlock } from './unlock.js';
import { registerSchema } from './schema.js';
import { registerDeploy, registerLifecycle } from './deploy.js';
import { registerAgent } from './agent.js';

export type Register = (
  program: Command,
  wrap: (h: Handler) => (...args: unknown[]) => Promise<void>,
) => void;

/** Every `eds` command, in help order. */
export const COMMANDS: readonly Register[] = [
  registerValidate,
  registerDeploy,
  registerLifecycle,
  registerStatus,
  registerHistory,
  registerUnlock,
  registerAgent,
  registerSchema,
];
