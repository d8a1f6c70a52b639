import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InternalError } from '../../errors/index.js';

const KEY_FILE = 'agent-state.key';
const PREFIX = 'sealed:v1:';

/**
 * Instance environments may hold secrets, and the agent must persist them to bring instances back after a
 * restart. They are sealed (AES-256-GCM) with a per-agent key kept beside the state (mode 0600), so the state
 * file never contains a secret in the clear: a copied state file, a backup, a `grep` reveal nothing.
 */
function stateKey(stateDir: string): Buffer {
  const file = join(stateDir, KEY_FILE);
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32)
    throw new InternalError(`agent state key ${file} is not a 256-bit key`, { code: 'AGENT_STATE_KEY' });
  return key;
}

export function sealEnv(stateDir: string, env: Record<string, string>): Record<string, string> {
  const key = stateKey(stateDir);
  const sealed: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    sealed[name] =
      `${PREFIX}${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${data.toString('base64')}`;
  }
  return sealed;
}

export function unsealEnv(stateDir: string, env: Record<string, string>): Record<string, string> {
  let key: Buffer | undefined;
  const plain: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!value.startsWith(PREFIX)) {
      plain[name] = value;
      continue;
    }
    key ??= stateKey(stateDir);
    const [iv, tag, data] = value.slice(PREFIX.length).split(':');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv ?? '', 'base64'));
      decipher.setAuthTag(Buffer.from(tag ?? '', 'base64'));
      plain[name] = Buffer.concat([
        decipher.update(Buffer.from(data ?? '', 'base64')),
        decipher.final(),
      ]).toString('utf8');
    } catch (cause) {
      throw new InternalError(`agent state: cannot unseal ${name} (was ${KEY_FILE} replaced?)`, {
        code: 'AGENT_STATE_KEY',
        cause,
      });
    }
  }
  return plain;
}
