import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type JsonRecord = Record<string, unknown> & {
  deployment: { id: string; createdAt: string; status: string; metadata?: Record<string, unknown> };
  events: { seq: number; at: string; type: string; message: string; by?: Record<string, unknown> }[];
};

/** The newest revision file of one deployment's record directory. */
export function newestRevisionFile(dir: string): string {
  const files = readdirSync(dir)
    .filter((f) => /^\d+\.json$/.test(f))
    .sort();
  const newest = files.at(-1);
  if (!newest) throw new Error(`no record revision in ${dir}`);
  return path.join(dir, newest);
}

/**
 * Every deployment record in a file store (newest revision of each), oldest deployment first. Read straight from
 * the files, as any other tool sharing the store would: `DIR/store/records/<app>/<env>/<id>/<revision>.json`.
 */
export function readRecords(state: string, application?: string): JsonRecord[] {
  const root = path.join(state, 'store', 'records');
  if (!existsSync(root)) return [];
  const records: JsonRecord[] = [];
  for (const app of readdirSync(root)) {
    if (application && app !== application) continue;
    for (const env of readdirSync(path.join(root, app))) {
      for (const id of readdirSync(path.join(root, app, env))) {
        const file = newestRevisionFile(path.join(root, app, env, id));
        records.push(JSON.parse(readFileSync(file, 'utf8')) as JsonRecord);
      }
    }
  }
  return records.sort((a, b) => a.deployment.createdAt.localeCompare(b.deployment.createdAt));
}

/** The record file of one deployment id (newest revision). */
export function recordFileOf(state: string, id: string): string {
  const [application, environment] = id.split('.');
  return newestRevisionFile(path.join(state, 'store', 'records', application ?? '', environment ?? '', id));
}

export function readRecord(state: string, id: string): JsonRecord {
  return JSON.parse(readFileSync(recordFileOf(state, id), 'utf8')) as JsonRecord;
}
