import { containerLabel } from './helpers.js';
import { forImages, imagePath } from './images.js';
import type { RuleDefinition } from './types.js';

export const latestTag: RuleDefinition = {
  id: 'latest-tag',
  title: 'Image uses :latest or no tag',
  severity: 'medium',
  rationale:
    'A mutable tag means the version that runs is not the version that was tested, and a rollback may not restore the old code.',
  remediation:
    'Reference the image by an immutable version tag, and pin it by digest (`image:1.2.3@sha256:…`).',
  appliesTo: 'workloads',
  exemptible: true,
  check: (ctx) =>
    forImages(ctx, (image, ref, container) => {
      // A digest pins the content whatever the tag says.
      if (ref.digest !== undefined) return undefined;
      if (ref.tag === undefined) {
        return {
          path: imagePath(container),
          message: `${containerLabel(container)} image ${image} has no tag (means :latest)`,
        };
      }
      if (ref.tag === 'latest') {
        return {
          path: imagePath(container),
          message: `${containerLabel(container)} image ${image} uses the :latest tag`,
        };
      }
      return undefined;
    }),
};
