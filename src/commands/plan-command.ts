/**
 * The CLI side of every mutating command: run the plan runner (src/workflow/plan-runner/) with the
 * operator's notices on stderr and the plan shown before the confirmation, render the outcome, and
 * end with its exit code (or its error, after the outcome is shown). With --plan-out, or --output
 * markdown, the same runner runs plan-only and the plan is saved for review (plan-out.ts).
 */
import type { Deps } from '../deps.js';
import { renderPlanOutcome, renderPlanPreview, type PlanOutcomeExtras } from '../ui/render/plan-outcome.js';
import type { PlannedStep } from '../workflow/plan.js';
import type { PlanCommand } from '../workflow/plan-file/index.js';
import { runPlan, type AnyPlanSpec } from '../workflow/plan-runner/index.js';
import { runPlanOut } from './plan-out.js';
import { noticeWriter } from '../ui/notice.js';

/**
 * `options`: the command's typed options (JSON values). With --plan-out, or --output markdown, the
 * plan is made for review instead (plan-out.ts) and saved with them: `kscli apply FILE` plans
 * again with exactly these.
 */
export async function runPlanCommand<P extends PlannedStep, D, R>(
  deps: Deps,
  command: PlanCommand,
  spec: AnyPlanSpec<P, D, R>,
  extras: PlanOutcomeExtras<D> | undefined,
  options: object,
): Promise<number> {
  if (deps.globals.planOut !== undefined || deps.globals.output === 'markdown')
    return runPlanOut(deps, spec, command, { ...options }, extras);
  const outcome = await runPlan(deps, spec, {
    say: noticeWriter(deps.io, deps.progress),
    onPlanned: (prepared) => renderPlanPreview(deps, prepared),
  });
  if ('halted' in outcome) return outcome.halted;
  renderPlanOutcome(deps, outcome, extras);
  if (outcome.error !== undefined) throw outcome.error;
  return outcome.finish.exitCode;
}
