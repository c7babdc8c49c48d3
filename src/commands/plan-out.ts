/**
 * A mutating command's plan for review (issue 9): `--plan-out FILE` and/or `--output markdown`
 * (with --dry-run). The plan runner's first step computes the plan exactly as a normal run does
 * (not one mutating call), then the plan file is made from it, written when --plan-out names a
 * file, and the run ends as a dry run ends: exit 0, or 3 when the plan is blocked (a blocked plan
 * is still written, marked so, and `kscli apply` refuses it).
 *
 * Output: table: the plan, then where the file went and its digest; json: the dry-run document
 * plus "planFile": {"path", "digest"}; markdown: the review document on stdout (the file and the
 * digest on stderr).
 */
import { nextStepFor } from '../ui/next-step.js';
import type { Deps } from '../deps.js';
import { renderPlanMarkdown } from '../ui/markdown/plan-review.js';
import {
  planDocumentJson,
  renderPlanOutcome,
  renderPlanPreview,
  stopNotice,
  type PlanOutcomeExtras,
} from '../ui/render/plan-outcome.js';
import { planWrittenLines } from '../ui/render/plan-file.js';
import { writeJson } from '../ui/json.js';
import { kscliVersion } from '../version.js';
import type { PlannedStep } from '../workflow/plan.js';
import { guardPlan, outcomeOf, preparePlan, type PlanSpec, type PreparedPlan } from '../workflow/plan-runner/index.js';
import { planFileFrom, writePlanFile, type PlanCommand, type PlanFile } from '../workflow/plan-file/index.js';

/** The command line for the reviewer, as typed (arguments with spaces quoted). */
export function commandLineOf(argv: string[]): string {
  return ['kscli', ...argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))].join(' ');
}

/** The plan file of a prepared plan (the plan runner's first step). */
export async function planFileOf(
  deps: Deps,
  prepared: PreparedPlan,
  options: Record<string, unknown>,
): Promise<PlanFile> {
  return planFileFrom(
    {
      identity: prepared.identity,
      region: prepared.ctx.region,
      store: prepared.store,
      keys: prepared.keys,
      // delete-store's plan carries its phase and nextRunAfter; the others have neither
      planned: prepared.planned as PreparedPlan['planned'] & { phase?: string; nextRunAfter?: Date },
      verdicts: deps.recordedVerdicts(),
    },
    {
      aws: deps.aws,
      command: prepared.command as PlanCommand,
      options,
      commandLine: commandLineOf(deps.argv),
      kscliVersion: kscliVersion(),
      now: deps.clock.now(),
    },
  );
}

export async function runPlanOut<P extends PlannedStep, D>(
  deps: Deps,
  spec: PlanSpec<P, D>,
  options: Record<string, unknown>,
  extras?: PlanOutcomeExtras<D>,
): Promise<number> {
  const say = (line: string) => deps.io.err.write(`${line}\n`);
  const prepared = await preparePlan(deps, spec, { say }, { planOnly: true, yes: false });
  if ('storeGone' in prepared) {
    // e.g. delete-store of a store this journal shows deleted: nothing is left to plan
    say('no plan written: the store no longer exists');
    renderPlanOutcome(deps, prepared.storeGone, extras);
    return prepared.storeGone.finish.exitCode;
  }
  const plan = await planFileOf(deps, prepared, options);
  const path = deps.globals.planOut;
  if (path !== undefined) writePlanFile(path, plan, deps.system.pid);
  const decision = guardPlan(prepared, spec, { planOnly: true });
  const finish = 'stop' in decision ? decision.stop : { outcome: 'dry-run' as const, exitCode: 0 };
  const outcome = outcomeOf(prepared, finish);
  const written =
    path !== undefined
      ? planWrittenLines(path, plan, nextStepFor(deps))
      : [`plan digest: ${plan.digest} (not saved: add --plan-out <file> to save it)`];

  if (deps.globals.output === 'markdown') {
    deps.io.out.write(renderPlanMarkdown(plan, { file: path }));
    for (const l of stopNotice(outcome)) say(l);
    for (const l of written) say(l);
  } else if (deps.globals.output === 'json') {
    for (const l of stopNotice(outcome)) say(l);
    writeJson(deps.io.out, {
      ...planDocumentJson(outcome, extras),
      planFile: { ...(path !== undefined ? { path } : {}), digest: plan.digest },
    });
  } else {
    renderPlanPreview(deps, prepared);
    renderPlanOutcome(deps, outcome, extras);
    for (const l of written) deps.io.out.write(`${l}\n`);
  }
  return finish.exitCode;
}
