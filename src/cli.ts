/**
 * The commander program: global options, one register call per command, and the mapping of
 * errors to exit codes. Nothing here loads the AWS SDK: commands import their workflow lazily, so
 * `--version`, `--help` and flag errors stay fast and need no credentials.
 */
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, fromSandboxError, KscliError } from './errors.js';
import type { IO } from './ui/io.js';
import { fitText } from './ui/wrap.js';
import type { App, GlobalOptions, RunContext } from './app.js';
import { mutatesWith } from './commands/catalog.js';
import type { CommandDescriptor } from './commands/descriptor.js';
import { COMMANDS } from './commands/registry.js';
import { kscliVersion } from './version.js';

export const EXIT_CODES_HELP = `
Exit codes:
  0  done, or nothing to do
  1  failure: AWS error, network, bug
  2  bad input: unknown flag, malformed ID, window outside 7-30, missing --yes without a terminal
  3  blocked by a precondition; nothing was changed by the blocked step
  4  AWS credentials or permission
  5  cancelled at a prompt
  6  complete with gaps (inventory, stores --regions): some accounts or Regions could not be read; each is listed
  8  pending: AWS must finish work that was started (keys in their waiting period); the output says when to run again
  130 interrupted: Ctrl-C during apply, or a mutating command whose output went away (a closed pipe or terminal: SIGHUP); the call in flight finishes and is journalled first
`;

export function buildProgram(app: App, commands: readonly CommandDescriptor[] = app.commands ?? COMMANDS): Command {
  const program = new Command('kscli');
  program
    .description('Retire AWS KMS custom key stores (CloudHSM and external) without losing data by accident.')
    .version(kscliVersion(), '-V, --version', 'print the version')
    .option(
      '--region <region>',
      "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, else us-east-1)",
    )
    .option('--profile <name>', 'AWS profile from ~/.aws/config')
    .option(
      '--endpoint-url <url>',
      'send every AWS call to this endpoint (also AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>)',
    )
    .addOption(
      new Option(
        '--output <format>',
        'table, json, markdown (a review document: usage, show, inventory and plans) or csv (inventory) (default: table on a terminal, json otherwise)',
      ).choices(['table', 'json', 'markdown', 'csv']),
    )
    .option('--dry-run', 'print the plan and make no mutating call', false)
    .option(
      '--plan-out <file>',
      'mutating commands: print the plan, make no mutating call, and save it for review and `kscli apply <file>`',
    )
    .option('-y, --yes', 'act without asking (runbooks); never prompts', false)
    .option(
      '--expected-account <id>',
      'refuse to change anything unless the credentials belong to this 12-digit account',
    )
    .option('--no-color', 'no colours (NO_COLOR is honoured too)')
    .option('--debug', 'log every AWS call and show stack traces', false)
    .option('--journal <path>', 'journal file (default ~/.kscli/journal/<account>-<region>-<store>.jsonl)')
    .option('--sandbox', 'run against the local sandbox account (started in-process; no AWS account needed)', false)
    .option('--max-rps <op=n...>', 'override the client-side pace for an operation, e.g. DescribeKey=500')
    .showHelpAfterError('(run with --help for usage)')
    .hook('preAction', (_program, action) =>
      checkOutputFlags(action.name(), action.opts(), resolveGlobals(program, app.io), app.commands),
    )
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => app.io.out.write(s),
      writeErr: (s) => app.io.err.write(s),
    });
  // every command from its descriptor: name, summary and flags now; its run code loads when it runs
  for (const d of commands) d.define(program.command(d.name, { hidden: d.hidden }).description(d.summary), app);
  return program;
}

export function resolveGlobals(program: Command, io: IO): GlobalOptions {
  const o = program.opts();
  return {
    region: o.region,
    profile: o.profile,
    endpointUrl: o.endpointUrl,
    output: o.output ?? (io.isTTY ? 'table' : 'json'),
    dryRun: Boolean(o.dryRun),
    yes: Boolean(o.yes),
    expectedAccount: o.expectedAccount,
    color: o.color !== false && io.color,
    debug: Boolean(o.debug),
    journal: o.journal,
    sandbox: Boolean(o.sandbox),
    maxRps: o.maxRps,
    planOut: o.planOut,
  };
}

/**
 * --plan-out and --output markdown make sense for some commands only: elsewhere they are bad input
 * (exit 2) rather than silently ignored, before any AWS call.
 */
export function checkOutputFlags(
  command: string,
  opts: Record<string, unknown>,
  g: GlobalOptions,
  commands: readonly CommandDescriptor[] = COMMANDS,
): void {
  const d = commands.find((c) => c.name === command);
  // a plan command, mutating with these flags (backups only with --delete)
  const mutating = d?.fromSaved !== undefined && mutatesWith(d, opts);
  const flagged = d !== undefined && typeof d.mutates === 'object' ? d.mutates.withFlag : undefined;
  if (g.planOut !== undefined) {
    if (!mutating)
      throw new KscliError(
        ExitCode.BadInput,
        `--plan-out saves the plan of a command that changes something; ${command}${flagged ? ` without --${flagged}` : ''} changes nothing`,
        `use it with ${orList(planCommandUses())}`,
      );
    if (g.planOut.trim() === '')
      throw new KscliError(ExitCode.BadInput, '--plan-out needs a file name', 'e.g. --plan-out change-1234.json');
  }
  // csv is a flat list: only inventory's rows are one
  if (g.output === 'csv' && !d?.formats?.includes('csv')) {
    throw new KscliError(
      ExitCode.BadInput,
      `--output csv is offered by ${orList(offering('csv').map((c) => `kscli ${c}`))} only`,
      'use --output table or --output json here',
    );
  }
  if (g.output === 'markdown') {
    const ok = d?.formats?.includes('markdown') || (mutating && (g.planOut !== undefined || g.dryRun));
    if (!ok) {
      throw new KscliError(
        ExitCode.BadInput,
        `--output markdown is a review document: it is available for ${offering('markdown').join(', ')}, and the plan of a mutating command (with --dry-run or --plan-out), not for ${command}${mutating ? ' while it applies' : ''}`,
        mutating ? `add --dry-run or --plan-out <file>, or use --output table or json` : 'use --output table or json',
      );
    }
  }
}

/** The commands that write plans, as typed to do so (`backups --delete`). */
const planCommandUses = (): string[] =>
  COMMANDS.filter((d) => d.fromSaved).map((d) =>
    typeof d.mutates === 'object' ? `${d.name} --${d.mutates.withFlag}` : d.name,
  );
const offering = (format: 'markdown' | 'csv'): string[] =>
  COMMANDS.filter((d) => d.formats?.includes(format)).map((d) => d.name);
const orList = (items: string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;

/** Prints an error in one line (plus the hint), or the stack with --debug; returns the exit code. */
export function reportError(thrown: unknown, io: IO, debug: boolean): number {
  const err = fromSandboxError(thrown);
  if (err instanceof KscliError) {
    // on a terminal, fitted to its width (words whole: the message often names an ID or a flag)
    const fit = (line: string) => (io.errColumns ? fitText(line, io.errColumns) : line);
    io.err.write(`${fit(`kscli: ${err.message}`)}\n`);
    if (err.hint) io.err.write(`${fit(`  ${err.hint}`)}\n`);
    if (debug && err.cause) io.err.write(`${String((err.cause as Error)?.stack ?? err.cause)}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  io.err.write(`kscli: unexpected error: ${e?.message ?? String(err)}\n`);
  if (debug) io.err.write(`${e?.stack ?? ''}\n`);
  else io.err.write('  run again with --debug for details, and report it if it persists\n');
  return ExitCode.Failure;
}

export async function run(argv: string[], ctx: RunContext): Promise<number> {
  const holder: { program?: Command } = {};
  const { app, exitCode } = runApp(argv, ctx, () => holder.program!);
  holder.program = buildProgram(app);
  return parseAndReport(holder.program, argv, ctx, exitCode);
}

/** One run's App: the context, its argv, its globals (read from `program`) and its exit code. */
function runApp(argv: string[], ctx: RunContext, program: () => Command): { app: App; exitCode: () => number } {
  let exitCode: number = ExitCode.Ok;
  const app: App = {
    ...ctx,
    argv,
    globals: () => resolveGlobals(program(), ctx.io),
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  return { app, exitCode: () => exitCode };
}

async function parseAndReport(program: Command, argv: string[], ctx: RunContext, exitCode: () => number) {
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode();
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0
      if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version')
        return ExitCode.Ok;
      return ExitCode.BadInput;
    }
    const debug = argv.includes('--debug');
    return reportError(err, ctx.io, debug);
  }
}

/**
 * `run`, for a process that runs kscli many times (the in-process test harnesses: thousands of runs;
 * building the program, some 300 options, was 6% of the property test's CPU, issue 17): the program
 * is built once and parsed again for each run (commander 14 restores its state before every parse).
 * Its App forwards to the App of the run being parsed. Reading it while the program is built throws,
 * so nothing a run sees can come from another run; a run that starts while another is still parsing,
 * or with other `commands`, gets a program of its own, as `run` builds it.
 */
export function createRunner(): (argv: string[], ctx: RunContext) => Promise<number> {
  let current: App | undefined;
  const now = (): App => {
    if (!current) throw new Error('kscli program: its App was read outside a run (while the program was built)');
    return current;
  };
  const forward: App = {
    get io() {
      return now().io;
    },
    get env() {
      return now().env;
    },
    get system() {
      return now().system;
    },
    get inject() {
      return now().inject;
    },
    get argv() {
      return now().argv;
    },
    get commands() {
      return now().commands;
    },
    globals: () => now().globals(),
    setExitCode: (code) => now().setExitCode(code),
  };
  let program: Command | undefined;
  let busy = false;
  return async (argv, ctx) => {
    if (busy || ctx.commands !== undefined) return run(argv, ctx);
    program ??= buildProgram(forward, COMMANDS);
    const built = program;
    const { app, exitCode } = runApp(argv, ctx, () => built);
    busy = true;
    current = app;
    try {
      return await parseAndReport(built, argv, ctx, exitCode);
    } finally {
      busy = false;
    }
  };
}
