import type { RuleDefinition } from './types.js';

/** Raised by the engine for each exemption past its expiry date; the finding it used to hide is reported again. */
export const exemptionExpired: RuleDefinition = {
  id: 'exemption-expired',
  title: 'Exemption has expired',
  severity: 'low',
  rationale:
    'Exemptions are temporary by design: once expired they no longer apply, and the exempted findings count again.',
  remediation:
    'Fix the exempted finding, or renew the exemption with a new reason and expiry date after review.',
  appliesTo: 'engine',
  exemptible: false,
};
