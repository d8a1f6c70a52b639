import { z } from 'zod';
import { modelJsonSchemas } from './model/index.js';
import { DeploymentRecordSchema } from './records/index.js';

/** Every published JSON Schema by name: `eds schema NAME` prints one, `npm run schema` writes them all. */
export function jsonSchemas(): Record<string, unknown> {
  return {
    ...modelJsonSchemas(),
    record: z.toJSONSchema(DeploymentRecordSchema, { io: 'input', unrepresentable: 'any' }),
  };
}
