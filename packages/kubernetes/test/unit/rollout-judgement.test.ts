import { describe, expect, it } from '@jest/globals';
import { judgeDeployment } from '../../src/rollout/deployment-status.js';
import { judgeJob } from '../../src/rollout/job-status.js';
import type { DeploymentObject, PodObject } from '../../src/rollout/kinds.js';
import { podFailure } from '../../src/rollout/pod-status.js';

const template = {
  metadata: { labels: { app: 'web', v: '2' } },
  spec: { containers: [{ name: 'web', image: 'web:2' }] },
};

function deployment(status: DeploymentObject['status'], generation = 2): DeploymentObject {
  return {
    metadata: { name: 'web', generation },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template },
    status,
  };
}

function pod(name: string, status: PodObject['status'], image = 'web:2', v = '2'): PodObject {
  return {
    metadata: { name, labels: { app: 'web', v } },
    spec: { containers: [{ name: 'web', image }] },
    status,
  };
}

const waiting = (reason: string, message = ''): PodObject['status'] => ({
  phase: 'Pending',
  containerStatuses: [{ name: 'web', image: 'web:2', state: { waiting: { reason, message } } }],
});

describe('judgeDeployment (krane table)', () => {
  it('is done only when the generation is observed and all replicas are updated and available with no old pods', () => {
    const full = { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 };
    expect(judgeDeployment(deployment(full), []).state).toBe('done');
    expect(judgeDeployment(deployment({ ...full, observedGeneration: 1 }), []).state).toBe('progressing');
    expect(judgeDeployment(deployment({ ...full, availableReplicas: 2 }), []).state).toBe('progressing');
    expect(judgeDeployment(deployment({ ...full, replicas: 4 }), []).message).toContain(
      '1 old pending termination',
    );
  });

  it('fails on ProgressDeadlineExceeded with the reason', () => {
    const verdict = judgeDeployment(
      deployment({
        observedGeneration: 2,
        conditions: [
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: 'RS "web-1" has timed out',
          },
        ],
      }),
      [],
    );
    expect(verdict).toMatchObject({ state: 'failed', reason: 'ProgressDeadlineExceeded' });
    expect(verdict.message).toContain('timed out');
  });

  it.each([
    ['CrashLoopBackOff', ''],
    ['ImagePullBackOff', 'Back-off pulling image "web:2"'],
    ['CreateContainerConfigError', 'configmap "cfg" not found'],
  ])('fails fast when every new pod is doomed by %s', (reason, message) => {
    const verdict = judgeDeployment(deployment({ observedGeneration: 2 }), [
      pod('web-a', waiting(reason, message)),
    ]);
    expect(verdict).toMatchObject({ state: 'failed', reason });
  });

  it('does not fail while one new pod is still healthy, nor for doomed pods of the old version', () => {
    const ready: PodObject['status'] = {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'web', ready: true, state: { running: {} } }],
    };
    expect(
      judgeDeployment(deployment({ observedGeneration: 2 }), [
        pod('a', waiting('CrashLoopBackOff')),
        pod('b', ready),
      ]).state,
    ).toBe('progressing');
    expect(
      judgeDeployment(deployment({ observedGeneration: 2 }), [
        pod('old', waiting('CrashLoopBackOff'), 'web:1', '1'),
      ]).state,
    ).toBe('progressing');
  });

  it('treats ErrImagePull as final only when the image does not exist (transient registry errors retry)', () => {
    expect(
      podFailure(pod('a', waiting('ErrImagePull', 'rpc error: manifest unknown: not found')))?.reason,
    ).toBe('ErrImagePull');
    expect(podFailure(pod('a', waiting('ErrImagePull', 'i/o timeout')))).toBeUndefined();
  });

  it('reports unschedulable pods and failed pods', () => {
    expect(
      podFailure(
        pod('a', {
          phase: 'Pending',
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message: '0/3 nodes: Insufficient cpu',
            },
          ],
        }),
      ),
    ).toMatchObject({ reason: 'Unschedulable', message: expect.stringContaining('Insufficient cpu') });
    expect(podFailure(pod('a', { phase: 'Failed', reason: 'Evicted' }))?.reason).toBe('Evicted');
  });
});

describe('judgeJob', () => {
  const now = new Date('2025-01-01T00:00:10Z');
  it('is done when complete or running for more than 5 s; failed on its condition or backoff limit', () => {
    expect(
      judgeJob(
        { metadata: { name: 'j' }, status: { conditions: [{ type: 'Complete', status: 'True' }] } },
        now,
      ).state,
    ).toBe('done');
    expect(
      judgeJob({ metadata: { name: 'j' }, status: { startTime: '2025-01-01T00:00:00Z', active: 1 } }, now)
        .state,
    ).toBe('done');
    expect(
      judgeJob({ metadata: { name: 'j' }, status: { startTime: '2025-01-01T00:00:08Z', active: 1 } }, now)
        .state,
    ).toBe('progressing');
    expect(
      judgeJob(
        {
          metadata: { name: 'j' },
          status: { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] },
        },
        now,
      ),
    ).toMatchObject({ state: 'failed', reason: 'BackoffLimitExceeded' });
    expect(
      judgeJob({ metadata: { name: 'j' }, spec: { backoffLimit: 2 }, status: { failed: 2 } }, now).state,
    ).toBe('failed');
    expect(judgeJob({ metadata: { name: 'j' }, spec: { backoffLimit: 0 }, status: {} }, now).state).toBe(
      'progressing',
    );
  });
});
