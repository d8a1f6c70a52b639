import { isExpired } from '../policy/expiry.js';
import type { EffectivePolicy, LocatedExemption } from '../policy/effective.js';
import type { ExemptionUse, ResourceRef } from '../types.js';

/**
 * Tracks policy exemptions during one check: which applied (and how often), which have expired. Expired ones
 * never apply; the engine reports them once each.
 */
export class ExemptionLedger {
  private readonly valid: LocatedExemption[] = [];
  readonly expired: LocatedExemption[] = [];
  private readonly uses = new Map<LocatedExemption, number>();

  constructor(policy: EffectivePolicy, now: Date) {
    for (const exemption of policy.exemptions) {
      (isExpired(exemption.expires, now) ? this.expired : this.valid).push(exemption);
    }
  }

  /** The valid exemption covering `ruleId` on `resource`, counting the use. */
  find(ruleId: string, resource: ResourceRef): LocatedExemption | undefined {
    const found = this.valid.find((exemption) => matches(exemption, ruleId, resource));
    if (found) this.uses.set(found, (this.uses.get(found) ?? 0) + 1);
    return found;
  }

  /** Whether an expired exemption would have covered this finding (to say so in the message). */
  expiredFor(ruleId: string, resource: ResourceRef): LocatedExemption | undefined {
    return this.expired.find((exemption) => matches(exemption, ruleId, resource));
  }

  unused(): LocatedExemption[] {
    return this.valid.filter((exemption) => !this.uses.has(exemption));
  }

  static toUse(exemption: LocatedExemption, resource: string): ExemptionUse {
    const use: ExemptionUse = {
      source: 'policy',
      ruleId: exemption.rule,
      resource,
      reason: exemption.reason,
      expires: exemption.expires,
    };
    use.location = { file: exemption.origin.file ?? 'eds.yaml', path: exemption.origin.segments };
    return use;
  }
}

function matches(exemption: LocatedExemption, ruleId: string, resource: ResourceRef): boolean {
  return (
    exemption.rule === ruleId &&
    exemption.resource.kind === resource.kind &&
    exemption.resource.name === resource.name &&
    (exemption.resource.namespace === undefined || exemption.resource.namespace === resource.namespace)
  );
}
