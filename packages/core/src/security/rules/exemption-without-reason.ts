import type { RuleDefinition } from './types.js';

/** Raised by the engine for an `eds.dev/exempt` annotation entry without `reason=`; such an entry exempts nothing. */
export const exemptionWithoutReason: RuleDefinition = {
  id: 'exemption-without-reason',
  title: 'Exemption without a reason',
  severity: 'medium',
  rationale: 'An exemption nobody can explain cannot be reviewed; it is ignored until it says why.',
  remediation: 'Write the annotation as `eds.dev/exempt: "RULE_ID reason=why this is acceptable"`.',
  appliesTo: 'engine',
  exemptible: false,
};
