import { randomBytes } from 'node:crypto';
import { ValidationError } from '../errors/index.js';

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const ID_PATTERN = new RegExp(`^(${LABEL})\\.(${LABEL})\\.(\\d{17})\\.([0-9a-f]{4})$`);

/**
 * Deployment ids read `APP.ENV.YYYYMMDDHHMMSSmmm.RAND`: they say what and where, sort by time inside an
 * environment (so "latest 20" is a directory listing, not a scan), and map to a storage key without a lookup.
 */
export function newDeploymentId(application: string, environment: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:TZ.]/g, '');
  return `${application}.${environment}.${stamp}.${randomBytes(2).toString('hex')}`;
}

export interface ParsedId {
  application: string;
  environment: string;
}

export function parseDeploymentId(id: string): ParsedId {
  const match = ID_PATTERN.exec(id);
  if (!match) {
    throw new ValidationError(`"${id}" is not a deployment id`, {
      code: 'INVALID_ID',
      expected: 'APP.ENV.YYYYMMDDHHMMSSmmm.XXXX, as printed by `eds deploy` or `eds history`',
    });
  }
  return { application: match[1], environment: match[2] };
}

export function isDeploymentId(id: string): boolean {
  return ID_PATTERN.test(id);
}
