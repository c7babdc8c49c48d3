/**
 * The types of the plan runner (architecture.md section 3, "Plan, then apply"): what a mutating
 * command gives it (PlanSpec), the plan it prepares (PreparedPlan), how a run ends (Finish) and
 * what it returns for the UI to render (PlanOutcome).
 */
import type { CallerIdentity, KeyInfo, StoreInfo } from '../../aws/ports.js';
import type { StepContext } from '../context.js';
import type { PlannedStep, PlanItem } from '../plan.js';
import type { Journal } from '../journal.js';
import type { KeyRef } from '../validate.js';
import type { ApplyReport } from './apply-items.js';
import type { PlanExtras } from '../../schemas/plan.js';

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

/** What a mutating command gives the runner. */
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

/** Set by the SIGINT handler during an apply; long waits and the apply loop read it. */
export interface InterruptFlag {
  requested: boolean;
}

/** A plan made and not yet applied: everything the guard, the confirmation and the apply need. */
export interface PreparedPlan<P extends PlannedStep = PlannedStep> {
  command: string;
  identity: CallerIdentity;
  store: StoreInfo;
  journal: Journal;
  /** the store's keys as scanned for the plan (what the plan rests on) */
  keys: KeyInfo[];
  ctx: StepContext;
  planned: P;
  /** planned.executables' items, in plan order */
  items: PlanItem[];
  /** the command takes --key / --exclude-key: a blocked plan can be narrowed */
  narrowable: boolean;
  selection?: Record<string, unknown>;
  interrupt: InterruptFlag;
}

/** What a run of the plan runner comes to; the UI renders it (src/ui/render/plan-outcome.ts). */
export interface PlanOutcome<D = undefined> {
  command: string;
  store: StoreInfo;
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
  /** the plan as prepared; absent when the store was not found and storeNotFound answered */
  prepared?: PreparedPlan;
}

/** What the runner tells the operator while it works, and where the UI shows the plan. */
export interface RunPlanHooks {
  /** one line for the operator on stderr: noticed changes, waits, lock take-over, interrupts */
  say(line: string): void;
  /**
   * Called once the plan is made, before anything can stop the run: the UI prints the plan here
   * (before the confirmation prompt). A saved plan (issue 9, --plan-out) is written from here too.
   */
  onPlanned?(prepared: PreparedPlan): void;
}

export interface RunPlanOptions {
  /** stop after the plan (--dry-run): no confirmation, no lock, not one mutating call */
  planOnly: boolean;
  /** --yes: act without asking */
  yes: boolean;
}
