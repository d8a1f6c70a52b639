import { describe, expect, it } from '@jest/globals';
import { closeSync, openSync, ftruncateSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { canonicalYaml, parseConfigSpec, renderConfig, renderManifests } from '../../src/config/index.js';
import { loadSpecFile } from '../../src/model/index.js';
import { ENVIRONMENTS, edsErrorOf, makeProject } from './helpers.js';

const KEY = Buffer.alloc(32, 7);
const EXAMPLE = path.resolve(import.meta.dirname, '../../../../examples/hello/eds.yaml');

describe('renderConfig', () => {
  it('applies base < overlay < inline environment values < --set', async () => {
    const project = makeProject(
      `config:\n  base: config/base.yaml\n  values: { fromTopInline: top }\n${ENVIRONMENTS}`,
      {
        'config/base.yaml': 'level: base\ninline: base\nflag: base\nfromTopInline: base\nkeep: base\nn: 1\n',
        'config/prod.yaml': 'level: overlay\ninline: overlay\nflag: overlay\n',
        'config/dev.yaml': '{}\n',
      },
    );
    const rendered = await renderConfig({
      ...project,
      environment: 'prod',
      request: { set: ['flag=request', 'n=2'] },
      env: {},
    });
    expect(rendered.values).toEqual({
      level: 'overlay',
      inline: 'prod-inline',
      flag: 'request',
      fromTopInline: 'top',
      keep: 'base',
      n: 2,
    });
    expect(rendered.sources).toEqual([
      path.join(project.dir, 'config/base.yaml'),
      path.join(project.dir, 'config/prod.yaml'),
    ]);
  });

  it('renders the hello example in every environment without any secret set', async () => {
    const { spec, file, text } = loadSpecFile(EXAMPLE);
    parseConfigSpec(spec, file, text);
    for (const environment of Object.keys(spec.environments)) {
      const rendered = await renderConfig({
        spec,
        specFile: file,
        specText: text,
        environment,
        env: {},
        secrets: { fingerprintKey: KEY },
      });
      expect(rendered.values.HELLO_GREETING).toBe('hello');
      expect(rendered.values.APP_ENVIRONMENT).toBe(environment);
      expect(rendered.fingerprints.HELLO_API_TOKEN).toBe('absent');
      expect(rendered.hostEnv().HELLO_API_TOKEN).toBeUndefined();
      const manifests = await renderManifests({ spec, specFile: file, rendered });
      const deployment = manifests.documents.find((d) => d.kind === 'Deployment');
      expect(deployment?.origin).toBe(path.join('k8s', 'deployment.yaml'));
      const image = JSON.stringify(deployment?.object);
      if (environment === 'prod') expect(image).toMatch(/web:1\.0\.0@sha256:[a-f0-9]{64}/);
    }
    const dev = await renderConfig({
      spec,
      specFile: file,
      environment: 'dev',
      env: {},
      request: { set: ['FAIL_RATE=0.3'] },
    });
    expect(dev.values.LOG_LEVEL).toBe('debug');
    expect(dev.hostEnv()).toMatchObject({ FAIL_RATE: '0.3', LOG_LEVEL: 'debug', APP_TIER: 'DEV' });
  });

  it('hostEnv upper-snake-cases nested keys and reveals secrets only there', async () => {
    const project = makeProject(
      `config:\n  values:\n    logLevel: info\n    db: { poolSize: 5, hosts: [a, b] }\n  secrets:\n    API_TOKEN: env:T\n${ENVIRONMENTS}`,
      { 'config/dev.yaml': '{}', 'config/prod.yaml': '{}' },
    );
    const rendered = await renderConfig({
      ...project,
      environment: 'dev',
      env: { T: 'tok-123456' },
      secrets: { fingerprintKey: KEY },
    });
    expect(rendered.hostEnv()).toEqual({
      LOG_LEVEL: 'info',
      DB_POOL_SIZE: '5',
      DB_HOSTS: '["a","b"]',
      API_TOKEN: 'tok-123456',
    });
    expect(JSON.stringify(rendered)).not.toContain('tok-123456');
  });

  it('refuses an overlay for an environment that does not exist', async () => {
    const project = makeProject(`config:\n  overlays: { qa: config/qa.yaml }\n${ENVIRONMENTS}`, {
      'config/qa.yaml': 'a: 1',
    });
    const error = await edsErrorOf(() => parseConfigSpec(project.spec, project.specFile, project.specText));
    expect(error.location.path).toBe('config.overlays.qa');
    expect(error.message).toContain('environment "qa", which does not exist');
    expect(error.location.file).toBe(project.specFile);
    expect(error.location.line).toBe(11); // the `qa:` key under `overlays:`
  });

  it('reports unknown fields of config: with file, line and path', async () => {
    const project = makeProject(
      `${ENVIRONMENTS}    config:\n      overlai: x\n`.replace(
        '    config:\n      overlay: config/prod.yaml\n      values:\n        inline: prod-inline\n    config:\n',
        '    config:\n',
      ),
    );
    const error = await edsErrorOf(() => renderConfig({ ...project, environment: 'prod', env: {} }));
    expect(error.location.path).toBe('environments.prod.config.overlai');
    expect(error.message).toContain('did you mean "overlay"');
    expect(error.location.line).toBeGreaterThan(10);
  });

  it('refuses a YAML bomb (alias expansion limit)', async () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i += 1)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    const project = makeProject(`config:\n  base: config/base.yaml\n${ENVIRONMENTS}`, {
      'config/base.yaml': `${bomb.join('\n')}\n`,
      'config/dev.yaml': '{}',
    });
    const started = Date.now();
    const error = await edsErrorOf(() => renderConfig({ ...project, environment: 'dev', env: {} }));
    expect(error.code).toBe('MALFORMED_YAML');
    expect(error.location.expected).toContain('alias');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses a 50 MB config file from its size, before reading it', async () => {
    const project = makeProject(`config:\n  base: config/base.yaml\n${ENVIRONMENTS}`, {
      'config/base.yaml': '',
      'config/dev.yaml': '{}',
    });
    const fd = openSync(path.join(project.dir, 'config/base.yaml'), 'r+');
    ftruncateSync(fd, 50 * 1024 * 1024); // sparse: the test does not write 50 MB
    closeSync(fd);
    const error = await edsErrorOf(() => renderConfig({ ...project, environment: 'dev', env: {} }));
    expect(error.code).toBe('FILE_TOO_LARGE');
    expect(error.message).toContain('50.0 MiB, larger than the 5 MiB limit');
  });

  it('a missing overlay file is named', async () => {
    const project = makeProject(ENVIRONMENTS, { 'config/prod.yaml': '{}' });
    const error = await edsErrorOf(() => renderConfig({ ...project, environment: 'dev', env: {} }));
    expect(error.code).toBe('CONFIG_FILE_NOT_READABLE');
    expect(error.location.file).toBe(path.join(project.dir, 'config/dev.yaml'));
  });

  it('validates against config.schema, naming the file and line that set the bad value', async () => {
    const schema = {
      type: 'object',
      properties: { LOG_LEVEL: { enum: ['debug', 'info'] }, port: { type: 'integer' } },
      required: ['port'],
    };
    const project = makeProject(
      `config:\n  base: config/base.yaml\n  schema: config/schema.json\n${ENVIRONMENTS}`,
      {
        'config/base.yaml': 'LOG_LEVEL: info\nport: 80\n',
        'config/dev.yaml': '{}\n',
        'config/prod.yaml': '# prod\nLOG_LEVEL: loud\n',
        'config/schema.json': JSON.stringify(schema),
      },
    );
    await renderConfig({ ...project, environment: 'dev', env: {} });
    const error = await edsErrorOf(() => renderConfig({ ...project, environment: 'prod', env: {} }));
    expect(error.code).toBe('CONFIG_SCHEMA_VIOLATION');
    expect(error.location.file).toBe(path.join(project.dir, 'config/prod.yaml'));
    expect(error.location.line).toBe(2);
    expect(error.message).toContain(
      'config.LOG_LEVEL must be equal to one of the allowed values (debug, info)',
    );
    const missing = await edsErrorOf(() =>
      renderConfig({ ...project, environment: 'dev', env: {}, request: { set: ['port=x'] } }),
    );
    expect(missing.message).toContain('config.port must be integer');
  });

  it('type clash between base and overlay names both files', async () => {
    const project = makeProject(`config:\n  base: config/base.yaml\n${ENVIRONMENTS}`, {
      'config/base.yaml': 'db:\n  hosts: [a, b]\n',
      'config/dev.yaml': 'db:\n  hosts:\n    primary: a\n',
    });
    const error = await edsErrorOf(() => renderConfig({ ...project, environment: 'dev', env: {} }));
    expect(error.code).toBe('CONFIG_TYPE_CLASH');
    expect(error.message).toContain(`${path.join(project.dir, 'config/dev.yaml')}:2 sets a map`);
    expect(error.message).toContain(`${path.join(project.dir, 'config/base.yaml')}:2 set a list`);
  });

  it('an unknown reference in an inline value points into eds.yaml', async () => {
    const project = makeProject(
      ENVIRONMENTS.replace('inline: prod-inline', "inline: '${{ config.nowhere }}'"),
      { 'config/prod.yaml': '{}' },
    );
    const error = await edsErrorOf(() => renderConfig({ ...project, environment: 'prod', env: {} }));
    expect(error.code).toBe('UNKNOWN_REFERENCE');
    expect(error.location.file).toBe(project.specFile);
    expect(error.location.path).toBe('environments.prod.config.values.inline');
    expect(error.location.line).toBe(22);
  });

  it('is deterministic: key order of the inputs changes nothing (property)', async () => {
    const base = fc.dictionary(
      fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/),
      fc.oneof(fc.string(), fc.integer(), fc.boolean()),
      { minKeys: 1, maxKeys: 8 },
    );
    await fc.assert(
      fc.asyncProperty(base, async (values) => {
        const reversed = Object.fromEntries(Object.entries(values).reverse());
        const render = async (v: Record<string, unknown>): Promise<[string, string]> => {
          const project = makeProject(`config:\n  base: config/base.yaml\n${ENVIRONMENTS}`, {
            'config/base.yaml': stringify(v),
            'config/dev.yaml': '{}',
          });
          const rendered = await renderConfig({
            ...project,
            environment: 'dev',
            env: {},
            deploymentId: 'shop.dev.20240101000000000.aaaa',
          });
          const manifests = await renderManifests({
            spec: project.spec,
            specFile: project.specFile,
            rendered,
          });
          return [rendered.hash, manifests.text];
        };
        expect(await render(reversed)).toEqual(await render(values));
      }),
      { numRuns: 25 },
    );
  });

  it('canonicalYaml sorts keys at every level', () => {
    expect(canonicalYaml({ b: 1, a: { d: 1, c: [{ z: 1, y: 2 }] } })).toBe(
      'a:\n  c:\n    - y: 2\n      z: 1\n  d: 1\nb: 1\n',
    );
  });
});
