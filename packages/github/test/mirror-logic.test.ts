import { describe, expect, it } from '@jest/globals';
import { clip, DEFAULT_RETRY, retryDelayMs, statusOf, withRetry } from '@eds/github';
import { recordAt } from '../../../test/github/records.js';

describe('what GitHub is shown for a record', () => {
  it('maps statuses and phases to deployment states', () => {
    expect(statusOf(recordAt('prod', 'PROD', { status: 'PENDING' })).state).toBe('queued');
    expect(
      statusOf(
        recordAt('prod', 'PROD', { status: 'IN_PROGRESS', phase: 'RUNNING', currentStep: 'web-canary' }),
      ),
    ).toMatchObject({
      state: 'in_progress',
      description: 'at web-canary (web=1.1.0)',
    });
    expect(
      statusOf(
        recordAt('prod', 'PROD', {
          status: 'IN_PROGRESS',
          phase: 'PAUSED',
          pauseReason: 'approval',
          currentStep: 'approval',
        }),
      ).description,
    ).toBe('paused at approval, waiting for approval (web=1.1.0)');
    expect(
      statusOf(
        recordAt('prod', 'PROD', {
          status: 'COMPLETED',
          phase: 'COMPLETED',
          endpoints: { web: 'http://h:1' },
        }),
      ),
    ).toEqual({
      state: 'success',
      description: 'deployed web=1.1.0',
      environmentUrl: 'http://h:1',
    });
    expect(statusOf(recordAt('prod', 'PROD', { status: 'CANCELLED', phase: 'ABORTED' })).state).toBe(
      'inactive',
    );
    expect(
      statusOf(recordAt('prod', 'PROD', { status: 'FAILED', phase: 'ROLLED_BACK', reason: 'boom' }))
        .description,
    ).toBe('rolled back: boom');
  });

  it("clips descriptions to GitHub's 140 characters on one line", () => {
    expect(clip('a\n  b')).toBe('a b');
    const long = clip('x'.repeat(300));
    expect(long).toHaveLength(140);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('retries', () => {
  const options = { ...DEFAULT_RETRY, baseMs: 100, now: () => 1_000_000 };
  it('backs off on 5xx and network errors, waits as told on rate limits, gives up on other 4xx', () => {
    expect(retryDelayMs({ status: 502 }, 1, options)).toBe(100);
    expect(retryDelayMs({ status: 500 }, 3, options)).toBe(400);
    expect(retryDelayMs(new Error('fetch failed'), 2, options)).toBe(200);
    expect(retryDelayMs({ status: 429, response: { headers: { 'retry-after': '3' } } }, 1, options)).toBe(
      3000,
    );
    expect(
      retryDelayMs(
        { status: 403, response: { headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1010' } } },
        1,
        options,
      ),
    ).toBe(10_000);
    expect(retryDelayMs({ status: 403, response: { headers: {} } }, 1, options)).toBeUndefined();
    expect(retryDelayMs({ status: 422 }, 1, options)).toBeUndefined();
  });

  it('stops after the attempts, and does not wait out a far reset', async () => {
    const waits: number[] = [];
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(Object.assign(new Error('bad gateway'), { status: 502 }));
    };
    await expect(
      withRetry(failing, { ...options, sleep: async (ms) => void waits.push(ms) }),
    ).rejects.toThrow('bad gateway');
    expect({ calls, waits }).toEqual({ calls: 3, waits: [100, 200] });
    calls = 0;
    const limited = () => {
      calls++;
      return Promise.reject(
        Object.assign(new Error('limited'), {
          status: 429,
          response: { headers: { 'retry-after': '3600' } },
        }),
      );
    };
    await expect(withRetry(limited, { ...options, sleep: async () => undefined })).rejects.toThrow('limited');
    expect(calls).toBe(1);
  });
});
