/** The Kubernetes API emulator's public face for tests: start it, point a client at `kubeconfigPath`. */
export { startEmulator } from './server.js';
export type { EmulatorOptions, KubernetesEmulator, PodReadyEvent, RecordedRequest } from './server.js';
export type { ForbiddenRule } from './context.js';
export { behaviourOf } from './failures.js';
export type { ImageBehaviour } from './failures.js';
export type { KubeObject } from './types.js';
export { kubeconfigYaml, CONTEXT_NAME } from './kubeconfig.js';
