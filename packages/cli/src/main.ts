import { Command, CommanderError, Option } from 'commander';
import { ExitCode, toEdsError, ValidationError, type ExitCodeValue } from '@eds/core/errors';
import { registerSecretVariables } from '@eds/core/secrets';
import { loadCore } from './core.js';
import { CommandContext, type GlobalOptions } from './context.js';
import { COMMANDS } from './commands/index.js';
import { linkKubernetes, linkKubernetesTarget } from './kubernetes.js';

/** Commands that need only records and the model: they start without loading the rest of the core. */
const READ_ONLY_COMMANDS = new Set(['status', 'history', 'unlock', 'validate']);

function commandPath(command: Command): string {
  const parent = command.parent;
  return parent && parent.parent ? `${parent.name()} ${command.name()}` : command.name();
}

export type Handler = (ctx: CommandContext, ...args: unknown[]) => Promise<ExitCodeValue>;

function buildProgram(setExit: (code: ExitCodeValue) => void): Command {
  const program = new Command('eds')
    .description('EDS — the Enterprise Deployment System: validate, render, check and progressively deliver.')
    .version('0.1.0')
    .option('-f, --file <path>', 'the application spec', 'eds.yaml')
    .option('--state <dir>', 'state directory of the file store (default: $EDS_STATE_DIR or ./.eds)')
    .addOption(
      new Option('--store <backend>', 'record store backend (default: $EDS_STORE or file)').choices([
        'file',
        'memory',
        'kubernetes',
      ]),
    )
    .option(
      '--store-namespace <ns>',
      "namespace of the kubernetes store (default: $EDS_STORE_NAMESPACE or the context's)",
    )
    .option('--store-context <name>', 'kubeconfig context of the kubernetes store')
    .option(
      '--history-max <n>',
      'deployments kept per environment (default: $EDS_HISTORY_MAX, else file: all, kubernetes: 10)',
    )
    .addOption(
      new Option(
        '--mirror <system>',
        "mirror the result to a CI system's deployments API (never fails the command)",
      ).choices(['gitlab', 'none']),
    )
    .option('--json', 'print exactly one JSON object on stdout', false)
    .option('--debug', 'print stack traces', false)
    .option('--no-color', 'plain output')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
      writeOut: (text) => process.stdout.write(text),
    });

  const wrap =
    (handler: Handler) =>
    async (...args: unknown[]): Promise<void> => {
      const command = args[args.length - 1] as Command;
      const options = command.optsWithGlobals<GlobalOptions>();
      const ctx = new CommandContext({ ...options, color: options.color && Boolean(process.stderr.isTTY) });
      try {
        if (!READ_ONLY_COMMANDS.has(commandPath(command))) {
          await loadCore();
          linkKubernetesTarget();
        }
        setExit(await handler(ctx, ...args.slice(0, -1)));
      } catch (error) {
        const edsError = toEdsError(error);
        ctx.output.error(edsError, options.debug);
        setExit(edsError.exitCode);
      }
    };

  for (const register of COMMANDS) register(program, wrap);
  for (const command of program.commands) command.exitOverride().showHelpAfterError();
  return program;
}

/** Run `eds` with process-style argv; resolves to the exit code (never throws, never exits the process). */
export async function run(argv: string[]): Promise<ExitCodeValue> {
  linkKubernetes();
  registerSecretVariables(process.env);
  let exitCode: ExitCodeValue = ExitCode.Success;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; every other commander error is a usage error.
      if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code))
        return ExitCode.Success;
      return ExitCode.InvalidInput;
    }
    const edsError = error instanceof ValidationError ? error : toEdsError(error);
    process.stderr.write(`error: ${edsError.describe()}\n`);
    return edsError.exitCode;
  }
  return exitCode;
}
