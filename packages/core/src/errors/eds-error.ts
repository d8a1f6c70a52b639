import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import { redact } from '../secrets/index.js';

/** Where in the user's input an error points: enough to fix it without reading code. */
export interface ErrorLocation {
  file?: string;
  /** Dotted field path, e.g. `environments.prod.strategy.steps[1].setWeight`. */
  path?: string;
  line?: number;
  column?: number;
  /** What would have been accepted. */
  expected?: string;
}

export interface EdsErrorOptions extends ErrorLocation {
  cause?: unknown;
  /** Extra machine-readable facts (never secrets: they are redacted anyway). */
  details?: Record<string, unknown>;
}

/**
 * The one error type of EDS. `code` is stable (front ends and tests match on it), `exitCode` is what the CLI
 * exits with. Messages are redacted of registered secrets when built, so an error can be printed anywhere.
 */
export class EdsError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  readonly location: ErrorLocation;
  readonly details: Record<string, unknown>;

  constructor(code: string, exitCode: ExitCodeValue, message: string, options: EdsErrorOptions = {}) {
    super(redact(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    const { cause: _cause, details, ...location } = options;
    this.location = location;
    this.details = details ?? {};
  }

  /** One line for a human: `file: path: message (expected ...)`. */
  describe(): string {
    const where = [
      this.location.file,
      this.location.line !== undefined ? `line ${this.location.line}` : undefined,
    ]
      .filter(Boolean)
      .join(':');
    const parts: string[] = [];
    if (where) parts.push(where);
    if (this.location.path) parts.push(this.location.path);
    let text = parts.length ? `${parts.join(': ')}: ${this.message}` : this.message;
    if (this.location.expected && !this.message.includes(this.location.expected)) {
      text += ` (expected ${this.location.expected})`;
    }
    return text;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      exitCode: this.exitCode,
      message: this.message,
      ...this.location,
      details: this.details,
    };
  }
}

/** Bad input or usage: a spec, a flag, a file the user gave us. Exit 2. */
export class ValidationError extends EdsError {
  constructor(message: string, options: EdsErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'INVALID_INPUT', ExitCode.InvalidInput, message, options);
  }
}

/** A security policy or gate blocked the deployment. Exit 3. */
export class PolicyError extends EdsError {
  constructor(message: string, options: EdsErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'BLOCKED_BY_POLICY', ExitCode.BlockedByPolicy, message, options);
  }
}

/** The environment is locked by another deployment. Exit 4. */
export class LockedError extends EdsError {
  constructor(message: string, options: EdsErrorOptions = {}) {
    super('ENVIRONMENT_LOCKED', ExitCode.EnvironmentLocked, message, options);
  }
}

/** A compare-and-swap write lost the race: someone wrote a newer revision. */
export class ConflictError extends EdsError {
  constructor(message: string, options: EdsErrorOptions = {}) {
    super('REVISION_CONFLICT', ExitCode.Internal, message, options);
  }
}

/** A record, deployment or environment that does not exist. Exit 2 (the user named it). */
export class NotFoundError extends EdsError {
  constructor(message: string, options: EdsErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'NOT_FOUND', ExitCode.InvalidInput, message, options);
  }
}

/** The deployment failed (and was rolled back) or was aborted. Exit 1. */
export class DeploymentFailedError extends EdsError {
  constructor(message: string, options: EdsErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'DEPLOYMENT_FAILED', ExitCode.DeploymentFailed, message, options);
  }
}

/** A bug or an environment fault we did not anticipate. Exit 5. */
export class InternalError extends EdsError {
  constructor(message: string, options: EdsErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'INTERNAL', ExitCode.Internal, message, options);
  }
}

export function isEdsError(value: unknown): value is EdsError {
  return value instanceof EdsError;
}

/** Wrap anything thrown into an EdsError; unknown errors become internal ones (exit 5). */
export function toEdsError(value: unknown): EdsError {
  if (value instanceof EdsError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new InternalError(message, { cause: value });
}
