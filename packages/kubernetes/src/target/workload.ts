import { createHash } from 'node:crypto';
import type { Manifest } from '../apply/manifest.js';
import { ANNOTATION, LABEL, labelValue, ownershipLabels, type Ownership } from '../apply/ownership.js';
import type { DeploymentObject } from '../rollout/kinds.js';
import { SLOT_LABEL, type ComponentNames } from './naming.js';
import type { RollingSettings } from './settings.js';

export interface VersionWorkload {
  names: ComponentNames;
  namespace: string;
  owner: Ownership & { component: string; version: string };
  slot: string;
  image: string;
  replicas: number;
  port: number;
  healthPath?: string;
  /** Hash of the configuration in the env Secret: changing it rolls the pods. */
  envHash: string;
  rolling?: RollingSettings;
  progressDeadlineSeconds: number;
}

/** Labels a selector may use: they never change for the life of a Deployment (selectors are immutable). */
export function slotSelector(
  owner: Ownership & { component: string },
  slot?: string,
): Record<string, string> {
  return {
    [LABEL.name]: labelValue(owner.application),
    [LABEL.environment]: labelValue(owner.environment),
    [LABEL.component]: labelValue(owner.component),
    ...(slot ? { [SLOT_LABEL]: slot } : {}),
  };
}

export const ENV_HASH = 'eds.dev/env-hash';

export function hashEnv(env: Record<string, string>): string {
  return createHash('sha256')
    .update(JSON.stringify(Object.entries(env).sort()))
    .digest('hex')
    .slice(0, 16);
}

/** Configuration reaches pods through a Secret (values may be secrets); its hash in the template rolls the pods. */
export function envSecret(w: VersionWorkload, env: Record<string, string>): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: w.names.envSecret(w.slot),
      namespace: w.namespace,
      labels: { ...ownershipLabels(w.owner), [SLOT_LABEL]: w.slot },
    },
    type: 'Opaque',
    stringData: { ...env, VERSION: w.owner.version, PORT: String(w.port) },
  };
}

export function deploymentManifest(w: VersionWorkload): Manifest {
  const selector = slotSelector(w.owner, w.slot);
  const labels = { ...ownershipLabels(w.owner), ...selector };
  const annotations = {
    [ANNOTATION.version]: w.owner.version,
    ...(w.owner.deploymentId ? { [ANNOTATION.deploymentId]: w.owner.deploymentId } : {}),
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: w.names.deployment(w.slot), namespace: w.namespace, labels, annotations },
    spec: {
      replicas: w.replicas,
      revisionHistoryLimit: 5,
      progressDeadlineSeconds: w.progressDeadlineSeconds,
      selector: { matchLabels: selector },
      ...(w.rolling
        ? {
            strategy: {
              type: 'RollingUpdate',
              rollingUpdate: { maxSurge: w.rolling.maxSurge, maxUnavailable: w.rolling.maxUnavailable },
            },
          }
        : {}),
      template: {
        metadata: {
          labels,
          annotations: { ...annotations, [ENV_HASH]: w.envHash },
        },
        spec: {
          containers: [
            {
              name: w.owner.component,
              image: w.image,
              ports: [{ name: 'http', containerPort: w.port, protocol: 'TCP' }],
              envFrom: [{ secretRef: { name: w.names.envSecret(w.slot) } }],
              ...(w.healthPath
                ? { readinessProbe: { httpGet: { path: w.healthPath, port: 'http' }, periodSeconds: 2 } }
                : {}),
            },
          ],
        },
      },
    },
  };
}

export function serviceManifest(
  name: string,
  namespace: string,
  owner: Ownership & { component: string },
  selector: Record<string, string>,
  annotations: Record<string, string> = {},
): Manifest {
  // A Service spans versions: no version label on it.
  const labels = ownershipLabels({ ...owner, version: undefined });
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels, annotations },
    spec: {
      type: 'ClusterIP',
      selector,
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

/**
 * The intent behind a Deployment EDS wrote, read back from the object, so that scaling can re-apply the whole
 * intent with a new replica count. A partial server-side apply would drop the fields it leaves out.
 */
export function workloadFromDeployment(
  deployment: DeploymentObject,
  base: Pick<VersionWorkload, 'names' | 'namespace' | 'progressDeadlineSeconds'> & {
    owner: Ownership & { component: string };
  },
): VersionWorkload | undefined {
  const annotations = deployment.metadata.annotations ?? {};
  const version = annotations[ANNOTATION.version];
  const slot = deployment.spec?.selector?.matchLabels?.[SLOT_LABEL];
  const container = deployment.spec?.template?.spec?.containers?.[0];
  if (!version || !slot || !container?.image) return undefined;
  const spec = deployment.spec as DeploymentObject['spec'] & {
    strategy?: { rollingUpdate?: RollingSettings };
  };
  const healthPath = container.readinessProbe?.httpGet?.path;
  return {
    names: base.names,
    namespace: base.namespace,
    owner: {
      ...base.owner,
      version,
      ...(annotations[ANNOTATION.deploymentId] ? { deploymentId: annotations[ANNOTATION.deploymentId] } : {}),
    },
    slot,
    image: container.image,
    replicas: spec?.replicas ?? 1,
    port: container.ports?.[0]?.containerPort ?? 8080,
    ...(healthPath ? { healthPath } : {}),
    envHash: deployment.spec?.template?.metadata?.annotations?.[ENV_HASH] ?? '',
    ...(spec?.strategy?.rollingUpdate ? { rolling: spec.strategy.rollingUpdate } : {}),
    progressDeadlineSeconds: base.progressDeadlineSeconds,
  };
}
