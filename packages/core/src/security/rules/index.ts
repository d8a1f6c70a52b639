import { ValidationError } from '../../errors/index.js';
import { capabilitiesNotDropped } from './capabilities-not-dropped.js';
import { clusterAdminBinding } from './cluster-admin-binding.js';
import { dangerousCapabilities } from './dangerous-capabilities.js';
import { deprecatedApiVersion } from './deprecated-api-version.js';
import { dockerSocketMount } from './docker-socket-mount.js';
import { exemptionExpired } from './exemption-expired.js';
import { exemptionWithoutReason } from './exemption-without-reason.js';
import { hostIpc } from './host-ipc.js';
import { hostNetwork } from './host-network.js';
import { hostPathMount } from './host-path-mount.js';
import { hostPid } from './host-pid.js';
import { hostPort } from './host-port.js';
import { imageNotPinnedByDigest } from './image-not-pinned-by-digest.js';
import { ingressWithoutTls } from './ingress-without-tls.js';
import { latestTag } from './latest-tag.js';
import { missingLivenessProbe } from './missing-liveness-probe.js';
import { missingReadinessProbe } from './missing-readiness-probe.js';
import { missingResourceLimits } from './missing-resource-limits.js';
import { missingResourceRequests } from './missing-resource-requests.js';
import { missingSeccompProfile } from './missing-seccomp-profile.js';
import { privilegeEscalationAllowed } from './privilege-escalation-allowed.js';
import { privilegedContainer } from './privileged-container.js';
import { probePortNotExposed } from './probe-port-not-exposed.js';
import { registryNotAllowed } from './registry-not-allowed.js';
import { runAsRoot } from './run-as-root.js';
import { secretLiteral } from './secret-literal.js';
import { serviceAccountTokenAutomount } from './service-account-token-automount.js';
import { serviceSelectsNothing } from './service-selects-nothing.js';
import { wildcardRbac } from './wildcard-rbac.js';
import { writableRootFilesystem } from './writable-root-filesystem.js';
import type { RuleDefinition } from './types.js';

/** THE rule table: every rule EDS knows, in report order. Adding a rule means adding a module and a line here. */
export const RULES: readonly RuleDefinition[] = [
  privilegedContainer,
  privilegeEscalationAllowed,
  runAsRoot,
  writableRootFilesystem,
  hostNetwork,
  hostPid,
  hostIpc,
  hostPort,
  dangerousCapabilities,
  capabilitiesNotDropped,
  hostPathMount,
  dockerSocketMount,
  latestTag,
  imageNotPinnedByDigest,
  registryNotAllowed,
  missingResourceRequests,
  missingResourceLimits,
  missingLivenessProbe,
  missingReadinessProbe,
  probePortNotExposed,
  secretLiteral,
  serviceAccountTokenAutomount,
  missingSeccompProfile,
  serviceSelectsNothing,
  ingressWithoutTls,
  clusterAdminBinding,
  wildcardRbac,
  deprecatedApiVersion,
  exemptionExpired,
  exemptionWithoutReason,
];

const BY_ID: ReadonlyMap<string, RuleDefinition> = new Map(RULES.map((rule) => [rule.id, rule]));

export const RULE_IDS: readonly string[] = RULES.map((rule) => rule.id);

export function isKnownRuleId(id: string): boolean {
  return BY_ID.has(id);
}

/** The rule with this id; an unknown id is a ValidationError that lists the known ones. */
export function getRule(id: string, where: { file?: string; path?: string } = {}): RuleDefinition {
  const rule = BY_ID.get(id);
  if (!rule) throw unknownRuleError(id, where);
  return rule;
}

export function unknownRuleMessage(id: string): string {
  return `unknown rule id "${id}"; known rule ids: ${RULE_IDS.join(', ')}`;
}

export function unknownRuleError(
  id: string,
  where: { file?: string; path?: string; line?: number } = {},
): ValidationError {
  return new ValidationError(unknownRuleMessage(id), {
    ...where,
    code: 'UNKNOWN_RULE',
    expected: 'one of the known rule ids',
    details: { ruleId: id, knownRuleIds: RULE_IDS },
  });
}

export type {
  RuleDefinition,
  RuleContext,
  RuleHit,
  RuleParameters,
  RuleScope,
  ManifestIndex,
} from './types.js';
