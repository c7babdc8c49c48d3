/**
 * The output of a plan made for review (`--plan-out FILE`, `--output markdown`;
 * src/commands/plan-out.ts). table: the plan, then where the file went and its digest; json: the
 * dry-run document plus "planFile": {"path", "digest"} (schemas/plan.json); markdown: the review
 * document on stdout (the file and the digest on stderr). Without a plan file (the subject is gone),
 * the outcome as a command run shows it.
 */
import type { Deps } from '../../deps.js';
import type { PlanFile } from '../../workflow/plan-file/document.js';
import type { PlanOutcome } from '../../workflow/plan-runner/types.js';
import { writeJson } from '../json.js';
import { renderPlanMarkdown } from '../markdown/plan-review.js';
import { nextStepFor } from '../next-step.js';
import { planWrittenLines } from './plan-file.js';
import {
  planDocumentJson,
  renderPlanOutcome,
  renderPlanPreview,
  stopNotice,
  type PlanOutcomeExtras,
} from './plan-outcome.js';

type RenderDeps = Pick<Deps, 'io' | 'globals' | 'style' | 'env' | 'region'> & Partial<Pick<Deps, 'clock'>>;

export function renderPlanOut<D>(
  deps: RenderDeps,
  outcome: PlanOutcome<D>,
  plan: PlanFile | undefined,
  path: string | undefined,
  extras?: PlanOutcomeExtras<D>,
): void {
  if (plan === undefined || outcome.prepared === undefined) {
    renderPlanOutcome(deps, outcome, extras);
    return;
  }
  const say = (line: string) => deps.io.err.write(`${line}\n`);
  const written =
    path !== undefined
      ? planWrittenLines(path, plan, nextStepFor(deps))
      : [`plan digest: ${plan.digest} (not saved: add --plan-out <file> to save it)`];
  if (deps.globals.output === 'markdown') {
    deps.io.out.write(renderPlanMarkdown(plan, { file: path, nextStep: nextStepFor(deps) }));
    for (const l of stopNotice(outcome)) say(l);
    for (const l of written) say(l);
  } else if (deps.globals.output === 'json') {
    for (const l of stopNotice(outcome)) say(l);
    writeJson(deps.io.out, {
      ...planDocumentJson(outcome, extras),
      planFile: { ...(path !== undefined ? { path } : {}), digest: plan.digest },
    });
  } else {
    renderPlanPreview(deps, outcome.prepared);
    renderPlanOutcome(deps, outcome, extras);
    for (const l of written) deps.io.out.write(`${l}\n`);
  }
}
