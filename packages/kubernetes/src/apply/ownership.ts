import type { Manifest } from './manifest.js';

/** The same keys the core's manifest renderer writes (config/manifests/labels.ts), so both agree on ownership. */
export const LABEL = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  version: 'app.kubernetes.io/version',
  managedBy: 'app.kubernetes.io/managed-by',
  environment: 'eds.dev/environment',
  deploymentId: 'eds.dev/deployment-id',
  track: 'eds.dev/track',
} as const;

export const ANNOTATION = {
  deploymentId: 'eds.dev/deployment-id',
  version: 'eds.dev/version',
} as const;

export const FIELD_MANAGER = 'eds';

/** Which release an object belongs to. */
export interface Ownership {
  application: string;
  environment: string;
  component?: string;
  version?: string;
  deploymentId?: string;
}

/** Kubernetes label values: ≤ 63 characters of [A-Za-z0-9_.-], alphanumeric at both ends. */
export function labelValue(text: string): string {
  return text
    .replace(/[^A-Za-z0-9_.-]/g, '_')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

export function ownershipLabels(owner: Ownership): Record<string, string> {
  return {
    [LABEL.name]: labelValue(owner.application),
    [LABEL.instance]: labelValue(`${owner.application}-${owner.environment}`),
    [LABEL.managedBy]: 'eds',
    [LABEL.environment]: labelValue(owner.environment),
    ...(owner.component ? { [LABEL.component]: labelValue(owner.component) } : {}),
    ...(owner.version ? { [LABEL.version]: labelValue(owner.version) } : {}),
    ...(owner.deploymentId ? { [LABEL.deploymentId]: labelValue(owner.deploymentId) } : {}),
  };
}

/** The label selector of everything one application created in one environment: what pruning may consider. */
export function ownershipSelector(application: string, environment: string): string {
  return [
    `${LABEL.managedBy}=eds`,
    `${LABEL.name}=${labelValue(application)}`,
    `${LABEL.environment}=${labelValue(environment)}`,
  ].join(',');
}

/**
 * Stamp an object with its owner. Labels already set by the renderer win for keys they carry (they are the
 * same facts); annotations keep the full deployment id and version, which labels may have to shorten.
 */
export function withOwnership(object: Manifest, owner: Ownership): Manifest {
  const labels = { ...ownershipLabels(owner), ...(object.metadata.labels ?? {}) };
  const annotations = {
    ...(object.metadata.annotations ?? {}),
    ...(owner.deploymentId ? { [ANNOTATION.deploymentId]: owner.deploymentId } : {}),
    ...(owner.version ? { [ANNOTATION.version]: owner.version } : {}),
  };
  return { ...object, metadata: { ...object.metadata, labels, annotations } };
}
