/**
 * Recognisers for secret-looking literals. Known token formats come first (they are certain and say what the
 * secret is); a high-entropy test catches the rest. A match never carries the value itself, only a masked form.
 */

export interface SecretMatch {
  /** What kind of secret it looks like, e.g. "GitHub personal access token". */
  kind: string;
  /** The literal with everything after a recognisable prefix replaced, e.g. `ghp_****`. */
  masked: string;
}

interface TokenFormat {
  kind: string;
  pattern: RegExp;
  /** How many leading characters identify the format without revealing the secret. */
  prefixLength: number;
  /** The match is only a marker (a PEM header), not the secret itself: show it whole. */
  markerOnly?: boolean;
}

const TOKEN_FORMATS: readonly TokenFormat[] = [
  { kind: 'GitHub token', pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,255})\b/, prefixLength: 4 },
  { kind: 'GitHub fine-grained token', pattern: /\b(github_pat_[A-Za-z0-9_]{50,255})\b/, prefixLength: 11 },
  { kind: 'GitLab token', pattern: /\b(gl(?:pat|dt|rt|cbt|ptt)-[A-Za-z0-9_-]{20,})/, prefixLength: 6 },
  { kind: 'AWS access key id', pattern: /\b((?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})\b/, prefixLength: 4 },
  { kind: 'Slack token', pattern: /\b(xox[abposr]-[A-Za-z0-9-]{10,})/, prefixLength: 5 },
  {
    kind: 'Slack webhook',
    pattern: /(https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]{20,})/,
    prefixLength: 31,
  },
  {
    kind: 'private key',
    pattern: /(-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----)/,
    prefixLength: 0,
    markerOnly: true,
  },
  {
    kind: 'JSON Web Token',
    pattern: /\b(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})/,
    prefixLength: 3,
  },
  { kind: 'Google API key', pattern: /\b(AIza[0-9A-Za-z_-]{35})/, prefixLength: 4 },
  { kind: 'Stripe secret key', pattern: /\b((?:sk|rk)_live_[0-9a-zA-Z]{24,})/, prefixLength: 8 },
  { kind: 'npm token', pattern: /\b(npm_[A-Za-z0-9]{36})\b/, prefixLength: 4 },
];

// A password inside a URL: `scheme://user:password@host`. `$(VAR)` references are not literals.
const URL_CREDENTIALS = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:([^\s@/$]{3,})@/i;

const MIN_ENTROPY_LENGTH = 20;
// Hex caps at 4 bits per character, so digests and checksums stay below this; random base64 sits near 5-6.
const ENTROPY_THRESHOLD = 4.3;

/** Names that say a value is a credential; a non-trivial literal under such a name is a finding. */
const SECRET_NAME = /(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|auth)/i;

export function findSecret(value: string, name?: string): SecretMatch | undefined {
  for (const format of TOKEN_FORMATS) {
    const match = format.pattern.exec(value);
    if (match?.[1]) {
      return {
        kind: format.kind,
        masked: format.markerOnly ? `${match[1]}****` : mask(match[1], format.prefixLength),
      };
    }
  }
  const credentials = URL_CREDENTIALS.exec(value);
  if (credentials) return { kind: 'password in URL', masked: maskUrl(credentials[0]) };
  for (const word of value.split(/[\s"',;=]+/)) {
    if (looksRandom(word)) return { kind: 'high-entropy string', masked: mask(word, 4) };
  }
  if (name !== undefined && SECRET_NAME.test(name) && looksLikeLiteralSecret(value)) {
    return { kind: `literal value for ${name}`, masked: mask(value, 0) };
  }
  return undefined;
}

export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

function looksRandom(word: string): boolean {
  if (word.length < MIN_ENTROPY_LENGTH || word.length > 4096) return false;
  if (!/^[A-Za-z0-9+/_=.-]+$/.test(word)) return false;
  // Random tokens mix cases and digits; long words, paths and kebab-case names do not.
  if (!/[a-z]/.test(word) || !/[A-Z]/.test(word) || !/[0-9]/.test(word)) return false;
  return shannonEntropy(word) >= ENTROPY_THRESHOLD;
}

function looksLikeLiteralSecret(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed.length < 8) return false;
  // References resolved elsewhere are how secrets should be passed: `$(VAR)`, `${VAR}`, file paths.
  if (/^\$[({]/.test(trimmed) || trimmed.startsWith('/')) return false;
  if (/^(true|false|null|none|changeme|example|placeholder)$/i.test(trimmed)) return false;
  return !/\s/.test(trimmed);
}

/** Keep a short recognisable prefix, hide the rest: enough to find the secret, not to use it. */
export function mask(secret: string, prefixLength: number): string {
  const keep = Math.min(prefixLength, Math.floor(secret.length / 4));
  return `${secret.slice(0, keep)}****`;
}

/** `scheme://user:****@`: the user name helps find the literal, the password stays hidden. */
function maskUrl(userinfo: string): string {
  return userinfo.replace(/(\/\/[^\s:@/]+:)[^\s@/]+@/, '$1****@');
}
