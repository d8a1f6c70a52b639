import type { ManifestDocument } from './document.js';
import { arrayAt, isObject, objectAt, type JsonObject } from './objects.js';

/** Where the pod template lives in each workload kind (the path of its `spec`). */
const POD_SPEC_PATHS: Record<string, readonly string[]> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export const WORKLOAD_KINDS: readonly string[] = Object.keys(POD_SPEC_PATHS);

/** Kinds whose pods run to completion: liveness/readiness probes make no sense for them. */
export const RUN_TO_COMPLETION_KINDS: readonly string[] = ['Job', 'CronJob'];

export type ContainerType = 'containers' | 'initContainers' | 'ephemeralContainers';

export interface PodSpecRef {
  spec: JsonObject;
  path: readonly (string | number)[];
  /** The pod template's metadata (labels, annotations), or the Pod's own. */
  metadata: JsonObject | undefined;
}

export interface ContainerRef {
  container: JsonObject;
  name: string;
  type: ContainerType;
  path: readonly (string | number)[];
  pod: PodSpecRef;
}

export function podSpecOf(doc: ManifestDocument): PodSpecRef | undefined {
  if (!isObject(doc.object)) return undefined;
  const kind = doc.object.kind;
  if (typeof kind !== 'string') return undefined;
  const path = POD_SPEC_PATHS[kind];
  if (!path) return undefined;
  let node: unknown = doc.object;
  let parent: unknown = undefined;
  for (const key of path) {
    parent = node;
    node = isObject(node) ? node[key] : undefined;
  }
  if (!isObject(node)) return undefined;
  return { spec: node, path, metadata: objectAt(parent, 'metadata') };
}

const CONTAINER_TYPES: readonly ContainerType[] = ['containers', 'initContainers', 'ephemeralContainers'];

/** Every container of a pod spec, init and ephemeral ones included, each with its YAML path. */
export function containersOf(
  pod: PodSpecRef,
  types: readonly ContainerType[] = CONTAINER_TYPES,
): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const type of types) {
    arrayAt(pod.spec, type).forEach((container, index) => {
      if (!isObject(container)) return;
      const name = typeof container.name === 'string' ? container.name : `${type}[${index}]`;
      out.push({ container, name, type, path: [...pod.path, type, index], pod });
    });
  }
  return out;
}

/**
 * Init containers with `restartPolicy: Always` are sidecars: they run for the pod's life, so rules for long-running
 * containers (probes) apply to them too.
 */
export function isSidecar(ref: ContainerRef): boolean {
  return ref.type === 'initContainers' && ref.container.restartPolicy === 'Always';
}
