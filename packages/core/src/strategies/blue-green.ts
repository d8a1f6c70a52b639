import type { BlueGreenStrategy } from '../model/index.js';
import type { PlannedStep, Strategy } from './strategy.js';

/**
 * Start the new colour beside the old, check it on its direct address, switch all traffic at once, keep the
 * old colour for `scaleDownDelay` (instant switch back), then retire it.
 */
export const blueGreenStrategy: Strategy = {
  type: 'BLUE_GREEN',
  plan({ components, strategy }) {
    const bg = strategy as BlueGreenStrategy;
    const steps: PlannedStep[] = [];
    for (const { spec, version } of components) {
      const c = spec.name;
      steps.push({
        id: `${c}-preview`,
        name: `start ${c}@${version} (preview) ×${spec.replicas}`,
        kind: 'deploy-version',
        with: { component: c, version, instances: spec.replicas, progressDeadline: bg.progressDeadline },
      });
      if (bg.previewChecks.length) {
        steps.push({
          id: `${c}-preview-checks`,
          name: `check ${c}@${version} preview`,
          kind: 'preview-check',
          with: { component: c, version, checks: bg.previewChecks },
        });
      }
      if (bg.prePromotionAnalysis) {
        steps.push({
          id: `${c}-pre-promotion-analysis`,
          name: `analyse ${c}@${version} before promotion`,
          kind: 'analysis',
          with: { component: c, template: bg.prePromotionAnalysis },
        });
      }
    }
    // Like Argo Rollouts, a first rollout has nothing active to protect: no promotion pause then.
    const firstRollout = components.every((c) => !c.stableVersion || c.stableVersion === c.version);
    if (!bg.autoPromote && !firstRollout)
      steps.push({ id: 'promotion', name: 'wait for promotion', kind: 'pause', with: {} });
    for (const { spec, version } of components) {
      steps.push({
        id: `${spec.name}-switch`,
        name: `switch ${spec.name} to ${version}`,
        kind: 'set-traffic',
        with: { component: spec.name, weights: { [version]: 100 } },
      });
    }
    for (const { spec, version } of components) {
      if (bg.postPromotionAnalysis) {
        steps.push({
          id: `${spec.name}-post-promotion-analysis`,
          name: `analyse ${spec.name}@${version} after promotion`,
          kind: 'analysis',
          with: { component: spec.name, template: bg.postPromotionAnalysis },
        });
      }
    }
    for (const { spec, stableVersion, version } of components) {
      if (stableVersion && stableVersion !== version) {
        steps.push({
          id: `${spec.name}-retire`,
          name: `retire ${spec.name}@${stableVersion} after ${bg.scaleDownDelay} ms`,
          kind: 'remove-version',
          with: { component: spec.name, version: stableVersion, delay: bg.scaleDownDelay },
        });
      }
    }
    return steps;
  },
};
