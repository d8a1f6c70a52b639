import { Discovery } from './discovery.js';
import { KubeClient, type RetryPolicy } from './kube-client.js';
import { loadKubeConfig, type ConnectionSettings } from './kubeconfig.js';

/** A connected cluster: the client and its discovery cache, sharing one kubeconfig. */
export interface Cluster {
  client: KubeClient;
  discovery: Discovery;
  namespace: string;
}

export function connect(settings: ConnectionSettings = {}, retry: Partial<RetryPolicy> = {}): Cluster {
  const client = new KubeClient(loadKubeConfig(settings), retry);
  return { client, discovery: new Discovery(client), namespace: client.namespace };
}
