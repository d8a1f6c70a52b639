import { describe, expect, it } from '@jest/globals';
import { ValidationError, ExitCode, toEdsError, SecretValue, redact } from '../../src/index.js';

describe('EdsError', () => {
  it('names file, path and expectation in one line', () => {
    const e = new ValidationError('must be a semver version', {
      file: 'eds.yaml',
      line: 4,
      path: 'components[0].version',
      expected: 'x.y.z',
    });
    expect(e.exitCode).toBe(ExitCode.InvalidInput);
    expect(e.describe()).toBe(
      'eds.yaml:line 4: components[0].version: must be a semver version (expected x.y.z)',
    );
  });
  it('wraps unknown errors as internal', () => {
    expect(toEdsError(new Error('boom')).exitCode).toBe(ExitCode.Internal);
  });
  it('redacts registered secrets from messages', () => {
    const s = new SecretValue('hunter2-very-secret');
    expect(`${String(s)} ${JSON.stringify({ s })}`).toBe('*** {"s":"***"}');
    expect(new ValidationError('bad token hunter2-very-secret').message).toBe('bad token ***');
    expect(redact('x hunter2-very-secret y')).toBe('x *** y');
  });
});
