import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Workspace } from './front-ends/front-end.js';

const SERVER = path.resolve('examples/hello/server.js');

/**
 * Analysis short enough for tests, strict enough to catch FAIL_RATE=0.3 on the first measurement. The canary takes
 * half the traffic and each measurement covers 2s, so even on two loaded cores a measurement sees well over
 * minRequests: an Inconclusive measurement would say more about the test's load than about a front end.
 */
const ANALYSIS = `interval: 2s
            count: 2
            failureLimit: 0
            inconclusiveLimit: 1
            minRequests: 5
            metrics: [{ provider: router, metric: errorRate, condition: '< 0.05' }]`;

/**
 * The application every front end deploys: examples/hello on the host agent, one environment per strategy,
 * short health and analysis intervals. The image is there so that the security policy has a workload to check.
 */
export const PARITY_SPEC = `apiVersion: eds/v1
name: parity
components:
  - name: web
    version: 1.0.0
    image: registry.example.com/parity/web:1.0.0
    run: { command: node ${SERVER} }
    health: { http: /healthz, interval: 200ms }
    replicas: 1
environments:
  rolling:
    tier: DEV
    strategy: { type: ROLLING, maxSurge: 1 }
  canary:
    tier: STAGING
    strategy:
      type: CANARY
      steps:
        - setWeight: 50
        - analysis:
            ${ANALYSIS}
        - pause: {}
        - setWeight: 100
  bluegreen:
    tier: STAGING
    strategy:
      type: BLUE_GREEN
      autoPromote: false
      scaleDownDelay: 0s
      previewChecks: [{ http: /healthz, expectStatus: 200 }, { http: /, contains: hello }]
  handoff:
    tier: STAGING
    strategy:
      type: CANARY
      steps:
        - setWeight: 25
        - pause: {}
        - setWeight: 100
  slow:
    tier: STAGING
    strategy:
      type: CANARY
      steps:
        - setWeight: 50
        - pause: { duration: 8s }
        - setWeight: 100
`;

/** A PROD release whose image uses :latest: the policy blocks it (exit 3) before anything runs. */
export const POLICY_SPEC = `apiVersion: eds/v1
name: parity-policy
components:
  - name: web
    version: 1.0.0
    image: registry.example.com/parity/web:latest
    run: { command: node ${SERVER} }
    replicas: 1
environments:
  prod:
    tier: PROD
    strategy: { type: ROLLING }
`;

export const POLICY_FILE = 'policy.eds.yaml';
export const APPLICATION = 'parity';

/** A fresh workspace holding both specs, and a state directory of its own (or a shared one). */
export function createWorkspace(label: string, state?: string): Workspace {
  const root = mkdtempSync(path.join(os.tmpdir(), `eds-parity-${label}-`));
  const dir = path.join(root, 'workspace');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'eds.yaml'), PARITY_SPEC);
  writeFileSync(path.join(dir, POLICY_FILE), POLICY_SPEC);
  return { dir, state: state ?? path.join(root, 'state') };
}
