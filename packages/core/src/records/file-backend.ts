import { promises as fs, constants as fsConstants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { DocumentBackend, StoredDocument } from './backend.js';

const REVISION_FILE = /^(\d{10})\.json$/;
const FLOOR_FILE = /^\.floor-(\d{10})$/;

function floorFile(revision: number): string {
  return `.floor-${String(revision).padStart(10, '0')}`;
}

function revisionFile(revision: number): string {
  return `${String(revision).padStart(10, '0')}.json`;
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, fsConstants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Documents as directories of revision files under a state directory. A revision is written to a temp file,
 * fsynced, then hard-linked to its final name: link(2) fails if the name exists, so two writers of the same
 * revision cannot both win, and a reader never sees a partly written file (a SIGKILL leaves only a temp file).
 */
export class FileBackend implements DocumentBackend {
  readonly description: string;

  constructor(readonly root: string) {
    this.description = `file store ${root}`;
  }

  locate(key: string): string {
    return path.join(this.root, ...key.split('/'));
  }

  async #revisions(dir: string): Promise<number[]> {
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const revisions: number[] = [];
    for (const name of names) {
      const match = REVISION_FILE.exec(name);
      if (match) revisions.push(Number(match[1]));
    }
    return revisions;
  }

  async readLatest(key: string): Promise<StoredDocument | undefined> {
    const dir = this.locate(key);
    // A newer revision may be written, and older ones pruned, between listing and reading: retry then.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const revisions = await this.#revisions(dir);
      if (revisions.length === 0) return undefined;
      const revision = Math.max(...revisions);
      const file = path.join(dir, revisionFile(revision));
      try {
        return { revision, text: await fs.readFile(file, 'utf8'), location: file };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return undefined;
  }

  async create(key: string, revision: number, text: string): Promise<boolean> {
    const dir = this.locate(key);
    await fs.mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    const handle = await fs.open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.link(temp, path.join(dir, revisionFile(revision)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await fs.unlink(temp).catch(() => undefined);
    }
    // Pruning frees old revision names, so a writer that read long ago could link into a freed slot. Pruning
    // first raises a floor marker above every slot it frees; a revision below the floor is such a stale write.
    if (revision < (await this.#floor(dir))) {
      await fs.unlink(path.join(dir, revisionFile(revision))).catch(() => undefined);
      return false;
    }
    await fsyncDirectory(dir);
    return true;
  }

  async children(prefix: string): Promise<string[]> {
    try {
      const entries = await fs.readdir(this.locate(prefix), { withFileTypes: true });
      return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  /** The lowest revision that may still be written: every slot below it may have been pruned. */
  async #floor(dir: string): Promise<number> {
    let floor = 0;
    for (const name of await fs.readdir(dir)) {
      const match = FLOOR_FILE.exec(name);
      if (match) floor = Math.max(floor, Number(match[1]));
    }
    return floor;
  }

  async remove(key: string): Promise<void> {
    await fs.rm(this.locate(key), { recursive: true, force: true });
  }

  async prune(key: string, keep: number): Promise<void> {
    const dir = this.locate(key);
    const revisions = (await this.#revisions(dir)).sort((a, b) => b - a);
    const doomed = revisions.slice(keep);
    if (doomed.length === 0) return;
    // The floor goes up before any slot is freed, so no stale writer can land in a freed slot unnoticed.
    const floor = Math.min(...revisions.slice(0, keep));
    await fs.writeFile(path.join(dir, floorFile(floor)), '', { flag: 'a' });
    await Promise.all(doomed.map((r) => fs.unlink(path.join(dir, revisionFile(r))).catch(() => undefined)));
    for (const name of await fs.readdir(dir)) {
      const match = FLOOR_FILE.exec(name);
      if (match && Number(match[1]) < floor) await fs.unlink(path.join(dir, name)).catch(() => undefined);
    }
  }
}
