import { ValidationError } from '../../errors/index.js';

export interface AgentArgs {
  stateDir: string;
  host: string;
  /** Undefined: reuse the previous agent's port when free, else any free port. */
  port?: number;
  routerHost?: string;
  token?: string;
}

const USAGE =
  'usage: agent-main --state DIR [--host ADDR] [--port N] [--router-host ADDR]  (token: EDS_AGENT_TOKEN)';

/**
 * Arguments of the agent process. The token is read from EDS_AGENT_TOKEN rather than a flag, so it does not
 * show in `ps`. Throws a ValidationError (exit 2) on anything unexpected.
 */
export function parseAgentArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): AgentArgs {
  const values = new Map<string, string>();
  const known = new Set(['--state', '--host', '--port', '--router-host']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!known.has(name)) throw new ValidationError(`unknown argument ${JSON.stringify(arg)}; ${USAGE}`);
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else value = argv[++i];
    if (value === undefined || value === '') throw new ValidationError(`${name} needs a value; ${USAGE}`);
    values.set(name, value);
  }
  const stateDir = values.get('--state') ?? env.EDS_STATE_DIR;
  if (!stateDir) throw new ValidationError(`--state is required (or EDS_STATE_DIR); ${USAGE}`);
  const args: AgentArgs = { stateDir, host: values.get('--host') ?? '127.0.0.1' };
  const port = values.get('--port');
  if (port !== undefined) {
    if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) {
      throw new ValidationError(`--port: expected a port number 0-65535, got ${JSON.stringify(port)}`);
    }
    args.port = Number(port);
  }
  const routerHost = values.get('--router-host');
  if (routerHost !== undefined) args.routerHost = routerHost;
  if (env.EDS_AGENT_TOKEN) args.token = env.EDS_AGENT_TOKEN;
  return args;
}
