import { parseImageReference, type ImageReference } from '../manifests/image-ref.js';
import type { ContainerRef } from '../manifests/pod-specs.js';
import { forContainers } from './helpers.js';
import type { RuleContext, RuleHit } from './types.js';

/** Visit each container's image (all container types: an init container's image runs on the node too). */
export function forImages(
  ctx: RuleContext,
  visit: (image: string, ref: ImageReference, container: ContainerRef) => RuleHit | undefined,
): RuleHit[] {
  return forContainers(ctx, (container) => {
    const image = container.container.image;
    if (typeof image !== 'string' || image.trim() === '') return undefined;
    return visit(image, parseImageReference(image), container);
  });
}

export function imagePath(container: ContainerRef): readonly (string | number)[] {
  return [...container.path, 'image'];
}
