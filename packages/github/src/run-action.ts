import * as core from '@actions/core';
import { ExitCode, onSecretRegistered, redact, toEdsError, type ExitCodeValue } from '@eds/core';
import { Outputs } from './constants.js';

/** What an action's body ends with: the CLI's exit code, and for a failure the message the step fails with. */
export interface ActionResult {
  exitCode: ExitCodeValue;
  message?: string;
}

/**
 * The frame of every action. Masking comes first: each secret EDS resolves is passed to `core.setSecret`
 * the moment it is known, before anything could print it (the runner masks only what follows
 * `::add-mask::`). The body returns the CLI's exit code; non-zero fails the step, with the EDS message.
 */
export async function runAction(body: () => Promise<ActionResult>): Promise<void> {
  const stopMasking = onSecretRegistered((value) => core.setSecret(value));
  try {
    const { exitCode, message } = await body();
    core.setOutput(Outputs.ExitCode, String(exitCode));
    if (exitCode !== ExitCode.Success)
      core.setFailed(redact(message ?? `EDS finished with exit code ${exitCode}`));
  } catch (error) {
    const eds = toEdsError(error);
    core.setOutput(Outputs.ExitCode, String(eds.exitCode));
    core.setFailed(redact(eds.describe()));
    if (eds.exitCode === ExitCode.Internal && eds.stack) core.debug(redact(eds.stack));
  } finally {
    stopMasking();
  }
}
