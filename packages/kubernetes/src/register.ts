import {
  registerSecretResolver,
  registerStoreBackend,
  registerTarget,
  ValidationError,
  type StoreOptions,
  type TargetContext,
  type TargetFactory,
} from '@eds/core';
import { connect } from './connection/cluster.js';
import { ConfigMapBackend } from './store/configmap-backend.js';
import { kubernetesSecretResolver } from './secrets/secret-resolver.js';
import { KubernetesTarget } from './target/kubernetes-target.js';
import {
  LAYOUTS,
  parseTrafficSettings,
  type ComponentWorkload,
  type RollingSettings,
} from './target/settings.js';
import type { WorkloadLayout } from './target/naming.js';

/**
 * What the Kubernetes target needs beyond the core's TargetContext: the application and environment (object
 * names and labels), the strategy (how versions are laid out) and each component's image and size. The CLI
 * passes them in the context it gives `openTarget`.
 */
export interface KubernetesTargetContext extends TargetContext {
  application?: string;
  environment?: string;
  strategy?: { type: string; maxSurge?: number | string; maxUnavailable?: number | string };
  components?: Record<string, ComponentWorkload>;
  deploymentId?: string;
  /** `--force-conflicts`: take over fields another field manager owns. */
  forceConflicts?: boolean;
}

type KubernetesTargetSpec = {
  context?: string;
  namespace?: string;
  kubeconfig?: string;
  /** Canary traffic method (`replicas` default, `nginx`, `gateway`) and its settings. */
  traffic?: unknown;
};

export const kubernetesTargetFactory: TargetFactory = async (spec, ctx) => {
  const target = spec as KubernetesTargetSpec;
  const context = ctx as KubernetesTargetContext;
  if (!context.application || !context.environment) {
    throw new ValidationError('the KUBERNETES target needs the application and environment names', {
      code: 'TARGET_CONTEXT_INCOMPLETE',
      expected: 'openTarget context with application and environment',
    });
  }
  const layout = (context.strategy?.type ?? 'ROLLING') as WorkloadLayout;
  if (!LAYOUTS.includes(layout)) {
    throw new ValidationError(`unknown strategy ${layout} for the KUBERNETES target`, {
      path: 'strategy.type',
      expected: LAYOUTS.join(' | '),
    });
  }
  const cluster = connect({
    ...(target.kubeconfig ? { kubeconfig: target.kubeconfig } : {}),
    ...(target.context ? { context: target.context } : {}),
    ...(target.namespace ? { namespace: target.namespace } : {}),
    env: ctx.env,
  });
  const rolling: RollingSettings | undefined =
    layout === 'ROLLING'
      ? { maxSurge: context.strategy?.maxSurge ?? 1, maxUnavailable: context.strategy?.maxUnavailable ?? 0 }
      : undefined;
  return new KubernetesTarget({
    ...cluster,
    application: context.application,
    environment: context.environment,
    layout,
    traffic: parseTrafficSettings(target.traffic),
    ...(context.components ? { components: context.components } : {}),
    ...(rolling ? { rolling } : {}),
    ...(context.deploymentId ? { deploymentId: context.deploymentId } : {}),
    ...(context.forceConflicts ? { forceConflicts: true } : {}),
  });
};

/** `--store kubernetes`: settings `namespace`, `context`, `kubeconfig` (e.g. from `--store-namespace`). */
export function kubernetesStoreBackend(options: StoreOptions): ConfigMapBackend {
  const settings = options.settings ?? {};
  const cluster = connect({
    ...(settings.kubeconfig ? { kubeconfig: settings.kubeconfig } : {}),
    ...(settings.context ? { context: settings.context } : {}),
    ...(settings.namespace ? { namespace: settings.namespace } : {}),
  });
  return new ConfigMapBackend(cluster.client, cluster.namespace);
}

/** Link Kubernetes into EDS: the KUBERNETES target and the `kubernetes` record store. Idempotent. */
export function registerKubernetes(): void {
  registerTarget('KUBERNETES', kubernetesTargetFactory);
  registerStoreBackend('kubernetes', kubernetesStoreBackend);
  registerSecretResolver(kubernetesSecretResolver);
}
