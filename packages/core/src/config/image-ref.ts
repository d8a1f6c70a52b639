import type { ImageOverride } from './spec-schema.js';

export interface ImageRef {
  name: string;
  tag?: string | undefined;
  digest?: string | undefined;
}

export function parseImageRef(text: string): ImageRef {
  const at = text.indexOf('@');
  const digest = at >= 0 ? text.slice(at + 1) : undefined;
  const rest = at >= 0 ? text.slice(0, at) : text;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  return { name: rest, digest };
}

export function formatImageRef(ref: ImageRef): string {
  return `${ref.name}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/**
 * The image a component runs: the spec's image; when its tag is the spec's version and the request deploys another
 * version, the tag follows the version (`--set-version web=1.3.0` deploys `…/web:1.3.0`); then the environment's
 * `images:` override (name, tag, digest), as kustomize's images transformer does.
 */
export function componentImage(
  image: string,
  specVersion: string,
  version: string,
  override: ImageOverride | undefined,
): string {
  const ref = parseImageRef(image);
  if (ref.tag === specVersion && version !== specVersion) {
    ref.tag = version;
    ref.digest = undefined; // a digest of the old version would pin the wrong image
  }
  if (override?.name) ref.name = override.name;
  if (override?.tag) ref.tag = override.tag;
  if (override?.digest) ref.digest = override.digest;
  return formatImageRef(ref);
}
