/**
 * kscli schema [name|command]: prints the JSON Schema of an `--output json` document (the same
 * text as schemas/<name>.json in the package), or lists them. A command name works too:
 * `kscli schema schedule-deletion` prints the plan schema.
 */
import type { Command } from 'commander';
import type { App, CommandModule } from '../../app.js';
import { badInput } from '../../errors.js';
import { SCHEMA_COMMANDS, SCHEMA_NAMES, type SchemaName } from '../../schemas/names.js';

/** A schema name, or a command that prints it (`backups --delete` and `sandbox status` as typed). */
export function schemaNamed(input: string): SchemaName | undefined {
  if ((SCHEMA_NAMES as string[]).includes(input)) return input as SchemaName;
  return SCHEMA_NAMES.find((name) => (SCHEMA_COMMANDS[name] as readonly string[]).includes(input));
}

export const schemaCommand: CommandModule = {
  register(program: Command, app: App) {
    program
      .command('schema')
      .argument('[name]', 'a schema name or a command (without it: the list)')
      .description("print the JSON Schema of a command's --output json document, or list them")
      .addHelpText(
        'after',
        '\nExamples:\n  kscli schema\n  kscli schema usage > usage.schema.json\n  kscli schema delete-store\n',
      )
      .action(async (input: string | undefined) => {
        if (input === undefined) {
          const width = Math.max(...SCHEMA_NAMES.map((n) => n.length));
          for (const name of SCHEMA_NAMES)
            app.io.out.write(`${name.padEnd(width)}  ${SCHEMA_COMMANDS[name].join(', ')}\n`);
          return;
        }
        const name = schemaNamed(input);
        if (!name)
          throw badInput(`no schema named '${input}'`, `run "kscli schema" to list them: ${SCHEMA_NAMES.join(', ')}`);
        // TypeBox loads here only: `kscli --help` never pays for it
        const { schemaFileText } = await import('../../schemas/index.js');
        app.io.out.write(schemaFileText(name));
      });
  },
};
