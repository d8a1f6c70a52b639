import { InternalError, isEdsError } from '../../errors/index.js';
import {
  EXEMPT_ANNOTATION,
  parseExemptAnnotation,
  type AnnotationExemption,
} from '../exemptions/annotation.js';
import { kubernetesShapeProblem, type ManifestDocument } from '../manifests/document.js';
import { objectAt, stringAt, type JsonObject } from '../manifests/objects.js';
import { containersOf, podSpecOf, WORKLOAD_KINDS } from '../manifests/pod-specs.js';
import { describeResource, resourceOf } from '../manifests/resource.js';
import { isExpired } from '../policy/expiry.js';
import { policyVersion, resolvePolicy, type EffectivePolicy } from '../policy/effective.js';
import type { Policy } from '../policy/schema.js';
import { getRule, RULES } from '../rules/index.js';
import type { RuleContext, RuleDefinition, RuleHit } from '../rules/types.js';
import { atLeast } from '../severity.js';
import type {
  CheckedResource,
  ExemptionUse,
  Finding,
  FindingLocation,
  ResourceRef,
  SecurityCheckResult,
  SecurityNote,
  Tier,
} from '../types.js';
import { ExemptionLedger } from './exemption-ledger.js';
import { indexManifests } from './index-manifests.js';

export interface CheckManifestsOptions {
  /** The application's policy, or layers: `[appPolicy, environmentPolicy]` (later layers override). */
  policy?: Policy | readonly Policy[];
  /** Environment name (the key under `environments:`). */
  environment: string;
  tier: Tier;
  /** Injected clock for exemption expiry. */
  now?: Date;
  /** Notes from loading (skipped documents), carried into the result and the reports. */
  notes?: readonly SecurityNote[];
}

const ANNOTATION_PATH = ['metadata', 'annotations', EXEMPT_ANNOTATION] as const;

/** Run every enabled rule over the documents and decide whether the deployment may go ahead. */
export function checkManifests(
  docs: readonly ManifestDocument[],
  options: CheckManifestsOptions,
): SecurityCheckResult {
  const policy = resolvePolicy(options.policy, options.tier);
  const now = options.now ?? new Date();
  const notes: SecurityNote[] = [...(options.notes ?? [])];
  const kubernetesDocs: ManifestDocument[] = [];
  for (const doc of docs) {
    const problem = kubernetesShapeProblem(doc.object);
    if (problem)
      notes.push({
        file: doc.file,
        documentIndex: doc.index,
        message: `skipped document ${doc.index}: ${problem}`,
      });
    else kubernetesDocs.push(doc);
  }
  const engine = new ManifestEngine(policy, now, kubernetesDocs);
  for (const doc of kubernetesDocs) engine.checkDocument(doc);
  engine.reportExpiredExemptions();
  for (const exemption of engine.ledger.unused()) {
    notes.push({
      file: exemption.origin.file,
      message: `exemption ${exemption.origin.path} (${exemption.rule} on ${describeResource(exemption.resource)}) matched no finding`,
    });
  }
  const blocking = engine.findings.filter((finding) => finding.blocking);
  return {
    environment: options.environment,
    tier: options.tier,
    policyVersion: policyVersion(policy),
    findings: engine.findings,
    checked: engine.checked,
    decision: {
      blocked: blocking.length > 0,
      threshold: policy.threshold,
      vulnerabilityThreshold: policy.vulnerabilities.threshold,
      blocking,
    },
    exemptionsUsed: [...engine.exemptionsUsed.values()],
    notes,
  };
}

class ManifestEngine {
  readonly findings: Finding[] = [];
  readonly checked: CheckedResource[] = [];
  readonly exemptionsUsed = new Map<string, ExemptionUse>();
  readonly ledger: ExemptionLedger;
  private readonly rules: readonly RuleDefinition[];
  private readonly workloadKinds = new Set(WORKLOAD_KINDS);
  /** Rules that apply to each kind, and their ids (shared by every CheckedResource of that kind). */
  private readonly rulesByKind = new Map<
    string,
    { rules: readonly RuleDefinition[]; ids: readonly string[] }
  >();
  private readonly context: Pick<RuleContext, 'params' | 'index'>;

  constructor(
    private readonly policy: EffectivePolicy,
    private readonly now: Date,
    docs: readonly ManifestDocument[],
  ) {
    this.ledger = new ExemptionLedger(policy, now);
    this.rules = RULES.filter((rule) => rule.check !== undefined && policy.rules[rule.id]?.enabled !== false);
    this.context = { params: policy.parameters, index: indexManifests(docs) };
  }

  checkDocument(doc: ManifestDocument): void {
    const object = doc.object as JsonObject;
    const resource = resourceOf(doc);
    const resourceName = describeResource(resource);
    const annotations = this.annotationExemptions(doc, object, resource, resourceName);
    const pod = podSpecOf(doc);
    const docLocation: FindingLocation = { file: doc.file, documentIndex: doc.index, line: doc.lineOf([]) };
    const ctx: RuleContext = {
      doc,
      object,
      resource,
      pod,
      containers: pod ? containersOf(pod) : [],
      ...this.context,
    };
    const applicable = this.rulesFor(resource.kind);
    for (const rule of applicable.rules) {
      for (const hit of this.run(rule, ctx, resourceName)) {
        this.findings.push(this.toFinding(rule, hit, doc, resource, resourceName, annotations));
      }
    }
    this.checked.push({
      category: 'manifest',
      resource: resourceName,
      location: docLocation,
      ruleIds: applicable.ids,
    });
  }

  /** Expired policy exemptions: one finding each, at the exemption in the policy file. */
  reportExpiredExemptions(): void {
    for (const exemption of this.ledger.expired) {
      const location: FindingLocation = {
        file: exemption.origin.file ?? 'eds.yaml',
        path: exemption.origin.segments,
      };
      this.pushEngineFinding('exemption-expired', {
        message: `exemption ${exemption.origin.path} for ${exemption.rule} on ${describeResource(exemption.resource)} expired on ${exemption.expires}; it no longer applies`,
        resource: describeResource(exemption.resource),
        location,
        category: 'policy',
      });
    }
  }

  private rulesFor(kind: string): { rules: readonly RuleDefinition[]; ids: readonly string[] } {
    let entry = this.rulesByKind.get(kind);
    if (!entry) {
      const rules = this.rules.filter((rule) => this.applies(rule, kind));
      entry = { rules, ids: rules.map((rule) => rule.id) };
      this.rulesByKind.set(kind, entry);
    }
    return entry;
  }

  private applies(rule: RuleDefinition, kind: string): boolean {
    const scope = rule.appliesTo;
    if (scope === 'all') return true;
    if (scope === 'workloads') return this.workloadKinds.has(kind);
    if (scope === 'engine') return false;
    return scope.includes(kind);
  }

  private run(rule: RuleDefinition, ctx: RuleContext, resourceName: string): RuleHit[] {
    try {
      return rule.check?.(ctx) ?? [];
    } catch (error) {
      // A rule crashing on odd input is our bug, but it must not let the document through unchecked.
      if (isEdsError(error)) throw error;
      throw new InternalError(`rule ${rule.id} failed on ${resourceName}: ${String(error)}`, {
        file: ctx.doc.file,
        cause: error,
      });
    }
  }

  private toFinding(
    rule: RuleDefinition,
    hit: RuleHit,
    doc: ManifestDocument,
    resource: ResourceRef,
    resourceName: string,
    annotations: readonly AnnotationExemption[],
  ): Finding {
    const severity = this.policy.rules[rule.id]?.severity ?? rule.severity;
    let message = hit.message;
    const location: FindingLocation = {
      file: doc.file,
      documentIndex: doc.index,
      path: hit.path,
      line: doc.lineOf(hit.path),
    };
    const finding: Finding = {
      ruleId: rule.id,
      category: 'manifest',
      severity,
      title: rule.title,
      message,
      remediation: rule.remediation,
      resource: resourceName,
      location,
      blocking: false,
    };
    if (hit.container !== undefined) finding.container = hit.container;
    const exemption = rule.exemptible
      ? this.exemptionFor(rule.id, resource, resourceName, doc, annotations)
      : undefined;
    if (exemption) {
      finding.exemption = exemption;
    } else {
      const expired = this.ledger.expiredFor(rule.id, resource);
      if (expired) message += ` (exemption ${expired.origin.path} expired on ${expired.expires})`;
      finding.message = message;
      finding.blocking = atLeast(severity, this.policy.threshold);
    }
    return finding;
  }

  private exemptionFor(
    ruleId: string,
    resource: ResourceRef,
    resourceName: string,
    doc: ManifestDocument,
    annotations: readonly AnnotationExemption[],
  ): ExemptionUse | undefined {
    const fromPolicy = this.ledger.find(ruleId, resource);
    if (fromPolicy) return this.remember(ExemptionLedger.toUse(fromPolicy, resourceName));
    // Annotation entries without a reason, or past their expiry, exempt nothing (they are findings themselves).
    const fromAnnotation = annotations.find(
      (entry) => entry.ruleId === ruleId && entry.reason !== undefined && !isExpired(entry.expires, this.now),
    );
    if (!fromAnnotation?.reason) return undefined;
    const use: ExemptionUse = {
      source: 'annotation',
      ruleId,
      resource: resourceName,
      reason: fromAnnotation.reason,
    };
    if (fromAnnotation.expires !== undefined) use.expires = fromAnnotation.expires;
    use.location = {
      file: doc.file,
      documentIndex: doc.index,
      path: ANNOTATION_PATH,
      line: doc.lineOf(ANNOTATION_PATH),
    };
    return this.remember(use);
  }

  private remember(use: ExemptionUse): ExemptionUse {
    const key = `${use.source}|${use.ruleId}|${use.resource}`;
    if (!this.exemptionsUsed.has(key)) this.exemptionsUsed.set(key, use);
    return use;
  }

  /** Parse the resource's `eds.dev/exempt` annotation; report entries without reason or past their expiry. */
  private annotationExemptions(
    doc: ManifestDocument,
    object: JsonObject,
    resource: ResourceRef,
    resourceName: string,
  ): AnnotationExemption[] {
    const value = stringAt(objectAt(objectAt(object, 'metadata'), 'annotations'), EXEMPT_ANNOTATION);
    if (value === undefined) return [];
    const line = doc.lineOf(ANNOTATION_PATH);
    const entries = parseExemptAnnotation(value, {
      file: doc.file,
      path: `document ${doc.index} (${resourceName}) metadata.annotations["${EXEMPT_ANNOTATION}"]`,
      line,
    });
    const location: FindingLocation = {
      file: doc.file,
      documentIndex: doc.index,
      path: ANNOTATION_PATH,
      line,
    };
    for (const entry of entries) {
      if (entry.reason === undefined) {
        this.pushEngineFinding('exemption-without-reason', {
          message: `${resource.kind} ${resource.name} exempts ${entry.ruleId} without a reason; the exemption is ignored`,
          resource: resourceName,
          location,
          category: 'manifest',
        });
      } else if (isExpired(entry.expires, this.now)) {
        this.pushEngineFinding('exemption-expired', {
          message: `annotation exemption for ${entry.ruleId} on ${resourceName} expired on ${entry.expires}; it no longer applies`,
          resource: resourceName,
          location,
          category: 'manifest',
        });
      }
    }
    return entries;
  }

  private pushEngineFinding(
    ruleId: string,
    fields: Pick<Finding, 'message' | 'resource' | 'location' | 'category'>,
  ): void {
    const rule = getRule(ruleId);
    const setting = this.policy.rules[ruleId];
    if (setting?.enabled === false) return;
    const severity = setting?.severity ?? rule.severity;
    this.findings.push({
      ruleId,
      severity,
      title: rule.title,
      remediation: rule.remediation,
      blocking: atLeast(severity, this.policy.threshold),
      ...fields,
    });
    this.checked.push({
      category: fields.category,
      resource: fields.resource,
      location: fields.location,
      ruleIds: [ruleId],
    });
  }
}
