import * as core from '@actions/core';
import { durationToMs, ValidationError } from '@eds/core';
import type { InputName } from './constants.js';

/**
 * Typed readers over `core.getInput`. The runner applies `action.yml` defaults before the action starts, so
 * an empty value means "not given"; a malformed one is a usage error (exit 2) that names the input.
 */
function invalid(name: InputName, value: string, expected: string): ValidationError {
  return new ValidationError(`input ${name}: "${value}" is not valid`, { path: name, expected });
}

export function readString(name: InputName): string | undefined {
  const value = core.getInput(name);
  return value === '' ? undefined : value;
}

export function readRequired(name: InputName): string {
  const value = readString(name);
  if (value === undefined)
    throw new ValidationError(`input ${name} is required`, { path: name, expected: 'a value' });
  return value;
}

/** YAML 1.2 core-schema booleans, like `core.getBooleanInput`, but absent means `fallback`. */
export function readBoolean(name: InputName, fallback = false): boolean {
  const value = readString(name);
  if (value === undefined) return fallback;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw invalid(name, value, 'true | false');
}

/** One value per line (or comma-separated on one line); blank lines and `#` comments are skipped. */
export function readList(name: InputName): string[] {
  const value = readString(name) ?? '';
  return value
    .split(/\r?\n|,/)
    .map((item) => item.trim())
    .filter((item) => item !== '' && !item.startsWith('#'));
}

/** `KEY=VALUE` lines, the multiline form of the CLI's repeatable `--set-version` / `--set` flags. */
export function readPairs(name: InputName): Record<string, string> {
  const out: Record<string, string> = {};
  const value = readString(name) ?? '';
  for (const raw of value.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const index = line.indexOf('=');
    if (index <= 0) throw invalid(name, line, 'KEY=VALUE, one per line');
    out[line.slice(0, index).trim()] = line.slice(index + 1).trim();
  }
  return out;
}

export function readDurationMs(name: InputName): number | undefined {
  const value = readString(name);
  if (value === undefined) return undefined;
  const ms = durationToMs(value);
  if (ms === undefined) throw invalid(name, value, 'a duration such as 30s or 5m');
  return ms;
}

export function readChoice<T extends string>(name: InputName, choices: readonly T[]): T | undefined {
  const value = readString(name);
  if (value === undefined) return undefined;
  const match = choices.find((choice) => choice.toLowerCase() === value.toLowerCase());
  if (!match) throw invalid(name, value, choices.join(' | '));
  return match;
}
