import type { Command } from 'commander';
import { ExitCode, ValidationError } from '@eds/core/errors';
import { core } from '../core.js';
import type { Handler } from '../main.js';

export function registerSchema(
  program: Command,
  wrap: (h: Handler) => (...args: unknown[]) => Promise<void>,
): void {
  program
    .command('schema')
    .description('print the JSON Schema of eds.yaml or of a record (for editors and other tools)')
    .argument('[name]', `which schema`, 'eds')
    .action(
      wrap(async (ctx, name) => {
        const schemas = core().jsonSchemas();
        const schema = schemas[name as string];
        if (!schema) {
          throw new ValidationError(
            `unknown schema "${String(name)}"; known: ${Object.keys(schemas).join(', ')}`,
            {
              expected: Object.keys(schemas).join(' | '),
            },
          );
        }
        process.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
        void ctx;
        return ExitCode.Success;
      }),
    );
}
