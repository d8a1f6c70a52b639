import {
  ValidationError,
  type TrafficMatch,
  type TrafficRouter,
  type TrafficState,
  type TrafficWeights,
} from '@eds/core';
import { ownershipLabels } from '../apply/ownership.js';
import type { TrafficMethod } from '../routers/index.js';
import type { KubernetesTarget } from './kubernetes-target.js';
import type { WorkloadLayout } from './naming.js';

interface StoredTraffic {
  weights: TrafficWeights;
  matches: TrafficMatch[];
}

/**
 * The TrafficRouter of the Kubernetes target. ROLLING needs no routing (the Service spans the Deployment's
 * pods and the rolling update moves traffic); BLUE_GREEN switches the active Service's selector; CANARY hands
 * the split to its traffic method. The last weights are kept in a ConfigMap so any later job can read them.
 */
export class KubernetesRouter implements TrafficRouter {
  constructor(
    private readonly target: KubernetesTarget,
    private readonly layout: WorkloadLayout,
    private readonly method: TrafficMethod | undefined,
  ) {}

  #stateName(component: string): string {
    return `${this.target.names(component).base}-traffic`;
  }

  #endpoint(component: string): string {
    return this.method
      ? this.method.endpoint(component)
      : `http://${this.target.names(component).service}.${this.target.namespace}.svc`;
  }

  async setWeights(
    component: string,
    weights: TrafficWeights,
    matches: TrafficMatch[] = [],
  ): Promise<TrafficState> {
    const total = Object.values(weights).reduce((a, b) => a + b, 0);
    if (total !== 100) {
      throw new ValidationError(`traffic weights of ${component} sum to ${total}, not 100`, {
        code: 'INVALID_WEIGHTS',
      });
    }
    if (this.layout === 'BLUE_GREEN') {
      const full = Object.entries(weights).filter(([, w]) => w > 0);
      if (full.length !== 1) {
        throw new ValidationError('blue-green switches all traffic at once; it cannot split weights', {
          code: 'INVALID_WEIGHTS',
          expected: 'one version at 100%',
        });
      }
      await this.target.switchActive(component, full[0][0]);
    } else if (this.method) {
      await this.method.route(component, weights, matches);
    }
    await this.#store(component, { weights, matches });
    return { component, weights, matches, endpoint: this.#endpoint(component) };
  }

  switchTo(component: string, version: string): Promise<TrafficState> {
    return this.setWeights(component, { [version]: 100 });
  }

  async getState(component: string): Promise<TrafficState | undefined> {
    const stored = await this.target.read('v1', 'ConfigMap', this.#stateName(component));
    const data = (stored?.data as Record<string, string> | undefined)?.traffic;
    if (!data) return undefined;
    const parsed = JSON.parse(data) as StoredTraffic;
    return {
      component,
      weights: parsed.weights,
      matches: parsed.matches,
      endpoint: this.#endpoint(component),
    };
  }

  async #store(component: string, traffic: StoredTraffic): Promise<void> {
    const owner = this.target.owner(component);
    await this.target.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: this.#stateName(component),
        namespace: this.target.namespace,
        labels: { ...ownershipLabels(owner), 'eds.dev/kind': 'traffic' },
      },
      data: { traffic: JSON.stringify(traffic) },
    });
  }
}
