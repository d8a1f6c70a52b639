import type { AppSpec, EnvironmentSpec } from '../model/index.js';
import type { PipelineDefinitionInput } from '../pipeline/index.js';
import { strategyFor } from '../strategies/index.js';
import type { DeploymentRecord } from '../records/index.js';

/**
 * The deployment pipeline of a record: prepare (validate, render, check), an approval gate where the
 * environment requires one, the strategy's rollout, verify. A pure function of the record, so a resumed
 * deployment gets exactly the steps it started with.
 */
export function deploymentPipeline(record: DeploymentRecord): PipelineDefinitionInput {
  const app = record.spec.application as unknown as AppSpec;
  const environment = app.environments[record.deployment.environment];
  const strategySpec =
    record.spec.request.strategy && record.spec.request.strategy !== environment.strategy.type
      ? defaultStrategy(record.spec.request.strategy)
      : environment.strategy;
  const planned = strategyFor(strategySpec.type).plan({
    environmentName: record.deployment.environment,
    environment,
    strategy: strategySpec,
    components: record.deployment.components.map((c) => ({
      spec: app.components.find((s) => s.name === c.name) as AppSpec['components'][number],
      version: c.version,
      stableVersion: record.progress.stableVersions[c.name] ?? null,
    })),
  });
  const chain = <T extends { id: string }>(steps: T[]) =>
    steps.map((s, i) => (i === 0 ? s : { ...s, needs: [steps[i - 1].id] }));
  const stages: PipelineDefinitionInput['stages'] = [
    {
      id: 'prepare',
      name: 'prepare',
      steps: chain([
        { id: 'validate', name: 'validate spec', kind: 'validate' },
        { id: 'render', name: 'render configuration', kind: 'render' },
        { id: 'check', name: 'security check', kind: 'check' },
      ]),
    },
  ];
  if (environment.approvals && !record.spec.request.rollbackOf) {
    stages.push({
      id: 'approval',
      name: 'approval',
      steps: [
        {
          id: 'approval',
          name: `${environment.approvals.required} approval(s)`,
          kind: 'approval',
          with: environment.approvals,
        },
      ],
    });
  }
  stages.push({
    id: 'rollout',
    name: `${strategySpec.type} rollout`,
    steps: chain(planned.map((s) => ({ id: s.id, name: s.name, kind: s.kind, with: s.with }))),
  });
  stages.push({
    id: 'verify',
    name: 'verify',
    steps: [{ id: 'verify', name: 'verify end state', kind: 'verify' }],
  });
  return { name: `deploy ${record.application} to ${record.deployment.environment}`, concurrency: 1, stages };
}

/** `--strategy` overrides the environment's strategy with that type's defaults. */
function defaultStrategy(type: string): EnvironmentSpec['strategy'] {
  switch (type) {
    case 'ROLLING':
      return { type: 'ROLLING', maxSurge: 1, maxUnavailable: 0, progressDeadline: 60_000 };
    case 'BLUE_GREEN':
      return {
        type: 'BLUE_GREEN',
        autoPromote: true,
        scaleDownDelay: 0,
        previewChecks: [],
        progressDeadline: 60_000,
      };
    default:
      return {
        type: 'CANARY',
        steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 100 }],
        progressDeadline: 60_000,
      };
  }
}
