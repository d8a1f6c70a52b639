import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseSpec, STRATEGIES, type PlanInput } from '../../src/index.js';

const spec = parseSpec(
  `apiVersion: eds/v1
name: shop
components:
  - { name: web, version: 2.0.0, run: { command: 'true' }, replicas: 4 }
environments:
  roll: { tier: DEV, strategy: { type: ROLLING, maxSurge: 25% } }
  k8s: { tier: DEV, target: { type: KUBERNETES }, strategy: { type: ROLLING } }
  bg: { tier: STAGING, strategy: { type: BLUE_GREEN, autoPromote: false, scaleDownDelay: 5s, previewChecks: [{ http: /healthz }] } }
  can: { tier: PROD, strategy: { type: CANARY, steps: [{ setWeight: 10 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: 1s } }] } }
`,
  'eds.yaml',
);

function plan(environmentName: string, stableVersion: string | null) {
  const environment = spec.environments[environmentName];
  if (!environment) throw new Error(environmentName);
  const input: PlanInput = {
    environmentName,
    environment,
    strategy: environment.strategy,
    components: [
      {
        spec: spec.components[0],
        version: '2.0.0',
        stableVersion,
      },
    ],
  };
  return STRATEGIES[environment.strategy.type].plan(input);
}

describe('strategy planners (pure)', () => {
  it('rolling: batches of maxSurge, each healthy before traffic moves, old retired last', () => {
    const steps = plan('roll', '1.0.0');
    expect(steps.map((s) => s.id)).toEqual([
      ...[1, 2, 3, 4].flatMap((n) => [
        `web-batch${n}-scale-up`,
        `web-batch${n}-traffic`,
        `web-batch${n}-scale-down`,
      ]),
      'web-retire',
    ]);
    expect(steps.filter((s) => s.kind === 'set-traffic').map((s) => s.with.weights)).toEqual([
      { '2.0.0': 25, '1.0.0': 75 },
      { '2.0.0': 50, '1.0.0': 50 },
      { '2.0.0': 75, '1.0.0': 25 },
      { '2.0.0': 100 },
    ]);
  });

  it('rolling on Kubernetes: the Deployment rolls itself', () => {
    expect(plan('k8s', '1.0.0').map((s) => s.kind)).toEqual(['deploy-version', 'set-traffic']);
  });

  it('blue-green: preview, checks, promotion pause, switch, delayed retire; a first rollout does not pause', () => {
    expect(plan('bg', '1.0.0').map((s) => s.id)).toEqual([
      'web-preview',
      'web-preview-checks',
      'promotion',
      'web-switch',
      'web-retire',
    ]);
    expect(plan('bg', '1.0.0').find((s) => s.id === 'web-retire')?.with.delay).toBe(5000);
    expect(plan('bg', null).map((s) => s.id)).toEqual(['web-preview', 'web-preview-checks', 'web-switch']);
  });

  it('canary: the steps as written, then full size and all traffic; a first rollout goes straight to 100%', () => {
    expect(plan('can', '1.0.0').map((s) => s.id)).toEqual([
      'web-canary',
      'step1-web-weight',
      'step2-pause',
      'step3-web-weight',
      'step4-pause',
      'web-full',
      'web-promote',
      'web-retire',
    ]);
    expect(plan('can', null).map((s) => s.id)).toEqual(['web-full', 'web-promote']);
  });

  it('plans are deterministic and have unique step ids (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('roll', 'k8s', 'bg', 'can'),
        fc.option(fc.constantFrom('1.0.0', '2.0.0', '0.9.1')),
        (env, stable) => {
          const a = plan(env, stable);
          expect(plan(env, stable)).toEqual(a);
          expect(new Set(a.map((s) => s.id)).size).toBe(a.length);
        },
      ),
    );
  });
});
