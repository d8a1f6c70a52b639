import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runLoad } from '../../packages/core/test/host/helpers.js';
import { eds } from '../helpers/eds.js';

const server = path.resolve('examples/hello/server.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'eds-zero-'));
const state = path.join(dir, 'state');
const spec = path.join(dir, 'eds.yaml');
writeFileSync(
  spec,
  `apiVersion: eds/v1
name: zero
components:
  - name: web
    version: 1.0.0
    run: { command: node ${server} }
    health: { http: /healthz, interval: 100ms }
    replicas: 4
environments:
  dev: { tier: DEV, strategy: { type: ROLLING, maxSurge: 1 } }
  staging: { tier: STAGING, strategy: { type: BLUE_GREEN, scaleDownDelay: 1s, previewChecks: [{ http: /healthz }] } }
`,
);

const run = (args: string[]) =>
  eds(['-f', spec, '--state', state, '--json', ...args], { timeoutMs: 120_000 });

afterAll(async () => {
  await eds(['--state', state, 'agent', 'stop']);
});

describe('zero failed requests while eds deploys (real processes, real load)', () => {
  it.each(['dev', 'staging'])(
    '%s: 5,000 requests at 400 req/s, keep-alive and new connections, none fails',
    async (environment) => {
      const first = await run(['deploy', '--env', environment]);
      expect(first.code).toBe(0);
      const url = (JSON.parse(first.stdout) as { endpoints: { web: string } }).endpoints.web;
      const load = runLoad({ url, total: 5000, rate: 400, newConnectionEvery: 3 });
      // Start the new version once traffic flows, so the whole rollout happens under load.
      await new Promise((r) => setTimeout(r, 1000));
      const deploy = await run(['deploy', '--env', environment, '--set-version', 'web=2.0.0']);
      const result = await load;
      expect(deploy.code).toBe(0);
      expect(result.failures).toEqual([]);
      expect(result.failed).toBe(0);
      expect(result.ok).toBe(5000);
      expect(result.requestsPerSecond).toBeGreaterThanOrEqual(200);
      // The rollout happened inside the load: both versions answered.
      expect(result.versions['1.0.0']).toBeGreaterThan(0);
      expect(result.versions['2.0.0']).toBeGreaterThan(0);
    },
    180_000,
  );
});
