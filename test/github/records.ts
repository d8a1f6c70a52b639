import { createRecord, newDeploymentId, type DeploymentRecord } from '@eds/core';

let sequence = 0;

/** A record of `shop` in a given state, with the spec snapshot the mirror reads the tier from. */
export function recordAt(
  environment: string,
  tier: 'DEV' | 'STAGING' | 'PROD',
  state: Pick<DeploymentRecord['deployment'], 'status'> & Partial<DeploymentRecord['progress']>,
): DeploymentRecord {
  const now = new Date(Date.UTC(2026, 0, 1, 0, 0, sequence++));
  const record = createRecord({
    id: newDeploymentId('shop', environment, now),
    application: 'shop',
    environment,
    description: 'test',
    strategy: 'CANARY',
    components: [{ name: 'web', version: '1.1.0' }],
    actor: { user: 'octocat', frontEnd: 'github' },
    now,
    spec: {
      file: 'eds.yaml',
      sha256: '0'.repeat(64),
      application: { name: 'shop', environments: { [environment]: { tier } } },
      request: { versions: { web: '1.1.0' }, set: {}, strategy: null },
    },
  }) as DeploymentRecord;
  return withState({ ...record, revision: 1 }, state);
}

export function withState(
  record: DeploymentRecord,
  state: Pick<DeploymentRecord['deployment'], 'status'> & Partial<DeploymentRecord['progress']>,
): DeploymentRecord {
  const { status, ...progress } = state;
  return {
    ...record,
    revision: record.revision + 1,
    deployment: { ...record.deployment, status },
    progress: { ...record.progress, ...progress },
  };
}
