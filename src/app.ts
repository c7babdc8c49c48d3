/**
 * The types every layer may import: the global options, what a run of the CLI is given
 * (RunContext), what every command module receives (App) and the shape of a command module.
 * They live here, not in cli.ts, so that commands, deps and the workflow never import upwards from
 * the top file (cli.ts builds the program from src/commands/registry.ts).
 */
import type { Deps, SystemHooks } from './deps.js';
import type { IO } from './ui/io.js';
import type { CommandDescriptor } from './commands/descriptor.js';

/** The formats of --output. A new format is added here, to the --output choices, and to the renderers in src/ui/render/. */
export type OutputFormat = 'table' | 'json' | 'csv' | 'markdown';

export interface GlobalOptions {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  output: OutputFormat;
  dryRun: boolean;
  yes: boolean;
  expectedAccount?: string;
  color: boolean;
  debug: boolean;
  journal?: string;
  sandbox: boolean;
  maxRps?: string[];
  /** --plan-out FILE: compute the plan, change nothing, write the plan file (issue 9) */
  planOut?: string;
}

export interface RunContext {
  io: IO;
  env: NodeJS.ProcessEnv;
  /** pid, hostname, liveness of other pids, SIGINT: given by main.ts (the only place touching process.*) */
  system?: SystemHooks;
  /** tests: parts of Deps to use instead of the real ones (fake AWS ports, scripted prompter, clock) */
  inject?: Partial<Deps>;
  /** the command line as given (without the program name): a saved plan records it for the reviewer */
  argv?: string[];
  /** tests: the commands to offer instead of src/commands/registry.ts (e.g. a test-only descriptor) */
  commands?: readonly CommandDescriptor[];
}

/** What every command module gets: the IO, the environment, and its program's global options. */
export interface App extends RunContext {
  globals(): GlobalOptions;
  /** set the process exit code that `run` returns (the last command result wins) */
  setExitCode(code: number): void;
}
