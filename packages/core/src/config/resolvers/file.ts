import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../../errors/index.js';
import type { SecretResolver } from './types.js';

const MAX_SECRET_FILE_BYTES = 1024 * 1024;

/** `file:PATH`: a file's content (mounted secrets, Docker secrets); relative to eds.yaml; one final newline dropped. */
export const fileResolver: SecretResolver = {
  scheme: 'file',
  syntax: 'file:PATH',
  check: (body) =>
    body.trim() === body && body.length > 0 ? undefined : 'PATH must not be empty or start/end with spaces',
  async resolve(body, reference, context) {
    const file = path.resolve(context.baseDir, body);
    let stat;
    try {
      stat = await fs.stat(file);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new ValidationError(
        `secret ${reference}: cannot read the file (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
        {
          code: 'SECRET_NOT_READABLE',
          path: reference,
        },
      );
    }
    if (!stat.isFile() || stat.size > MAX_SECRET_FILE_BYTES) {
      throw new ValidationError(`secret ${reference}: not a regular file of at most 1 MiB`, {
        code: 'SECRET_NOT_READABLE',
        path: reference,
      });
    }
    return (await fs.readFile(file, 'utf8')).replace(/\r?\n$/, '');
  },
};
