import { ValidationError } from '../errors/index.js';
import type { EnvironmentSpec } from '../model/index.js';
import { ensureLocalAgent, MultiHostTarget } from '../targets/host/index.js';
import type { Target } from '../targets/index.js';
import { SecretValue } from '../secrets/index.js';

export interface TargetContext {
  stateDir: string;
  env: NodeJS.ProcessEnv;
  /** Router port per component (from eds.yaml `port`). */
  routerPorts: Record<string, number>;
  /** For targets that name and lay out objects themselves (Kubernetes). */
  application?: string;
  environment?: string;
  strategy?: { type: string; maxSurge?: number | string; maxUnavailable?: number | string };
  components?: Record<
    string,
    { image?: string; specVersion?: string; replicas?: number; port?: number; healthPath?: string }
  >;
}

/** Agent tokens in eds.yaml are references (`env:NAME`); the value is read here and held as a secret. */
function resolveToken(reference: string, env: NodeJS.ProcessEnv): SecretValue {
  const match = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(reference);
  if (!match) {
    throw new ValidationError(`agent token must be a reference like env:NAME, not a literal`, {
      path: 'environments.*.target.hosts[].token',
      expected: 'env:NAME',
    });
  }
  const value = env[match[1]];
  if (!value)
    throw new ValidationError(`agent token ${reference} is not set`, {
      expected: `the variable ${match[1]} to be set`,
    });
  return new SecretValue(value);
}

export type TargetFactory = (
  spec: Exclude<EnvironmentSpec['target'], string>,
  ctx: TargetContext,
) => Promise<Target>;

/** The one table of target types. */
const TARGETS: Record<string, TargetFactory> = {
  local: (_spec, ctx) =>
    ensureLocalAgent({ stateDir: `${ctx.stateDir}/agent`, routerPorts: ctx.routerPorts }),
  VM: async (spec, ctx) => {
    const hosts = (spec as { hosts: { url: string; token: string }[] }).hosts;
    return new MultiHostTarget(
      hosts.map((h) => ({ url: h.url, token: resolveToken(h.token, ctx.env), routerPorts: ctx.routerPorts })),
    );
  },
  KUBERNETES: async () => {
    throw new ValidationError('the KUBERNETES target is not available in this build (issue E6)', {
      code: 'TARGET_NOT_AVAILABLE',
      path: 'environments.*.target.type',
      expected: 'local or VM',
    });
  },
};

export function registerTarget(type: string, factory: TargetFactory): void {
  TARGETS[type] = factory;
}

export function openTarget(spec: EnvironmentSpec['target'], ctx: TargetContext): Promise<Target> {
  const normalised = typeof spec === 'string' ? { type: spec } : spec;
  const factory = TARGETS[normalised.type];
  if (!factory) {
    throw new ValidationError(
      `unknown target type "${normalised.type}"; known: ${Object.keys(TARGETS).join(', ')}`,
      {
        path: 'target.type',
      },
    );
  }
  return factory(normalised, ctx);
}
