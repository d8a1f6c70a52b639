import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EdsError } from '@eds/core';
import { connect } from '../../src/connection/cluster.js';
import { loadKubeConfig } from '../../src/connection/kubeconfig.js';
import { subjectOf } from '../../src/connection/api-errors.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eds-k8s-conn-'));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
const kubeconfig = (server: string, token = 'sekret-token-123') => `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "${server}" } }]
users: [{ name: u, user: { token: ${token} } }]
contexts: [{ name: ctx, context: { cluster: c, user: u, namespace: team } }]
current-context: ctx
`;

describe('kubeconfig', () => {
  it.each([
    ['not YAML', 'clusters: [unclosed', /invalid kubeconfig .*bad1/],
    ['no contexts', 'apiVersion: v1\nkind: Config\nclusters: []\n', /no contexts or no clusters/],
    ['a cluster without a server', kubeconfig('').replace('server: ""', 'x: 1'), /invalid kubeconfig/],
  ])('rejects %s with a ValidationError naming the file (exit 2, no stack)', (_what, text, message) => {
    const file = write(`bad${_what === 'not YAML' ? 1 : _what === 'no contexts' ? 2 : 3}`, text);
    let error: unknown;
    try {
      loadKubeConfig({ kubeconfig: file, env: {} });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EdsError);
    expect(error).toMatchObject({ code: 'INVALID_KUBECONFIG', exitCode: 2 });
    expect((error as Error).message).toMatch(message);
  });

  it('rejects an unknown context and lists the known ones', () => {
    const file = write('ok', kubeconfig('https://127.0.0.1:6443'));
    expect(() => loadKubeConfig({ kubeconfig: file, context: 'prod', env: {} })).toThrow(
      /context "prod" does not exist \(known: ctx\)/,
    );
  });

  it('reads KUBECONFIG, the context namespace, and lets the spec namespace win', () => {
    const file = write('ok2', kubeconfig('https://127.0.0.1:6443'));
    expect(loadKubeConfig({ env: { KUBECONFIG: file } }).namespace).toBe('team');
    expect(loadKubeConfig({ env: { KUBECONFIG: file }, namespace: 'other' }).namespace).toBe('other');
  });

  it('says what is missing when there is no configuration at all', () => {
    expect(() => loadKubeConfig({ env: { HOME: dir } })).toThrow(/no Kubernetes configuration found/);
  });
});

describe('API errors', () => {
  it('names verb, resource and namespace from a request path', () => {
    expect(subjectOf('GET', '/api/v1/namespaces/team/configmaps', false)).toEqual({
      verb: 'list',
      resource: 'configmaps',
      namespace: 'team',
    });
    expect(subjectOf('PATCH', '/apis/apps/v1/namespaces/team/deployments/web/scale', false)).toEqual({
      verb: 'patch',
      resource: 'deployments/scale',
      namespace: 'team',
      name: 'web',
    });
    expect(subjectOf('GET', '/apis/apps/v1/namespaces/team/deployments', true).verb).toBe('watch');
  });
});

describe('unreachable and forbidden servers', () => {
  let server: http.Server;
  let url = '';
  beforeAll(async () => {
    // Answers like an RBAC-denying API server; stands in until the emulator's forbidden rules are used.
    server = http.createServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          status: 'Failure',
          reason: 'Forbidden',
          code: 403,
          message: 'denied',
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('gives up after bounded retries and names the address tried (exit 5), without the token', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = http.createServer();
      probe.listen(0, '127.0.0.1', () => {
        const port = (probe.address() as { port: number }).port;
        probe.close(() => resolve(port));
      });
    });
    const file = write('closed', kubeconfig(`http://127.0.0.1:${closed}`));
    const { client } = connect({ kubeconfig: file }, { attempts: 3, baseDelayMs: 20 });
    const started = Date.now();
    const error = await client.get('/api/v1/namespaces/team/configmaps').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KUBERNETES_UNREACHABLE', exitCode: 5 });
    expect((error as Error).message).toContain(`http://127.0.0.1:${closed}`);
    expect((error as Error).message).toContain('3 times');
    expect((error as Error).message).not.toContain('sekret-token-123');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reports a 403 with the verb, resource and namespace', async () => {
    const file = write('forbidden', kubeconfig(url));
    const { client } = connect({ kubeconfig: file });
    const error = await client
      .request('DELETE', '/apis/apps/v1/namespaces/team/deployments/web')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KUBERNETES_FORBIDDEN' });
    expect((error as Error).message).toMatch(/cannot delete deployments "web" in namespace team/);
  });
});
