/**
 * kscli apply FILE: carry out a reviewed plan (issue 9), or refuse with every reason and change
 * nothing. In order:
 *   1. the file: it parses, and its digest matches its content (else exit 2; no AWS call at all)
 *   2. the caller: --expected-account; then the plan's account, region and caller (principal), its
 *      age against --max-age, the kscli version that made it, and whether it is blocked (exit 3)
 *   3. the plan computed again, with the saved options, by the plan runner's first step (the same
 *      code as the command itself: not one mutating call), and compared with the saved plan: every
 *      observation it rests on and every line. Any difference: exit 3, one line each, nothing changed
 *   4. only the saved plan's apply items stay applicable (restrictToPlan): never a key it did not list
 *   5. the rest is a normal run of the command: the plan shown, the typed confirmation (or --yes),
 *      the lock, the journal (every line carries the plan's digest), per-call re-checks, SIGINT, and
 *      the command's own ending (delete-store: exit 8 with the next phase's date)
 */
import type { Deps } from '../../deps.js';
import { ExitCode, KscliError } from '../../errors.js';
import { writeJson } from '../../ui/json.js';
import {
  planDocumentJson,
  renderPlanOutcome,
  renderPlanPreview,
  stopNotice,
  type PlanOutcomeExtras,
} from '../../ui/render/plan-outcome.js';
import { kscliVersion } from '../../version.js';
import {
  admissionProblems,
  restrictToPlan,
  shortDigest,
  staleness,
  type PlanFile,
} from '../../workflow/plan-file/index.js';
import {
  applyPrepared,
  confirmPlan,
  guardPlan,
  outcomeOf,
  preparePlan,
  type PlanOutcome,
} from '../../workflow/plan-runner/index.js';
import { savedSpec } from './saved-specs.js';

export interface ApplyOptions {
  file: string;
  plan: PlanFile;
  maxAgeMs: number;
  allowOtherCaller: boolean;
}

/** Exit 3 with one line per reason; the JSON document says "refused" and lists them. */
function refuse(deps: Deps, o: ApplyOptions, account: string, what: string, reasons: string[]): number {
  const { plan } = o;
  deps.io.err.write(`kscli: refused: ${o.file} (${shortDigest(plan.digest)}) ${what}; nothing was changed:\n`);
  for (const r of reasons) deps.io.err.write(`  - ${r}\n`);
  deps.io.err.write('  make a new plan with --plan-out and have it reviewed again\n');
  if (deps.globals.output === 'json') {
    writeJson(deps.io.out, {
      command: plan.command,
      storeId: plan.storeId,
      account,
      region: deps.region,
      outcome: 'refused',
      reasons,
      planFile: { path: o.file, digest: plan.digest },
    });
  } else deps.io.out.write('refused: nothing was changed\n');
  return ExitCode.Blocked;
}

function render<D>(deps: Deps, o: ApplyOptions, outcome: PlanOutcome<D>, extras?: PlanOutcomeExtras<D>): void {
  if (deps.globals.output === 'json') {
    // the stop notices (blocked on a re-check, interrupted) go to stderr, as for the command itself
    for (const line of stopNotice(outcome)) deps.io.err.write(`${line}\n`);
    writeJson(deps.io.out, { ...planDocumentJson(outcome, extras), planFile: { path: o.file, digest: o.plan.digest } });
    return;
  }
  renderPlanOutcome(deps, outcome, extras);
}

export async function runApply(deps: Deps, o: ApplyOptions): Promise<number> {
  const { plan } = o;
  const id = await deps.identity();
  if (deps.globals.expectedAccount && deps.globals.expectedAccount !== id.account) {
    throw new KscliError(
      ExitCode.Blocked,
      `the credentials are for account ${id.account}, not the expected account ${deps.globals.expectedAccount}: nothing was done`,
      'check --profile / the environment, or fix --expected-account',
    );
  }
  const problems = admissionProblems(
    plan,
    { account: id.account, region: deps.region, callerArn: id.arn },
    deps.clock.now(),
    o,
  );
  if (plan.kscliVersion !== kscliVersion()) {
    problems.push(
      `the plan was made by kscli ${plan.kscliVersion}; this is kscli ${kscliVersion()}: plans are applied by the version that made them`,
    );
  }
  if (plan.options.storeId !== undefined && plan.options.storeId !== plan.storeId)
    problems.push(`the plan's options name store ${String(plan.options.storeId)}, not ${plan.storeId}`);
  if (problems.length) return refuse(deps, o, id.account, 'cannot be applied here and now', problems);

  // from here on, every journal line of this run names the plan
  deps.planDigest = plan.digest;
  const { spec, extras } = await savedSpec(deps, plan.command, plan.options);
  const say = (line: string) => deps.io.err.write(`${line}\n`);
  const planOnly = deps.globals.dryRun;
  const prepared = await preparePlan(deps, spec, { say }, { planOnly, yes: deps.globals.yes });
  if ('storeGone' in prepared)
    return refuse(deps, o, id.account, 'no longer matches AWS', [`store ${plan.storeId} no longer exists`]);

  const differences = await staleness(deps.aws, plan, {
    identity: prepared.identity,
    region: prepared.ctx.region,
    store: prepared.store,
    keys: prepared.keys,
    planned: prepared.planned as typeof prepared.planned & { phase?: string; nextRunAfter?: Date },
    verdicts: deps.recordedVerdicts(),
  });
  if (differences.length)
    return refuse(
      deps,
      o,
      id.account,
      `no longer matches AWS (${differences.length} difference(s) since ${plan.createdAt})`,
      differences,
    );

  prepared.planned.executables = restrictToPlan(prepared.planned.executables, plan);
  prepared.items = prepared.planned.executables.map((e: { item: (typeof prepared.items)[number] }) => e.item);
  if (deps.globals.output !== 'json')
    deps.io.out.write(
      `Applying saved plan ${o.file} (${plan.digest}), made ${plan.createdAt} by ${plan.callerArn}: unchanged in AWS\n`,
    );
  renderPlanPreview(deps, prepared);

  const decision = guardPlan(prepared, spec, { planOnly });
  if ('stop' in decision) {
    const outcome = outcomeOf(prepared, decision.stop);
    render(deps, o, outcome, extras);
    return decision.stop.exitCode;
  }
  const confirmation = await confirmPlan(deps, prepared, decision.mutating, { yes: deps.globals.yes });
  if (!confirmation.confirmed) {
    render(deps, o, outcomeOf(prepared, { outcome: 'cancelled', exitCode: ExitCode.Cancelled }), extras);
    throw confirmation.error;
  }
  const applied = await applyPrepared(deps, prepared, spec, decision.mutating, { say });
  const outcome = outcomeOf(prepared, applied.finish, applied.report, applied.error);
  render(deps, o, outcome, extras);
  if (applied.error !== undefined) throw applied.error;
  return applied.finish.exitCode;
}
