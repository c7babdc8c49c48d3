/**
 * The output of `kscli apply FILE` (src/commands/apply/run.ts): a refusal (stderr: one line per
 * reason; JSON: the "refused" document of schemas/apply.json), or the command's own outcome plus "planFile": {"path", "digest"}.
 */
import type { Deps } from '../../deps.js';
import { shortDigest } from '../../workflow/plan-file/seal.js';
import type { PlanFile } from '../../workflow/plan-file/document.js';
import type { PlanOutcome } from '../../workflow/plan-runner/types.js';
import { writeJson } from '../json.js';
import { planDocumentJson, renderPlanOutcome, stopNotice, type PlanOutcomeExtras } from './plan-outcome.js';

type RenderDeps = Pick<Deps, 'io' | 'globals' | 'style' | 'region'> & Partial<Pick<Deps, 'clock'>>;

export interface Refusal {
  file: string;
  plan: PlanFile;
  account: string;
  /** what is wrong with the plan, e.g. "no longer matches AWS (2 difference(s) since ...)" */
  what: string;
  reasons: string[];
}

/** Exit 3 with one line per reason; the JSON document says "refused" and lists them. */
export function renderRefusal(deps: RenderDeps, r: Refusal): void {
  const { plan } = r;
  deps.io.err.write(`kscli: refused: ${r.file} (${shortDigest(plan.digest)}) ${r.what}; nothing was changed:\n`);
  for (const reason of r.reasons) deps.io.err.write(`  - ${reason}\n`);
  deps.io.err.write('  make a new plan with --plan-out and have it reviewed again\n');
  if (deps.globals.output === 'json') {
    writeJson(deps.io.out, {
      command: plan.command,
      ...(plan.storeId !== undefined ? { storeId: plan.storeId } : {}),
      subject: { kind: plan.subject.kind, id: plan.subject.id },
      account: r.account,
      region: deps.region,
      outcome: 'refused',
      reasons: r.reasons,
      planFile: { path: r.file, digest: plan.digest },
    });
  } else deps.io.out.write('refused: nothing was changed\n');
}

/** The saved plan still fits AWS: said once before its plan is shown (not in a JSON document). */
export function renderApplying(deps: RenderDeps, o: { file: string; plan: PlanFile }): void {
  if (deps.globals.output === 'json') return;
  const { plan } = o;
  deps.io.out.write(
    `Applying saved plan ${o.file} (${plan.digest}), made ${plan.createdAt} by ${plan.callerArn}: unchanged in AWS\n`,
  );
}

export function renderApplied<D>(
  deps: RenderDeps,
  o: { file: string; plan: PlanFile },
  outcome: PlanOutcome<D>,
  extras?: PlanOutcomeExtras<D>,
): void {
  if (deps.globals.output === 'json') {
    // the stop notices (blocked on a re-check, interrupted) go to stderr, as for the command itself
    for (const line of stopNotice(outcome)) deps.io.err.write(`${line}\n`);
    writeJson(deps.io.out, { ...planDocumentJson(outcome, extras), planFile: { path: o.file, digest: o.plan.digest } });
    return;
  }
  renderPlanOutcome(deps, outcome, extras);
}
