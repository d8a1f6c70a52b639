import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeploymentRecordSchema, RECORD_API_VERSION, RECORD_KIND } from '@eds/core';
import { eds } from '../helpers/eds.js';
import { FRONT_END_NAMES } from './front-ends/index.js';
import { GOLDEN_DIR } from './golden.js';
import type { JsonRecord } from './records.js';
import { recordSchemaValidator } from './schema.js';

/*
 * E10 record compatibility (docs/records.md): records this version wrote, through each front end, are golden
 * files in test/fixtures/records/ (regenerate with EDS_WRITE_GOLDEN_RECORDS=1 on the parity suite, then review the
 * diff: a changed golden is a format change). The current reader must read every one of them, the published
 * JSON Schema must accept them, the open parts of a record must stay open, and a record in a newer format must be
 * refused by name rather than misread.
 */
const goldens = readdirSync(GOLDEN_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const load = (file: string) => JSON.parse(readFileSync(path.join(GOLDEN_DIR, file), 'utf8')) as JsonRecord;
const validateRecord = recordSchemaValidator();

/** A file store holding `record` as its only deployment, the way eds lays it out; returns the state dir and file. */
function storeWith(record: JsonRecord): { state: string; file: string } {
  const state = path.join(mkdtempSync(path.join(os.tmpdir(), 'eds-records-compat-')), 'state');
  const { id } = record.deployment;
  const [application, environment] = id.split('.');
  const dir = path.join(state, 'store', 'records', application ?? '', environment ?? '', id);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${String(record.revision).padStart(10, '0')}.json`);
  writeFileSync(file, `${JSON.stringify(record, null, 1)}\n`);
  return { state, file };
}

const status = (state: string, id: string) => eds(['--state', state, '--json', 'status', id]);

describe('deployment record compatibility', () => {
  it('has golden records of this version written by every front end', () => {
    for (const name of FRONT_END_NAMES) {
      const mine = goldens.filter((f) => f.startsWith(`${name}--`));
      expect(mine.length).toBeGreaterThanOrEqual(3);
      for (const file of mine) {
        const record = load(file);
        expect({
          apiVersion: record.apiVersion,
          kind: record.kind,
          frontEnd: record.deployment.metadata?.frontEnd,
        }).toEqual({ apiVersion: RECORD_API_VERSION, kind: RECORD_KIND, frontEnd: name });
      }
    }
  });

  it.each(goldens)('reads %s back: zod reader, JSON Schema and `eds status`', async (file) => {
    const record = load(file);
    expect(DeploymentRecordSchema.safeParse(record).error?.issues ?? []).toEqual([]);
    expect(validateRecord(record)).toEqual([]);
    const { state } = storeWith(record);
    const run = await status(state, record.deployment.id);
    expect(run.stderr.match(/^error: .*/m)?.[0] ?? '').toBe('');
    expect(run.code).toBe(0);
    const shown = JSON.parse(run.stdout) as { id: string; status: string; phase: string; revision: number };
    expect(shown).toMatchObject({
      id: record.deployment.id,
      status: record.deployment.status,
      phase: (record.progress as { phase: string }).phase,
      revision: record.revision,
    });
  });

  it('ignores what may grow within eds/v1: report modules, metadata keys, event data, step outputs, event types', async () => {
    const record = load(goldens.find((f) => f.startsWith('github--')) ?? goldens[0] ?? '');
    const grown = structuredClone(record) as JsonRecord & {
      reports: Record<string, unknown>;
      progress: { steps: Record<string, { outputs?: Record<string, unknown> }> };
    };
    grown.reports.futureModule = { verdict: 'fine', nested: { anything: [1, 2] } };
    grown.deployment.metadata = { ...grown.deployment.metadata, pipelineUrl: 'https://ci.example.com/p/1' };
    const firstStep = Object.values(grown.progress.steps)[0];
    if (firstStep) firstStep.outputs = { ...firstStep.outputs, futureOutput: true };
    const last = grown.events.at(-1);
    grown.events.push({
      seq: (last?.seq ?? 0) + 1,
      at: last?.at ?? grown.deployment.createdAt,
      type: 'SomethingNewerEdsDoes',
      message: 'an event type this reader has never heard of',
      by: { user: 'octocat', frontEnd: 'a-fourth-ci' },
      data: { detail: 42 },
    } as JsonRecord['events'][number]);
    expect(validateRecord(grown)).toEqual([]);
    const { state } = storeWith(grown);
    const run = await status(state, grown.deployment.id);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      id: grown.deployment.id,
      status: grown.deployment.status,
    });
  });

  it('refuses a record of a newer apiVersion with exit 2, naming the file, instead of misreading it', async () => {
    const record = { ...load(goldens[0] ?? ''), apiVersion: 'eds/v2' };
    const { state, file } = storeWith(record);
    const run = await status(state, record.deployment.id);
    expect(run.code).toBe(2);
    const error = (JSON.parse(run.stdout) as { error: { code: string; message: string; file?: string } })
      .error;
    expect(error.code).toBe('UNSUPPORTED_RECORD_VERSION');
    expect(error.message).toContain('eds/v2');
    expect(`${error.file ?? ''} ${run.stderr}`).toContain(file);
    expect(validateRecord(record).length).toBeGreaterThan(0);
  });
});
