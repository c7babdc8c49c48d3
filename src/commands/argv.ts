/**
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
