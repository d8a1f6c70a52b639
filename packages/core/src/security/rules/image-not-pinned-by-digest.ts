import { hasValidDigest } from '../manifests/image-ref.js';
import { containerLabel } from './helpers.js';
import { forImages, imagePath } from './images.js';
import type { RuleDefinition } from './types.js';

export const imageNotPinnedByDigest: RuleDefinition = {
  id: 'image-not-pinned-by-digest',
  title: 'Image not pinned by digest',
  severity: 'medium',
  rationale:
    'Tags can be moved to other content; only a digest guarantees that production runs exactly the image that was scanned and tested.',
  remediation:
    'Reference the image as `registry/repo:tag@sha256:<digest>` (the renderer can resolve digests at release time).',
  appliesTo: 'workloads',
  exemptible: true,
  // Only enforced where policy asks for it (by default in PROD): digests are a release concern, not a dev one.
  check: (ctx) =>
    ctx.params.requireDigest
      ? forImages(ctx, (image, ref, container) =>
          hasValidDigest(ref)
            ? undefined
            : {
                path: imagePath(container),
                message: `${containerLabel(container)} image ${image} is not pinned by digest`,
              },
        )
      : [],
};
