import type { ManifestDocument } from '../manifests/document.js';
import type { JsonObject } from '../manifests/objects.js';
import type { ContainerRef, PodSpecRef } from '../manifests/pod-specs.js';
import type { ResourceRef, Severity } from '../types.js';

/** Rule parameters after policy defaults are applied (see policy/effective.ts). */
export interface RuleParameters {
  /** Registries (or `registry/path` prefixes) images may come from; empty means no restriction. */
  allowedRegistries: readonly string[];
  requireDigest: boolean;
  /** Capabilities a container may add without a finding. */
  allowedCapabilities: readonly string[];
}

/** Facts about the whole set of documents, for rules that relate objects (a Service and its pods). */
export interface ManifestIndex {
  /** Labels of every pod template, grouped by namespace and then by one `key=value` label they carry. */
  podTemplatesByLabel: ReadonlyMap<string, ReadonlyMap<string, readonly Record<string, string>[]>>;
  /** `namespace/name` of ServiceAccounts that set `automountServiceAccountToken: false`. */
  serviceAccountsWithoutAutomount: ReadonlySet<string>;
}

export interface RuleContext {
  doc: ManifestDocument;
  object: JsonObject;
  resource: ResourceRef;
  /** The pod spec of a workload, undefined for other kinds. */
  pod: PodSpecRef | undefined;
  containers: readonly ContainerRef[];
  params: RuleParameters;
  index: ManifestIndex;
}

/** One violation a rule found: where (YAML path inside the document) and what. */
export interface RuleHit {
  path: readonly (string | number)[];
  message: string;
  container?: string;
}

/**
 * `workloads`: every kind with a pod spec; a list: those kinds; `engine`: raised by the engine itself (policy
 * hygiene such as expired exemptions), never run against a document.
 */
export type RuleScope = 'workloads' | 'all' | 'engine' | readonly string[];

export interface RuleDefinition {
  id: string;
  title: string;
  severity: Severity;
  /** Why it matters: shown in reports and SARIF help. */
  rationale: string;
  /** How to fix it: printed with every blocking finding. */
  remediation: string;
  appliesTo: RuleScope;
  /** Engine rules cannot be exempted: an exemption cannot excuse a broken exemption. */
  exemptible: boolean;
  check?: (ctx: RuleContext) => RuleHit[];
}
