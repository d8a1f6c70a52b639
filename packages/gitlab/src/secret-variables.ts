import { registerSecret } from '@eds/core';

/** Names listed in EDS_SECRET_VARS (commas, spaces or newlines between them). */
export function secretVariableNames(env: NodeJS.ProcessEnv): string[] {
  return (env.EDS_SECRET_VARS ?? '')
    .split(/[\s,]+/)
    .map((name) => name.trim())
    .filter((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name));
}

/**
 * Register the values of the masked CI/CD variables the pipeline names as secrets, so that EDS prints them as
 * `***` in its own output, records and reports, not only where GitLab's log masking reaches. Returns the names
 * that were set.
 */
export function registerSecretVariables(env: NodeJS.ProcessEnv): string[] {
  const registered: string[] = [];
  for (const name of secretVariableNames(env)) {
    const value = env[name];
    if (value) {
      registerSecret(value);
      registered.push(name);
    }
  }
  return registered;
}
