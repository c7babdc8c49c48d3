/**
 * The plan runner: every mutating command goes through it, in this order (each step its own
 * module), whatever the plan's subject (a store, a cluster, a set of keys: ./subject.ts):
 *   prepare.ts  identity -> --expected-account -> hooks.admit -> key ARNs of another account ->
 *               the subject -> the journal is writable -> what the plan rests on -> the plan
 *               (not one mutating call)
 *   hooks.onPrepared: a saved plan is written (--plan-out) or compared with AWS (`kscli apply`)
 *   hooks.onPlanned: the UI shows the plan
 *   guard.ts    blocked? stop (3) -> plan only (--dry-run, --plan-out)? stop (0) -> nothing to do?
 *               stop -> no TTY and no --yes? exit 2 -> type the subject's ID (mismatch or Ctrl-C: 5)
 *   execute.ts  the lock -> apply (re-check, journal intent, call, journal outcome) -> result
 * This is the one assembly of those steps: a normal run, `--plan-out` (commands/plan-out.ts) and
 * `kscli apply FILE` (commands/apply/run.ts) differ only in their options and hooks.
 * It prints nothing itself: it returns a PlanOutcome that the UI renders
 * (src/ui/render/plan-outcome.ts), and tells the operator what happens meanwhile through hooks.say.
 * Errors before the plan is shown (bad input, subject not found, expected account) are thrown.
 */
import type { Deps } from '../../deps.js';
import { ExitCode } from '../../errors.js';
import type { PlannedStep } from '../plan.js';
import { applyPrepared } from './execute.js';
import { confirmPlan, guardPlan } from './guard.js';
import { preparePlan, subjectSpecOf } from './prepare.js';
import type { ApplyReport } from './apply-items.js';
import type { AnyPlanSpec, Finish, Halted, PlanOutcome, PreparedPlan, RunPlanHooks, RunPlanOptions } from './types.js';

export async function runPlan<P extends PlannedStep, D = undefined, R = unknown>(
  deps: Deps,
  anySpec: AnyPlanSpec<P, D, R>,
  hooks: RunPlanHooks<D>,
  opts: RunPlanOptions = { planOnly: deps.globals.dryRun, yes: deps.globals.yes },
): Promise<PlanOutcome<D> | Halted> {
  const spec = subjectSpecOf(anySpec);
  const prepared = await preparePlan(deps, spec, hooks, opts);
  if ('halted' in prepared) return prepared;
  if ('subjectGone' in prepared) return (await hooks.onGone?.(prepared.subjectGone)) ?? prepared.subjectGone;
  const halted = await hooks.onPrepared?.(prepared);
  if (halted) return halted;
  hooks.onPlanned?.(prepared);

  const decision = guardPlan(prepared, spec, opts);
  if ('stop' in decision) return outcomeOf(prepared, decision.stop);
  const confirmation = await confirmPlan(deps, prepared, decision.mutating, opts);
  // aborting at the prompt is never success (exit 5): the JSON document says "cancelled" too
  if (!confirmation.confirmed)
    return outcomeOf(prepared, { outcome: 'cancelled', exitCode: ExitCode.Cancelled }, undefined, confirmation.error);

  const applied = await applyPrepared(deps, prepared, spec, decision.mutating, hooks);
  return outcomeOf(prepared, applied.finish, applied.report, applied.error);
}

export function outcomeOf<P extends PlannedStep, D, R>(
  prepared: PreparedPlan<P, R>,
  finish: Finish<D>,
  report?: ApplyReport,
  error?: unknown,
): PlanOutcome<D> {
  return {
    command: prepared.command,
    subject: prepared.subject,
    account: prepared.identity.account,
    region: prepared.ctx.region,
    planned: prepared.planned,
    ...(report ? { report } : {}),
    finish,
    narrowable: prepared.narrowable,
    ...(error !== undefined ? { error } : {}),
    prepared,
  };
}
