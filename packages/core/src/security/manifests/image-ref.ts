/** A container image reference split the way the container runtime reads it. */
export interface ImageReference {
  /** Registry host (with port), `docker.io` when the reference names none. */
  registry: string;
  /** Repository path without the registry, e.g. `library/nginx`. */
  repository: string;
  tag?: string;
  digest?: string;
}

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

export function parseImageReference(image: string): ImageReference {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const lastColon = rest.lastIndexOf(':');
  // A colon after the last slash is a tag; before it, it is a registry port (`localhost:5000/app`).
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
  }
  const firstSlash = rest.indexOf('/');
  const first = firstSlash >= 0 ? rest.slice(0, firstSlash) : '';
  const hasRegistry =
    firstSlash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? normaliseRegistry(first) : 'docker.io';
  let repository = hasRegistry ? rest.slice(firstSlash + 1) : rest;
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  const ref: ImageReference = { registry, repository };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

export function hasValidDigest(ref: ImageReference): boolean {
  return ref.digest !== undefined && DIGEST.test(ref.digest);
}

function normaliseRegistry(host: string): string {
  const lower = host.toLowerCase();
  return lower === 'index.docker.io' || lower === 'registry-1.docker.io' ? 'docker.io' : lower;
}

/**
 * Whether `ref` comes from `allowed`, an entry such as `registry.example.com` (the whole registry) or
 * `registry.example.com/team` (a path prefix, matched on `/` boundaries so `team` does not allow `team-b`).
 */
export function registryAllows(allowed: string, ref: ImageReference): boolean {
  const trimmed = allowed.trim().replace(/\/+$/, '');
  const slash = trimmed.indexOf('/');
  const host = normaliseRegistry(slash >= 0 ? trimmed.slice(0, slash) : trimmed);
  if (host !== ref.registry) return false;
  if (slash < 0) return true;
  const prefix = trimmed.slice(slash + 1);
  return ref.repository === prefix || ref.repository.startsWith(`${prefix}/`);
}
