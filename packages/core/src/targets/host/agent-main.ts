/**
 * The agent as a process: `node dist/targets/host/agent-main.js --state DIR`. Started detached by
 * `ensureLocalAgent` (logs to DIR/agent.log) or by hand / systemd on a VM. SIGTERM or SIGINT stops it and
 * its instances; the desired state stays in DIR and comes back at the next start.
 */
import { toEdsError } from '../../errors/index.js';
import { parseAgentArgs } from './agent-args.js';
import { streamLogger } from './logger.js';
import { generateToken, startAgent, type RunningAgent } from './start-agent.js';
import { readAgentInfo } from './state-files.js';

const logger = streamLogger((line) => process.stdout.write(line));

async function main(): Promise<void> {
  const args = parseAgentArgs(process.argv.slice(2), process.env);
  // After a crash, come back with the same token and port so that clients holding them keep working.
  const previous = await readAgentInfo(args.stateDir);
  const token = args.token ?? previous?.token ?? generateToken();
  const previousPort = previous ? Number(new URL(previous.url).port) : undefined;
  const common = { stateDir: args.stateDir, host: args.host, token, routerHost: args.routerHost, logger };
  let agent: RunningAgent;
  if (args.port === undefined && previousPort) {
    agent = await startAgent({ ...common, port: previousPort }).catch((error: unknown) => {
      if (toEdsError(error).code !== 'PORT_IN_USE') throw error;
      return startAgent({ ...common, port: 0 });
    });
  } else {
    agent = await startAgent({ ...common, port: args.port ?? 0 });
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    agent.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('stop failed', { error: toEdsError(error).message });
        process.exit(5);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  const eds = toEdsError(error);
  logger.error(eds.describe(), { code: eds.code });
  process.exit(eds.exitCode);
});
