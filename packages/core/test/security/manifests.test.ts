import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { stringify } from 'yaml';
import { ValidationError } from '../../src/errors/index.js';
import {
  checkManifests,
  loadManifestFiles,
  loadManifests,
  parsePolicyOrThrow,
  listChecks,
} from '../../src/security/index.js';
import { deployment, findingsOf, fixture, NOW } from './helpers.js';

const PROD = parsePolicyOrThrow({ parameters: { allowedRegistries: ['registry.example.com'] } });

describe('loading rendered manifests', () => {
  it('keeps documents, indexes and lines', () => {
    const text = readFileSync(fixture('manifests', 'compliant-hello.yaml'), 'utf8');
    const { documents, notes } = loadManifests(text, 'hello.yaml');
    expect(notes).toEqual([]);
    expect(documents.map((d) => (d.object as { kind: string }).kind)).toEqual([
      'ServiceAccount',
      'Deployment',
      'Service',
      'Ingress',
      'ConfigMap',
      'Role',
    ]);
    const deploymentDoc = documents[1];
    expect(deploymentDoc?.index).toBe(1);
    const imagePath = ['spec', 'template', 'spec', 'containers', 0, 'image'];
    const line = deploymentDoc?.lineOf(imagePath);
    expect(text.split('\n')[(line ?? 0) - 1]).toContain(
      'image: registry.example.com/hello/web:1.0.0@sha256:',
    );
    // A missing field points at its nearest existing ancestor.
    const missing = deploymentDoc?.lineOf([
      'spec',
      'template',
      'spec',
      'containers',
      0,
      'securityContext',
      'privileged',
    ]);
    expect(text.split('\n')[(missing ?? 0) - 1]).toContain('securityContext:');
  });

  it('reports findings at the exact line of the offending field', () => {
    const yaml = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: debug',
      'spec:',
      '  containers:',
      '    - name: shell',
      '      image: busybox:1.36',
      '      securityContext:',
      '        privileged: true',
    ].join('\n');
    const { documents } = loadManifests(
      `---\n${stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })}---\n${yaml}\n`,
      'debug.yaml',
    );
    const result = checkManifests(documents, { environment: 'dev', tier: 'DEV', now: NOW });
    const [privileged] = findingsOf(result, 'privileged-container');
    expect(privileged?.location).toMatchObject({ file: 'debug.yaml', documentIndex: 1 });
    expect(privileged?.location.line).toBe(6 + 10);
    expect(privileged?.location.path).toEqual(['spec', 'containers', 0, 'securityContext', 'privileged']);
    expect(result.decision.blocked).toBe(true);
  });

  it('skips documents that are not Kubernetes-shaped, with a note, and checks the rest', () => {
    const { documents, notes } = loadManifests(
      readFileSync(fixture('manifests', 'not-kubernetes.yaml'), 'utf8'),
      'values.yaml',
    );
    expect(documents).toHaveLength(1);
    expect(notes.map((n) => [n.documentIndex, n.message])).toEqual([
      [0, 'skipped document 0: no apiVersion, not a Kubernetes object'],
      [1, 'skipped document 1: not a mapping, so not a Kubernetes object'],
    ]);
    const result = checkManifests(documents, { environment: 'dev', tier: 'DEV', now: NOW, notes });
    expect(result.notes).toHaveLength(2);
    expect(result.decision.blocked).toBe(false);
  });

  it('turns YAML errors into ValidationErrors naming the file and line', () => {
    let error: unknown;
    try {
      loadManifests('apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n', 'broken.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).location.file).toBe('broken.yaml');
    expect((error as ValidationError).location.line).toBeGreaterThan(0);
  });

  it('rejects duplicate keys, which could hide a setting', () => {
    expect(() => loadManifests('apiVersion: v1\nkind: Pod\nkind: Service\n', 'dup.yaml')).toThrow(
      ValidationError,
    );
  });

  it('names an unreadable file', async () => {
    await expect(loadManifestFiles([fixture('manifests', 'missing.yaml')])).rejects.toThrow(
      /cannot read manifest/,
    );
  });
});

describe('the model of a compliant application', () => {
  it('passes the PROD policy with no finding at all', async () => {
    const { documents, notes } = await loadManifestFiles([fixture('manifests', 'compliant-hello.yaml')]);
    const result = checkManifests(documents, {
      policy: PROD,
      environment: 'prod',
      tier: 'PROD',
      now: NOW,
      notes,
    });
    expect(result.findings).toEqual([]);
    expect(result.decision).toMatchObject({ blocked: false, threshold: 'medium', blocking: [] });
    expect(listChecks(result).length).toBeGreaterThan(30);
    expect(listChecks(result).every((c) => c.outcome === 'passed')).toBe(true);
  });
});

describe('large input', () => {
  it('checks a 100,000-line manifest in bounded time', () => {
    const docs: string[] = [];
    let lines = 0;
    let count = 0;
    while (lines < 100_000) {
      const object = deployment(
        (_p, c) => (c.image = `registry.example.com/app-${count}:1.${count}`),
        `app-${count}`,
      );
      const text = stringify(object);
      docs.push(text);
      lines += text.split('\n').length;
      count++;
    }
    const text = docs.join('---\n');
    const started = performance.now();
    const { documents } = loadManifests(text, 'big.yaml');
    const result = checkManifests(documents, { environment: 'prod', tier: 'PROD', now: NOW });
    const seconds = (performance.now() - started) / 1000;
    expect(text.split('\n').length).toBeGreaterThanOrEqual(100_000);
    expect(documents).toHaveLength(count);
    // Each deployment has exactly one problem in PROD: its image is not pinned by digest.
    expect(findingsOf(result, 'image-not-pinned-by-digest')).toHaveLength(count);
    expect(result.findings).toHaveLength(count);
    const last = findingsOf(result, 'image-not-pinned-by-digest').at(-1);
    expect(text.split('\n')[(last?.location.line ?? 0) - 1]).toContain(
      `image: registry.example.com/app-${count - 1}:1.${count - 1}`,
    );
    expect(seconds).toBeLessThan(30);
  });
});
