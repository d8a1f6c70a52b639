import type { Command } from 'commander';
import path from 'node:path';
import { ExitCode } from '@eds/core/errors';
import { core } from '../core.js';
import type { Handler } from '../main.js';

export function registerAgent(
  program: Command,
  wrap: (h: Handler) => (...args: unknown[]) => Promise<void>,
): void {
  const agent = program
    .command('agent')
    .description('the local host agent that runs instances and routes traffic');
  agent
    .command('start')
    .description('start the local agent (detached) if it is not running')
    .action(
      wrap(async (ctx) => {
        const target = await core().ensureLocalAgent({ stateDir: path.join(ctx.stateDir, 'agent') });
        ctx.output.result(
          { running: true, url: target.url, exitCode: 0 },
          () => `agent running at ${target.url}`,
        );
        return ExitCode.Success;
      }),
    );
  agent
    .command('stop')
    .description('stop the local agent and every instance it runs')
    .action(
      wrap(async (ctx) => {
        const result = await core().stopLocalAgent(path.join(ctx.stateDir, 'agent'));
        ctx.output.result({ result, exitCode: 0 }, () => `agent stopped`);
        return ExitCode.Success;
      }),
    );
  agent
    .command('status')
    .description('is the local agent running, and where')
    .action(
      wrap(async (ctx) => {
        const status = await core().localAgentStatus(path.join(ctx.stateDir, 'agent'));
        ctx.output.result({ ...status, exitCode: 0 }, () => JSON.stringify(status, null, 2));
        return ExitCode.Success;
      }),
    );
}
