/**
 * Step progress on a terminal: a step's `▶ id` line is rewritten in place as `✔ id (1.2s)` or `✘ id …` when it
 * ends, so a deployment reads as one line per step, updating. Elsewhere (CI logs, pipes) lines are plain and
 * append-only, because rewriting would garble a log file.
 */
export class StepProgress {
  #open: { id: string; started: number } | undefined;

  constructor(
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  line(text: string): void {
    const started = /^▶ (\S+)$/.exec(text);
    const ended = /^([✔✘]) ([^\s:]+)(.*)$/.exec(text);
    if (this.tty && ended && this.#open?.id === ended[2]) {
      const seconds = ((this.now() - this.#open.started) / 1000).toFixed(1);
      // Up one line, clear it, write the final state of the step.
      this.write(`\u001b[1A\u001b[2K${ended[1]} ${ended[2]}${ended[3]} (${seconds}s)\n`);
      this.#open = undefined;
      return;
    }
    this.#open = started ? { id: started[1], started: this.now() } : undefined;
    this.write(`${text}\n`);
  }
}
