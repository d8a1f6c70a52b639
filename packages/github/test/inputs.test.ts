import { afterEach, describe, expect, it } from '@jest/globals';
import { EdsError } from '@eds/core';
import {
  Inputs,
  readBoolean,
  readChoice,
  readDurationMs,
  readList,
  readPairs,
  readRequired,
  readString,
} from '@eds/github';

/** What the step fails with: the error's one-line description. */
function failure(read: () => unknown): string {
  try {
    read();
  } catch (e) {
    return (e as EdsError).describe();
  }
  return 'no error';
}

const set = (name: string, value: string) =>
  (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value);

describe('input readers (over @actions/core getInput)', () => {
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key];
  });

  it('treats empty as absent and reports a missing required input as invalid input (exit 2)', () => {
    set(Inputs.Environment, '');
    expect(readString(Inputs.Environment)).toBeUndefined();
    expect(() => readRequired(Inputs.Environment)).toThrow(
      expect.objectContaining({ exitCode: 2, message: 'input environment is required' }),
    );
    set(Inputs.Environment, '  prod ');
    expect(readRequired(Inputs.Environment)).toBe('prod');
  });

  it('reads multiline KEY=VALUE pairs like repeated --set-version flags, and names the input when one is malformed', () => {
    set(Inputs.Versions, 'web=1.1.0\n\n# the worker too\n worker = 2.0.0 \r\napi=a=b');
    expect(readPairs(Inputs.Versions)).toEqual({ web: '1.1.0', worker: '2.0.0', api: 'a=b' });
    set(Inputs.Set, 'FAIL_RATE');
    expect(() => readPairs(Inputs.Set)).toThrow(EdsError);
    expect(failure(() => readPairs(Inputs.Set))).toBe(
      'set: input set: "FAIL_RATE" is not valid (expected KEY=VALUE, one per line)',
    );
  });

  it('reads YAML booleans, lists, durations and choices', () => {
    set(Inputs.Wait, 'True');
    expect(readBoolean(Inputs.Wait)).toBe(true);
    expect(readBoolean(Inputs.Full)).toBe(false);
    expect(readBoolean(Inputs.MirrorDeployments, true)).toBe(true);
    set(Inputs.Full, 'yes');
    expect(failure(() => readBoolean(Inputs.Full))).toBe(
      'full: input full: "yes" is not valid (expected true | false)',
    );
    set(Inputs.VulnReports, 'a.json\nb.json, c.sarif\n# skipped\n');
    expect(readList(Inputs.VulnReports)).toEqual(['a.json', 'b.json', 'c.sarif']);
    set(Inputs.WaitLock, '2m');
    expect(readDurationMs(Inputs.WaitLock)).toBe(120_000);
    set(Inputs.WaitLock, 'soon');
    expect(failure(() => readDurationMs(Inputs.WaitLock))).toMatch(
      /\(expected a duration such as 30s or 5m\)$/,
    );
    set(Inputs.Strategy, 'canary');
    expect(readChoice(Inputs.Strategy, ['ROLLING', 'BLUE_GREEN', 'CANARY'] as const)).toBe('CANARY');
    set(Inputs.Strategy, 'yolo');
    expect(failure(() => readChoice(Inputs.Strategy, ['ROLLING', 'CANARY'] as const))).toMatch(
      /\(expected ROLLING \| CANARY\)$/,
    );
  });
});
