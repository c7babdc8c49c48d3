/**
 * The apply engine (architecture.md section 3, "Plan, then apply"). It walks a plan that was shown
 * and confirmed; for each item still to apply it:
 *   1. re-reads the target (`recheck`): the world may have changed since the plan. A target that
 *      now needs nothing is skipped and SAID so; one whose precondition now fails stops the run
 *      (nothing more is changed; exit 3);
 *   2. writes the intent to the journal BEFORE the call, so a crash or Ctrl-C leaves a trace;
 *   3. calls `apply` (the mutating call, which confirms its effect by reading it back);
 *   4. writes the outcome (ok, or the error) to the journal.
 * An interrupt (SIGINT) lets the in-flight call finish, journals it, and stops before the next item.
 * The first error stops the run: the next run derives where things stand from AWS and resumes.
 */
import type { Executable, PlanItem } from '../plan.js';
import type { Journal } from '../journal.js';
import { AwsCallError, KscliError } from '../../errors.js';

export type ItemOutcome = 'done' | 'skipped' | 'failed' | 'not-run' | 'blocked';

export interface ItemResult {
  item: PlanItem;
  outcome: ItemOutcome;
  /** facts from the call (deletion date, read-back) */
  result?: Record<string, unknown>;
  /** a change in the world noticed on the re-check, or an "already done" answer */
  note?: string;
  error?: unknown;
}

export interface ApplyReport {
  results: ItemResult[];
  interrupted: boolean;
  /** the first error, when the run stopped on one */
  error?: unknown;
  /** an item found blocked on its re-check (the run stopped before it) */
  blockedOnRecheck?: PlanItem;
}

export interface ApplyOptions {
  journal: Journal;
  overrides: string[];
  /** true once the operator pressed Ctrl-C */
  interrupted: () => boolean;
  /** one line for the operator (stderr): progress and noticed changes */
  say: (line: string) => void;
}

/** Parameters journaled with the call: what the item says it will call, minus nothing secret. */
function paramsOf(item: PlanItem): Record<string, unknown> {
  const p = item.details?.params;
  return p && typeof p === 'object' ? (p as Record<string, unknown>) : {};
}

export function describeError(err: unknown): string {
  if (err instanceof AwsCallError) return `${err.code}: ${err.message}`;
  if (err instanceof KscliError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

export async function applyPlan(executables: Executable[], opts: ApplyOptions): Promise<ApplyReport> {
  const results: ItemResult[] = [];
  const report: ApplyReport = { results, interrupted: false };
  let stopped = false;
  for (const ex of executables) {
    let item = ex.item;
    if (item.status !== 'apply') {
      results.push({ item, outcome: item.status === 'skip' ? 'skipped' : 'blocked' });
      continue;
    }
    if (stopped) {
      results.push({ item, outcome: 'not-run' });
      continue;
    }
    if (opts.interrupted()) {
      report.interrupted = true;
      stopped = true;
      results.push({ item, outcome: 'not-run' });
      continue;
    }
    let note: string | undefined;
    if (ex.recheck) {
      try {
        const fresh = await ex.recheck();
        if (fresh.status !== 'apply' || fresh.action !== item.action) {
          note = `changed since the plan: ${fresh.reason}`;
          opts.say(`${item.target}: ${note}`);
        }
        item = fresh;
      } catch (err) {
        report.error = err;
        stopped = true;
        results.push({ item, outcome: 'failed', error: err, note: `re-check failed: ${describeError(err)}` });
        continue;
      }
      if (item.status === 'skip') {
        opts.journal.call({
          operation: item.action,
          target: item.target,
          params: paramsOf(item),
          phase: 'outcome',
          outcome: 'skipped',
          overrides: opts.overrides,
          result: { reason: item.reason },
        });
        results.push({ item, outcome: 'skipped', note });
        continue;
      }
      if (item.status === 'blocked') {
        report.blockedOnRecheck = item;
        stopped = true;
        results.push({ item, outcome: 'blocked', note });
        continue;
      }
    }
    opts.journal.call({
      operation: item.action,
      target: item.target,
      params: paramsOf(item),
      phase: 'intent',
      overrides: opts.overrides,
    });
    try {
      const result = await ex.apply();
      opts.journal.call({
        operation: item.action,
        target: item.target,
        params: paramsOf(item),
        phase: 'outcome',
        outcome: 'ok',
        overrides: opts.overrides,
        result: jsonSafe(result),
      });
      const resultNote = typeof result.note === 'string' ? result.note : undefined;
      if (resultNote) opts.say(`${item.target}: ${resultNote}`);
      results.push({ item, outcome: 'done', result, note: [note, resultNote].filter(Boolean).join('; ') || undefined });
    } catch (err) {
      opts.journal.call({
        operation: item.action,
        target: item.target,
        params: paramsOf(item),
        phase: 'outcome',
        outcome: 'error',
        error: describeError(err),
        overrides: opts.overrides,
      });
      report.error = err;
      stopped = true;
      results.push({ item, outcome: 'failed', error: err, note });
    }
    // an interrupt during the last call ends the run as done: nothing was left undone
  }
  return report;
}

/** Dates become ISO strings; nothing else is transformed. */
export function jsonSafe(obj: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
}
