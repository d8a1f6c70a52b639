/**
 * What the agent keeps in its state directory, and the zod schemas it reads them back with:
 *
 * - `agent-state.json`: the desired state (components, versions with their run spec and env, instance
 *   counts, router ports, weights, match rules). Written atomically after every change; a restarted agent
 *   brings all of it back. It holds the instances' environment, which may contain secrets: mode 0600.
 * - `agent-instances.json`: the pids of running instances, so a restarted agent can stop the orphans of a
 *   predecessor that was SIGKILLed (they are process-group leaders; we kill the group).
 * - `agent.json`: url, token and pid of the running agent, for clients on the same host (mode 0600).
 * - `agent.lock`: pid of the agent that owns the directory (one agent per state directory).
 * - `logs/<component>/<version>/<instance>.log`: each instance's stdout and stderr.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sealEnv, unsealEnv } from './sealed-env.js';
import { z } from 'zod';
import { InternalError } from '../../errors/index.js';
import { writeFileAtomic } from './atomic-file.js';
import {
  componentNameSchema,
  envSchema,
  healthSpecSchema,
  runSpecSchema,
  trafficMatchSchema,
  versionNameSchema,
} from './protocol.js';

export const STATE_FILE = 'agent-state.json';
export const INSTANCES_FILE = 'agent-instances.json';
export const AGENT_INFO_FILE = 'agent.json';
export const LOCK_FILE = 'agent.lock';
export const AGENT_LOG_FILE = 'agent.log';

const persistedVersionSchema = z.object({
  instances: z.number().int().min(0),
  run: runSpecSchema,
  health: healthSpecSchema,
  env: envSchema,
});

const persistedComponentSchema = z.object({
  routerPort: z.number().int().min(1).max(65535).optional(),
  weights: z.record(versionNameSchema, z.number().min(0).max(100)),
  matches: z.array(trafficMatchSchema),
  versions: z.record(versionNameSchema, persistedVersionSchema),
});

export const persistedStateSchema = z.object({
  format: z.literal('eds-agent-state/v1'),
  components: z.record(componentNameSchema, persistedComponentSchema),
});
export type PersistedState = z.infer<typeof persistedStateSchema>;
export type PersistedComponent = z.infer<typeof persistedComponentSchema>;

export const agentInfoSchema = z.object({
  url: z.string().url(),
  token: z.string().min(1),
  pid: z.number().int().positive(),
  startedAt: z.string(),
});
export type AgentInfo = z.infer<typeof agentInfoSchema>;

const instancesRecordSchema = z.object({
  instances: z.array(z.object({ id: z.string(), pid: z.number().int().positive() })),
});
export type InstancesRecord = z.infer<typeof instancesRecordSchema>;

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Parse file content; undefined when it does not match (the caller decides whether that is fatal). */
export function parseStateFile<S extends z.ZodType>(schema: S, text: string): z.infer<S> | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const result = schema.safeParse(json);
  return result.success ? result.data : undefined;
}

/**
 * The desired state, or undefined for a fresh directory. A file that exists but does not parse stops the
 * agent: starting empty would silently forget (and never stop routing to) what the user deployed.
 */
export async function loadDesiredState(stateDir: string): Promise<PersistedState | undefined> {
  const path = join(stateDir, STATE_FILE);
  const text = await readText(path);
  if (text === undefined) return undefined;
  const state = parseStateFile(persistedStateSchema, text);
  if (!state) {
    throw new InternalError(
      `agent state file ${path} is not valid; fix or move it away, then start the agent again`,
      {
        code: 'AGENT_STATE_CORRUPT',
      },
    );
  }
  return mapEnvs(state, (env) => unsealEnv(stateDir, env));
}

export function saveDesiredState(stateDir: string, state: PersistedState): Promise<void> {
  const sealed = mapEnvs(state, (env) => sealEnv(stateDir, env));
  return writeFileAtomic(join(stateDir, STATE_FILE), JSON.stringify(sealed, null, 2) + '\n');
}

/** A copy of the state with every version's environment transformed (sealed on disk, plain in memory). */
function mapEnvs(
  state: PersistedState,
  transform: (env: Record<string, string>) => Record<string, string>,
): PersistedState {
  const components: PersistedState['components'] = {};
  for (const [name, component] of Object.entries(state.components)) {
    const versions: PersistedComponent['versions'] = {};
    for (const [version, spec] of Object.entries(component.versions))
      versions[version] = { ...spec, env: transform(spec.env) };
    components[name] = { ...component, versions };
  }
  return { ...state, components };
}

export async function loadInstancesRecord(stateDir: string): Promise<InstancesRecord> {
  const text = await readText(join(stateDir, INSTANCES_FILE));
  return (text !== undefined && parseStateFile(instancesRecordSchema, text)) || { instances: [] };
}

export function saveInstancesRecord(stateDir: string, record: InstancesRecord): Promise<void> {
  return writeFileAtomic(join(stateDir, INSTANCES_FILE), JSON.stringify(record) + '\n');
}

/** The running agent's address and token, if a readable, valid file is there. */
export async function readAgentInfo(stateDir: string): Promise<AgentInfo | undefined> {
  const text = await readText(join(stateDir, AGENT_INFO_FILE)).catch(() => undefined);
  return text === undefined ? undefined : parseStateFile(agentInfoSchema, text);
}

export function writeAgentInfo(stateDir: string, info: AgentInfo): Promise<void> {
  return writeFileAtomic(join(stateDir, AGENT_INFO_FILE), JSON.stringify(info, null, 2) + '\n', 0o600);
}
