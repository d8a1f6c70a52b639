/**
 * Property tests: the selector parser and the patch engines accept or reject every input with an
 * ApiError (never a crash), agree with simple models, and the server answers arbitrary bodies with a
 * Status, never a 500.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import type { KubeObject, KubernetesEmulator } from '../emulators/kubernetes/index.js';
import { startEmulator } from '../emulators/kubernetes/index.js';
import { ApiError } from '../emulators/kubernetes/errors.js';
import { serverSideApply } from '../emulators/kubernetes/apply.js';
import { FieldSet, fieldsOf, valueAt } from '../emulators/kubernetes/field-paths.js';
import { jsonPatch, mergePatch, strategicMergePatch } from '../emulators/kubernetes/patch.js';
import type { LabelRequirement } from '../emulators/kubernetes/selectors.js';
import { matchesLabels, parseLabelSelector } from '../emulators/kubernetes/selectors.js';
import { api } from './helpers.js';

function acceptsOrRejectsCleanly(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect([400, 415, 422]).toContain((error as ApiError).code);
  }
}

const labelName = fc.stringMatching(/^[a-z0-9]([a-z0-9._-]{0,10}[a-z0-9])?$/);
const labels = fc.dictionary(labelName, labelName, { maxKeys: 4 });

const requirement: fc.Arbitrary<LabelRequirement> = fc.oneof(
  fc.record({
    key: labelName,
    operator: fc.constantFrom('=' as const, '!=' as const),
    values: fc.tuple(labelName),
  }),
  fc.record({
    key: labelName,
    operator: fc.constantFrom('in' as const, 'notin' as const),
    values: fc.uniqueArray(labelName, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    key: labelName,
    operator: fc.constantFrom('exists' as const, 'notexists' as const),
    values: fc.constant<string[]>([]),
  }),
);

function format(r: LabelRequirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key;
    case 'notexists':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${r.values.join(',')})`;
    default:
      return `${r.key}${r.operator}${r.values[0]}`;
  }
}

/** The documented meaning of each operator, written independently of the emulator. */
function model(r: LabelRequirement, set: Record<string, string>): boolean {
  const has = r.key in set;
  if (r.operator === 'exists') return has;
  if (r.operator === 'notexists') return !has;
  if (r.operator === '=') return has && set[r.key] === r.values[0];
  if (r.operator === '!=') return !has || set[r.key] !== r.values[0];
  if (r.operator === 'in') return has && r.values.includes(set[r.key]);
  return !has || !r.values.includes(set[r.key]);
}

const json: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 4 });

describe('label selectors', () => {
  test('any string parses or is rejected with 400 BadRequest', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (input) =>
        acceptsOrRejectsCleanly(() => parseLabelSelector(input)),
      ),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            'a',
            'b',
            '=',
            '!',
            ',',
            '(',
            ')',
            ' in ',
            ' notin ',
            '==',
            '!=',
            '>',
            '<',
            '1',
            ' ',
            '/',
            '.',
          ),
          { maxLength: 12 },
        ),
        (parts) => acceptsOrRejectsCleanly(() => parseLabelSelector(parts.join(''))),
      ),
      { numRuns: 500 },
    );
  });

  test('formatted requirements parse back and match as the documented semantics say', () => {
    fc.assert(
      fc.property(fc.array(requirement, { minLength: 1, maxLength: 4 }), labels, (requirements, set) => {
        const parsed = parseLabelSelector(requirements.map(format).join(','));
        expect(parsed).toEqual(requirements);
        expect(matchesLabels(parsed, set)).toBe(requirements.every((r) => model(r, set)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('patches', () => {
  test('merge patch: idempotent, empty patch is identity, null deletes', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 5 }), json),
        fc.dictionary(fc.string({ maxLength: 5 }), json),
        (target, patch) => {
          const once = mergePatch(target, patch);
          expect(mergePatch(once, patch)).toEqual(once);
          expect(mergePatch(target, {})).toEqual(target);
          for (const [key, value] of Object.entries(patch))
            if (value === null) expect(Object.prototype.hasOwnProperty.call(once, key)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('JSON patch and strategic merge patch never crash on arbitrary documents', () => {
    const op = fc.record({
      op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'bogus'),
      path: fc.constantFrom('', '/a', '/a/0', '/a/-', '/b/c', '/spec/containers/0/name', '/~1x', 'nope'),
      from: fc.constantFrom('/a', '/b', '/zz'),
      value: json,
    });
    fc.assert(
      fc.property(json, fc.oneof(fc.array(op, { maxLength: 5 }), json), (doc, patch) =>
        acceptsOrRejectsCleanly(() => jsonPatch(doc, patch)),
      ),
      { numRuns: 400 },
    );
    const container = fc.record(
      {
        name: fc.constantFrom('a', 'b', undefined),
        image: fc.string({ maxLength: 3 }),
        $patch: fc.constantFrom(undefined, 'delete', 'replace', 'weird'),
      },
      { requiredKeys: [] },
    );
    const podish = fc.record(
      {
        spec: fc.record(
          { containers: fc.oneof(fc.array(container, { maxLength: 3 }), json) },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(podish, json), fc.oneof(podish, json), (target, patch) =>
        acceptsOrRejectsCleanly(() => strategicMergePatch(target, patch)),
      ),
      { numRuns: 400 },
    );
  });

  test('managed field sets survive the FieldsV1 round trip', () => {
    const object = fc.record({
      metadata: fc.record({ labels: labels, name: labelName }),
      spec: fc.record({
        replicas: fc.nat(5),
        template: fc.record({
          spec: fc.record({
            containers: fc.uniqueArray(
              fc.record({
                name: labelName,
                image: fc.string({ maxLength: 4 }),
                ports: fc.array(fc.record({ containerPort: fc.nat(9000) }), { maxLength: 2 }),
              }),
              { selector: (c) => c.name, maxLength: 3 },
            ),
          }),
        }),
      }),
      data: fc.dictionary(labelName, fc.string({ maxLength: 4 }), { maxKeys: 3 }),
    });
    fc.assert(
      fc.property(object, (o) => {
        // Ports sharing a key are one element to SSA; keep them unique like the API requires.
        for (const c of o.spec.template.spec.containers)
          c.ports = c.ports.filter(
            (p, i, all) => all.findIndex((q) => q.containerPort === p.containerPort) === i,
          );
        const set = fieldsOf(o, 'main');
        const round = FieldSet.fromFieldsV1(set.toFieldsV1());
        expect(
          round
            .toArray()
            .map((p) => JSON.stringify(p))
            .sort(),
        ).toEqual(
          set
            .toArray()
            .map((p) => JSON.stringify(p))
            .sort(),
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('server-side apply', () => {
  const config = fc.record({
    apiVersion: fc.constant('apps/v1'),
    kind: fc.constant('Deployment'),
    metadata: fc.record({ name: fc.constant('app'), labels: labels }),
    spec: fc.record({
      replicas: fc.nat(5),
      template: fc.record({
        spec: fc.record({
          containers: fc.uniqueArray(
            fc.record({
              name: labelName,
              image: fc.string({ maxLength: 4 }),
              env: fc.uniqueArray(fc.record({ name: labelName, value: fc.string({ maxLength: 3 }) }), {
                selector: (e) => e.name,
                maxLength: 3,
              }),
            }),
            { selector: (c) => c.name, minLength: 1, maxLength: 3 },
          ),
        }),
      }),
    }),
  });
  const paths = (o: Record<string, unknown>): string[] =>
    fieldsOf(o, 'main')
      .toArray()
      .map((p) => JSON.stringify(p))
      .sort();

  test('the applied values win, and a manager re-applying owns exactly what it applies', () => {
    fc.assert(
      fc.property(config, config, config, (first, second, rival) => {
        const apply = (live: KubeObject | undefined, applied: typeof first, manager: string) =>
          serverSideApply({
            live,
            applied: structuredClone(applied) as unknown as KubeObject,
            manager,
            force: true,
            finish: () => undefined,
          });
        const one = apply(undefined, first, 'eds');
        expect(paths(one)).toEqual(paths(first));
        const two = apply(one, second, 'eds');
        // Alone, a manager's re-apply leaves exactly its new configuration.
        expect(paths(two)).toEqual(paths(second));
        const three = apply(two, rival, 'rival');
        // Forced, the rival's values win on every leaf (list elements and empty maps merge).
        for (const path of fieldsOf(rival, 'main').toArray()) {
          if (path[path.length - 1].startsWith('k:')) continue;
          const wanted = valueAt(rival, path);
          if (
            typeof wanted === 'object' &&
            wanted !== null &&
            !Array.isArray(wanted) &&
            Object.keys(wanted).length === 0
          )
            continue;
          expect(valueAt(three, path)).toEqual(wanted);
        }
        const owners = three.metadata.managedFields ?? [];
        const rivalFields = FieldSet.fromFieldsV1(owners.find((o) => o.manager === 'rival')?.fieldsV1);
        expect(
          rivalFields
            .toArray()
            .map((p) => JSON.stringify(p))
            .sort(),
        ).toEqual(paths(rival));
      }),
      { numRuns: 200 },
    );
  });
});

describe('the server answers arbitrary requests with a Status, never a 500', () => {
  let k8s: KubernetesEmulator;
  beforeAll(async () => {
    k8s = await startEmulator({ readyDelayMs: 50 });
    await api(k8s, 'POST', '/api/v1/namespaces/default/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'target' },
      data: { a: '1' },
    });
    await api(k8s, 'POST', '/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'target' },
      spec: {
        selector: { matchLabels: { a: 'b' } },
        template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } },
      },
    });
  });
  afterAll(async () => {
    await k8s.close();
  });

  test('random bodies, methods, media types and queries', async () => {
    const body = fc.oneof(
      json.map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 30 }),
      fc
        .record(
          {
            apiVersion: fc.constantFrom('v1', 'apps/v1', 'x'),
            kind: fc.constantFrom('ConfigMap', 'Deployment', 'Pod', ''),
            metadata: fc.oneof(fc.record({ name: fc.constantFrom('target', 'new', 'Bad!', '') }), json),
            data: json,
            spec: json,
          },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'GET'),
        fc.constantFrom(
          '/api/v1/namespaces/default/configmaps',
          '/api/v1/namespaces/default/configmaps/target',
          '/apis/apps/v1/namespaces/default/deployments/target',
          '/apis/apps/v1/namespaces/default/deployments/target/status',
          '/apis/apps/v1/namespaces/default/deployments/target/scale',
          '/api/v1/namespaces/default/pods',
        ),
        fc.constantFrom(
          'application/json',
          'application/merge-patch+json',
          'application/strategic-merge-patch+json',
          'application/json-patch+json',
          'application/apply-patch+yaml',
          'application/yaml',
          'text/plain',
        ),
        fc.constantFrom(
          '',
          '?fieldManager=fuzz',
          '?fieldManager=fuzz&force=true',
          '?labelSelector=a%20in%20(',
          '?dryRun=All',
          '?dryRun=Nope',
          '?fieldSelector=x',
        ),
        body,
        async (method, path, contentType, query, payload) => {
          const result = await api(
            k8s,
            method,
            `${path}${query}`,
            method === 'GET' ? undefined : payload,
            contentType,
          );
          expect(result.status).toBeLessThan(500);
          if (result.status >= 400) {
            expect(result.body).toMatchObject({
              kind: 'Status',
              apiVersion: 'v1',
              status: 'Failure',
              code: result.status,
            });
            expect(typeof result.body.reason).toBe('string');
          }
        },
      ),
      { numRuns: 250 },
    );
  });
});
