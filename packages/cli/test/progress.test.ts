import { describe, expect, it } from '@jest/globals';
import { StepProgress } from '../src/progress.js';

describe('StepProgress', () => {
  it('rewrites a step line in place on a terminal', () => {
    let out = '';
    let t = 0;
    const progress = new StepProgress(
      (text) => (out += text),
      true,
      () => t,
    );
    progress.line('▶ web-deploy');
    t = 1500;
    progress.line('✔ web-deploy');
    progress.line('▶ verify');
    progress.line('✘ verify: 1/2 healthy');
    expect(out).toBe(
      '▶ web-deploy\n\u001b[1A\u001b[2K✔ web-deploy (1.5s)\n▶ verify\n\u001b[1A\u001b[2K✘ verify: 1/2 healthy (0.0s)\n',
    );
  });

  it('only appends lines elsewhere, and never rewrites a line that is not the step', () => {
    let out = '';
    const plain = new StepProgress((text) => (out += text), false);
    plain.line('▶ a');
    plain.line('✔ a');
    expect(out).toBe('▶ a\n✔ a\n');
    out = '';
    const tty = new StepProgress(
      (text) => (out += text),
      true,
      () => 0,
    );
    tty.line('▶ a');
    tty.line('some log line');
    tty.line('✔ a');
    expect(out).toBe('▶ a\nsome log line\n✔ a\n');
  });
});
