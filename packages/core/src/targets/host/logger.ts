import { redact } from '../../secrets/index.js';

/** Where the agent reports what it does. Every line goes through `redact()` before it leaves. */
export interface AgentLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: AgentLogger = { info() {}, warn() {}, error() {} };

/** One line per event: `2024-01-01T00:00:00.000Z info message {"k":"v"}`, redacted. */
export function streamLogger(write: (line: string) => void): AgentLogger {
  const log = (level: string, message: string, fields?: Record<string, unknown>): void => {
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    write(redact(`${new Date().toISOString()} ${level} ${message}${extra}`) + '\n');
  };
  return {
    info: (message, fields) => log('info', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    error: (message, fields) => log('error', message, fields),
  };
}
