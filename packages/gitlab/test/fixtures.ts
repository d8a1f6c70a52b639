import type { MirroredSummary } from '@eds/gitlab';

/** An `eds --json` result as the CLI prints it, at a chosen point of a canary. */
export function summary(overrides: Partial<MirroredSummary> = {}): MirroredSummary {
  return {
    id: 'd-20250101-demo-0001',
    application: 'hello',
    environment: 'demo',
    status: 'IN_PROGRESS',
    phase: 'PAUSED',
    pauseReason: 'manual',
    currentStep: 'step-3',
    components: [
      {
        name: 'web',
        version: '1.1.0',
        status: 'IN_PROGRESS',
        stableVersion: '1.0.0',
        weights: { '1.0.0': 80, '1.1.0': 20 },
      },
    ],
    endpoints: { web: 'http://127.0.0.1:41231' },
    reason: null,
    ...overrides,
  };
}

/** The predefined variables of a GitLab job on branch main with an open merge request. */
export function jobEnv(apiUrl: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    CI_API_V4_URL: apiUrl,
    CI_PROJECT_ID: '42',
    CI_PROJECT_PATH: 'shop/hello',
    CI_COMMIT_SHA: '3f786850e387550fdab836ed7e6dc881de23001b',
    CI_COMMIT_REF_NAME: 'main',
    CI_JOB_URL: 'https://gitlab.example.com/shop/hello/-/jobs/901',
    CI_OPEN_MERGE_REQUESTS: 'shop/hello!7',
    EDS_GITLAB_TOKEN: 'glpat-good',
    ...extra,
  };
}
