import type { TrafficMatch, TrafficWeights } from '@eds/core';
import { ValidationError } from '@eds/core';
import type { TrafficSettings } from '../../target/settings.js';
import { replicaSplit } from '../split.js';
import type { TrafficMethod, WorkloadControl } from '../traffic-method.js';

/**
 * Stable and canary Deployments behind the one component Service: the share of traffic a version gets is its
 * share of ready pods, so weights become replica counts. Approximate (2 pods cannot do 10%), needs no ingress
 * controller, and cannot route by header or cookie.
 */
export function replicasMethod(control: WorkloadControl, _settings: TrafficSettings): TrafficMethod {
  return {
    name: 'replicas',
    async route(component: string, weights: TrafficWeights, matches: TrafficMatch[]) {
      if (matches.length > 0) {
        throw new ValidationError(
          'header/cookie routing needs the nginx or gateway traffic method; the replicas method splits by pod count only',
          { code: 'UNSUPPORTED_MATCH', path: 'target.traffic.method', expected: 'nginx | gateway' },
        );
      }
      const running = await control.versions(component);
      const total = control.desiredReplicas(component) ?? Math.max(1, ...running.map((r) => r.replicas));
      const counts = replicaSplit(weights, total);
      // Grow before shrinking, so the component never drops below its capacity mid-change.
      const order = Object.entries(counts).sort((a, b) => b[1] - a[1]);
      for (const [version, replicas] of order) {
        if (running.some((r) => r.version === version)) await control.scale(component, version, replicas);
      }
      for (const r of running) {
        if (!(r.version in weights)) await control.scale(component, r.version, 0);
      }
    },
    endpoint(component: string) {
      return `http://${control.names(component).service}.${control.namespace}.svc`;
    },
  };
}
