import type { CanaryStrategy } from '../model/index.js';
import type { PlannedComponent, PlannedStep, Strategy } from './strategy.js';

/**
 * Argo-style canary: start the canary beside stable, then the user's steps (setWeight / pause / analysis)
 * for every component, with optional background analysis the controller runs across the whole rollout.
 * The final step always moves all traffic to the canary and retires stable.
 */
export const canaryStrategy: Strategy = {
  type: 'CANARY',
  plan({ components, strategy }) {
    const canary = strategy as CanaryStrategy;
    const steps: PlannedStep[] = [];
    const match = canary.match;
    // Like Argo Rollouts, the first rollout has nothing to compare against: it goes straight to 100%.
    if (components.every((c) => !c.stableVersion || c.stableVersion === c.version)) {
      return components.flatMap((c) => promotionSteps(c, canary));
    }
    for (const { spec, version, stableVersion } of components) {
      const instances =
        stableVersion && stableVersion !== version
          ? Math.max(1, Math.ceil(spec.replicas / 2))
          : spec.replicas;
      steps.push({
        id: `${spec.name}-canary`,
        name: `start ${spec.name}@${version} ×${instances}`,
        kind: 'deploy-version',
        with: { component: spec.name, version, instances, progressDeadline: canary.progressDeadline },
      });
    }
    canary.steps.forEach((step, index) => {
      const n = index + 1;
      if ('setWeight' in step) {
        for (const { spec, version, stableVersion } of components) {
          const weights =
            !stableVersion || stableVersion === version || step.setWeight >= 100
              ? { [version]: 100 }
              : { [version]: step.setWeight, [stableVersion]: 100 - step.setWeight };
          steps.push({
            id: `step${n}-${spec.name}-weight`,
            name: `${spec.name}: ${step.setWeight}% to ${version}`,
            kind: 'set-traffic',
            with: { component: spec.name, weights, ...(match ? { match: { ...match, version } } : {}) },
          });
        }
      } else if ('pause' in step) {
        steps.push({
          id: `step${n}-pause`,
          name:
            step.pause.duration !== undefined ? `pause ${step.pause.duration} ms` : 'pause until promoted',
          kind: 'pause',
          with: step.pause.duration !== undefined ? { duration: step.pause.duration } : {},
        });
      } else {
        for (const { spec } of components) {
          steps.push({
            id: `step${n}-${spec.name}-analysis`,
            name: `analyse ${spec.name}`,
            kind: 'analysis',
            with: { component: spec.name, template: step.analysis },
          });
        }
      }
    });
    for (const component of components) {
      const { spec, version, stableVersion } = component;
      steps.push(...promotionSteps(component, canary));
      if (stableVersion && stableVersion !== version) {
        steps.push({
          id: `${spec.name}-retire`,
          name: `retire ${spec.name}@${stableVersion}`,
          kind: 'remove-version',
          with: { component: spec.name, version: stableVersion },
        });
      }
    }
    return steps;
  },
};

/** The end of every canary: the new version at full size, all traffic to it. */
function promotionSteps({ spec, version }: PlannedComponent, canary: CanaryStrategy): PlannedStep[] {
  return [
    {
      id: `${spec.name}-full`,
      name: `${spec.name}: ${version} ×${spec.replicas}`,
      kind: 'deploy-version',
      with: {
        component: spec.name,
        version,
        instances: spec.replicas,
        progressDeadline: canary.progressDeadline,
      },
    },
    {
      id: `${spec.name}-promote`,
      name: `${spec.name}: all traffic to ${version}`,
      kind: 'set-traffic',
      with: { component: spec.name, weights: { [version]: 100 } },
    },
  ];
}
