import { z } from 'zod';
import { AppSpecSchema } from './spec.js';
import { ConfigurationSchema, DeploymentSchema, InfrastructureSchema, PipelineSchema } from './records.js';

/** JSON Schemas generated from the zod schemas (never written by hand); `schema/` holds them, checked by a test. */
export function modelJsonSchemas(): Record<string, unknown> {
  const io = { io: 'input' as const, unrepresentable: 'any' as const };
  return {
    eds: { ...z.toJSONSchema(AppSpecSchema, io), title: 'EDS application spec (eds.yaml)' },
    deployment: z.toJSONSchema(DeploymentSchema, io),
    configuration: z.toJSONSchema(ConfigurationSchema, io),
    pipeline: z.toJSONSchema(PipelineSchema, io),
    infrastructure: z.toJSONSchema(InfrastructureSchema, io),
  };
}
