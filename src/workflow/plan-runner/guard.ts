/**
 * Step 2 of the plan runner: may this plan be applied, and does the operator want it?
 *   blocked? stop (exit 3; nothing applied) -> plan only (--dry-run)? stop (0) -> nothing to do?
 *   stop -> (mutating items only) no TTY and no --yes? exit 2 naming --yes -> type the subject's ID
 *   (unless --yes; a mismatch or Ctrl-C cancels: exit 5).
 * Not one mutating AWS call happens before the confirmation.
 */
import type { Deps } from '../../deps.js';
import { cancelledAtPrompt, ExitCode, KscliError } from '../../errors.js';
import type { PlannedStep, PlanItem } from '../plan.js';
import type { Finish, PreparedPlan, RunPlanOptions, SubjectPlanSpec } from './types.js';

/** Actions that change nothing in AWS: a plan made only of these needs no confirmation. */
export const NON_MUTATING_ACTIONS = new Set(['WaitForDisconnected', 'CheckAlarm']);

export type PlanDecision<D> =
  /** the run ends here, with this Finish */
  | { stop: Finish<D> }
  /** apply these items; `mutating` are those that change AWS (they need the confirmation) */
  | { apply: PlanItem[]; mutating: PlanItem[] };

export function guardPlan<P extends PlannedStep, D, R>(
  prepared: PreparedPlan<P, R>,
  spec: Pick<SubjectPlanSpec<P, D, R>, 'idle'>,
  opts: Pick<RunPlanOptions, 'planOnly'>,
): PlanDecision<D> {
  const { items, planned, facts } = prepared;
  if (items.some((i) => i.status === 'blocked')) return { stop: { outcome: 'blocked', exitCode: ExitCode.Blocked } };
  if (opts.planOnly) {
    const idle = spec.idle?.(planned, facts);
    return { stop: { outcome: 'dry-run', exitCode: ExitCode.Ok, nextRunAfter: idle?.nextRunAfter } };
  }
  const toApply = items.filter((i) => i.status === 'apply');
  if (toApply.length === 0)
    return { stop: spec.idle?.(planned, facts) ?? { outcome: 'nothing-to-do', exitCode: ExitCode.Ok } };
  return { apply: toApply, mutating: toApply.filter((i) => !NON_MUTATING_ACTIONS.has(i.action)) };
}

export type Confirmation = { confirmed: true } | { confirmed: false; error: unknown };

/**
 * Asks the operator to type the subject's ID (a store: the store ID) before `mutating` changes (nothing to ask when none, or
 * with --yes). No terminal and no --yes is bad input (exit 2), thrown at once: the plan was shown
 * and nothing else happens.
 */
export async function confirmPlan(
  deps: Pick<Deps, 'io' | 'prompter' | 'region'> & Partial<Pick<Deps, 'clock'>>,
  prepared: PreparedPlan<PlannedStep, unknown>,
  mutating: PlanItem[],
  opts: Pick<RunPlanOptions, 'yes'>,
): Promise<Confirmation> {
  if (mutating.length === 0 || opts.yes) return { confirmed: true };
  if (!deps.io.canPrompt()) {
    throw new KscliError(
      ExitCode.BadInput,
      'no terminal to confirm on: pass --yes to act without asking',
      'review the plan with --dry-run first',
    );
  }
  const { subject, identity } = prepared;
  const named = [subject.kind, subject.id, prepared.promptName].filter(Boolean).join(' ');
  try {
    const ok = await deps.prompter.confirmDestructive({
      expected: subject.id,
      message: `${prepared.command} will make ${mutating.length} change(s) to ${named} in account ${identity.account}, region ${deps.region}:`,
      // what is at stake, shown right above the typed store ID (issue 14)
      changes: mutating,
      now: deps.clock?.now() ?? new Date(),
    });
    // aborting at the prompt is never success (exit 5)
    return ok ? { confirmed: true } : { confirmed: false, error: cancelledAtPrompt() };
  } catch (err) {
    return { confirmed: false, error: err };
  }
}
