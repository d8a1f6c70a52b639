// @eds/kubernetes — EDS on a cluster: connection, server-side apply, rollout tracking with watches, the
// Kubernetes target and canary traffic methods, and the ConfigMap/Lease record store.
export {
  registerKubernetes,
  kubernetesTargetFactory,
  kubernetesStoreBackend,
  type KubernetesTargetContext,
} from './register.js';
export { connect, type Cluster } from './connection/cluster.js';
export { loadKubeConfig, type ConnectionSettings, type LoadedConfig } from './connection/kubeconfig.js';
export { KubeClient, DEFAULT_RETRY, type RetryPolicy, type WatchEvent } from './connection/kube-client.js';
export { KubeApiError, isApiError } from './connection/api-errors.js';
export { Discovery, resourcePath, type ResourceInfo } from './connection/discovery.js';
export { applyManifests, applyObject, type ApplyOptions, type AppliedObject } from './apply/apply.js';
export { sortForApply, applyRank } from './apply/order.js';
export { FIELD_MANAGER, withOwnership, ownershipSelector, type Ownership } from './apply/ownership.js';
export {
  prune,
  selectPrunable,
  PROTECTED_NAMESPACES,
  PRUNABLE_LABEL,
  type PruneOptions,
} from './apply/prune.js';
export type { Manifest } from './apply/manifest.js';
export { judgeDeployment } from './rollout/deployment-status.js';
export { podFailure } from './rollout/pod-status.js';
export { judgeJob } from './rollout/job-status.js';
export { WorkloadTracker, type ProgressEvent } from './rollout/tracker.js';
export type { RolloutVerdict, RolloutState } from './rollout/verdict.js';
export { KubernetesTarget, type KubernetesTargetOptions } from './target/kubernetes-target.js';
export { KubernetesRouter } from './target/kubernetes-router.js';
export {
  parseTrafficSettings,
  type TrafficSettings,
  type TrafficMethodName,
  type ComponentWorkload,
} from './target/settings.js';
export type { WorkloadLayout } from './target/naming.js';
export { TRAFFIC_METHODS } from './routers/index.js';
export { ConfigMapBackend } from './store/configmap-backend.js';
export { kubernetesSecretResolver } from './secrets/secret-resolver.js';
