import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { EdsError, ValidationError } from '../../src/errors/index.js';
import {
  checkManifests,
  loadManifests,
  manifestFromObject,
  parseExemptAnnotation,
  parsePolicy,
  parseVulnerabilityReport,
  RULE_IDS,
  REPORT_FORMATS,
  toJUnit,
  toSarif,
} from '../../src/security/index.js';
import { fixture, NOW } from './helpers.js';
import { parseXml } from './xml-parse.js';

const RUNS = { numRuns: 300 };

/** Run `fn`; it may return anything, but the only error allowed out is an EdsError. */
function onlyEdsErrors(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (error) {
    if (error instanceof EdsError) return true;
    throw error;
  }
}

const FORMATS = ['auto', ...REPORT_FORMATS] as const;
const fixtureTexts = [
  'trivy-alpine.json',
  'grype-debian.json',
  'sarif-trivy.sarif',
  'sarif-levels-only.sarif',
].map((name) => readFileSync(fixture('reports', name), 'utf8'));

/** Replace one randomly chosen subtree of a JSON value: realistic corruption that keeps most of the shape. */
function mutate(value: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  if (Array.isArray(value) && value.length > 0) {
    const copy: unknown[] = [...(value as unknown[])];
    const index = path[0] % value.length;
    copy[index] = mutate(copy[index], path.slice(1), replacement);
    return copy;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) return replacement;
    const key = keys[path[0] % keys.length];
    return {
      ...(value as Record<string, unknown>),
      [key]: mutate((value as Record<string, unknown>)[key], path.slice(1), replacement),
    };
  }
  return replacement;
}

describe('vulnerability report parsers never throw anything but EdsError', () => {
  it('on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 400 }),
        fc.constantFrom(...FORMATS),
        (text, format) => onlyEdsErrors(() => parseVulnerabilityReport(text, { file: 'fuzz.json', format })),
      ),
      RUNS,
    );
  });

  it('on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.constantFrom(...FORMATS), (value, format) =>
        onlyEdsErrors(() =>
          parseVulnerabilityReport(JSON.stringify(value) ?? 'null', { file: 'fuzz.json', format }),
        ),
      ),
      RUNS,
    );
  });

  it('on real reports with one subtree replaced', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtureTexts),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.jsonValue({ maxDepth: 3 }),
        (text, path, replacement) => {
          const corrupted = JSON.stringify(mutate(JSON.parse(text) as unknown, path, replacement));
          return onlyEdsErrors(() => parseVulnerabilityReport(corrupted, { file: 'fuzz.json' }));
        },
      ),
      RUNS,
    );
  });

  it('on every truncation of a real report: always an error, never a pass', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtureTexts),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (text, fraction) => {
          const cut = text.trimEnd().slice(0, Math.floor(text.trimEnd().length * fraction));
          expect(() => parseVulnerabilityReport(cut, { file: 'cut.json' })).toThrow(ValidationError);
        },
      ),
      RUNS,
    );
  });
});

describe('policy parser', () => {
  it('never throws, and every problem is a ValidationError with a path', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4 }), (raw) => {
        const result = parsePolicy(raw, { file: 'eds.yaml' });
        if (!result.success) {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const error of result.errors) {
            expect(error).toBeInstanceOf(ValidationError);
            expect(error.location.path).toMatch(/^policy/);
          }
        }
        return true;
      }),
      RUNS,
    );
  });

  it('on policy-shaped input with random values', () => {
    const shaped = fc.record(
      {
        threshold: fc.oneof(fc.constantFrom('low', 'medium', 'high', 'critical'), fc.string()),
        rules: fc.dictionary(
          fc.oneof(fc.constantFrom(...RULE_IDS), fc.string()),
          fc.oneof(fc.boolean(), fc.anything()),
        ),
        exemptions: fc.array(
          fc.record({
            rule: fc.oneof(fc.constantFrom(...RULE_IDS), fc.string()),
            resource: fc.anything(),
            reason: fc.string(),
            expires: fc.oneof(fc.string(), fc.date({ noInvalidDate: false })),
          }),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(shaped, (raw) => onlyEdsErrors(() => parsePolicy(raw))),
      RUNS,
    );
  });
});

describe('annotation parser', () => {
  it('never throws anything but EdsError', () => {
    const entry = fc
      .tuple(fc.oneof(fc.constantFrom(...RULE_IDS), fc.string()), fc.string(), fc.string())
      .map(([rule, reason, expires]) => `${rule} reason=${reason} expires=${expires}`);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(entry).map((entries) => entries.join(', ')),
        ),
        (value) => onlyEdsErrors(() => parseExemptAnnotation(value)),
      ),
      RUNS,
    );
  });
});

describe('manifest loader and rules', () => {
  it('loadManifests never throws anything but EdsError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) =>
        onlyEdsErrors(() => loadManifests(text, 'fuzz.yaml')),
      ),
      RUNS,
    );
  });

  it('loads what YAML can express without crashing, and every rule survives odd shapes', () => {
    const kinds = fc.constantFrom(
      'Pod',
      'Deployment',
      'CronJob',
      'Service',
      'Ingress',
      'ConfigMap',
      'ClusterRole',
      'RoleBinding',
    );
    const objectish = fc.record({
      apiVersion: fc.constantFrom('v1', 'apps/v1', 'batch/v1', 'extensions/v1beta1'),
      kind: kinds,
      metadata: fc.anything({ maxDepth: 2 }),
      spec: fc.anything({ maxDepth: 4 }),
      data: fc.anything({ maxDepth: 2 }),
      rules: fc.anything({ maxDepth: 3 }),
      roleRef: fc.anything({ maxDepth: 2 }),
    });
    fc.assert(
      fc.property(fc.array(objectish, { maxLength: 4 }), (objects) => {
        onlyEdsErrors(() => {
          const text = objects.map((o) => stringify(o)).join('---\n');
          const { documents } = loadManifests(text, 'fuzz.yaml');
          checkManifests(documents, { environment: 'dev', tier: 'PROD', now: NOW });
        });
        // Straight from objects too: every rule must cope with any value where it expects a shape.
        return onlyEdsErrors(() => {
          const result = checkManifests(
            objects.map((o, i) => manifestFromObject(o, 'fuzz.yaml', i)),
            { environment: 'dev', tier: 'PROD', now: NOW },
          );
          expect(() => parseXml(toJUnit(result))).not.toThrow();
          expect(() => JSON.parse(toSarif(result)) as unknown).not.toThrow();
        });
      }),
      { numRuns: 200 },
    );
  });

  it('pod-shaped objects with random container fields never crash a rule', () => {
    const container = fc.record(
      {
        name: fc.string(),
        image: fc.oneof(fc.string(), fc.anything()),
        ports: fc.anything(),
        env: fc.oneof(
          fc.array(fc.record({ name: fc.string(), value: fc.oneof(fc.string(), fc.anything()) })),
          fc.anything(),
        ),
        securityContext: fc.anything({ maxDepth: 3 }),
        resources: fc.anything({ maxDepth: 3 }),
        livenessProbe: fc.anything({ maxDepth: 3 }),
        args: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.array(container, { maxLength: 3 }),
        fc.anything({ maxDepth: 2 }),
        (containers, volumes) => {
          const pod = {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'p' },
            spec: { containers, initContainers: containers, volumes },
          };
          return onlyEdsErrors(() =>
            checkManifests([manifestFromObject(pod, 'p.yaml')], {
              environment: 'prod',
              tier: 'PROD',
              now: NOW,
            }),
          );
        },
      ),
      RUNS,
    );
  });
});
