import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderConfig, renderManifests, type RenderedConfig } from '../config/index.js';
import { ValidationError } from '../errors/index.js';
import { environmentOf, type AppSpec } from '../model/index.js';
import {
  loadManifests,
  loadVulnerabilityReports,
  parsePolicy,
  resolvePolicy,
  runSecurityCheck,
  toJUnit,
  toMarkdown,
  toSarif,
  type ManifestDocument,
  type Policy,
  type SecurityCheckResult,
  type SecurityNote,
} from '../security/index.js';

export interface CheckInput {
  spec: AppSpec;
  specFile: string;
  specText?: string;
  environment: string;
  /** `--vuln-report` files, added to those the policy lists. */
  vulnReports?: string[];
  stateDir: string;
  env?: NodeJS.ProcessEnv;
  now?: Date;
  /** Reuse a render the caller already has. */
  rendered?: RenderedConfig;
}

function policyLayers(spec: AppSpec, environment: string, file: string): Policy[] {
  const layers: Policy[] = [];
  const sources: [unknown, string][] = [
    [spec.policy, 'policy'],
    [spec.environments[environment]?.policy, `environments.${environment}.policy`],
  ];
  for (const [raw, pathPrefix] of sources) {
    if (raw === undefined) continue;
    const parsed = parsePolicy(raw, { file, pathPrefix });
    if (!parsed.success)
      throw parsed.errors[0] ?? new ValidationError('invalid policy', { file, path: pathPrefix });
    layers.push(parsed.policy);
  }
  return layers;
}

/**
 * The security check of one environment: render the Kubernetes manifests the spec produces (secrets omitted),
 * run every rule and the vulnerability gate under the layered policy. Reports nothing, decides nothing: the
 * caller writes reports and acts on `decision.blocked`.
 */
export async function checkEnvironment(input: CheckInput): Promise<SecurityCheckResult> {
  const envSpec = environmentOf(input.spec, input.environment, input.specFile);
  const rendered =
    input.rendered ??
    (await renderConfig({
      spec: input.spec,
      specFile: input.specFile,
      ...(input.specText !== undefined ? { specText: input.specText } : {}),
      environment: input.environment,
      env: input.env ?? process.env,
      secrets: { stateDir: input.stateDir },
    }));
  const { documents, notes } = await manifestsToCheck(input, rendered, envSpec.target);
  const layers = policyLayers(input.spec, input.environment, input.specFile);
  const baseDir = path.dirname(input.specFile);
  const policyReports = resolvePolicy(layers, envSpec.tier).vulnerabilities.reports.map((p) =>
    path.resolve(baseDir, p),
  );
  const reports = await loadVulnerabilityReports([...(input.vulnReports ?? []), ...policyReports]);
  return runSecurityCheck({
    documents,
    notes,
    reports,
    policy: layers,
    environment: input.environment,
    tier: envSpec.tier,
    now: input.now ?? new Date(),
  });
}

/**
 * What the manifest rules run over: the Kubernetes manifests the spec renders to. A host-only application
 * (components with `run` and no `image`, on a host target) has none: its check is the vulnerability gate,
 * and the report says why no manifest rule ran.
 */
async function manifestsToCheck(
  input: CheckInput,
  rendered: RenderedConfig,
  target: ReturnType<typeof environmentOf>['target'],
): Promise<{ documents: ManifestDocument[]; notes: SecurityNote[] }> {
  const kubernetes = typeof target !== 'string' && target.type === 'KUBERNETES';
  const withoutImage = input.spec.components.filter((c) => c.image === undefined).map((c) => c.name);
  if (!kubernetes && withoutImage.length > 0) {
    return {
      documents: [],
      notes: [
        {
          file: input.specFile,
          message: `manifest rules skipped: host-only component(s) ${withoutImage.join(', ')} have no image, so no Kubernetes manifests are rendered`,
        },
      ],
    };
  }
  const manifests = await renderManifests({
    spec: input.spec,
    specFile: input.specFile,
    rendered,
    format: 'yaml',
    secretData: 'omit',
  });
  const loaded = loadManifests(manifests.text, `rendered/${input.environment}.yaml`);
  return { documents: [...loaded.documents], notes: [...loaded.notes] };
}

export interface ReportPaths {
  sarif?: string;
  junit?: string;
  markdown?: string;
}

/** Write the requested reports (SARIF for code scanning, JUnit for GitLab/Jenkins, Markdown for people). */
export async function writeCheckReports(
  result: SecurityCheckResult,
  paths: ReportPaths,
  baseDir: string,
): Promise<string[]> {
  const written: string[] = [];
  const outputs: [string | undefined, () => string][] = [
    [paths.sarif, () => toSarif(result, { baseDir })],
    [paths.junit, () => toJUnit(result)],
    [paths.markdown, () => toMarkdown(result)],
  ];
  for (const [file, render] of outputs) {
    if (!file) continue;
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    await writeFile(file, render());
    written.push(file);
  }
  return written;
}
