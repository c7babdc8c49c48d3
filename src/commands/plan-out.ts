/**
 * A mutating command's plan for review (issue 9): `--plan-out FILE` and/or `--output markdown`
 * (with --dry-run). The plan runner runs plan-only (exactly the plan a normal run computes, not one
 * mutating call); its onPrepared hook makes the plan file and writes it when --plan-out names a
 * file; the run ends as a dry run ends: exit 0, or 3 when the plan is blocked (a blocked plan is
 * still written, marked so, and `kscli apply` refuses it). Output: src/ui/render/plan-out.ts.
 */
import { planClockNow } from './plan-clock.js';
import type { Deps } from '../deps.js';
import type { PlanOutcomeExtras } from '../ui/render/plan-outcome.js';
import { renderPlanOut } from '../ui/render/plan-out.js';
import { kscliVersion } from '../version.js';
import type { PlannedStep } from '../workflow/plan.js';
import { runPlan, type AnyPlanSpec, type PreparedPlan } from '../workflow/plan-runner/index.js';
import { planCostOf } from '../workflow/cost/plan-cost.js';
import { planFileFrom, sealPlan, writePlanFile, type PlanCommand, type PlanFile } from '../workflow/plan-file/index.js';

/** The command line for the reviewer, as typed (arguments with spaces quoted). */
export function commandLineOf(argv: string[]): string {
  return ['kscli', ...argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))].join(' ');
}

/** The plan file of a prepared plan (the plan runner's first step). */
export async function planFileOf(
  deps: Deps,
  prepared: PreparedPlan,
  command: PlanCommand,
  options: Record<string, unknown>,
): Promise<PlanFile> {
  const plan = await planFileFrom(deps, prepared, {
    command,
    options,
    commandLine: commandLineOf(deps.argv),
    kscliVersion: kscliVersion(),
    now: await planClockNow(deps),
  });
  // issue 21: the review document is rendered from the file alone, so the cost goes in the file
  const cost = await planCostOf(deps.aws, plan);
  if (!cost) return plan;
  const { digest: _sealed, ...content } = plan;
  return sealPlan({ ...content, cost });
}

export async function runPlanOut<P extends PlannedStep, D, R>(
  deps: Deps,
  spec: AnyPlanSpec<P, D, R>,
  command: PlanCommand,
  options: Record<string, unknown>,
  extras?: PlanOutcomeExtras<D>,
): Promise<number> {
  const say = (line: string) => deps.io.err.write(`${line}\n`);
  const path = deps.globals.planOut;
  let plan: PlanFile | undefined;
  const outcome = await runPlan(
    deps,
    spec,
    {
      say,
      // e.g. delete-store of a store this journal shows deleted: nothing is left to plan
      onGone: async (gone) => {
        say(`no plan written: the ${gone.subject.kind} no longer exists`);
      },
      onPrepared: async (prepared) => {
        plan = await planFileOf(deps, prepared, command, options);
        if (path !== undefined) writePlanFile(path, plan, deps.system.pid);
      },
    },
    { planOnly: true, yes: false },
  );
  if ('halted' in outcome) return outcome.halted;
  renderPlanOut(deps, outcome, plan, path, extras);
  return outcome.finish.exitCode;
}
