import { z } from 'zod';
import type { StepContext, StepKind, StepResult } from './step-kind.js';
import { parseWith, validateWithSchema } from './with-schema.js';

export const NotifyWithSchema = z.strictObject({
  /** Webhook to POST to; without one the message only goes into the step log. */
  url: z.url({ protocol: /^https?$/ }).optional(),
  message: z.string().min(1),
  /** Extra fields merged into the JSON body. */
  payload: z.record(z.string(), z.unknown()).optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

async function notify(context: StepContext): Promise<StepResult> {
  const input = parseWith(NotifyWithSchema, context.with, 'notify');
  if (!input.url) {
    context.log(input.message);
    return { status: 'completed' };
  }
  // Webhook URLs often embed a token (Slack, Teams): only the origin is ever logged.
  const origin = new URL(input.url).origin;
  const response = await fetch(input.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...input.headers },
    body: JSON.stringify({
      message: input.message,
      step: context.step.id,
      at: context.clock().toISOString(),
      ...input.payload,
    }),
    signal: context.signal,
  });
  await response.body?.cancel();
  if (!response.ok)
    throw new Error(`webhook at ${origin} answered ${response.status} ${response.statusText}`);
  context.log(`notified ${origin} (${response.status})`);
  return { status: 'completed', outputs: { status: response.status } };
}

/** `notify`: POST a JSON message to a webhook, or log it. Sending twice is harmless, so it is idempotent. */
export const notifyStepKind: StepKind = {
  name: 'notify',
  idempotent: true,
  validate: validateWithSchema(NotifyWithSchema),
  run: notify,
};
