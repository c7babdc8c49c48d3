/**
 * The types of the plan runner (architecture.md section 3, "Plan, then apply"): what a mutating
 * command gives it (PlanSpec), the plan it prepares (PreparedPlan), how a run ends (Finish) and
 * what it returns for the UI to render (PlanOutcome).
 */
import type { CallerIdentity, KeyInfo } from '../../aws/ports.js';
import type { Deps } from '../../deps.js';
import type { StepContext, SubjectContext } from '../context.js';
import type { PlannedStep, PlanItem } from '../plan.js';
import type { Journal } from '../journal.js';
import type { KeyRef } from '../../input/validate.js';
import type { ApplyReport } from './apply-items.js';
import type { PlanExtras } from '../../schemas/plan.js';
import type { Subject, SubjectKind, SubjectObserver, SubjectRead } from './subject.js';

/** How a run ends; the JSON document's "outcome". */
export type OutcomeKind =
  'done' | 'pending' | 'blocked' | 'dry-run' | 'cancelled' | 'nothing-to-do' | 'interrupted' | 'failed';

/**
 * The end of a run as the command sees it. `D` is what a command adds for its own renderer (e.g.
 * delete-store's backups and orphans reports after the store is deleted).
 */
export interface Finish<D = undefined> {
  outcome: OutcomeKind;
  exitCode: number;
  nextRunAfter?: Date;
  /** lines for the table output, after the results */
  lines?: string[];
  /** extra fields for the JSON document (schemas/plan.json, delete-store.json) */
  extra?: PlanExtras;
  /** typed facts for the command's renderer */
  data?: D;
}

/**
 * What a mutating command whose subject is a custom key store gives the runner (every store command:
 * the runner reads the store and scans its keys; ./store-subject.ts turns it into a SubjectPlanSpec).
 */
export interface PlanSpec<P extends PlannedStep = PlannedStep, D = undefined> {
  command: string;
  storeId: string;
  /** --key / --exclude-key: refused when they name another account; their presence makes a blocked plan narrowable */
  keyRefs?: KeyRef[];
  /** how the operator narrowed the plan (--key, --exclude-key, window...): journaled with the run */
  selection?: Record<string, unknown>;
  /** computes the plan from the store's keys (read-only: not one mutating call) */
  plan(ctx: StepContext, keys: KeyInfo[], journal: Journal): Promise<P>;
  /** when nothing is left to apply (default: nothing-to-do, exit 0); also asked for nextRunAfter on a dry run */
  idle?(planned: P, keys: KeyInfo[]): Finish<D>;
  /** after a successful apply (default: done, exit 0); `keys` are the store's keys as planned */
  finish?(planned: P, report: ApplyReport, ctx: StepContext, keys: KeyInfo[]): Promise<Finish<D>>;
  /**
   * when the store does not exist: a Finish (e.g. delete-store: already deleted), or undefined for
   * exit 3. `where` is the account and region of this run (a --journal file may hold other ones).
   */
  storeNotFound?(journal: Journal, where: { account: string; region: string }): Finish<D> | undefined;
}

/**
 * What a mutating command gives the runner, for a subject of any kind (a cluster, a set of keys, an
 * account...). `R` is what reading the subject yields: the facts the plan is made from. The runner
 * keys the lock, the journal and the typed confirmation on `subject.id`.
 */
export interface SubjectPlanSpec<P extends PlannedStep = PlannedStep, D = undefined, R = unknown> {
  command: string;
  subject: { kind: SubjectKind; id: string };
  /** --key / --exclude-key: refused when they name another account; their presence makes a blocked plan narrowable */
  keyRefs?: KeyRef[];
  /** how the operator narrowed the plan: journaled with the run */
  selection?: Record<string, unknown>;
  /**
   * Reads the subject (read-only). Not found: throw a KscliError with exit code 3 (Blocked); the
   * runner then asks `notFound`.
   */
  read(deps: Deps, ctx: SubjectContext, where: { account: string; region: string }): Promise<SubjectRead<R>>;
  /** after the journal is known writable: what else the plan rests on (a store: its keys), recorded in `journal` */
  scan?(deps: Deps, read: SubjectRead<R>, journal: Journal): Promise<SubjectRead<R>>;
  /** computes the plan (read-only: not one mutating call) */
  plan(ctx: SubjectContext, facts: R, journal: Journal): Promise<P>;
  idle?(planned: P, facts: R): Finish<D>;
  finish?(planned: P, report: ApplyReport, ctx: SubjectContext, facts: R): Promise<Finish<D>>;
  notFound?(journal: Journal, where: { account: string; region: string }): Finish<D> | undefined;
  /** saved plans (--plan-out, `kscli apply`): what the plan rests on, and how it is compared (./subject.ts) */
  observer?: SubjectObserver<R>;
}

/** Either shape: the runner turns a store PlanSpec into a SubjectPlanSpec first (./store-subject.ts). */
export type AnyPlanSpec<P extends PlannedStep = PlannedStep, D = undefined, R = unknown> =
  PlanSpec<P, D> | SubjectPlanSpec<P, D, R>;

/** Set by the SIGINT handler during an apply; long waits and the apply loop read it. */
export interface InterruptFlag {
  requested: boolean;
}

/** A plan made and not yet applied: everything the guard, the confirmation and the apply need. */
export interface PreparedPlan<P extends PlannedStep = PlannedStep, R = unknown> {
  command: string;
  identity: CallerIdentity;
  /** what the plan is about (a store: with its keys as scanned for the plan) */
  subject: Subject;
  /** the words of the confirmation after "<kind> <id>" (a store: "(prod)") */
  promptName?: string;
  /** what reading the subject yielded (the spec's `read`/`scan`): what the plan was made from */
  facts: R;
  journal: Journal;
  ctx: SubjectContext;
  planned: P;
  /** planned.executables' items, in plan order */
  items: PlanItem[];
  /** the command takes --key / --exclude-key: a blocked plan can be narrowed */
  narrowable: boolean;
  selection?: Record<string, unknown>;
  interrupt: InterruptFlag;
  /** the spec's observer: a plan file can be made of this plan (--plan-out) and compared (`kscli apply`) */
  observer?: SubjectObserver<R>;
}

/** What a run of the plan runner comes to; the UI renders it (src/ui/render/plan-outcome.ts). */
export interface PlanOutcome<D = undefined> {
  command: string;
  subject: Subject;
  account: string;
  region: string;
  /** the plan (warnings, overrides, items) */
  planned: PlannedStep;
  /** after an apply: what became of each item */
  report?: ApplyReport;
  finish: Finish<D>;
  narrowable: boolean;
  /** the error the run ends with, raised after the outcome is shown (its exit code wins) */
  error?: unknown;
  /** the plan as prepared; absent when the subject was not found and notFound answered */
  prepared?: PreparedPlan;
}

/** A hook stopped the run, having told the operator why (e.g. `kscli apply` refused the plan): its exit code. */
export interface Halted {
  halted: number;
}

/**
 * What the runner tells the operator while it works, and where the callers plug in: the UI shows
 * the plan (onPlanned), --plan-out writes it and `kscli apply` compares it with AWS (onPrepared).
 */
export interface RunPlanHooks<D = unknown> {
  /** one line for the operator on stderr: noticed changes, waits, lock take-over, interrupts */
  say(line: string): void;
  /**
   * After the caller's identity and --expected-account, before the subject is read: may this run
   * go on? (`kscli apply`: the saved plan's account, region, caller, age, version; it throws or
   * the runner's caller stops on its own terms.)
   */
  admit?(identity: CallerIdentity): Promise<Halted | void>;
  /** the subject was not found and the command's notFound answered: a Halted ends the run here */
  onGone?(gone: PlanOutcome<D>): Promise<Halted | void>;
  /** the plan is made (not yet shown): a Halted ends the run here, nothing changed */
  onPrepared?(prepared: PreparedPlan): Promise<Halted | void>;
  /**
   * Called once the plan is made, before anything can stop the run: the UI prints the plan here
   * (before the confirmation prompt).
   */
  onPlanned?(prepared: PreparedPlan): void;
}

export interface RunPlanOptions {
  /** stop after the plan (--dry-run, --plan-out): no confirmation, no lock, not one mutating call */
  planOnly: boolean;
  /** --yes: act without asking */
  yes: boolean;
}
