/**
 * Which schema each command's `--output json` document follows. Kept apart from the schemas
 * themselves (and from TypeBox) so that `kscli schema` lists names, and tests map an argv to its
 * schema, without loading every schema.
 */
export const SCHEMA_COMMANDS = {
  stores: ['stores'],
  'find-keys': ['find-keys'],
  usage: ['usage'],
  plan: ['alarm', 'schedule-deletion', 'cancel-deletion', 'disconnect-store', 'backups --delete', 'retire-cluster'],
  'delete-store': ['delete-store'],
  apply: ['apply'],
  'plan-file': ['show'],
  backups: ['backups'],
  orphans: ['orphans'],
  'sandbox-status': ['sandbox status'],
  'sandbox-reset': ['sandbox reset'],
  'sandbox-advance': ['sandbox advance'],
  inventory: ['inventory'],
} as const satisfies Record<string, readonly string[]>;

export type SchemaName = keyof typeof SCHEMA_COMMANDS;
export const SCHEMA_NAMES = Object.keys(SCHEMA_COMMANDS) as SchemaName[];

const PLAN_COMMANDS = new Set(['alarm', 'schedule-deletion', 'cancel-deletion', 'disconnect-store', 'retire-cluster']);
const SINGLE = new Set(['stores', 'find-keys', 'usage', 'delete-store', 'orphans', 'inventory']);
/** The global options that take a value (cli.ts): their value is not the command. */
const GLOBAL_VALUE_OPTIONS = new Set([
  '--region',
  '--profile',
  '--endpoint-url',
  '--output',
  '--expected-account',
  '--journal',
  '--plan-out',
]);

/** The arguments that are not options nor global options' values: the command, its subcommand... */
function positionals(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) out.push(arg);
    else if (GLOBAL_VALUE_OPTIONS.has(arg)) i++;
    // variadic: Op=N values until the next option
    else if (arg === '--max-rps') while (argv[i + 1]?.includes('=')) i++;
  }
  return out;
}

/** The schema of the JSON document `kscli ...argv` prints, or undefined when it prints none. */
export function schemaFor(argv: readonly string[]): SchemaName | undefined {
  const [command, sub] = positionals(argv);
  if (command === undefined) return undefined;
  if (PLAN_COMMANDS.has(command)) return 'plan';
  if (SINGLE.has(command)) return command as SchemaName;
  if (command === 'apply') return 'apply';
  if (command === 'show') return 'plan-file';
  if (command === 'backups') return argv.includes('--delete') ? 'plan' : 'backups';
  if (command === 'sandbox' && (sub === 'status' || sub === 'reset' || sub === 'advance')) return `sandbox-${sub}`;
  return undefined;
}
