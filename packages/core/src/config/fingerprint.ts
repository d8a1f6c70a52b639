import { createHmac, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** File in the state directory that holds the fingerprint key (mode 0600, created on first use). */
export const FINGERPRINT_KEY_FILE = 'config-fingerprint.key';
/** Overrides the state-directory key; set it (as a CI secret) when several runners share a remote record store. */
export const FINGERPRINT_KEY_ENV = 'EDS_CONFIG_FINGERPRINT_KEY';

export interface FingerprintKeyOptions {
  /** State directory; without one (memory store, dry runs) a key per process is used. */
  stateDir?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

let processKey: Buffer | undefined;

/**
 * The key of secret fingerprints. A keyed hash (HMAC) instead of a plain one, so a fingerprint in a record cannot be
 * checked against guessed values by anyone who lacks the key.
 */
export async function loadFingerprintKey(options: FingerprintKeyOptions = {}): Promise<Buffer> {
  const fromEnv = (options.env ?? process.env)[FINGERPRINT_KEY_ENV];
  if (fromEnv) return Buffer.from(fromEnv, 'utf8');
  if (!options.stateDir) return (processKey ??= randomBytes(32));
  const file = path.join(options.stateDir, FINGERPRINT_KEY_FILE);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      const existing = await fs.readFile(file);
      if (existing.length >= 32) return existing;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // Write a temp file, then link it into place: link fails if another process won, and then we read theirs.
    await fs.mkdir(options.stateDir, { recursive: true, mode: 0o700 });
    const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    await fs.writeFile(temp, randomBytes(32), { mode: 0o600, flag: 'wx' });
    try {
      await fs.link(temp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await fs.unlink(temp).catch(() => undefined);
    }
  }
  return fs.readFile(file);
}

export function fingerprintSecret(key: Buffer, value: string): string {
  return `hmac-sha256:${createHmac('sha256', key).update(value, 'utf8').digest('hex')}`;
}

/** The fingerprint of an optional secret that was not set. */
export const ABSENT_FINGERPRINT = 'absent';
