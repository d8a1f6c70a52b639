/** A kubeconfig pointing at the emulator (plain HTTP, bearer token), for kubectl and client-node. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

export const CONTEXT_NAME = 'eds-emulator';

export function kubeconfigYaml(server: string, token: string, namespace = 'default'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // client-node (1.x) refuses an http:// server unless insecure-skip-tls-verify is set; kubectl accepts it.
    clusters: [{ name: CONTEXT_NAME, cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: CONTEXT_NAME, user: { token } }],
    contexts: [{ name: CONTEXT_NAME, context: { cluster: CONTEXT_NAME, user: CONTEXT_NAME, namespace } }],
    'current-context': CONTEXT_NAME,
    preferences: {},
  });
}

/** Write the kubeconfig to `target`, or to a fresh temporary directory. Returns its path. */
export function writeKubeconfig(server: string, token: string, target?: string): string {
  const file = target ?? path.join(mkdtempSync(path.join(os.tmpdir(), 'eds-k8s-emulator-')), 'kubeconfig');
  writeFileSync(file, kubeconfigYaml(server, token), { mode: 0o600 });
  return file;
}
