import { describe, expect, it } from '@jest/globals';
import type { DeploymentRecord } from '@eds/core';
import { canaryChartSvg, canarySeries, deploymentSummary } from '@eds/github';
import { recordAt, withState } from '../../../test/github/records.js';

function canaryRecord(): DeploymentRecord {
  const record = withState(recordAt('prod', 'PROD', { status: 'FAILED' }), {
    status: 'FAILED',
    phase: 'ROLLED_BACK',
    reason: 'errorRate 0.31 failed condition < 0.05',
    endpoints: { web: 'http://127.0.0.1:4100' },
    weights: { web: { '1.0.0': 100 } },
    stableVersions: { web: '1.0.0' },
  });
  const t = (s: number) => new Date(Date.parse(record.deployment.createdAt) + s * 1000).toISOString();
  record.progress.steps = {
    'step1-web-weight': { kind: 'set-traffic', attempts: 1 },
    'step2-web-analysis': { kind: 'analysis', attempts: 1 },
  };
  record.pipeline.stages = [
    {
      id: 'rollout',
      name: 'CANARY rollout',
      status: 'FAILED',
      startedAt: t(0),
      completedAt: t(4),
      steps: [
        {
          id: 'step1-web-weight',
          name: 'web: 20% to 1.1.0',
          status: 'COMPLETED',
          startedAt: t(1),
          completedAt: t(1.2),
          logs: [],
        },
        {
          id: 'step2-web-analysis',
          name: 'analyse | web',
          status: 'FAILED',
          startedAt: t(1.2),
          completedAt: t(3.5),
          logs: [],
        },
      ],
    },
  ];
  record.progress.analysis = [
    {
      step: 'step2-web-analysis',
      phase: 'Failed',
      startedAt: t(1.2),
      completedAt: t(3.5),
      message: 'errorRate 0.31 failed condition < 0.05',
      measurements: [
        { metric: 'errorRate', index: 0, value: 0.02, phase: 'Successful', at: t(2), message: 'ok' },
        {
          metric: 'errorRate',
          index: 1,
          value: 0.31,
          phase: 'Failed',
          at: t(3),
          message: 'errorRate 0.31 failed condition < 0.05',
        },
      ],
    },
  ];
  record.events.push({ seq: 9, at: t(4), type: 'RolledBack', message: 'rolled back' });
  record.reports.security = {
    policyVersion: 'sha256:x',
    environment: 'prod',
    tier: 'PROD',
    countsBySeverity: { low: 1, medium: 0, high: 0, critical: 0 },
    exemptedCount: 0,
    decision: {
      blocked: false,
      threshold: 'medium',
      vulnerabilityThreshold: 'high',
      blockingCount: 0,
      blocking: [],
    },
    exemptionsUsed: [],
  };
  return record;
}

describe('job summary of a deployment', () => {
  it('has the result table, components, step timeline, analysis verdicts, security line and a canary chart', () => {
    const record = canaryRecord();
    const md = deploymentSummary('deploy', record);
    expect(md).toContain('## ↩️ EDS deploy: shop → prod');
    expect(md).toContain(`| \`${record.deployment.id}\` | FAILED | ROLLED_BACK | CANARY | - | octocat | 1 |`);
    expect(md).toContain('**Reason:** errorRate 0.31 failed condition < 0.05');
    expect(md).toContain('| web | 1.1.0 | PENDING | 1.0.0 | 1.0.0: 100% | http://127.0.0.1:4100 |');
    // Pipes inside a cell are escaped so the table keeps its columns.
    expect(md).toContain('| CANARY rollout | analyse \\| web | FAILED |');
    expect(md).toContain(
      '| step2-web-analysis | Failed | 1 Successful, 1 Failed | errorRate 0.31 failed condition < 0.05 |',
    );
    expect(md).toContain(
      '✅ passed — 1 low, 0 medium, 0 high, 0 critical; threshold medium (PROD), 0 exempted',
    );
    expect(md).toMatch(/### Canary\n\n<svg [^]*<\/svg>/);
  });

  it('draws weight as steps up and back to 0 at the rollback, and the error rate from the measurements', () => {
    const series = canarySeries(canaryRecord());
    expect(series.weight.map((p) => p.value)).toEqual([0, 20, 0]);
    expect(series.errorRate.map((p) => p.value)).toEqual([0.02, 0.31]);
    const svg = canaryChartSvg(series) ?? '';
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).not.toMatch(/<script|href=/);
    expect(svg).toContain('31.0%');
  });
});
