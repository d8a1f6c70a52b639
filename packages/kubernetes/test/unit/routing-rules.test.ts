import { describe, expect, it } from '@jest/globals';
import { canaryAnnotations } from '../../src/routers/nginx/canary-ingress.js';
import { httpRouteManifest } from '../../src/routers/gateway/http-route.js';
import { replicaSplit, twoWaySplit } from '../../src/routers/split.js';
import { ComponentNames, dnsLabel, versionSlug } from '../../src/target/naming.js';
import { imageForVersion, parseTrafficSettings } from '../../src/target/settings.js';

describe('replica split (the replicas method)', () => {
  it('turns weights into pod counts, keeping at least one pod per weighted version', () => {
    expect(replicaSplit({ '2.0.0': 20, '1.0.0': 80 }, 4)).toEqual({ '2.0.0': 1, '1.0.0': 3 });
    expect(replicaSplit({ '2.0.0': 50, '1.0.0': 50 }, 10)).toEqual({ '2.0.0': 5, '1.0.0': 5 });
    expect(replicaSplit({ '2.0.0': 100 }, 4)).toEqual({ '2.0.0': 4 });
    expect(replicaSplit({ '2.0.0': 100, '1.0.0': 0 }, 3)).toEqual({ '2.0.0': 3, '1.0.0': 0 });
  });
});

describe('two-way split (nginx)', () => {
  it('keeps the current primary while it is weighted, else the heaviest version', () => {
    expect(twoWaySplit({ b: 20, a: 80 }, 'a')).toEqual({ primary: 'a', canary: 'b', canaryWeight: 20 });
    expect(twoWaySplit({ b: 100 }, 'a')).toEqual({ primary: 'b', canaryWeight: 0 });
    expect(twoWaySplit({ b: 70, a: 30 }, undefined)).toEqual({ primary: 'b', canary: 'a', canaryWeight: 30 });
    expect(() => twoWaySplit({ a: 30, b: 30, c: 40 }, 'a')).toThrow(/two versions/);
  });
});

describe('ingress-nginx canary annotations', () => {
  it('carry the weight and header/cookie matches', () => {
    expect(
      canaryAnnotations(20, {
        version: '2',
        header: { name: 'x-canary', value: 'yes' },
        cookie: { name: 'canary', value: 'always' },
      }),
    ).toEqual({
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '20',
      'nginx.ingress.kubernetes.io/canary-weight-total': '100',
      'nginx.ingress.kubernetes.io/canary-by-header': 'x-canary',
      'nginx.ingress.kubernetes.io/canary-by-header-value': 'yes',
      'nginx.ingress.kubernetes.io/canary-by-cookie': 'canary',
    });
  });
});

describe('Gateway API HTTPRoute', () => {
  it('weights backendRefs and puts header matches in a rule of their own', () => {
    const route = httpRouteManifest({
      name: 'hello-web',
      namespace: 'team',
      owner: { application: 'hello', environment: 'prod', component: 'web' },
      gateway: { name: 'edge', namespace: 'infra' },
      hostnames: ['hello.example.com'],
      backends: [
        ['hello-web-v2-0-0', 20],
        ['hello-web-v1-0-0', 80],
      ],
      matched: [
        {
          service: 'hello-web-v2-0-0',
          match: { version: '2.0.0', header: { name: 'x-canary', value: '1' } },
        },
      ],
    });
    const spec = route.spec as {
      parentRefs: unknown[];
      rules: { matches?: unknown[]; backendRefs: unknown[] }[];
    };
    expect(spec.parentRefs).toEqual([{ name: 'edge', namespace: 'infra' }]);
    expect(spec.rules[0]).toEqual({
      matches: [{ headers: [{ type: 'Exact', name: 'x-canary', value: '1' }] }],
      backendRefs: [{ name: 'hello-web-v2-0-0', port: 80, weight: 1 }],
    });
    expect(spec.rules[1]?.backendRefs).toEqual([
      { name: 'hello-web-v2-0-0', port: 80, weight: 20 },
      { name: 'hello-web-v1-0-0', port: 80, weight: 80 },
    ]);
  });
});

describe('names and settings', () => {
  it('makes DNS-safe names, hashing what is too long', () => {
    expect(versionSlug('1.2.3-rc.1+build.5')).toBe('v1-2-3-rc-1-build-5');
    expect(dnsLabel('A'.repeat(80))).toMatch(/^a{54}-[0-9a-f]{8}$/);
    const names = new ComponentNames('hello', 'web');
    expect([names.deployment('blue'), names.previewService, names.slotService('v2-0-0')]).toEqual([
      'hello-web-blue',
      'hello-web-preview',
      'hello-web-v2-0-0',
    ]);
  });
  it('lets the image tag follow the version only when it was the spec version', () => {
    const web = { image: 'reg.example.com:5000/hello/web:1.0.0', specVersion: '1.0.0' };
    expect(imageForVersion(web, '1.3.0')).toBe('reg.example.com:5000/hello/web:1.3.0');
    expect(imageForVersion({ image: 'web:stable', specVersion: '1.0.0' }, '1.3.0')).toBe('web:stable');
  });
  it('validates the traffic method', () => {
    expect(parseTrafficSettings(undefined)).toEqual({ method: 'replicas' });
    expect(() => parseTrafficSettings('istio')).toThrow(
      expect.objectContaining({ code: 'INVALID_TRAFFIC_METHOD' }),
    );
    expect(() => parseTrafficSettings({ method: 'nginx' })).toThrow(/Ingress host/);
    expect(parseTrafficSettings({ method: 'gateway', gateway: { name: 'edge' } })).toEqual({
      method: 'gateway',
      gateway: { name: 'edge' },
    });
  });
});
