import { ValidationError } from '../../errors/index.js';
import { isKnownRuleId, unknownRuleError } from '../rules/index.js';

export const EXEMPT_ANNOTATION = 'eds.dev/exempt';

/** One entry of an `eds.dev/exempt` annotation. `reason` is undefined when the entry gives none. */
export interface AnnotationExemption {
  ruleId: string;
  reason?: string;
  expires?: string;
}

// An entry starts after a comma when what follows looks like a rule id that is followed by attributes, another
// comma or the end: so `reason=slow, but safe` keeps its comma, and `a, b` is two entries.
const ENTRY_BOUNDARY = /^,(?=\s*[a-z0-9][a-z0-9-]*\s*(?:$|,|\s+(?:reason|expires)=))/i;
const ATTRIBUTE = /(?:^|\s)(reason|expires)=/gi;

/**
 * Parse `RULE_ID reason=... [expires=YYYY-MM-DD], RULE_ID reason="..."`. An unknown rule id is a ValidationError
 * listing the known ids (thrown, with `where` as its location); a missing reason is returned as such so the engine
 * can report it.
 */
export function parseExemptAnnotation(
  value: string,
  where: { file?: string; path?: string; line?: number } = {},
): AnnotationExemption[] {
  const out: AnnotationExemption[] = [];
  for (const rawEntry of splitEntries(value)) {
    const entry = rawEntry.trim();
    if (entry === '') continue;
    const idMatch = /^(\S+)/.exec(entry);
    const ruleId = (idMatch?.[1] ?? '').replace(/,$/, '');
    if (!isKnownRuleId(ruleId)) throw unknownRuleError(ruleId, where);
    const attributes = readAttributes(entry.slice(ruleId.length));
    const exemption: AnnotationExemption = { ruleId };
    const reason = attributes.get('reason');
    if (reason !== undefined && reason.trim() !== '') exemption.reason = reason.trim();
    const expires = attributes.get('expires');
    if (expires !== undefined) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(expires) || Number.isNaN(Date.parse(expires))) {
        throw new ValidationError(`exemption for ${ruleId} has an invalid expires=${expires}`, {
          ...where,
          code: 'INVALID_EXEMPTION',
          expected: 'expires=YYYY-MM-DD',
        });
      }
      exemption.expires = expires;
    }
    out.push(exemption);
  }
  return out;
}

function splitEntries(value: string): string[] {
  // Commas inside double quotes never split.
  const entries: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charAt(i);
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted && ENTRY_BOUNDARY.test(value.slice(i))) {
      entries.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  entries.push(current);
  return entries;
}

function readAttributes(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const marks = [...text.matchAll(ATTRIBUTE)];
  marks.forEach((mark, i) => {
    const key = (mark[1] ?? '').toLowerCase();
    const start = (mark.index ?? 0) + mark[0].length;
    const end = marks[i + 1]?.index ?? text.length;
    attributes.set(key, unquote(text.slice(start, end).trim()));
  });
  return attributes;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}
