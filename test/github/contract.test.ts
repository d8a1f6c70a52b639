import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { ACTIONS_DIR, inputVariable, readManifest, runStep } from './runner.js';

const ACTIONS = readdirSync(ACTIONS_DIR).filter((name) =>
  existsSync(path.join(ACTIONS_DIR, name, 'action.yml')),
);
const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

function node(args: string[], timeoutMs: number): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stderr });
    });
  });
}

describe('action.yml contracts', () => {
  it('has the eight actions', () => {
    expect(ACTIONS.sort()).toEqual([
      'abort',
      'approve',
      'check',
      'deploy',
      'promote',
      'render',
      'rollback',
      'status',
    ]);
  });

  it.each(ACTIONS)(
    '%s: node24 runtime, described kebab-case inputs and outputs, string defaults, branding',
    (action) => {
      const manifest = readManifest(action);
      expect(manifest.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
      expect(manifest.name).toMatch(/^EDS /);
      expect(manifest.description.length).toBeGreaterThan(40);
      expect(manifest.branding?.icon).toEqual(expect.any(String));
      expect(manifest.branding?.color).toEqual(expect.any(String));
      for (const [name, input] of Object.entries(manifest.inputs ?? {})) {
        expect({ name, kebab: KEBAB.test(name) }).toEqual({ name, kebab: true });
        expect({ name, described: (input.description ?? '').length > 10 }).toEqual({ name, described: true });
        // Defaults are strings (the runner passes strings); `required` only where there is no default.
        if ('default' in input)
          expect({ name, type: typeof input.default, required: input.required }).toEqual({
            name,
            type: 'string',
            required: false,
          });
        else expect({ name, required: input.required }).toEqual({ name, required: true });
      }
      expect(Object.keys(manifest.outputs ?? {})).toContain('exit-code');
      for (const [name, output] of Object.entries(manifest.outputs ?? {})) {
        expect({ name, kebab: KEBAB.test(name), described: (output.description ?? '').length > 5 }).toEqual({
          name,
          kebab: true,
          described: true,
        });
      }
    },
  );

  it.each(ACTIONS)('%s: reads every input action.yml declares, and no other', async (action) => {
    const declared = Object.entries(readManifest(action).inputs ?? {});
    // Required inputs get a value; the spec does not exist, so the action stops (exit 2) after reading its inputs.
    const inputs = Object.fromEntries(
      declared.filter(([, i]) => i.required).map(([name]) => [name, name === 'by' ? 'alice' : 'nowhere']),
    );
    const step = await runStep(action, { ...inputs, file: 'missing/eds.yaml' }, { traceInputs: true });
    expect(step.outputs['exit-code']).toBe('2');
    expect(step.code).not.toBe(0);
    expect(step.inputsRead).toEqual(declared.map(([name]) => inputVariable(name)).sort());
  });
});

describe('committed dist', () => {
  it("every actions/*/dist is the build of today's sources (manifest fingerprints and file hashes)", async () => {
    const check = await node(['actions/build.js', '--check'], 30_000);
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
  });

  it('a fresh ncc build of an action gives the committed bytes', async () => {
    const compare = await node(['actions/build.js', '--compare', 'status'], 170_000);
    expect(compare.stderr).toBe('');
    expect(compare.code).toBe(0);
  }, 180_000);
});
