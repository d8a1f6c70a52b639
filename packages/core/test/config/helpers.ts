import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseSpec, type AppSpec } from '../../src/model/index.js';
import { EdsError } from '../../src/errors/index.js';

export interface Project {
  dir: string;
  specFile: string;
  specText: string;
  spec: AppSpec;
}

export const SPEC_HEAD = `apiVersion: eds/v1
name: shop
components:
  - name: api
    version: 1.0.0
    image: registry.example.com/shop/api:1.0.0
    run: { command: node server.js, port: 8080 }
    health: { http: /healthz }
    replicas: 2
`;

export const ENVIRONMENTS = `environments:
  dev:
    tier: DEV
    strategy: { type: ROLLING }
    config:
      overlay: config/dev.yaml
  prod:
    tier: PROD
    strategy: { type: ROLLING }
    config:
      overlay: config/prod.yaml
      values:
        inline: prod-inline
`;

/** A temp project: eds.yaml plus the given files (paths relative to the project). */
export function makeProject(specBody: string, files: Record<string, string> = {}): Project {
  const dir = mkdtempSync(path.join(tmpdir(), 'eds-config-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  const specFile = path.join(dir, 'eds.yaml');
  const specText = SPEC_HEAD + specBody;
  writeFileSync(specFile, specText);
  return { dir, specFile, specText, spec: parseSpec(specText, specFile) };
}

/** Run `fn` and return the EdsError it throws (fails the test if it does not throw one). */
export async function edsErrorOf(fn: () => unknown): Promise<EdsError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof EdsError) return error;
    throw new Error(`expected an EdsError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected an EdsError, nothing was thrown');
}
