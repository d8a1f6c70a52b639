/**
 * Defaulting, as the API server's registered defaulters fill fields a client leaves out. Clients see
 * these values (kubectl get -o json shows them; server-side apply does not own them).
 */
import type { ResourceType } from './resources.js';
import type { JsonObject, KubeObject } from './types.js';
import { ensureObject, isObject, microTime } from './types.js';

function setDefault(target: JsonObject, key: string, value: unknown): void {
  if (target[key] === undefined || target[key] === null) target[key] = value;
}

function defaultImagePullPolicy(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  const lastSegment = image.split('/').pop() ?? image;
  if (image.includes('@')) return 'IfNotPresent';
  const tag = lastSegment.includes(':') ? lastSegment.split(':').pop() : undefined;
  return tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(container: unknown): void {
  if (!isObject(container)) return;
  setDefault(container, 'terminationMessagePath', '/dev/termination-log');
  setDefault(container, 'terminationMessagePolicy', 'File');
  setDefault(container, 'imagePullPolicy', defaultImagePullPolicy(container.image));
  setDefault(container, 'resources', {});
  if (Array.isArray(container.ports)) {
    for (const port of container.ports) if (isObject(port)) setDefault(port, 'protocol', 'TCP');
  }
}

export function defaultPodSpec(spec: JsonObject, restartPolicy = 'Always'): void {
  setDefault(spec, 'restartPolicy', restartPolicy);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  for (const list of ['containers', 'initContainers']) {
    const containers = spec[list];
    if (Array.isArray(containers)) containers.forEach(defaultContainer);
  }
}

function defaultTemplate(spec: JsonObject, restartPolicy?: string): void {
  const template = spec.template;
  if (!isObject(template)) return;
  const podSpec = template.spec;
  if (isObject(podSpec)) defaultPodSpec(podSpec, restartPolicy);
}

export interface DefaultingContext {
  allocateClusterIP(): string;
}

export function applyDefaults(rt: ResourceType, object: KubeObject, context: DefaultingContext): void {
  const spec = isObject(object.spec) ? object.spec : undefined;
  switch (rt.kind) {
    case 'Namespace': {
      object.metadata.labels = {
        ...object.metadata.labels,
        'kubernetes.io/metadata.name': object.metadata.name,
      };
      setDefault(ensureObject(object, 'spec'), 'finalizers', ['kubernetes']);
      setDefault(ensureObject(object, 'status'), 'phase', 'Active');
      break;
    }
    case 'Deployment': {
      if (!spec) break;
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'progressDeadlineSeconds', 600);
      const strategy = ensureObject(spec, 'strategy');
      setDefault(strategy, 'type', 'RollingUpdate');
      if (strategy.type === 'RollingUpdate') {
        const rolling = ensureObject(strategy, 'rollingUpdate');
        setDefault(rolling, 'maxSurge', '25%');
        setDefault(rolling, 'maxUnavailable', '25%');
      }
      defaultTemplate(spec);
      break;
    }
    case 'ReplicaSet':
      if (!spec) break;
      setDefault(spec, 'replicas', 1);
      defaultTemplate(spec);
      break;
    case 'Job': {
      if (!spec) break;
      setDefault(spec, 'parallelism', 1);
      setDefault(spec, 'completions', 1);
      setDefault(spec, 'backoffLimit', 6);
      setDefault(spec, 'completionMode', 'NonIndexed');
      setDefault(spec, 'suspend', false);
      // restartPolicy has no default for Jobs: validation demands OnFailure or Never.
      const podSpec =
        isObject(spec.template) && isObject(spec.template.spec) ? spec.template.spec : undefined;
      if (podSpec) {
        const policy = podSpec.restartPolicy;
        defaultPodSpec(podSpec);
        if (policy === undefined) delete podSpec.restartPolicy;
      }
      break;
    }
    case 'Pod':
      if (spec) defaultPodSpec(spec);
      setDefault(ensureObject(object, 'status'), 'phase', 'Pending');
      break;
    case 'Service': {
      if (!spec) break;
      setDefault(spec, 'type', 'ClusterIP');
      setDefault(spec, 'sessionAffinity', 'None');
      setDefault(spec, 'internalTrafficPolicy', 'Cluster');
      if (spec.type !== 'ExternalName') {
        if (spec.clusterIP === undefined || spec.clusterIP === '')
          spec.clusterIP = context.allocateClusterIP();
        setDefault(spec, 'clusterIPs', [spec.clusterIP]);
        setDefault(spec, 'ipFamilies', ['IPv4']);
        setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
      }
      if (Array.isArray(spec.ports)) {
        for (const port of spec.ports) {
          if (!isObject(port)) continue;
          setDefault(port, 'protocol', 'TCP');
          setDefault(port, 'targetPort', port.port);
        }
      }
      setDefault(ensureObject(object, 'status'), 'loadBalancer', {});
      break;
    }
    case 'Secret':
      setDefault(object, 'type', 'Opaque');
      // stringData is write-only: merged into data (base64) and never stored.
      if (isObject(object.stringData)) {
        const data = ensureObject(object, 'data');
        for (const [key, value] of Object.entries(object.stringData)) {
          data[key] = Buffer.from(String(value)).toString('base64');
        }
        delete object.stringData;
      }
      break;
    case 'Lease':
      // MicroTime fields come back in the API's own format, whatever precision the client sent.
      if (spec) {
        for (const key of ['acquireTime', 'renewTime']) {
          const value = spec[key];
          if (typeof value === 'string') spec[key] = microTime(value) ?? value;
        }
      }
      break;
    case 'Ingress':
      setDefault(ensureObject(object, 'status'), 'loadBalancer', {});
      break;
    case 'HTTPRoute': {
      // The Gateway API CRD's schema defaults.
      if (!spec) break;
      setDefault(spec, 'rules', [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }] }]);
      if (Array.isArray(spec.rules)) {
        for (const rule of spec.rules) {
          if (!isObject(rule)) continue;
          setDefault(rule, 'matches', [{ path: { type: 'PathPrefix', value: '/' } }]);
          if (Array.isArray(rule.backendRefs)) {
            for (const ref of rule.backendRefs) {
              if (!isObject(ref)) continue;
              setDefault(ref, 'group', '');
              setDefault(ref, 'kind', 'Service');
              setDefault(ref, 'weight', 1);
            }
          }
        }
      }
      break;
    }
    default:
      break;
  }
}

/** On create, a Job without `manualSelector` gets a selector on its own uid, and its pods the matching labels. */
export function prepareJobForCreate(object: KubeObject, uid: string): void {
  const spec = isObject(object.spec) ? object.spec : undefined;
  if (!spec || spec.manualSelector === true) return;
  const name = object.metadata.name;
  spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  const template = ensureObject(spec, 'template');
  const metadata = ensureObject(template, 'metadata');
  metadata.labels = {
    ...(isObject(metadata.labels) ? metadata.labels : {}),
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': name,
    'controller-uid': uid,
    'job-name': name,
  };
}
