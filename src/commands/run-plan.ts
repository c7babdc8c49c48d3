/**
 * The mutating-command runner: every mutating command goes through it, in this order:
 *   identity (STS) -> --expected-account (mismatch: exit 3, nothing happens) -> key ARNs of another
 *   account refused (exit 2) -> the store (not found: exit 3) -> the journal is writable (else exit 2)
 *   -> the keys (scan) -> the plan -> print it -> blocked? exit 3 (nothing applied, the reasons and
 *   the flags that override them) -> --dry-run? stop (0) -> nothing to do? stop -> no TTY and no
 *   --yes? exit 2 naming --yes -> type the store ID (unless --yes; mismatch or Ctrl-C: exit 5) ->
 *   the lock -> apply (re-check, journal intent, call, journal outcome) -> result.
 * Not one mutating AWS call happens before the confirmation.
 */
import type { KeyInfo, StoreInfo } from '../aws/ports.js';
import type { Deps } from '../deps.js';
import { lockSystem } from '../deps.js';
import { AwsCallError, ExitCode, KscliError } from '../errors.js';
import { writeJson } from '../ui/json.js';
import { evidenceProgress } from '../ui/query-progress.js';
import { blockedSummary, planItemJson, renderPlanTable, renderResultsTable } from '../ui/plan-render.js';
import { cancelledAtPrompt } from '../ui/prompter.js';
import { applyPlan, describeError, type ApplyReport } from '../workflow/apply.js';
import type { PlannedStep, StepContext } from '../workflow/context.js';
import { describeStoreOrFail } from '../workflow/inventory.js';
import { acquireLock, lockPath } from '../workflow/lock.js';
import type { Journal } from '../workflow/journal.js';
import { checkKeyRefAccount, type KeyRef } from '../workflow/validate.js';
import { isJson, journalFor, scanStoreKeys } from './common.js';

/** Actions that change nothing in AWS: a plan made only of these needs no confirmation. */
export const NON_MUTATING_ACTIONS = new Set(['WaitForDisconnected', 'CheckAlarm']);

export type Outcome = 'done' | 'pending' | 'blocked' | 'dry-run' | 'cancelled' | 'nothing-to-do' | 'interrupted' | 'failed';

export interface Finish {
  outcome: Outcome;
  exitCode: number;
  nextRunAfter?: Date;
  /** lines for the table output, after the results */
  lines?: string[];
  /** extra fields for the JSON document */
  extra?: Record<string, unknown>;
}

export interface MutatingSpec<P extends PlannedStep> {
  command: string;
  storeId: string;
  keyRefs?: KeyRef[];
  /** how the operator narrowed the plan (--key, --exclude-key, window...): journaled with the run */
  selection?: Record<string, unknown>;
  plan(ctx: StepContext, keys: KeyInfo[], journal: Journal): Promise<P>;
  /** when nothing is left to apply (default: nothing-to-do, exit 0) */
  idle?(planned: P): Finish;
  /** after a successful apply (default: done, exit 0) */
  finish?(planned: P, report: ApplyReport, ctx: StepContext): Promise<Finish>;
  /**
   * when the store does not exist: a Finish (e.g. delete-store: already deleted), or undefined for
   * exit 3. `where` is the account and region of this run (a --journal file may hold other ones).
   */
  storeNotFound?(journal: Journal, where: { account: string; region: string }): Finish | undefined;
}

export async function runMutating<P extends PlannedStep>(deps: Deps, spec: MutatingSpec<P>): Promise<number> {
  const { io, globals } = deps;
  const id = await deps.identity();
  if (globals.expectedAccount && globals.expectedAccount !== id.account) {
    throw new KscliError(
      ExitCode.Blocked,
      `the credentials are for account ${id.account}, not the expected account ${globals.expectedAccount}: nothing was done`,
      'check --profile / the environment, or fix --expected-account',
    );
  }
  for (const ref of spec.keyRefs ?? []) checkKeyRefAccount(ref, id.account);
  const journal = journalFor(deps, id.account, id.arn, spec.storeId, spec.command);

  let store: StoreInfo;
  try {
    store = await describeStoreOrFail(deps.aws, spec.storeId, async () => id.account);
  } catch (err) {
    const f = err instanceof KscliError && err.exitCode === ExitCode.Blocked ? spec.storeNotFound?.(journal, { account: id.account, region: deps.region }) : undefined;
    if (!f) throw err;
    return emit(deps, spec, store0(spec.storeId), id.account, { warnings: [], overrides: [], executables: [] }, undefined, f);
  }
  // a journal that cannot be written is found now, before anything changes (dry runs only warn)
  try {
    journal.ensureWritable();
  } catch (err) {
    if (!globals.dryRun) throw err;
    io.err.write(`warning: ${(err as Error).message}\n`);
  }

  const keys = await scanStoreKeys(deps, store.id);
  try {
    journal.recordKeysSeen(keys);
  } catch (err) {
    deps.debug(`key-seen records not written: ${(err as Error).message}`);
  }
  let interrupted = false;
  const ctx: StepContext = {
    aws: deps.aws,
    clock: deps.clock,
    region: deps.region,
    store,
    say: (line) => io.err.write(`${line}\n`),
    interrupted: () => interrupted,
  };
  const assessBar = deps.progress.bar('examining key usage');
  const shown = evidenceProgress(deps.progress, assessBar);
  ctx.scanProgress = shown.onKeys;
  ctx.queryProgress = shown.onQuery;
  // Ctrl-C while planning: the evidence step stops its Logs Insights queries (StopQuery), exit 130
  const planAbort = new AbortController();
  ctx.signal = planAbort.signal;
  const offPlanInterrupt = deps.system.onInterrupt(() => planAbort.abort());
  let planned: P;
  try {
    planned = await spec.plan(ctx, keys, journal);
  } finally {
    offPlanInterrupt();
    assessBar.stop();
  }
  const items = planned.executables.map((e) => e.item);
  if (!isJson(deps)) {
    io.out.write(`${deps.style.bold(`Plan: ${spec.command} ${store.id}`)} (${store.name}, ${store.type}, ${store.connectionState}) in account ${id.account}, region ${deps.region}\n`);
    io.out.write(renderPlanTable(items, deps.style));
    for (const w of planned.warnings) io.out.write(`${deps.style.warn('warning:')} ${w}\n`);
    if (planned.overrides.length) io.out.write(`overrides: ${planned.overrides.join(' ')}\n`);
  }
  if (items.some((i) => i.status === 'blocked')) {
    io.err.write(spec.keyRefs ? 'blocked: narrow the plan with --key / --exclude-key, or override a check with its flag:\n' : 'blocked: fix the cause, or override a check with its flag:\n');
    for (const line of blockedSummary(items)) io.err.write(`  ${line}\n`);
    return emit(deps, spec, store, id.account, planned, undefined, { outcome: 'blocked', exitCode: ExitCode.Blocked });
  }
  if (globals.dryRun) {
    const idle = spec.idle?.(planned);
    return emit(deps, spec, store, id.account, planned, undefined, { outcome: 'dry-run', exitCode: ExitCode.Ok, nextRunAfter: idle?.nextRunAfter });
  }
  const toApply = items.filter((i) => i.status === 'apply');
  if (toApply.length === 0) {
    return emit(deps, spec, store, id.account, planned, undefined, spec.idle?.(planned) ?? { outcome: 'nothing-to-do', exitCode: ExitCode.Ok });
  }
  const mutating = toApply.filter((i) => !NON_MUTATING_ACTIONS.has(i.action));
  if (mutating.length > 0 && !globals.yes) {
    if (!io.canPrompt()) {
      throw new KscliError(ExitCode.BadInput, 'no terminal to confirm on: pass --yes to act without asking', 'review the plan with --dry-run first');
    }
    let ok = false;
    try {
      ok = await deps.prompter.confirmDestructive({
        expected: store.id,
        message: `${spec.command} will make ${mutating.length} change(s) to store ${store.id} (${store.name}) in account ${id.account}, region ${deps.region}.`,
      });
    } finally {
      // aborting at the prompt is never success (exit 5): the JSON document says "cancelled" too
      if (!ok) emit(deps, spec, store, id.account, planned, undefined, { outcome: 'cancelled', exitCode: ExitCode.Cancelled });
    }
    if (!ok) throw cancelledAtPrompt();
  }

  const lock = acquireLock(lockPath(deps.home, id.account, deps.region, store.id), spec.command, lockSystem(deps));
  if (lock.tookOverFrom) io.err.write(`took over the lock of kscli pid ${lock.tookOverFrom.pid} (started ${lock.tookOverFrom.startedAt}), which is no longer running\n`);
  const off = deps.system.onInterrupt(() => {
    interrupted = true;
    io.err.write('\ninterrupted: finishing the call in flight, then stopping (Ctrl-C again to quit at once)\n');
  });
  let report: ApplyReport;
  // one line for the run itself: how the plan was narrowed and which checks were overridden
  journal.call({ operation: 'ApplyPlan', target: store.id, params: { ...(spec.selection ?? {}), changes: mutating.length }, phase: 'intent', overrides: planned.overrides });
  try {
    report = await applyPlan(planned.executables, { journal, overrides: planned.overrides, interrupted: () => interrupted, say: ctx.say });
  } finally {
    off();
    lock.release();
  }
  const counts: Record<string, number> = {};
  for (const r of report.results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  journal.call({
    operation: 'ApplyPlan',
    target: store.id,
    params: {},
    phase: 'outcome',
    outcome: report.error !== undefined ? 'error' : 'ok',
    ...(report.error !== undefined ? { error: describeError(report.error) } : {}),
    overrides: planned.overrides,
    result: { ...counts, ...(report.interrupted ? { interrupted: true } : {}), ...(report.blockedOnRecheck ? { blockedOnRecheck: report.blockedOnRecheck.target } : {}) },
  });
  if (report.error !== undefined) {
    const code = report.error instanceof KscliError ? report.error.exitCode : ExitCode.Failure;
    const outcome: Outcome = code === ExitCode.Interrupted ? 'interrupted' : code === ExitCode.Pending ? 'pending' : 'failed';
    emit(deps, spec, store, id.account, planned, report, { outcome, exitCode: code });
    if (report.error instanceof AwsCallError) {
      // an AWS answer the step does not treat as "already done": name the call, not a stack trace
      throw new KscliError(
        ExitCode.Failure,
        `${report.error.operation} failed: ${report.error.code}: ${report.error.message}`,
        'nothing after it was attempted; the journal records what was done. Fix the cause, then run the same command again',
        { cause: report.error },
      );
    }
    throw report.error;
  }
  if (report.blockedOnRecheck) {
    io.err.write(`stopped: ${report.blockedOnRecheck.target}: ${report.blockedOnRecheck.reason} (the world changed since the plan; what is done stays done)\n`);
    return emit(deps, spec, store, id.account, planned, report, { outcome: 'blocked', exitCode: ExitCode.Blocked });
  }
  if (report.interrupted) {
    io.err.write('interrupted: the journal records what was done; run the same command again to continue\n');
    return emit(deps, spec, store, id.account, planned, report, { outcome: 'interrupted', exitCode: ExitCode.Interrupted });
  }
  const f = spec.finish ? await spec.finish(planned, report, ctx) : { outcome: 'done' as const, exitCode: ExitCode.Ok };
  return emit(deps, spec, store, id.account, planned, report, f);
}

function store0(id: string): StoreInfo {
  return { id, name: '', type: 'AWS_CLOUDHSM', connectionState: 'DISCONNECTED', creationDate: new Date(0) };
}

/** Prints the result (table or the one JSON document) and returns the exit code. */
function emit(deps: Deps, spec: { command: string }, store: StoreInfo, account: string, planned: PlannedStep, report: ApplyReport | undefined, f: Finish): number {
  const { io } = deps;
  const items = planned.executables.map((e) => e.item);
  if (isJson(deps)) {
    const plan = report ? report.results.map((r) => planItemJson(r.item, r, describeError)) : items.map((i) => planItemJson(i));
    writeJson(io.out, {
      command: spec.command,
      storeId: store.id,
      account,
      region: deps.region,
      plan,
      outcome: f.outcome,
      ...(f.nextRunAfter ? { nextRunAfter: f.nextRunAfter.toISOString() } : {}),
      warnings: planned.warnings,
      overrides: planned.overrides,
      ...(f.extra ?? {}),
    });
    return f.exitCode;
  }
  if (report) io.out.write(renderResultsTable(report.results, deps.style, describeError));
  for (const l of f.lines ?? []) io.out.write(`${l}\n`);
  const tail: Record<Outcome, string> = {
    done: deps.style.ok('done'),
    pending: deps.style.warn(`pending: run again after ${f.nextRunAfter?.toISOString() ?? 'AWS finishes'}`),
    blocked: deps.style.bad('blocked: nothing was changed'),
    'dry-run': 'dry run: nothing was changed',
    cancelled: 'cancelled',
    'nothing-to-do': 'nothing to do',
    interrupted: deps.style.warn('interrupted'),
    failed: deps.style.bad('failed'),
  };
  if (report?.blockedOnRecheck) tail.blocked = deps.style.bad('blocked on re-check: stopped before the next change');
  io.out.write(`${tail[f.outcome]}\n`);
  return f.exitCode;
}
