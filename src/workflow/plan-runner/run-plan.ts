/**
 * The plan runner: every mutating command goes through it, in this order (each step its own
 * module, callable on its own):
 *   prepare.ts  identity -> --expected-account -> key ARNs of another account -> the store -> the
 *               journal is writable -> the keys -> the plan          (not one mutating call)
 *   hooks.onPlanned: the UI shows the plan (a saved plan, issue 9, is written here)
 *   guard.ts    blocked? stop (3) -> plan only (--dry-run)? stop (0) -> nothing to do? stop ->
 *               no TTY and no --yes? exit 2 -> type the store ID (mismatch or Ctrl-C: exit 5)
 *   execute.ts  the lock -> apply (re-check, journal intent, call, journal outcome) -> result
 * It prints nothing itself: it returns a PlanOutcome that the UI renders
 * (src/ui/render/plan-outcome.ts), and tells the operator what happens meanwhile through hooks.say.
 * Errors before the plan is shown (bad input, store not found, expected account) are thrown.
 */
import type { Deps } from '../../deps.js';
import { ExitCode } from '../../errors.js';
import type { PlannedStep } from '../plan.js';
import { applyPrepared } from './execute.js';
import { confirmPlan, guardPlan } from './guard.js';
import { preparePlan } from './prepare.js';
import type { ApplyReport } from './apply-items.js';
import type { Finish, PlanOutcome, PlanSpec, PreparedPlan, RunPlanHooks, RunPlanOptions } from './types.js';

export async function runPlan<P extends PlannedStep, D = undefined>(
  deps: Deps,
  spec: PlanSpec<P, D>,
  hooks: RunPlanHooks,
  opts: RunPlanOptions = { planOnly: deps.globals.dryRun, yes: deps.globals.yes },
): Promise<PlanOutcome<D>> {
  const prepared = await preparePlan(deps, spec, hooks, opts);
  if ('storeGone' in prepared) return prepared.storeGone;
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

export function outcomeOf<P extends PlannedStep, D>(
  prepared: PreparedPlan<P>,
  finish: Finish<D>,
  report?: ApplyReport,
  error?: unknown,
): PlanOutcome<D> {
  return {
    command: prepared.command,
    store: prepared.store,
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
