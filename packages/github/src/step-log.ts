import * as core from '@actions/core';
import { redact } from '@eds/core';

/**
 * The controller's log as the runner shows it: each pipeline step (`▶ step` … `✔ step` / `✘ step`) in a
 * collapsible group, everything redacted of secrets EDS knows.
 */
export class StepLog {
  #open: string | undefined;

  readonly write = (line: string): void => {
    const text = redact(line);
    const started = /^▶ (.+)$/u.exec(text);
    if (started) {
      this.close();
      this.#open = started[1];
      core.startGroup(text);
      return;
    }
    core.info(text);
    const ended = /^[✔✘] (\S+)/u.exec(text);
    if (ended && this.#open !== undefined && this.#open.startsWith(ended[1] ?? '')) this.close();
  };

  close(): void {
    if (this.#open === undefined) return;
    this.#open = undefined;
    core.endGroup();
  }
}
