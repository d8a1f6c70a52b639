import { isObject } from '../manifests/objects.js';
import { RUN_TO_COMPLETION_KINDS, isSidecar, type ContainerRef } from '../manifests/pod-specs.js';
import { containerLabel, forContainers } from './helpers.js';
import type { RuleContext, RuleHit } from './types.js';

export const PROBE_FIELDS = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;

/** Containers that serve for the pod's life: app containers and sidecars, not Jobs and not plain init containers. */
export function longRunningContainers(
  ctx: RuleContext,
  visit: (ref: ContainerRef) => RuleHit | undefined,
): RuleHit[] {
  if (RUN_TO_COMPLETION_KINDS.includes(ctx.resource.kind)) return [];
  return forContainers(ctx, (ref) => (ref.type === 'containers' || isSidecar(ref) ? visit(ref) : undefined));
}

export function missingProbe(
  ref: ContainerRef,
  field: 'livenessProbe' | 'readinessProbe',
): RuleHit | undefined {
  if (isObject(ref.container[field])) return undefined;
  return { path: [...ref.path, field], message: `${containerLabel(ref)} has no ${field}` };
}
