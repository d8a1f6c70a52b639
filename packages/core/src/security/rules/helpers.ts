import { isObject, objectAt, type JsonObject } from '../manifests/objects.js';
import type { ContainerRef, ContainerType } from '../manifests/pod-specs.js';
import type { RuleContext, RuleHit } from './types.js';

/** Run `visit` for each container of the listed types and collect its hits. */
export function forContainers(
  ctx: RuleContext,
  visit: (ref: ContainerRef) => RuleHit | RuleHit[] | undefined,
  types?: readonly ContainerType[],
): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const ref of ctx.containers) {
    if (types && !types.includes(ref.type)) continue;
    const result = visit(ref);
    if (result === undefined) continue;
    // Hits are fresh objects made by the rule, so tagging them in place saves a copy per finding.
    if (Array.isArray(result)) {
      for (const hit of result) {
        hit.container ??= ref.name;
        hits.push(hit);
      }
    } else {
      result.container ??= ref.name;
      hits.push(result);
    }
  }
  return hits;
}

export function securityContextOf(ref: ContainerRef): JsonObject | undefined {
  return objectAt(ref.container, 'securityContext');
}

export function podSecurityContextOf(ref: ContainerRef): JsonObject | undefined {
  return objectAt(ref.pod.spec, 'securityContext');
}

/**
 * A field that may be set on the pod and overridden per container (runAsUser, runAsNonRoot, seccompProfile):
 * the container's value wins, as in Kubernetes. Returns the value and the path where it was (or should be) set.
 */
export function effectiveSecurityField(
  ref: ContainerRef,
  field: string,
): { value: unknown; path: readonly (string | number)[] } {
  const own = securityContextOf(ref);
  if (own && own[field] !== undefined)
    return { value: own[field], path: [...ref.path, 'securityContext', field] };
  const pod = podSecurityContextOf(ref);
  if (pod && pod[field] !== undefined)
    return { value: pod[field], path: [...ref.pod.path, 'securityContext', field] };
  return { value: undefined, path: [...ref.path, 'securityContext', field] };
}

export function containerLabel(ref: ContainerRef): string {
  const type =
    ref.type === 'containers'
      ? 'container'
      : ref.type === 'initContainers'
        ? 'init container'
        : 'ephemeral container';
  return `${type} "${ref.name}"`;
}

export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

export { isObject };
