import { existsSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import type { security } from '@eds/core';

const MAX_ANNOTATIONS = 50;

/**
 * Policy findings as annotations on the file and line they point at: blocking ones as errors, the others as
 * warnings. Paths are made relative to the workspace, which is what GitHub matches against the diff.
 */
export function annotateFindings(
  result: security.SecurityCheckResult,
  specDir: string,
  workspace = process.env.GITHUB_WORKSPACE ?? process.cwd(),
): void {
  for (const finding of result.findings.filter((f) => !f.exemption).slice(0, MAX_ANNOTATIONS)) {
    // Manifest findings point into files beside eds.yaml; reports given as inputs are relative to the workspace.
    const besideSpec = path.resolve(specDir, finding.location.file);
    const file = path.relative(
      workspace,
      existsSync(besideSpec) ? besideSpec : path.resolve(workspace, finding.location.file),
    );
    const properties: core.AnnotationProperties = {
      title: `${finding.ruleId} (${finding.severity}): ${finding.title}`,
      file,
      ...(finding.location.line !== undefined ? { startLine: finding.location.line } : {}),
    };
    const message = `${finding.resource}: ${finding.message}\nFix: ${finding.remediation}`;
    if (finding.blocking) core.error(message, properties);
    else core.warning(message, properties);
  }
}
