import type { RollingStrategy } from '../model/index.js';
import { resolveCount, type PlannedStep, type Strategy } from './strategy.js';

/**
 * Replace instances in batches: surge new ones (healthy before going on), move traffic in proportion, then
 * retire old ones. Traffic follows the healthy-instance ratio, as a Service does over its pods.
 */
export const rollingStrategy: Strategy = {
  type: 'ROLLING',
  plan({ components, strategy, environment }) {
    const rolling = strategy as RollingStrategy;
    const steps: PlannedStep[] = [];
    for (const { spec, version, stableVersion } of components) {
      const replicas = spec.replicas;
      const c = spec.name;
      // On Kubernetes the Deployment does its own rolling update (maxSurge/maxUnavailable go to its spec):
      // one step that applies the new version and tracks it to completion.
      const clusterRolls = typeof environment.target !== 'string' && environment.target.type === 'KUBERNETES';
      if (!stableVersion || stableVersion === version || clusterRolls) {
        steps.push({
          id: `${c}-deploy`,
          name: `deploy ${c}@${version} ×${replicas}`,
          kind: 'deploy-version',
          with: { component: c, version, instances: replicas, progressDeadline: rolling.progressDeadline },
        });
        steps.push({
          id: `${c}-traffic`,
          name: `route ${c} to ${version}`,
          kind: 'set-traffic',
          with: { component: c, weights: { [version]: 100 } },
        });
        continue;
      }
      const batch = rolling.batch ?? resolveCount(rolling.maxSurge, replicas, 1);
      for (let done = 0, n = 1; done < replicas; n += 1) {
        const next = Math.min(replicas, done + batch);
        const weight = Math.round((next / replicas) * 100);
        steps.push({
          id: `${c}-batch${n}-scale-up`,
          name: `${c}: ${version} ×${next}`,
          kind: 'deploy-version',
          with: { component: c, version, instances: next, progressDeadline: rolling.progressDeadline },
        });
        steps.push({
          id: `${c}-batch${n}-traffic`,
          name: `${c}: ${weight}% to ${version}`,
          kind: 'set-traffic',
          with: {
            component: c,
            weights:
              weight >= 100 ? { [version]: 100 } : { [version]: weight, [stableVersion]: 100 - weight },
          },
        });
        steps.push({
          id: `${c}-batch${n}-scale-down`,
          name: `${c}: ${stableVersion} ×${replicas - next}`,
          kind: 'scale-version',
          with: { component: c, version: stableVersion, instances: replicas - next },
        });
        done = next;
      }
      steps.push({
        id: `${c}-retire`,
        name: `retire ${c}@${stableVersion}`,
        kind: 'remove-version',
        with: { component: c, version: stableVersion },
      });
    }
    return steps;
  },
};
