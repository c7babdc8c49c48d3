/**
 * Step 3 of the plan runner: apply a confirmed plan's items.
 *   the lock -> SIGINT handler -> journal the run (how the plan was narrowed, the overrides) ->
 *   apply each item (re-check, journal intent, call, journal outcome: apply-items.ts) -> journal the
 *   run's outcome -> how the run ends (done / pending / blocked on a re-check / interrupted / failed).
 */
import type { Deps } from '../../deps.js';
import { lockSystem } from '../../deps.js';
import { AwsCallError, ExitCode, KscliError } from '../../errors.js';
import type { PlannedStep, PlanItem } from '../plan.js';
import { acquireLock, lockPath } from '../lock.js';
import { applyPlan, describeError, type ApplyReport } from './apply-items.js';
import type { Finish, OutcomeKind, PreparedPlan, RunPlanHooks, SubjectPlanSpec } from './types.js';

export interface Applied<D> {
  report: ApplyReport;
  finish: Finish<D>;
  /** the error the run stops on, raised after the outcome is shown */
  error?: unknown;
}

export async function applyPrepared<P extends PlannedStep, D, R>(
  deps: Deps,
  prepared: PreparedPlan<P, R>,
  spec: Pick<SubjectPlanSpec<P, D, R>, 'finish'>,
  mutating: PlanItem[],
  hooks: Pick<RunPlanHooks, 'say'>,
): Promise<Applied<D>> {
  const { subject, identity, journal, planned, ctx, interrupt } = prepared;
  // the lock is the subject's: two runs on one store (or one cluster) never apply at once
  const lock = acquireLock(
    lockPath(deps.home, identity.account, deps.region, subject.id),
    prepared.command,
    lockSystem(deps),
  );
  if (lock.tookOverFrom)
    hooks.say(
      `took over the lock of kscli pid ${lock.tookOverFrom.pid} (started ${lock.tookOverFrom.startedAt}), which is no longer running`,
    );
  const off = deps.system.onInterrupt(() => {
    interrupt.requested = true;
    hooks.say('\ninterrupted: finishing the call in flight, then stopping (Ctrl-C again to quit at once)');
  });
  let report: ApplyReport;
  // one line for the run itself: how the plan was narrowed and which checks were overridden
  journal.call({
    operation: 'ApplyPlan',
    target: subject.id,
    params: { ...(prepared.selection ?? {}), changes: mutating.length },
    phase: 'intent',
    overrides: planned.overrides,
  });
  try {
    report = await applyPlan(planned.executables, {
      journal,
      overrides: planned.overrides,
      interrupted: () => interrupt.requested,
      say: ctx.say,
    });
  } finally {
    off();
    lock.release();
  }
  const counts: Record<string, number> = {};
  for (const r of report.results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  journal.call({
    operation: 'ApplyPlan',
    target: subject.id,
    params: {},
    phase: 'outcome',
    outcome: report.error !== undefined ? 'error' : 'ok',
    ...(report.error !== undefined ? { error: describeError(report.error) } : {}),
    overrides: planned.overrides,
    result: {
      ...counts,
      ...(report.interrupted ? { interrupted: true } : {}),
      ...(report.blockedOnRecheck ? { blockedOnRecheck: report.blockedOnRecheck.target } : {}),
    },
  });
  if (report.error !== undefined) {
    const code = report.error instanceof KscliError ? report.error.exitCode : ExitCode.Failure;
    const outcome: OutcomeKind =
      code === ExitCode.Interrupted ? 'interrupted' : code === ExitCode.Pending ? 'pending' : 'failed';
    // an AWS answer the step does not treat as "already done": name the call, not a stack trace
    const error =
      report.error instanceof AwsCallError
        ? new KscliError(
            ExitCode.Failure,
            `${report.error.operation} failed: ${report.error.code}: ${report.error.message}`,
            'nothing after it was attempted; the journal records what was done. Fix the cause, then run the same command again',
            { cause: report.error },
          )
        : report.error;
    return { report, finish: { outcome, exitCode: code }, error };
  }
  if (report.blockedOnRecheck) return { report, finish: { outcome: 'blocked', exitCode: ExitCode.Blocked } };
  if (report.interrupted) return { report, finish: { outcome: 'interrupted', exitCode: ExitCode.Interrupted } };
  const finish: Finish<D> = spec.finish
    ? await spec.finish(planned, report, ctx, prepared.facts)
    : { outcome: 'done', exitCode: ExitCode.Ok };
  return { report, finish };
}
