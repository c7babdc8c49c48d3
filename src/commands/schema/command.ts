/**
 * kscli schema [name|command]: prints the JSON Schema of an `--output json` document (the same
 * text as schemas/<name>.json in the package), or lists them. A command name works too:
 * `kscli schema schedule-deletion` prints the plan schema.
 */
import { Argument } from 'commander';
import { defineCommand } from '../descriptor.js';
import { badInput } from '../../errors.js';
import { SCHEMA_NAMES } from '../../schemas/names.js';

export default defineCommand({
  name: 'schema',
  summary: "print the JSON Schema of a command's --output json document, or list them",
  mutates: false,
  schemas: [],
  define(cmd, app) {
    cmd
      .addArgument(
        // the schema names complete on TAB (ui/completion-script.ts reads argChoices) from their one
        // list; a command name is accepted too, so commander's own check is off and the action checks
        new Argument('[name]', 'a schema name or a command (without it: the list)')
          .choices(SCHEMA_NAMES)
          .argParser((value: string) => value),
      )
      .description("print the JSON Schema of a command's --output json document, or list them")
      .addHelpText(
        'after',
        '\nExamples:\n  kscli schema\n  kscli schema usage > usage.schema.json\n  kscli schema delete-store\n',
      )
      .action(async (input: string | undefined) => {
        // the catalog reads every descriptor (./registry.ts lists this one): loaded when it runs
        const { commandsPrinting, schemaNamed } = await import('../catalog.js');
        if (input === undefined) {
          const width = Math.max(...SCHEMA_NAMES.map((n) => n.length));
          for (const name of SCHEMA_NAMES)
            app.io.out.write(`${name.padEnd(width)}  ${commandsPrinting(name).join(', ')}\n`);
          return;
        }
        const name = schemaNamed(input);
        if (!name)
          throw badInput(`no schema named '${input}'`, `run "kscli schema" to list them: ${SCHEMA_NAMES.join(', ')}`);
        // TypeBox loads here only: `kscli --help` never pays for it
        const { schemaFileText } = await import('../published-schemas.js');
        app.io.out.write(schemaFileText(name));
      });
  },
});
