import { objectAt } from '../manifests/objects.js';
import type { ContainerRef } from '../manifests/pod-specs.js';
import { containerLabel } from './helpers.js';
import type { RuleHit } from './types.js';

/** A hit when the container lacks cpu or memory under `resources.<section>`. */
export function missingResources(ref: ContainerRef, section: 'requests' | 'limits'): RuleHit | undefined {
  const values = objectAt(objectAt(ref.container, 'resources'), section);
  const missing = ['cpu', 'memory'].filter(
    (name) => values?.[name] === undefined || values[name] === null || values[name] === '',
  );
  if (missing.length === 0) return undefined;
  return {
    path: [...ref.path, 'resources', section],
    message: `${containerLabel(ref)} has no ${missing.join(' or ')} ${section === 'requests' ? 'request' : 'limit'}`,
  };
}
