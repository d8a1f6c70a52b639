import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { ExitCode, redact, security, summarize, type DeploymentRecord, type ExitCodeValue } from '@eds/core';
import { annotateFindings } from './annotations.js';
import { Outputs, type OutputName } from './constants.js';
import type { ActionResult } from './run-action.js';
import { checkSummary, renderSummary } from './summary/check-summary.js';
import { deploymentSummary } from './summary/deployment-summary.js';

/** Every output value leaves through here: redacted, so a secret EDS knows can never reach `GITHUB_OUTPUT`. */
export function setOutput(name: OutputName, value: string | number | boolean): void {
  core.setOutput(name, redact(String(value)));
}

/** Append to the job summary (redacted); a missing `GITHUB_STEP_SUMMARY` (local runs) is not an error. */
export async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(redact(markdown)).write();
}

/** The record as a file for later steps (artifact upload, jq); under RUNNER_TEMP, which the runner cleans. */
export function writeRecordFile(record: DeploymentRecord): string {
  const dir = path.join(process.env.RUNNER_TEMP ?? os.tmpdir(), 'eds');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${record.deployment.id}.json`);
  writeFileSync(file, `${redact(JSON.stringify(record, null, 2))}\n`, { mode: 0o600 });
  return file;
}

/**
 * The result of a deployment action, as outputs and a job summary; returns the CLI's exit code.
 * `exitOverride` follows the CLI: abort and reject succeed (0) although the record ends CANCELLED.
 */
export async function publishDeployment(
  action: string,
  record: DeploymentRecord,
  options: { githubDeploymentId?: number; exitOverride?: ExitCodeValue; summary?: boolean } = {},
): Promise<ActionResult> {
  const s = summarize(record);
  const exitCode = options.exitOverride ?? s.exitCode;
  setOutput(Outputs.DeploymentId, s.id);
  setOutput(Outputs.Status, s.status);
  setOutput(Outputs.Phase, s.phase);
  setOutput(Outputs.Environment, s.environment);
  setOutput(Outputs.EnvironmentUrl, Object.values(s.endpoints)[0] ?? '');
  setOutput(Outputs.Record, writeRecordFile(record));
  setOutput(Outputs.Result, JSON.stringify({ ...s, exitCode }));
  if (options.githubDeploymentId !== undefined)
    setOutput(Outputs.GithubDeploymentId, options.githubDeploymentId);
  core.info(`${s.id}: ${s.status} (${s.phase})${s.reason ? ` — ${s.reason}` : ''}`);
  if (options.summary !== false) await writeSummary(deploymentSummary(action, record));
  return exitCode === 0
    ? { exitCode }
    : { exitCode, message: `${s.id} ${s.status} (${s.phase})${s.reason ? `: ${s.reason}` : ''}` };
}

/** The result of `check`: outputs, annotations on the findings, and the job summary; exit 3 when it blocks. */
export async function publishCheck(
  result: security.SecurityCheckResult,
  written: { sarif?: string; junit?: string; markdown?: string },
  specDir: string,
): Promise<ActionResult> {
  const blocked = result.decision.blocked;
  setOutput(Outputs.Environment, result.environment);
  setOutput(Outputs.Blocked, blocked);
  if (written.sarif) setOutput(Outputs.Sarif, written.sarif);
  if (written.junit) setOutput(Outputs.Junit, written.junit);
  if (written.markdown) setOutput(Outputs.Markdown, written.markdown);
  setOutput(
    Outputs.Result,
    JSON.stringify({ ...security.toAuditSummary(result), blocked, reports: Object.values(written) }),
  );
  annotateFindings(result, specDir);
  await writeSummary(checkSummary(result, Object.values(written)));
  if (!blocked) return { exitCode: ExitCode.Success };
  const first = result.decision.blocking[0];
  return {
    exitCode: ExitCode.BlockedByPolicy,
    message: `security check of ${result.environment} blocked: ${result.decision.blocking.length} finding(s) at or above ${result.decision.threshold}${first ? `, e.g. ${first.ruleId}: ${first.message}` : ''}`,
  };
}

/** The result of `render`: where the files went and the configuration hash. */
export async function publishRender(
  environment: string,
  rendered: { hash: string; files: string[]; text: string },
): Promise<ActionResult> {
  if (!rendered.files.length) {
    core.startGroup(`rendered manifests of ${environment}`);
    core.info(redact(rendered.text.trimEnd()));
    core.endGroup();
  }
  setOutput(Outputs.Environment, environment);
  setOutput(Outputs.Hash, rendered.hash);
  setOutput(Outputs.Files, rendered.files.join('\n'));
  await writeSummary(renderSummary(environment, rendered.hash, rendered.files));
  return { exitCode: ExitCode.Success };
}
