import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  ConfigStore,
  LABEL,
  renderConfig,
  renderManifests,
  writeRendered,
  type K8sObject,
} from '../../src/config/index.js';
import { MemoryBackend } from '../../src/records/index.js';
import { ENVIRONMENTS, edsErrorOf, makeProject } from './helpers.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const SPEC = `config:
  base: config/base.yaml
  secrets: { API_TOKEN: 'env:TOKEN?' }
  resources:
    '*': { limits: { memory: 512Mi } }
${ENVIRONMENTS.replace('      values:\n        inline: prod-inline\n', `      namespace: shop-prod\n      images: { api: { digest: '${DIGEST}' } }\n      replicas: { api: 4 }\n      resources: { api: { requests: { cpu: 250m } } }\n`)}`;

const files = {
  'config/base.yaml': 'LOG_LEVEL: info\ndb: { host: db, port: 5432 }\n',
  'config/dev.yaml': 'LOG_LEVEL: debug\n',
  'config/prod.yaml': '{}\n',
};

async function render(
  environment: string,
  options: {
    set?: string[];
    versions?: Record<string, string>;
    track?: string;
    extraFiles?: Record<string, string>;
    spec?: string;
  } = {},
) {
  const p = makeProject(options.spec ?? SPEC, { ...files, ...options.extraFiles });
  const rendered = await renderConfig({
    ...p,
    environment,
    deploymentId: `shop.${environment}.20240501100000000.beef`,
    env: { TOKEN: 'manifest-token' },
    request: { set: options.set ?? [], versions: options.versions ?? {} },
    strategy: options.track ? { track: options.track } : {},
    secrets: { fingerprintKey: Buffer.alloc(32, 5) },
  });
  return { p, rendered, manifests: await renderManifests({ spec: p.spec, specFile: p.specFile, rendered }) };
}

const find = (docs: { kind: string; object: K8sObject }[], kind: string): K8sObject => {
  const doc = docs.find((d) => d.kind === kind);
  if (!doc) throw new Error(`no ${kind}`);
  return doc.object;
};

describe('renderManifests', () => {
  it('renders byte-for-byte the same twice, in a fixed document order', async () => {
    const a = await render('prod');
    const b = await render('prod');
    expect(a.manifests.text).toBe(b.manifests.text);
    expect(a.manifests.documents.map((d) => d.kind)).toEqual([
      'Secret',
      'ConfigMap',
      'Service',
      'Deployment',
    ]);
    const parsed = parseAllDocuments(a.manifests.text) as unknown as { toJS(): unknown }[];
    expect(parsed).toHaveLength(4);
    const json = await renderManifests({
      spec: a.p.spec,
      specFile: a.p.specFile,
      rendered: a.rendered,
      format: 'json',
    });
    expect((JSON.parse(json.text) as { items: unknown[] }).items).toHaveLength(4);
  });

  it('generates a compliant Deployment from the spec and the environment config', async () => {
    const { manifests, rendered } = await render('prod');
    const deployment = find(manifests.documents, 'Deployment') as unknown as {
      metadata: { name: string; namespace: string; labels: Record<string, string> };
      spec: {
        replicas: number;
        selector: { matchLabels: Record<string, string> };
        template: {
          metadata: { labels: Record<string, string> };
          spec: Record<string, unknown> & { containers: Record<string, unknown>[] };
        };
      };
    };
    expect(deployment.metadata).toMatchObject({ name: 'shop-api', namespace: 'shop-prod' });
    expect(deployment.spec.replicas).toBe(4);
    expect(deployment.spec.selector.matchLabels).toEqual({
      [LABEL.name]: 'shop',
      [LABEL.component]: 'api',
      [LABEL.track]: 'stable',
    });
    expect(deployment.spec.template.metadata.labels).toMatchObject({
      [LABEL.version]: '1.0.0',
      [LABEL.environment]: 'prod',
      [LABEL.deploymentId]: 'shop.prod.20240501100000000.beef',
    });
    const pod = deployment.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const container = pod.containers[0];
    expect(container.image).toBe(`registry.example.com/shop/api:1.0.0@${DIGEST}`);
    expect(container.resources).toEqual({
      requests: { cpu: '250m', memory: '64Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    });
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'http' } });
    expect(container.livenessProbe).toBeDefined();
    const configMap = find(manifests.documents, 'ConfigMap');
    expect(container.envFrom).toEqual([
      { configMapRef: { name: configMap.metadata.name } },
      { secretRef: { name: find(manifests.documents, 'Secret').metadata.name } },
    ]);
    expect(configMap.data).toEqual({ LOG_LEVEL: 'info', DB_HOST: 'db', DB_PORT: '5432' });
    expect(find(manifests.documents, 'Secret').data).toEqual({
      API_TOKEN: Buffer.from('manifest-token').toString('base64'),
    });
    expect(rendered.hash).toMatch(/^sha256:/);
  });

  it('selectors never carry the version, so a new release applies over the old one', async () => {
    const v1 = await render('dev');
    const v2 = await render('dev', { versions: { api: '1.1.0' }, set: ['LOG_LEVEL=warn'] });
    const selector = (m: typeof v1.manifests, kind: string): unknown => {
      const spec = find(m.documents, kind).spec as Record<string, unknown>;
      return kind === 'Service' ? spec.selector : (spec.selector as Record<string, unknown>).matchLabels;
    };
    expect(selector(v2.manifests, 'Deployment')).toEqual(selector(v1.manifests, 'Deployment'));
    expect(selector(v2.manifests, 'Service')).toEqual(selector(v1.manifests, 'Service'));
    expect(JSON.stringify(selector(v2.manifests, 'Deployment'))).not.toContain('1.1.0');
    const image = (
      find(v2.manifests.documents, 'Deployment').spec as {
        template: { spec: { containers: { image: string }[] } };
      }
    ).template.spec.containers[0].image;
    expect(image).toBe('registry.example.com/shop/api:1.1.0');
    expect(find(v2.manifests.documents, 'ConfigMap').metadata.name).not.toBe(
      find(v1.manifests.documents, 'ConfigMap').metadata.name,
    );
  });

  it('a canary track renders suffixed Deployments with their own immutable selector', async () => {
    const { manifests } = await render('dev', { track: 'canary' });
    const deployment = find(manifests.documents, 'Deployment');
    expect(deployment.metadata.name).toBe('shop-api-canary');
    expect(
      (deployment.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels[
        LABEL.track
      ],
    ).toBe('canary');
    expect(find(manifests.documents, 'Service').metadata.name).toBe('shop-api');
  });

  it('user templates are interpolated, labelled (never in selectors) and replace generated objects of the same name', async () => {
    const template = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: ${{ app.name }}-api${{ strategy.suffix }}',
      '  labels: { app.kubernetes.io/component: api }',
      'spec:',
      '  replicas: ${{ components.api.replicas }}',
      '  selector: { matchLabels: { custom: "yes" } }',
      '  template:',
      '    metadata: { labels: { custom: "yes" } }',
      '    spec:',
      '      containers:',
      '        - name: api',
      '          image: ${{ components.api.image }}',
      '          envFrom: [{ configMapRef: { name: "${{ resources.configMap }}" } }]',
      '          env: [{ name: DB, value: "${{ config.db.host }}:${{ config.db.port }}" }]',
      '---',
      'apiVersion: networking.k8s.io/v1',
      'kind: Ingress',
      'metadata: { name: shop }',
      'spec: { rules: [{ host: "${{ deployment.environment }}.shop.example.com" }] }',
      '',
    ].join('\n');
    const { manifests } = await render('prod', {
      spec: SPEC.replace('config:\n', 'config:\n  templates: k8s\n'),
      extraFiles: { 'k8s/app.yaml': template },
    });
    expect(manifests.documents.map((d) => `${d.kind}:${d.origin}`)).toEqual([
      'Secret:generated',
      'ConfigMap:generated',
      'Service:generated',
      `Deployment:${path.join('k8s', 'app.yaml')}`,
      `Ingress:${path.join('k8s', 'app.yaml')}`,
    ]);
    const deployment = find(manifests.documents, 'Deployment') as unknown as {
      metadata: { labels: Record<string, string>; namespace: string };
      spec: {
        replicas: number;
        selector: unknown;
        template: {
          metadata: { labels: Record<string, string> };
          spec: { containers: { env: unknown; envFrom: unknown }[] };
        };
      };
    };
    expect(deployment.spec.replicas).toBe(4);
    expect(deployment.spec.selector).toEqual({ matchLabels: { custom: 'yes' } });
    expect(deployment.spec.template.metadata.labels).toMatchObject({
      custom: 'yes',
      [LABEL.version]: '1.0.0',
      [LABEL.component]: 'api',
    });
    expect(deployment.metadata.namespace).toBe('shop-prod');
    expect(deployment.spec.template.spec.containers[0]?.env).toEqual([{ name: 'DB', value: 'db:5432' }]);
    expect(JSON.stringify(find(manifests.documents, 'Ingress'))).toContain('prod.shop.example.com');
  });

  it('an unknown reference in a template names the template file and line', async () => {
    const error = await edsErrorOf(() =>
      render('dev', {
        spec: SPEC.replace('config:\n', 'config:\n  templates: k8s\n'),
        extraFiles: {
          'k8s/cm.yaml':
            'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\ndata:\n  a: ${{ config.nope }}\n',
        },
      }),
    );
    expect(error.code).toBe('UNKNOWN_REFERENCE');
    expect(error.location.file).toMatch(/k8s\/cm\.yaml$/);
    expect(error.location.line).toBe(5);
    expect(error.location.path).toBe('data.a');
  });

  it('lists the generated objects of older versions for cleanup, keeping the previous one', async () => {
    const p = makeProject(SPEC, files);
    const store = new ConfigStore(new MemoryBackend());
    const names: string[] = [];
    for (const level of ['a', 'b', 'c']) {
      const rendered = await renderConfig({
        ...p,
        environment: 'dev',
        env: {},
        request: { set: [`LOG_LEVEL=${level}`] },
      });
      await store.save(rendered, { createdBy: 'ci' });
      const manifests = await renderManifests({ spec: p.spec, specFile: p.specFile, rendered, store });
      names.push(find(manifests.documents, 'ConfigMap').metadata.name as string);
      if (level === 'c') {
        expect({ prune: manifests.prune, names }).toEqual({
          names,
          prune: [
            // The optional secret is unset in every version, so the Secret's name never changed: nothing to prune.
            { kind: 'ConfigMap', name: names[0], version: 1 },
          ],
        });
      }
    }
  });

  it('writes one file per document, in order, or one stream', async () => {
    const { manifests } = await render('dev');
    const dir = mkdtempSync(path.join(tmpdir(), 'eds-render-'));
    const written = await writeRendered(dir, manifests);
    expect(readdirSync(dir).sort()).toEqual(written.map((f) => path.basename(f)));
    expect(path.basename(written[0])).toMatch(/^01-secret-shop-secrets-[a-f0-9]{10}\.yaml$/);
    const stream = await writeRendered(path.join(dir, 'all'), manifests, { layout: 'stream' });
    expect(readFileSync(stream[0], 'utf8')).toBe(manifests.text);
  });
});
