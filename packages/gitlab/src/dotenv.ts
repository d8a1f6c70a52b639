import type { MirroredSummary } from './summary.js';

/** GitLab's dotenv report takes `KEY=value` lines; a value may not span lines, keys are [A-Za-z0-9_]. */
function line(key: string, value: string): string {
  return `${key}=${value.replace(/[\r\n]+/g, ' ')}`;
}

function variableName(component: string): string {
  return `EDS_ENDPOINT_${component.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * What a deploy/promote job hands on through `artifacts:reports:dotenv`: the deployment id later manual
 * jobs act on, its status and phase, and the environment URL (`environment:url: $EDS_ENVIRONMENT_URL`).
 */
export function formatDotenv(summary: MirroredSummary): string {
  const endpoints = Object.entries(summary.endpoints);
  const lines = [
    line('EDS_DEPLOYMENT_ID', summary.id),
    line('EDS_STATUS', summary.status),
    line('EDS_PHASE', summary.phase),
    line('EDS_ENVIRONMENT', summary.environment),
    line('EDS_ENVIRONMENT_URL', endpoints[0]?.[1] ?? ''),
    ...endpoints.map(([component, url]) => line(variableName(component), url)),
  ];
  return `${lines.join('\n')}\n`;
}
