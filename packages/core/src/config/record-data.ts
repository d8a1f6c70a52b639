import { z } from 'zod';
import type { Configuration } from '../model/index.js';
import { ValidationError } from '../errors/index.js';

/**
 * What a Configuration record keeps in `data` (the seed shape is strict, so EDS's own fields live here under fixed
 * names): the rendered non-secret values, the content hash and the secret fingerprints. Secret *values* never.
 */
export const ConfigurationDataSchema = z.strictObject({
  values: z.record(z.string(), z.unknown()),
  hash: z.string().regex(/^sha256:[a-f0-9]{64}$/),
  secretFingerprints: z.record(z.string(), z.string()),
  /** The deployment that rendered this version first. */
  deploymentId: z.string(),
  /** Files the values came from, relative as written in eds.yaml. */
  sources: z.array(z.string()),
  /** Set when this version re-applies an older one (`eds config rollback`). */
  rollbackOf: z.number().int().positive().optional(),
});
export type ConfigurationData = z.infer<typeof ConfigurationDataSchema>;

export function configDataOf(record: Configuration): ConfigurationData {
  const parsed = ConfigurationDataSchema.safeParse(record.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(
      `configuration record ${record.id} is corrupt: ${issue?.message ?? 'invalid data'}`,
      {
        code: 'CORRUPT_RECORD',
        path: `data.${issue?.path.join('.') ?? ''}`,
      },
    );
  }
  return parsed.data;
}
