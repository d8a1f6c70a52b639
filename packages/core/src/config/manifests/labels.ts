import type { InterpolationContext } from '../context.js';

export const LABEL = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  version: 'app.kubernetes.io/version',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
  environment: 'eds.dev/environment',
  deploymentId: 'eds.dev/deployment-id',
  track: 'eds.dev/track',
  generated: 'eds.dev/generated',
} as const;

export const ANNOTATION = {
  configHash: 'eds.dev/config-hash',
  deploymentId: 'eds.dev/deployment-id',
} as const;

/** Kubernetes label values: ≤ 63 characters of [A-Za-z0-9_.-], starting and ending alphanumeric. */
export function labelValue(text: string): string {
  return text
    .replace(/[^A-Za-z0-9_.-]/g, '_')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/**
 * Labels that never change for the life of an object: the only ones a selector may use. Selectors are immutable
 * in Kubernetes, so a version in a selector (kustomize's commonLabels mistake) makes the next release fail to apply.
 */
export function selectorLabels(
  context: InterpolationContext,
  component: string,
  withTrack: boolean,
): Record<string, string> {
  return {
    [LABEL.name]: labelValue(context.app.name),
    [LABEL.component]: labelValue(component),
    ...(withTrack ? { [LABEL.track]: labelValue(context.strategy.track) } : {}),
  };
}

/** Every label tying an object to its app, environment, component, version and deployment. */
export function objectLabels(
  context: InterpolationContext,
  component: string | undefined,
): Record<string, string> {
  const version = component ? context.components[component]?.version : undefined;
  return {
    [LABEL.name]: labelValue(context.app.name),
    [LABEL.instance]: labelValue(`${context.app.name}-${context.deployment.environment}`),
    [LABEL.partOf]: labelValue(context.app.name),
    [LABEL.managedBy]: 'eds',
    [LABEL.environment]: labelValue(context.deployment.environment),
    [LABEL.deploymentId]: labelValue(context.deployment.id),
    [LABEL.track]: labelValue(context.strategy.track),
    ...(component ? { [LABEL.component]: labelValue(component) } : {}),
    ...(version ? { [LABEL.version]: labelValue(version) } : {}),
  };
}
