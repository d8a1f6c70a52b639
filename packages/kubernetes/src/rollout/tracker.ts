import { DeploymentFailedError } from '@eds/core';
import type { KubeClient } from '../connection/kube-client.js';
import { judgeDeployment } from './deployment-status.js';
import type { DeploymentObject, PodObject } from './kinds.js';
import { ObjectCache } from './object-cache.js';
import type { RolloutVerdict } from './verdict.js';

export interface ProgressEvent {
  resource: string;
  verdict: RolloutVerdict;
}

export interface WaitOptions {
  timeoutMs: number;
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

/**
 * Deployments and their Pods under one label selector, mirrored by watches. `waitFor` resolves the moment a
 * watch event makes a Deployment done and rejects the moment one makes it failed: no polling interval sits
 * between the cluster's change and EDS's answer.
 */
export class WorkloadTracker {
  readonly deployments: ObjectCache<DeploymentObject>;
  readonly pods: ObjectCache<PodObject>;

  constructor(
    client: KubeClient,
    readonly namespace: string,
    labelSelector: string,
  ) {
    const ns = encodeURIComponent(namespace);
    this.deployments = new ObjectCache(client, `/apis/apps/v1/namespaces/${ns}/deployments`, labelSelector);
    this.pods = new ObjectCache(client, `/api/v1/namespaces/${ns}/pods`, labelSelector);
  }

  async start(): Promise<void> {
    await Promise.all([this.deployments.start(), this.pods.start()]);
  }

  stop(): void {
    this.deployments.stop();
    this.pods.stop();
  }

  podsOf(deployment: DeploymentObject): PodObject[] {
    const selector = deployment.spec?.selector?.matchLabels ?? {};
    return this.pods
      .list()
      .filter((pod) => Object.entries(selector).every(([k, v]) => pod.metadata.labels?.[k] === v));
  }

  verdict(name: string): RolloutVerdict | undefined {
    const deployment = this.deployments.get(name);
    return deployment ? judgeDeployment(deployment, this.podsOf(deployment)) : undefined;
  }

  /** Wait until Deployment `name` is done; a failure or the timeout rejects with the reason. */
  async waitFor(name: string, options: WaitOptions): Promise<RolloutVerdict> {
    await this.start();
    const resource = `Deployment/${name}`;
    return new Promise<RolloutVerdict>((resolve, reject) => {
      let lastMessage = '';
      const cleanups: (() => void)[] = [];
      const finish = (action: () => void) => {
        for (const cleanup of cleanups) cleanup();
        action();
      };
      const check = () => {
        const verdict = this.verdict(name) ?? { state: 'progressing' as const, message: 'not created yet' };
        if (verdict.message !== lastMessage) {
          lastMessage = verdict.message;
          options.onProgress?.({ resource, verdict });
        }
        if (verdict.state === 'done') finish(() => resolve(verdict));
        else if (verdict.state === 'failed') {
          finish(() =>
            reject(
              new DeploymentFailedError(`${resource} failed: ${verdict.message}`, {
                code: 'ROLLOUT_FAILED',
                details: { resource, reason: verdict.reason },
              }),
            ),
          );
        }
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new DeploymentFailedError(
                `${resource} did not finish within ${Math.round(options.timeoutMs / 1000)}s: ${lastMessage}`,
                { code: 'PROGRESS_DEADLINE_EXCEEDED', details: { resource } },
              ),
            ),
          ),
        options.timeoutMs,
      );
      cleanups.push(() => clearTimeout(timer));
      cleanups.push(this.deployments.onChange(check), this.pods.onChange(check));
      const fail = (error: Error) => finish(() => reject(error));
      cleanups.push(this.deployments.onError(fail), this.pods.onError(fail));
      if (options.signal) {
        const abort = () => {
          const reason: unknown = options.signal?.reason;
          finish(() => reject(reason instanceof Error ? reason : new Error('aborted')));
        };
        options.signal.addEventListener('abort', abort, { once: true });
        cleanups.push(() => options.signal?.removeEventListener('abort', abort));
      }
      check();
    });
  }
}
