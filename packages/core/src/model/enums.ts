import { z } from 'zod';

/** Lifecycle of a deployment, a component, a pipeline, a stage and a step (the specification's enum). */
export const StatusSchema = z.enum(['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED']);
export type Status = z.infer<typeof StatusSchema>;

/** Environment tiers. Environment *names* are free (keys of `environments:`); each maps to a tier. */
export const TierSchema = z.enum(['DEV', 'STAGING', 'PROD']);
export type Tier = z.infer<typeof TierSchema>;

export const StrategyTypeSchema = z.enum(['ROLLING', 'BLUE_GREEN', 'CANARY']);
export type StrategyType = z.infer<typeof StrategyTypeSchema>;

export const InfrastructureTypeSchema = z.enum(['KUBERNETES', 'VM', 'SERVERLESS']);
export type InfrastructureType = z.infer<typeof InfrastructureTypeSchema>;

export const InfrastructureStatusSchema = z.enum([
  'PROVISIONING',
  'ACTIVE',
  'UPDATING',
  'DELETING',
  'FAILED',
]);
export type InfrastructureStatus = z.infer<typeof InfrastructureStatusSchema>;

export const TERMINAL_STATUSES: readonly Status[] = ['COMPLETED', 'FAILED', 'CANCELLED'];

export function isTerminal(status: Status): boolean {
  return TERMINAL_STATUSES.includes(status);
}
