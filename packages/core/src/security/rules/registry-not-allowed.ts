import { registryAllows } from '../manifests/image-ref.js';
import { containerLabel } from './helpers.js';
import { forImages, imagePath } from './images.js';
import type { RuleDefinition } from './types.js';

export const registryNotAllowed: RuleDefinition = {
  id: 'registry-not-allowed',
  title: 'Image from a registry not in the allowed list',
  severity: 'high',
  rationale:
    "Images from unvetted registries bypass the organisation's scanning and signing; typosquatted public images are a known attack.",
  remediation:
    'Mirror the image into an allowed registry, or add the registry to policy `parameters.allowedRegistries`.',
  appliesTo: 'workloads',
  exemptible: true,
  // An empty allow-list means the policy does not restrict registries.
  check: (ctx) => {
    const allowed = ctx.params.allowedRegistries;
    if (allowed.length === 0) return [];
    return forImages(ctx, (image, ref, container) =>
      allowed.some((entry) => registryAllows(entry, ref))
        ? undefined
        : {
            path: imagePath(container),
            message: `${containerLabel(container)} image ${image} comes from ${ref.registry}, not from ${allowed.join(', ')}`,
          },
    );
  },
};
