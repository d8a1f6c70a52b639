import { describe, expect, it } from '@jest/globals';
import { clearSecretsForTesting, SecretValue } from '../../src/secrets/index.js';
import { measure } from './helpers.js';

describe('command provider (real sh)', () => {
  it('uses a number on the last line of stdout as the value', async () => {
    expect(
      await measure({ provider: 'command', command: 'echo warming up; echo 0.25', condition: '< 0.5' }),
    ).toEqual({
      kind: 'value',
      value: 0.25,
    });
    expect(
      await measure({ provider: 'command', command: 'printf -- "-3e2\\n\\n"', condition: '< 0' }),
    ).toEqual({ kind: 'value', value: -300 });
  });

  it('decides by exit code when there is no number (or no condition)', async () => {
    expect(await measure({ provider: 'command', command: 'echo all good' })).toEqual({
      kind: 'verdict',
      passed: true,
      note: 'exit code 0: all good',
    });
    expect(await measure({ provider: 'command', command: 'echo 5' })).toMatchObject({
      kind: 'verdict',
      passed: true,
    });
    expect(
      await measure({ provider: 'command', command: 'echo smoke test failed >&2; exit 3', condition: '< 1' }),
    ).toEqual({
      kind: 'verdict',
      passed: false,
      note: 'exit code 3: smoke test failed',
    });
  });

  it('passes the versions in the environment and as quoted placeholders', async () => {
    const reading = await measure(
      {
        provider: 'command',
        command:
          'test "$EDS_VERSION/$EDS_CANARY_VERSION/$EDS_STABLE_VERSION/$EDS_COMPONENT/$EDS_ANALYSIS_ROLE" = "1.0.0/2.0.0/1.0.0/web/stable" && test {{version}} = "1.0.0"',
      },
      { version: '1.0.0', role: 'stable' },
    );
    expect(reading).toMatchObject({ kind: 'verdict', passed: true });
    // A hostile version string stays one shell word.
    const hostile = await measure(
      { provider: 'command', command: 'echo {{version}}' },
      { version: "1'; exit 9; echo '" },
    );
    expect(hostile).toEqual({ kind: 'verdict', passed: true, note: "exit code 0: 1'; exit 9; echo '" });
  });

  it('reports commands that cannot run, time out or are killed as provider errors', async () => {
    await expect(measure({ provider: 'command', command: 'no-such-command-eds' })).rejects.toThrow(
      /command could not run \(exit 127\): .*not found/,
    );
    const started = Date.now();
    // The sleep is a grandchild of sh: the whole process group must die for the measurement to end.
    await expect(
      measure({ provider: 'command', command: 'sleep 30 | cat' }, { timeoutMs: 300 }),
    ).rejects.toThrow('command timed out after 300ms');
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(measure({ provider: 'command', command: 'kill -TERM $$' })).rejects.toThrow(
      /killed by SIGTERM/,
    );
  });

  it('stops the command when the analysis is aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('deployment aborted')), 200);
    const started = Date.now();
    await expect(
      measure({ provider: 'command', command: 'sleep 30' }, { signal: controller.signal, timeoutMs: 60_000 }),
    ).rejects.toThrow('deployment aborted');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('redacts secrets from command output', async () => {
    const secret = new SecretValue('hunter2-db-password');
    const reading = await measure({
      provider: 'command',
      command: `echo "cannot log in with ${secret.reveal()}" >&2; exit 1`,
    });
    expect(reading).toEqual({ kind: 'verdict', passed: false, note: 'exit code 1: cannot log in with ***' });
    clearSecretsForTesting();
  });
});
