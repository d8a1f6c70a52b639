import type { Actor, DeploymentRecord, SpecSnapshot } from './record.js';
import { RECORD_API_VERSION, RECORD_KIND } from './record.js';
import type { NewRecord } from './store.js';
import type { Pipeline, StrategyType } from '../model/index.js';

export interface CreateRecordInput {
  id: string;
  application: string;
  environment: string;
  description: string;
  strategy: StrategyType;
  components: { name: string; version: string }[];
  actor: Actor;
  now: Date;
  spec: SpecSnapshot;
  pipeline?: Pipeline;
}

/** A PENDING record with an empty pipeline and the creation event: what a deployment starts from. */
export function createRecord(input: CreateRecordInput): NewRecord {
  const at = input.now.toISOString();
  return {
    apiVersion: RECORD_API_VERSION,
    kind: RECORD_KIND,
    application: input.application,
    deployment: {
      id: input.id,
      name: input.application,
      description: input.description,
      status: 'PENDING',
      environment: input.environment,
      components: input.components.map((c) => ({
        id: `${input.id}/${c.name}`,
        name: c.name,
        version: c.version,
        status: 'PENDING',
      })),
      strategy: input.strategy,
      createdBy: input.actor.user,
      createdAt: at,
      startedAt: null,
      completedAt: null,
      metadata: {
        frontEnd: input.actor.frontEnd,
        ...(input.actor.jobUrl ? { jobUrl: input.actor.jobUrl } : {}),
      },
    },
    pipeline: input.pipeline ?? {
      id: `${input.id}/pipeline`,
      name: `deploy ${input.application} to ${input.environment}`,
      deploymentId: input.id,
      status: 'PENDING',
      stages: [],
      startedAt: null,
      completedAt: null,
    },
    progress: {
      phase: 'PENDING',
      currentStep: null,
      pauseReason: null,
      pausedAt: null,
      weights: {},
      stableVersions: {},
      endpoints: {},
      analysis: [],
      approvals: [],
      steps: {},
      reason: null,
      cleanup: [],
    },
    spec: input.spec,
    reports: {},
    events: [
      {
        seq: 0,
        at,
        type: 'DeploymentCreated',
        message: `${input.actor.user} via ${input.actor.frontEnd} requested ${input.components
          .map((c) => `${c.name}@${c.version}`)
          .join(', ')} to ${input.environment} (${input.strategy})`,
        by: input.actor,
      },
    ],
  };
}

/** Append an event with the next sequence number (the store refuses rewrites of earlier events). */
export function appendEvent(
  record: NewRecord | DeploymentRecord,
  event: { at: Date; type: string; message: string; by?: Actor; data?: Record<string, unknown> },
): void {
  const seq = (record.events[record.events.length - 1]?.seq ?? -1) + 1;
  record.events.push({
    seq,
    at: event.at.toISOString(),
    type: event.type,
    message: event.message,
    ...(event.by ? { by: event.by } : {}),
    ...(event.data ? { data: event.data } : {}),
  });
}
