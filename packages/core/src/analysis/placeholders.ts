/**
 * `{{name}}` placeholders in a metric's query, URL, command and headers, filled per measured version, so one
 * query measures the canary and (for relative conditions) the stable version.
 */
export const PLACEHOLDER_NAMES = ['component', 'version', 'canaryVersion', 'stableVersion'] as const;
export type PlaceholderName = (typeof PLACEHOLDER_NAMES)[number];
export type PlaceholderValues = Record<PlaceholderName, string>;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Names used in `text` that are not known placeholders (for validation with a clear message). */
export function unknownPlaceholders(text: string): string[] {
  const unknown: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1];
    if (!(PLACEHOLDER_NAMES as readonly string[]).includes(name)) unknown.push(name);
  }
  return unknown;
}

/**
 * Replace placeholders; `escape` makes each value safe for where it lands (URL component, PromQL string,
 * shell word), because versions and component names come from user input.
 */
export function fillPlaceholders(
  text: string,
  values: PlaceholderValues,
  escape: (value: string) => string,
): string {
  return text.replace(PLACEHOLDER, (whole, name: string) =>
    (PLACEHOLDER_NAMES as readonly string[]).includes(name) ? escape(values[name as PlaceholderName]) : whole,
  );
}

export const escapeForUrl = (value: string): string => encodeURIComponent(value);
/** Backslash-escape quotes and backslashes: valid inside both `"..."` and `'...'` PromQL strings. */
export const escapeForPromQl = (value: string): string => value.replace(/[\\"']/g, (c) => `\\${c}`);
/** One single-quoted shell word. */
export const escapeForShell = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;
export const noEscape = (value: string): string => value;
