import type { AppSpec, ComponentSpec } from '../../model/index.js';
import { ValidationError } from '../../errors/index.js';
import type { InterpolationContext } from '../context.js';
import type { ResourcesSpec } from '../spec-schema.js';
import { ANNOTATION, LABEL, objectLabels, selectorLabels } from './labels.js';

export type K8sObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown>;
};

/** Requests and limits when neither eds.yaml nor an overlay sets them: small, so a policy's "must set" passes. */
export const DEFAULT_RESOURCES = {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { cpu: '500m', memory: '256Mi' },
} as const;

/** The restricted Pod Security Standard, plus what a PROD policy checks (read-only root, no token). */
const POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  fsGroup: 10001,
  seccompProfile: { type: 'RuntimeDefault' },
};
const CONTAINER_SECURITY = {
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

export interface GenerateInput {
  spec: AppSpec;
  context: InterpolationContext;
  namespace: string | undefined;
  configMapName: string;
  secretName: string | undefined;
  configHash: string;
  resources: (component: string) => ResourcesSpec | undefined;
}

function metadata(
  name: string,
  namespace: string | undefined,
  labels: Record<string, string>,
  annotations?: Record<string, string>,
) {
  return { name, ...(namespace ? { namespace } : {}), labels, ...(annotations ? { annotations } : {}) };
}

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

function probes(component: ComponentSpec): Record<string, unknown> {
  const health = component.health;
  if (!health) return {};
  const action = health.http
    ? { httpGet: { path: health.http, port: 'http' } }
    : health.command
      ? { exec: { command: ['sh', '-c', health.command] } }
      : { tcpSocket: { port: 'http' } };
  const timing = { periodSeconds: seconds(health.interval), timeoutSeconds: seconds(health.timeout) };
  return {
    readinessProbe: {
      ...action,
      ...timing,
      successThreshold: health.healthyThreshold,
      failureThreshold: health.unhealthyThreshold,
    },
    livenessProbe: {
      ...action,
      ...timing,
      successThreshold: 1,
      failureThreshold: Math.max(3, health.unhealthyThreshold),
    },
  };
}

export function objectName(app: string, component: string, suffix = ''): string {
  const name = `${app}-${component}${suffix}`;
  if (name.length > 63) {
    throw new ValidationError(`object name "${name}" is longer than 63 characters`, {
      code: 'NAME_TOO_LONG',
      expected: 'a shorter application or component name',
    });
  }
  return name;
}

export function generateDeployment(input: GenerateInput, component: ComponentSpec): K8sObject {
  const { context } = input;
  const info = context.components[component.name];
  if (!info?.image) {
    throw new ValidationError(`component ${component.name} has no image; Kubernetes targets need one`, {
      code: 'MISSING_IMAGE',
      path: `components.${component.name}.image`,
      expected: 'image: registry/name:tag (or a template for this component)',
    });
  }
  const labels = objectLabels(context, component.name);
  const annotations = {
    [ANNOTATION.configHash]: input.configHash,
    [ANNOTATION.deploymentId]: context.deployment.id,
  };
  const configured = input.resources(component.name);
  const resources = {
    requests: { ...DEFAULT_RESOURCES.requests, ...configured?.requests },
    limits: { ...DEFAULT_RESOURCES.limits, ...configured?.limits },
  };
  const env = [
    { name: 'VERSION', value: info.version },
    { name: 'PORT', value: String(info.port) },
    ...Object.entries(component.env ?? {})
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, value]) => ({ name, value })),
  ];
  const envFrom = [
    { configMapRef: { name: input.configMapName } },
    ...(input.secretName ? [{ secretRef: { name: input.secretName } }] : []),
  ];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(
      objectName(context.app.name, component.name, context.strategy.suffix),
      input.namespace,
      labels,
      annotations,
    ),
    spec: {
      replicas: info.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(context, component.name, true) },
      template: {
        metadata: { labels, annotations },
        spec: {
          automountServiceAccountToken: false,
          securityContext: POD_SECURITY,
          containers: [
            {
              name: component.name,
              image: info.image,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: info.port, protocol: 'TCP' }],
              env,
              envFrom,
              ...probes(component),
              resources,
              securityContext: CONTAINER_SECURITY,
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

/** The Service spans every track of a component (stable and canary); routing between them is the strategy's. */
export function generateService(input: GenerateInput, component: ComponentSpec): K8sObject {
  const { context } = input;
  const labels = objectLabels(context, component.name);
  delete labels[LABEL.track];
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(objectName(context.app.name, component.name), input.namespace, labels),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(context, component.name, false),
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

export function generateConfigMap(input: GenerateInput, data: Record<string, string>): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(
      input.configMapName,
      input.namespace,
      {
        ...objectLabels(input.context, undefined),
        [LABEL.generated]: 'config',
      },
      { [ANNOTATION.configHash]: input.configHash },
    ),
    immutable: true,
    data,
  };
}

export function generateSecret(input: GenerateInput, name: string, data: Record<string, string>): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: metadata(name, input.namespace, {
      ...objectLabels(input.context, undefined),
      [LABEL.generated]: 'secrets',
    }),
    type: 'Opaque',
    immutable: true,
    data,
  };
}
