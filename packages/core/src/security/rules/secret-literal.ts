import { findSecret } from '../detect/secret-patterns.js';
import { arrayAt, isObject, objectAt } from '../manifests/objects.js';
import { containerLabel, forContainers } from './helpers.js';
import type { RuleContext, RuleDefinition, RuleHit } from './types.js';

export const secretLiteral: RuleDefinition = {
  id: 'secret-literal',
  title: 'Secret-looking literal in a manifest',
  severity: 'critical',
  rationale:
    'A credential written into a manifest or ConfigMap ends up in Git, CI logs and every reader of the namespace; it must be treated as leaked.',
  remediation:
    'Rotate the credential, then pass it through a Secret (`valueFrom.secretKeyRef`) or EDS secret references resolved at deploy time.',
  // Secret objects are where credentials belong, so they are not scanned.
  appliesTo: [
    'ConfigMap',
    'Pod',
    'PodTemplate',
    'Deployment',
    'StatefulSet',
    'DaemonSet',
    'ReplicaSet',
    'ReplicationController',
    'Job',
    'CronJob',
  ],
  exemptible: true,
  check: (ctx) => (ctx.resource.kind === 'ConfigMap' ? configMapSecrets(ctx) : containerSecrets(ctx)),
};

function configMapSecrets(ctx: RuleContext): RuleHit[] {
  const hits: RuleHit[] = [];
  const data = objectAt(ctx.object, 'data');
  if (!data) return hits;
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string') continue;
    const match = findSecretInText(value, key);
    if (match)
      hits.push({
        path: ['data', key],
        message: `ConfigMap key "${key}" holds a secret-looking literal: ${match.kind} (${match.masked})`,
      });
  }
  return hits;
}

function containerSecrets(ctx: RuleContext): RuleHit[] {
  return forContainers(ctx, (ref) => {
    const hits: RuleHit[] = [];
    arrayAt(ref.container, 'env').forEach((env, index) => {
      if (!isObject(env) || typeof env.value !== 'string') return;
      const name = typeof env.name === 'string' ? env.name : undefined;
      const match = findSecret(env.value, name);
      if (match) {
        hits.push({
          path: [...ref.path, 'env', index, 'value'],
          message: `${containerLabel(ref)} env ${name ?? `[${index}]`} holds a secret-looking literal: ${match.kind} (${match.masked})`,
        });
      }
    });
    for (const field of ['command', 'args'] as const) {
      arrayAt(ref.container, field).forEach((arg, index) => {
        if (typeof arg !== 'string') return;
        const match = findSecret(arg);
        if (match) {
          hits.push({
            path: [...ref.path, field, index],
            message: `${containerLabel(ref)} ${field}[${index}] holds a secret-looking literal: ${match.kind} (${match.masked})`,
          });
        }
      });
    }
    return hits;
  });
}

/** ConfigMap values are often whole files: check each `key=value` / `key: value` line with its own key name. */
function findSecretInText(text: string, key: string): ReturnType<typeof findSecret> {
  if (!text.includes('\n')) return findSecret(text, key);
  const anywhere = findSecret(text);
  if (anywhere) return anywhere;
  for (const line of text.split('\n')) {
    const assignment = /^\s*["']?([A-Za-z0-9_.-]+)["']?\s*[:=]\s*["']?(.*?)["']?\s*,?\s*$/.exec(line);
    if (assignment?.[1] === undefined || assignment[2] === undefined) continue;
    const match = findSecret(assignment[2], assignment[1]);
    if (match) return match;
  }
  return undefined;
}
