/**
 * Label and field selectors with the grammar of k8s.io/apimachinery/pkg/labels and /fields:
 *   labels: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`, `a<1`, comma = AND.
 *   fields: `f=v`, `f==v`, `f!=v`, comma = AND, `\` escapes `,` `=` `!` and `\` in values.
 * Parse errors become 400 BadRequest, as the API server answers a bad `labelSelector`.
 */
import { badRequest } from './errors.js';
import type { KubeObject } from './types.js';
import { field, text } from './types.js';

export type LabelOperator = 'exists' | 'notexists' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export type LabelSelector = LabelRequirement[];

type Token =
  { kind: 'id'; text: string } | { kind: 'op'; text: '=' | '==' | '!=' | '!' | '>' | '<' | ',' | '(' | ')' };

const SPECIAL = new Set(['=', '!', '>', '<', ',', '(', ')']);

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '=' && input[i + 1] === '=') {
      tokens.push({ kind: 'op', text: '==' });
      i += 2;
    } else if (c === '!' && input[i + 1] === '=') {
      tokens.push({ kind: 'op', text: '!=' });
      i += 2;
    } else if (SPECIAL.has(c)) {
      tokens.push({ kind: 'op', text: c as '=' | '!' | '>' | '<' | ',' | '(' | ')' });
      i++;
    } else {
      let j = i;
      while (j < input.length && !SPECIAL.has(input[j]) && !/\s/.test(input[j])) j++;
      tokens.push({ kind: 'id', text: input.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function validateLabelKey(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return `prefix part must be a lowercase RFC 1123 subdomain`;
  }
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) {
    return `name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`;
  }
  return undefined;
}

export function validateLabelValue(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!NAME.test(value)) {
    return `a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`;
  }
  return undefined;
}

function requirementError(detail: string): never {
  throw badRequest(`unable to parse requirement: ${detail}`);
}

export function parseLabelSelector(input: string): LabelSelector {
  const tokens = tokenize(input);
  const requirements: LabelRequirement[] = [];
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const expectId = (what: string): string => {
    const token = tokens[pos++];
    if (!token || token.kind !== 'id') {
      throw badRequest(`found '${token?.text ?? ''}', expected: ${what}`);
    }
    return token.text;
  };
  while (pos < tokens.length) {
    let negated = false;
    if (peek()?.text === '!') {
      negated = true;
      pos++;
    }
    const key = expectId('identifier');
    const keyError = validateLabelKey(key);
    if (keyError) requirementError(`key: Invalid value: "${key}": ${keyError}`);
    const next = peek();
    let requirement: LabelRequirement;
    if (negated) {
      requirement = { key, operator: 'notexists', values: [] };
    } else if (!next || next.text === ',') {
      requirement = { key, operator: 'exists', values: [] };
    } else if (next.text === '=' || next.text === '==' || next.text === '!=') {
      pos++;
      const after = peek();
      // `a=` (empty value) is legal.
      const value = after && after.kind === 'id' ? (pos++, after.text) : '';
      if (after && after.kind === 'op' && after.text !== ',') {
        throw badRequest(`found '${after.text}', expected: identifier`);
      }
      requirement = { key, operator: next.text === '!=' ? '!=' : '=', values: [value] };
    } else if (next.text === '>' || next.text === '<') {
      pos++;
      const value = expectId('identifier');
      if (!/^-?\d+$/.test(value)) {
        requirementError(`for 'Gt', 'Lt' operators, the value must be an integer`);
      }
      requirement = { key, operator: next.text === '>' ? 'gt' : 'lt', values: [value] };
    } else if (next.kind === 'id' && (next.text === 'in' || next.text === 'notin')) {
      pos++;
      if (tokens[pos++]?.text !== '(')
        throw badRequest(`found '${tokens[pos - 1]?.text ?? ''}', expected: '('`);
      const values: string[] = [];
      for (;;) {
        const token = tokens[pos];
        if (!token) throw badRequest(`found '', expected: ')'`);
        if (token.text === ')' && token.kind === 'op') {
          pos++;
          break;
        }
        if (token.kind === 'id') {
          values.push(token.text);
          pos++;
          const sep = tokens[pos];
          if (sep?.text === ',') pos++;
          else if (sep?.text !== ')') throw badRequest(`found '${sep?.text ?? ''}', expected: ',' or ')'`);
        } else if (token.text === ',') {
          values.push('');
          pos++;
        } else {
          throw badRequest(`found '${token.text}', expected: ',', ')' or identifier`);
        }
      }
      if (values.length === 0) requirementError(`for 'in', 'notin' operators, values set can't be empty`);
      requirement = { key, operator: next.text, values };
    } else {
      throw badRequest(`found '${next.text}', expected: in, notin, =, ==, !=, gt, lt`);
    }
    for (const value of requirement.values) {
      if (requirement.operator === 'gt' || requirement.operator === 'lt') continue;
      const valueError = validateLabelValue(value);
      if (valueError) requirementError(`values[0][${key}]: Invalid value: "${value}": ${valueError}`);
    }
    requirements.push(requirement);
    const sep = peek();
    if (sep) {
      if (sep.text !== ',') throw badRequest(`found '${sep.text}', expected: ',' or 'end of string'`);
      pos++;
      if (pos >= tokens.length) throw badRequest(`found '', expected: identifier after ','`);
    }
  }
  return requirements;
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const all = labels ?? {};
  return selector.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(all, r.key);
    const value = all[r.key];
    switch (r.operator) {
      case 'exists':
        return has;
      case 'notexists':
        return !has;
      case '=':
        return has && value === r.values[0];
      case '!=':
        return !has || value !== r.values[0];
      case 'in':
        return has && r.values.includes(value);
      case 'notin':
        return !has || !r.values.includes(value);
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(value)) return false;
        const n = Number(value);
        const bound = Number(r.values[0]);
        return r.operator === 'gt' ? n > bound : n < bound;
      }
    }
  });
}

/** A `metav1.LabelSelector` (matchLabels + matchExpressions) as used in Deployment/Job specs. */
export function fromLabelSelectorSpec(spec: unknown): LabelSelector {
  const requirements: LabelSelector = [];
  const matchLabels = field(spec, 'matchLabels');
  if (matchLabels && typeof matchLabels === 'object') {
    for (const [key, value] of Object.entries(matchLabels)) {
      requirements.push({ key, operator: '=', values: [String(value)] });
    }
  }
  const expressions = field(spec, 'matchExpressions');
  if (Array.isArray(expressions)) {
    for (const expression of expressions) {
      const key = text(field(expression, 'key'));
      const op = text(field(expression, 'operator'));
      const valuesRaw = field(expression, 'values');
      const values = Array.isArray(valuesRaw) ? valuesRaw.map(String) : [];
      const operator: LabelOperator =
        op === 'In' ? 'in' : op === 'NotIn' ? 'notin' : op === 'Exists' ? 'exists' : 'notexists';
      requirements.push({ key, operator, values });
    }
  }
  return requirements;
}

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/** Fields each kind lets a fieldSelector use (metadata.name and metadata.namespace work everywhere). */
const EXTRA_FIELDS: Record<string, string[]> = {
  Pod: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'status.phase',
    'status.podIP',
  ],
  Secret: ['type'],
  Job: ['status.successful'],
  ReplicaSet: ['status.replicas'],
  Namespace: ['status.phase'],
};

function splitUnescaped(input: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === '\\' && i + 1 < input.length) {
      current += c + input[i + 1];
      i++;
    } else if (c === separator) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

function unescapeFieldValue(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => {
    if (c === ',' || c === '=' || c === '\\' || c === '!') return c;
    throw badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
  });
}

export function parseFieldSelector(input: string, kind: string): FieldRequirement[] {
  if (input.trim() === '') return [];
  const supported = ['metadata.name', 'metadata.namespace', ...(EXTRA_FIELDS[kind] ?? [])];
  return splitUnescaped(input, ',').map((part) => {
    const match = /^([^=!]+?)\s*(==|!=|=)(.*)$/s.exec(part);
    if (!match) throw badRequest(`invalid selector: '${input}'; can't understand '${part}'`);
    const name = match[1].trim();
    if (!supported.includes(name)) throw badRequest(`field label not supported: ${name}`);
    return { field: name, operator: match[2] === '!=' ? '!=' : '=', value: unescapeFieldValue(match[3]) };
  });
}

function fieldValue(object: KubeObject, name: string): string {
  const value = field(object, ...name.split('.'));
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function matchesFields(requirements: FieldRequirement[], object: KubeObject): boolean {
  return requirements.every((r) => {
    const actual = fieldValue(object, r.field);
    return r.operator === '=' ? actual === r.value : actual !== r.value;
  });
}
