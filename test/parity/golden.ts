import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ScenarioRun } from './run-scenario.js';

export const GOLDEN_DIR = path.resolve('test/fixtures/records');

export const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/**
 * With EDS_WRITE_GOLDEN_RECORDS=1, keep the last record of each scenario and front end as a golden file
 * (`test/fixtures/records/<front end>--<scenario>.json`): records this version writes, which every later version
 * must still read (compatibility.test.ts).
 */
export function writeGoldenRecords(scenario: string, runs: ScenarioRun[]): void {
  if (process.env.EDS_WRITE_GOLDEN_RECORDS !== '1') return;
  mkdirSync(GOLDEN_DIR, { recursive: true });
  for (const run of runs) {
    const last = run.records.at(-1);
    if (!last) continue;
    writeFileSync(
      path.join(GOLDEN_DIR, `${run.frontEnd}--${slug(scenario)}.json`),
      `${JSON.stringify(last, null, 1)}\n`,
    );
  }
}
