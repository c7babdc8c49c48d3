/**
 * The CLI side of every mutating command: run the plan runner (src/workflow/plan-runner/) with the
 * operator's notices on stderr and the plan shown before the confirmation, render the outcome, and
 * end with its exit code (or its error, after the outcome is shown).
 */
import type { Deps } from '../deps.js';
import { renderPlanOutcome, renderPlanPreview, type PlanOutcomeExtras } from '../ui/render/plan-outcome.js';
import type { PlannedStep } from '../workflow/plan.js';
import { runPlan, type PlanSpec } from '../workflow/plan-runner/index.js';

export async function runPlanCommand<P extends PlannedStep, D = undefined>(deps: Deps, spec: PlanSpec<P, D>, extras?: PlanOutcomeExtras<D>): Promise<number> {
  const outcome = await runPlan(deps, spec, {
    say: (line) => deps.io.err.write(`${line}\n`),
    onPlanned: (prepared) => renderPlanPreview(deps, prepared),
  });
  renderPlanOutcome(deps, outcome, extras);
  if (outcome.error !== undefined) throw outcome.error;
  return outcome.finish.exitCode;
}
