/**
 * The lists of commands, derived from the descriptors (./registry.ts): never kept by hand.
 */
import { SCHEMA_NAMES, type SchemaName } from '../schemas/names.js';
import type { CommandDescriptor } from './descriptor.js';
import { positionals } from './argv.js';
import { COMMANDS } from './registry.js';

export function commandNamed(name: string | undefined): CommandDescriptor | undefined {
  return COMMANDS.find((d) => d.name === name);
}

/** The commands that write plans (`--plan-out`); `kscli apply` runs the same planner with the same options. */
export const PLAN_COMMANDS: readonly string[] = COMMANDS.filter((d) => d.fromSaved !== undefined).map((d) => d.name);

/** The commands that can change AWS (every one goes through the plan runner), with --dry-run changing nothing. */
export const MUTATING_COMMANDS: ReadonlySet<string> = new Set(
  COMMANDS.filter((d) => d.mutates !== false).map((d) => d.name),
);

/** Does `command` with these flags change AWS (backups only with --delete)? */
export function mutatesWith(d: CommandDescriptor, opts: Record<string, unknown>): boolean {
  return typeof d.mutates === 'object' ? opts[d.mutates.withFlag] === true : d.mutates;
}

/** The commands that print a schema's document, as typed (`backups --delete`, `sandbox status`). */
export function commandsPrinting(name: SchemaName): string[] {
  return COMMANDS.flatMap((d) => d.schemas.filter((s) => s.schema === name).map((s) => s.usage));
}

/** A schema name, or a command that prints it (`backups --delete` and `sandbox status` as typed). */
export function schemaNamed(input: string): SchemaName | undefined {
  return SCHEMA_NAMES.find((name) => name === input) ?? SCHEMA_NAMES.find((n) => commandsPrinting(n).includes(input));
}

/** The schema of the JSON document `kscli ...argv` prints, or undefined when it prints none. */
export function schemaFor(argv: readonly string[]): SchemaName | undefined {
  const [command, sub] = positionals(argv);
  const d = commandNamed(command);
  if (!d) return undefined;
  // the most specific use first: `backups --delete` before `backups`; `sandbox status` needs its subcommand
  for (const use of d.schemas) {
    const extra = use.usage.split(' ').slice(1);
    const fits = extra.every((w) => (w.startsWith('--') ? argv.includes(w) : w === sub));
    if (fits) return use.schema;
  }
  return undefined;
}
