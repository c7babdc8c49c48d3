/**
 * The one reading of argv outside commander: which words are the command and its subcommand
 * (`positionals`, `commandOf`), for what must be known before or around commander (the schema of
 * the document a run prints, whether a run whose output closed was mutating: main.ts).
 *
 * argv -> a command's typed input, without running it: commander parses the command's own
 * arguments and flags as its descriptor defines them, then the descriptor's pure `parse` makes the
 * input (bad input throws its KscliError, exit 2). For unit tests of every descriptor, and for any
 * caller that needs a command's options without AWS.
 */
import { Command, CommanderError } from 'commander';
import type { App } from '../app.js';
import { badInput } from '../errors.js';
import type { CommandDescriptor } from './descriptor.js';

export function parseArgv(d: CommandDescriptor, argv: string[], app: App): unknown {
  const { parse } = d;
  if (!parse) throw new Error(`${d.name} has no parse`);
  const program = new Command('kscli').exitOverride();
  const cmd = program.command(d.name).exitOverride();
  cmd.configureOutput({ writeOut: () => {}, writeErr: () => {} });
  d.define(cmd, app);
  let input: unknown;
  // the descriptor's action is replaced: parse only, never run
  cmd.action(() => {
    input = parse(cmd.processedArgs.map(String), cmd.opts());
  });
  try {
    program.parse([d.name, ...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) throw badInput(err.message.replace(/^error: /, ''));
    throw err;
  }
  return input;
}

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
export function positionals(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) out.push(arg);
    // `--region=x` carries its value: only the spaced form consumes the next word
    else if (GLOBAL_VALUE_OPTIONS.has(arg)) i++;
    // variadic: Op=N values until the next option
    else if (arg === '--max-rps') while (argv[i + 1]?.includes('=')) i++;
  }
  return out;
}

/** The command named by argv (global options may come first). */
export const commandOf = (argv: readonly string[]): string | undefined => positionals(argv)[0];
