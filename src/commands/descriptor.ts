/**
 * A command is one descriptor (architecture.md section 3, "A command is one descriptor"): its name,
 * summary, whether it changes AWS, its plan subject, the schemas of its JSON output, the output
 * formats it offers, its arguments and flags (commander), and its run code, loaded with import()
 * only when it runs. src/commands/registry.ts lists them; every list of commands derives from that
 * list: registration (cli.ts), the plan commands (--plan-out, `kscli apply`, the plan file's
 * schema), the mutating commands (a closed stdout, main.ts), the schema names (`kscli schema`), the
 * output-flag checks and shell completion (it reads the commander program the descriptors built).
 *
 * This module and every command.ts stay light: `--help` loads them all. Type-only imports are free.
 */
import type { Command, OptionValues } from 'commander';
import type { App } from '../app.js';
import type { Deps } from '../deps.js';
import type { SchemaName } from '../schemas/names.js';
import type { PlanOutcomeExtras } from '../ui/render/plan-outcome.js';
import type { PlannedStep } from '../workflow/plan.js';
import type { AnyPlanSpec } from '../workflow/plan-runner/types.js';
import type { SubjectKind } from '../workflow/plan-runner/subject.js';
import type { Static, TObject } from '@sinclair/typebox';
import { withDeps } from './with-deps.js';

/** A JSON document a command prints, and the command line that prints it (`backups --delete`, `sandbox status`). */
export interface SchemaUse {
  schema: SchemaName;
  /** the command as typed: its name, then a subcommand or the flag that selects this document */
  usage: string;
}

/** A plan runner spec with its renderer extras, for a command's typed options. */
export interface LoadedSpec {
  spec: AnyPlanSpec<PlannedStep, unknown, unknown>;
  extras?: PlanOutcomeExtras<unknown>;
}

/**
 * What a mutating command's run code offers (loaded with import() when it runs, or when
 * `kscli apply` applies one of its plans): the schema of its saved options (a plan file's "options":
 * `apply` checks them against it, so the spec gets typed options without a cast) and its spec.
 */
export interface PlanModule<T extends TObject> {
  optionsSchema: T;
  spec(deps: Deps, options: Static<T>): Promise<LoadedSpec>;
}

export interface CommandInfo {
  name: string;
  /** the one line of `kscli --help` */
  summary: string;
  /** left out of --help and completion (`__complete-stores`) */
  hidden?: boolean;
  /** can it change AWS? `{ withFlag: 'delete' }`: only with that flag (backups --delete) */
  mutates: boolean | { withFlag: string };
  /** a mutating command: what its plan is about (read first, locked, journalled, typed to confirm) */
  subject?: SubjectKind;
  /** the JSON documents it prints (src/schemas/) */
  schemas: readonly SchemaUse[];
  /** --output formats beyond table and json: markdown (a review document), csv */
  formats?: readonly ('markdown' | 'csv')[];
}

export interface CommandDescriptor extends CommandInfo {
  /** arguments, flags, help text and (for commands that are not plan commands) the action */
  define(cmd: Command, app: App): void;
  /** argv -> typed input: pure, no AWS and no Deps (tests call it through parseArgv) */
  parse?(args: string[], flags: OptionValues): unknown;
  /** a plan command: its options from a saved plan file, checked against its options schema */
  fromSaved?(deps: Deps, options: unknown): Promise<{ loaded: LoadedSpec } | { problem: string }>;
}

/** A command that is not a plan command: its define() sets its own action. */
export function defineCommand(d: CommandDescriptor): CommandDescriptor {
  return d;
}

/**
 * A mutating command that goes through the plan runner: parse (pure) -> options (with Deps, e.g.
 * key ARNs resolved in the region) -> its PlanModule's spec -> the runner (or --plan-out). The
 * action is attached here: one path for every plan command.
 */
export interface PlanCommandParts<I, T extends TObject> extends CommandInfo {
  mutates: true | { withFlag: string };
  subject: SubjectKind;
  define(cmd: Command, app: App): void;
  parse(args: string[], flags: OptionValues): I;
  /** the options saved in a plan file (JSON values) */
  options(deps: Deps, input: I): Static<T>;
  /** its run code: import('./run.js') and friends */
  load(): Promise<PlanModule<T>>;
  /**
   * When it mutates only with a flag: the run without it (a report). Given the parsed input;
   * returns the exit code.
   */
  report?(app: App, input: I): Promise<void>;
  /** wraps the run (e.g. backups: find the store's region first) */
  around?(app: App, input: I, run: (app: App) => Promise<void>): Promise<void>;
}

export function definePlanCommand<I, T extends TObject>(parts: PlanCommandParts<I, T>): CommandDescriptor {
  const mutatesWith = typeof parts.mutates === 'object' ? parts.mutates.withFlag : undefined;
  const runPlan = (app: App, input: I) =>
    withDeps(app, async (deps) => {
      const options = parts.options(deps, input);
      const [mod, { runPlanCommand }] = await Promise.all([parts.load(), import('./plan-command.js')]);
      const { spec, extras } = await mod.spec(deps, options);
      return runPlanCommand(deps, parts.name, spec, extras, options);
    });
  return {
    ...parts,
    define(cmd, app) {
      parts.define(cmd, app);
      cmd.action(async () => {
        const input = parts.parse(cmd.processedArgs.map(String), cmd.opts());
        const go = (a: App) =>
          mutatesWith === undefined || cmd.opts()[mutatesWith] === true || !parts.report
            ? runPlan(a, input)
            : parts.report(a, input);
        return parts.around ? parts.around(app, input, go) : go(app);
      });
    },
    async fromSaved(deps, options) {
      const [mod, { Value }] = await Promise.all([parts.load(), import('@sinclair/typebox/value')]);
      if (!Value.Check(mod.optionsSchema, options)) {
        const first = Value.Errors(mod.optionsSchema, options).First();
        return {
          problem: `its options do not fit ${parts.name}'s: ${first ? `${first.path || '/'}: ${first.message}` : 'unknown'}`,
        };
      }
      return { loaded: await mod.spec(deps, options) };
    },
  };
}
