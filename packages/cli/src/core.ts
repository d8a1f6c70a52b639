import type * as CoreModule from '@eds/core';
import { InternalError } from '@eds/core/errors';

type Core = typeof CoreModule;

/**
 * The whole core (configuration, security, pipeline engine, controller, agent client) takes a few hundred
 * milliseconds to load; read-only commands (`status`, `history`, …) need only records and the model. So the
 * full core is loaded once, before the commands that need it run, and reached through `core()`.
 */
let loaded: Core | undefined;

export async function loadCore(): Promise<Core> {
  loaded ??= await import('@eds/core');
  return loaded;
}

export function core(): Core {
  if (!loaded) throw new InternalError('the EDS core was used before it was loaded');
  return loaded;
}
