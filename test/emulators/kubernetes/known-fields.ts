/**
 * Field names the emulator knows per kind, for unknown-field detection (`fieldValidation`, and
 * server-side apply, which always refuses undeclared fields). Only the levels a manifest author
 * usually mistypes are declared: top level, metadata, spec, pod template, pod spec and container.
 * Deeper levels are not checked (accepted as they are).
 */
import type { ResourceType } from './resources.js';
import { badRequest } from './errors.js';
import { isObject } from './types.js';

interface ListOf {
  listOf: Shape;
}
type Shape = { [field: string]: Shape | 'leaf' | ListOf };

function isListOf(shape: Shape | ListOf): shape is ListOf {
  return 'listOf' in shape;
}

const META: Shape = Object.fromEntries(
  [
    'name',
    'generateName',
    'namespace',
    'uid',
    'resourceVersion',
    'generation',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'labels',
    'annotations',
    'ownerReferences',
    'finalizers',
    'managedFields',
    'selfLink',
  ].map((k) => [k, 'leaf']),
);

const leaves = (...names: string[]): Shape => Object.fromEntries(names.map((n) => [n, 'leaf']));

const CONTAINER: Shape = leaves(
  'name',
  'image',
  'command',
  'args',
  'workingDir',
  'ports',
  'envFrom',
  'env',
  'resources',
  'resizePolicy',
  'restartPolicy',
  'volumeMounts',
  'volumeDevices',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'imagePullPolicy',
  'securityContext',
  'stdin',
  'stdinOnce',
  'tty',
);

const POD_SPEC: Shape = {
  ...leaves(
    'volumes',
    'restartPolicy',
    'terminationGracePeriodSeconds',
    'activeDeadlineSeconds',
    'dnsPolicy',
    'nodeSelector',
    'serviceAccountName',
    'serviceAccount',
    'automountServiceAccountToken',
    'nodeName',
    'hostNetwork',
    'hostPID',
    'hostIPC',
    'shareProcessNamespace',
    'securityContext',
    'imagePullSecrets',
    'hostname',
    'subdomain',
    'affinity',
    'schedulerName',
    'tolerations',
    'hostAliases',
    'priorityClassName',
    'priority',
    'dnsConfig',
    'readinessGates',
    'runtimeClassName',
    'enableServiceLinks',
    'preemptionPolicy',
    'overhead',
    'topologySpreadConstraints',
    'setHostnameAsFQDN',
    'os',
    'hostUsers',
    'schedulingGates',
    'resourceClaims',
  ),
  containers: { listOf: CONTAINER },
  initContainers: { listOf: CONTAINER },
  ephemeralContainers: 'leaf',
};

const TEMPLATE: Shape = { metadata: META, spec: POD_SPEC };

const SPECS: Record<string, Shape> = {
  Deployment: {
    ...leaves(
      'replicas',
      'selector',
      'strategy',
      'minReadySeconds',
      'revisionHistoryLimit',
      'paused',
      'progressDeadlineSeconds',
    ),
    template: TEMPLATE,
  },
  ReplicaSet: { ...leaves('replicas', 'minReadySeconds', 'selector'), template: TEMPLATE },
  Job: {
    ...leaves(
      'parallelism',
      'completions',
      'activeDeadlineSeconds',
      'podFailurePolicy',
      'successPolicy',
      'backoffLimit',
      'backoffLimitPerIndex',
      'maxFailedIndexes',
      'selector',
      'manualSelector',
      'ttlSecondsAfterFinished',
      'completionMode',
      'suspend',
      'podReplacementPolicy',
      'managedBy',
    ),
    template: TEMPLATE,
  },
  Pod: POD_SPEC,
  Service: leaves(
    'ports',
    'selector',
    'clusterIP',
    'clusterIPs',
    'type',
    'externalIPs',
    'sessionAffinity',
    'loadBalancerIP',
    'loadBalancerSourceRanges',
    'externalName',
    'externalTrafficPolicy',
    'healthCheckNodePort',
    'publishNotReadyAddresses',
    'sessionAffinityConfig',
    'ipFamilies',
    'ipFamilyPolicy',
    'allocateLoadBalancerNodePorts',
    'loadBalancerClass',
    'internalTrafficPolicy',
    'trafficDistribution',
  ),
  Lease: leaves(
    'holderIdentity',
    'leaseDurationSeconds',
    'acquireTime',
    'renewTime',
    'leaseTransitions',
    'strategy',
    'preferredHolder',
  ),
  Ingress: leaves('ingressClassName', 'defaultBackend', 'tls', 'rules'),
  HTTPRoute: leaves('parentRefs', 'hostnames', 'rules'),
  Namespace: leaves('finalizers'),
};

const TOP: Record<string, string[]> = {
  ConfigMap: ['data', 'binaryData', 'immutable'],
  Secret: ['data', 'stringData', 'type', 'immutable'],
  ServiceAccount: ['secrets', 'imagePullSecrets', 'automountServiceAccountToken'],
  Role: ['rules'],
  ClusterRole: ['rules', 'aggregationRule'],
  RoleBinding: ['subjects', 'roleRef'],
  ClusterRoleBinding: ['subjects', 'roleRef'],
};

function shapeOf(rt: ResourceType): Shape {
  const shape: Shape = { apiVersion: 'leaf', kind: 'leaf', metadata: META, status: 'leaf' };
  const spec = SPECS[rt.kind];
  if (spec) shape.spec = spec;
  for (const name of TOP[rt.kind] ?? []) shape[name] = 'leaf';
  return shape;
}

interface UnknownField {
  /** Dotted path (`spec.replica`, `spec.template.spec.containers[0].imagee`). */
  path: string;
  parent: Record<string, unknown>;
  key: string;
}

function findUnknown(rt: ResourceType, object: unknown): UnknownField[] {
  const found: UnknownField[] = [];
  const walk = (value: unknown, shape: Shape, path: string): void => {
    if (!isObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      const declared = shape[key];
      if (declared === undefined) {
        found.push({ path: childPath, parent: value, key });
      } else if (declared === 'leaf') {
        continue;
      } else if (isListOf(declared)) {
        if (Array.isArray(child))
          child.forEach((item, i) => walk(item, declared.listOf, `${childPath}[${i}]`));
      } else {
        walk(child, declared, childPath);
      }
    }
  };
  walk(object, shapeOf(rt), '');
  return found;
}

/** Dotted paths of fields the kind does not declare. */
export function unknownFields(rt: ResourceType, object: unknown): string[] {
  return findUnknown(rt, object).map((f) => f.path);
}

/**
 * Apply `fieldValidation` (Strict: 400; Warn, the default: warnings; Ignore: nothing) to a decoded
 * request body, removing undeclared fields from it. Returns the warnings for `Warning: 299` headers.
 */
export function checkFieldValidation(rt: ResourceType, object: unknown, mode: string | null): string[] {
  const value = mode ?? 'Warn';
  if (!['Strict', 'Warn', 'Ignore'].includes(value)) {
    throw badRequest(
      `fieldValidation: Unsupported value: ${JSON.stringify(value)}: supported values: "Ignore", "Strict", "Warn"`,
    );
  }
  const unknown = findUnknown(rt, object);
  if (unknown.length > 0 && value === 'Strict') {
    throw badRequest(
      `strict decoding error: ${unknown.map((f) => `unknown field ${JSON.stringify(f.path)}`).join(', ')}`,
    );
  }
  // Decoding into the typed object drops undeclared fields: they are never stored.
  for (const f of unknown) delete f.parent[f.key];
  return value === 'Ignore' ? [] : unknown.map((f) => `unknown field ${JSON.stringify(f.path)}`);
}

/** Server-side apply converts the applied configuration to a typed object: undeclared fields fail it. */
export function checkApplyFields(
  rt: ResourceType,
  object: unknown,
  name: string,
  namespace: string | undefined,
): void {
  const unknown = unknownFields(rt, object);
  if (unknown.length === 0) return;
  const gv = rt.group ? `${rt.group}/${rt.version}` : `/${rt.version}`;
  throw badRequest(
    `failed to create typed patch object (${namespace ?? ''}/${name}; ${gv}, Kind=${rt.kind}): ${unknown
      .map((f) => `.${f.replace(/\[\d+\]/g, '')}: field not declared in schema`)
      .join(', ')}`,
  );
}
