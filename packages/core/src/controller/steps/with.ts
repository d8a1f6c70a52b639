import { InternalError } from '../../errors/index.js';

/** Read a field of a controller-built step's `with:`; these are written by the planner, so a miss is a bug. */
export function field<T>(withValue: unknown, name: string, check: (v: unknown) => v is T): T {
  const value = (withValue as Record<string, unknown> | null)?.[name];
  if (!check(value)) throw new InternalError(`step input "${name}" is missing or has the wrong type`);
  return value;
}

export const isString = (v: unknown): v is string => typeof v === 'string';
export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function optional<T>(withValue: unknown, name: string, check: (v: unknown) => v is T): T | undefined {
  const value = (withValue as Record<string, unknown> | null)?.[name];
  return check(value) ? value : undefined;
}

/** Sleep that ends early (rejecting) when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
