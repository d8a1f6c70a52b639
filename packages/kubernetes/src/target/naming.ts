import { createHash } from 'node:crypto';
import { ValidationError } from '@eds/core';

/** How versions of a component are laid out as Deployments; one per strategy. */
export type WorkloadLayout = 'ROLLING' | 'BLUE_GREEN' | 'CANARY';

export const COLOURS = ['blue', 'green'] as const;
export type Colour = (typeof COLOURS)[number];

/** Label naming the Deployment slot a pod belongs to (`main`, `blue`, `green`, or a version slug): the selector key. */
export const SLOT_LABEL = 'eds.dev/slot';

/** DNS-1035 label: lowercase alphanumerics and `-`, starting with a letter, ≤ 63. Long names keep a hash suffix. */
export function dnsLabel(text: string, max = 63): string {
  let name = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '');
  if (!name) name = 'x';
  if (name.length <= max) return name;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  return `${name.slice(0, max - 9).replace(/-+$/, '')}-${hash}`;
}

/** `1.2.3-rc.1` → `v1-2-3-rc-1`: a version as a name part. */
export function versionSlug(version: string): string {
  return dnsLabel(`v${version}`, 40);
}

/** Names of everything the target creates for one component. */
export class ComponentNames {
  readonly base: string;

  constructor(application: string, component: string) {
    const base = `${application}-${component}`;
    if (base.length > 40) {
      throw new ValidationError(`"${base}" is too long for Kubernetes object names with version suffixes`, {
        code: 'NAME_TOO_LONG',
        expected: 'application and component names of at most 40 characters together',
      });
    }
    this.base = dnsLabel(base);
  }

  /** The Service every front door (Ingress, HTTPRoute, clients) uses; blue-green's active Service. */
  get service(): string {
    return this.base;
  }

  get previewService(): string {
    return `${this.base}-preview`;
  }

  /** A Service selecting one slot only: canary routing by Ingress or HTTPRoute needs one per version. */
  slotService(slot: string): string {
    return `${this.base}-${slot}`;
  }

  deployment(slot: string): string {
    return slot === 'main' ? this.base : `${this.base}-${slot}`;
  }

  /** Environment (configuration, possibly secret) of a slot's pods lives in a Secret, not in the Deployment. */
  envSecret(slot: string): string {
    return `${this.deployment(slot)}-env`;
  }

  get canaryIngress(): string {
    return `${this.base}-canary`;
  }
}
