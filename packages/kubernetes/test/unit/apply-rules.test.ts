import { describe, expect, it } from '@jest/globals';
import type { Manifest } from '../../src/apply/manifest.js';
import { sortForApply } from '../../src/apply/order.js';
import { withOwnership } from '../../src/apply/ownership.js';
import { PRUNABLE_LABEL, selectPrunable } from '../../src/apply/prune.js';

const m = (kind: string, name = kind.toLowerCase(), extra: Partial<Manifest['metadata']> = {}): Manifest => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, ...extra },
});

describe('apply order', () => {
  it("follows krane's predeploy order, then workloads and Services, then routes; stable within a rank", () => {
    const sorted = sortForApply([
      m('Ingress'),
      m('Deployment', 'a'),
      m('Service'),
      m('Secret'),
      m('RoleBinding'),
      m('Role'),
      m('ServiceAccount'),
      m('PersistentVolumeClaim'),
      m('ConfigMap'),
      m('NetworkPolicy'),
      m('ResourceQuota'),
      m('CustomResourceDefinition'),
      m('Namespace'),
      m('Deployment', 'b'),
      m('HTTPRoute'),
    ]).map((o) => `${o.kind}${o.kind === 'Deployment' ? `/${o.metadata.name}` : ''}`);
    expect(sorted).toEqual([
      'Namespace',
      'CustomResourceDefinition',
      'ResourceQuota',
      'NetworkPolicy',
      'ConfigMap',
      'PersistentVolumeClaim',
      'ServiceAccount',
      'Role',
      'RoleBinding',
      'Secret',
      'Deployment/a',
      'Service',
      'Deployment/b',
      'Ingress',
      'HTTPRoute',
    ]);
  });
});

describe('ownership', () => {
  it('labels and annotates every object with application, environment, component, version and deployment id', () => {
    const owned = withOwnership(m('Deployment', 'web'), {
      application: 'hello',
      environment: 'prod',
      component: 'web',
      version: '1.2.0+build.7',
      deploymentId: 'hello.prod.20250101T000000Z.abcd',
    });
    expect(owned.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'hello',
      'app.kubernetes.io/managed-by': 'eds',
      'eds.dev/environment': 'prod',
      'app.kubernetes.io/component': 'web',
      'app.kubernetes.io/version': '1.2.0_build.7',
      'eds.dev/deployment-id': 'hello.prod.20250101T000000Z.abcd',
    });
    expect(owned.metadata.annotations).toMatchObject({ 'eds.dev/version': '1.2.0+build.7' });
  });
});

describe('prune selection', () => {
  const mine = { 'app.kubernetes.io/managed-by': 'eds', [PRUNABLE_LABEL]: 'true' };
  const existing = [
    m('ConfigMap', 'kept', { namespace: 'team', labels: mine }),
    m('ConfigMap', 'gone', { namespace: 'team', labels: mine }),
    m('ConfigMap', 'elsewhere', { namespace: 'other', labels: mine }),
    m('ConfigMap', 'not-prunable', { namespace: 'team', labels: { 'app.kubernetes.io/managed-by': 'eds' } }),
    m('ConfigMap', 'someone-elses', { namespace: 'team', labels: { [PRUNABLE_LABEL]: 'true' } }),
  ];
  it('deletes only prunable objects of this app in this namespace that the render no longer has', () => {
    const doomed = selectPrunable(existing, [m('ConfigMap', 'kept')], {
      namespace: 'team',
      application: 'hello',
      environment: 'prod',
    });
    expect(doomed.map((o) => o.metadata.name)).toEqual(['gone']);
  });
  it.each(['default', 'kube-system', 'kube-public'])('refuses to prune in %s unless allowed', (namespace) => {
    expect(() => selectPrunable([], [], { namespace, application: 'a', environment: 'e' })).toThrow(
      expect.objectContaining({ code: 'PROTECTED_NAMESPACE' }),
    );
    expect(
      selectPrunable([], [], {
        namespace,
        application: 'a',
        environment: 'e',
        allowProtectedNamespace: true,
      }),
    ).toEqual([]);
  });
});
