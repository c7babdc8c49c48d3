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
import { planClockNow } from '../plan-clock.js';
import type { Deps } from '../../deps.js';
import { ExitCode } from '../../errors.js';
import { renderApplied, renderApplying, renderRefusal } from '../../ui/render/apply.js';
import { kscliVersion } from '../../version.js';
import { admissionProblems, restrictToPlan, staleness, type PlanFile } from '../../workflow/plan-file/index.js';
import { runPlan, subjectSpecOf, type Halted } from '../../workflow/plan-runner/index.js';
import { renderPlanPreview } from '../../ui/render/plan-outcome.js';
import { noticeWriter } from '../../ui/notice.js';
import { savedSpec } from './saved-specs.js';

export interface ApplyOptions {
  file: string;
  plan: PlanFile;
  maxAgeMs: number;
  allowOtherCaller: boolean;
}

export async function runApply(deps: Deps, o: ApplyOptions): Promise<number> {
  const { plan } = o;
  const refuse = (account: string, what: string, reasons: string[]): Halted => {
    renderRefusal(deps, { ...o, account, what, reasons });
    return { halted: ExitCode.Blocked };
  };
  let account = '';
  const { spec, extras } = await savedSpec(deps, plan.command, plan.options);
  // the saved options must make a plan about the saved subject (the digest binds both; this binds them together)
  const about = subjectSpecOf(spec).subject;
  const { subject } = plan;
  // the plan runner's one assembly: --expected-account, then the plan's admission (admit), the plan
  // computed again and compared with the saved one (onPrepared), then guard, confirm and apply
  const outcome = await runPlan(deps, spec, {
    say: noticeWriter(deps.io, deps.progress),
    admit: async (id) => {
      account = id.account;
      const problems = admissionProblems(
        plan,
        { account: id.account, region: deps.region, callerArn: id.arn },
        await planClockNow(deps),
        o,
      );
      if (plan.kscliVersion !== kscliVersion()) {
        problems.push(
          `the plan was made by kscli ${plan.kscliVersion}; this is kscli ${kscliVersion()}: plans are applied by the version that made them`,
        );
      }
      if (about.kind !== subject.kind || about.id !== subject.id)
        problems.push(`the plan's options name ${about.kind} ${about.id}, not ${subject.kind} ${subject.id}`);
      if (problems.length) return refuse(id.account, 'cannot be applied here and now', problems);
      // from here on, every journal line of this run names the plan
      deps.planDigest = plan.digest;
    },
    onGone: async () => refuse(account, 'no longer matches AWS', [`${subject.kind} ${subject.id} no longer exists`]),
    onPrepared: async (prepared) => {
      const differences = await staleness(deps, plan, prepared);
      if (differences.length)
        return refuse(
          account,
          `no longer matches AWS (${differences.length} difference(s) since ${plan.createdAt})`,
          differences,
        );
      // only the saved plan's apply items stay applicable: never a key it did not list
      prepared.planned.executables = restrictToPlan(prepared.planned.executables, plan);
      prepared.items = prepared.planned.executables.map((e) => e.item);
      renderApplying(deps, o);
    },
    onPlanned: (prepared) => renderPlanPreview(deps, prepared),
  });
  if ('halted' in outcome) return outcome.halted;
  renderApplied(deps, o, outcome, extras);
  if (outcome.error !== undefined) throw outcome.error;
  return outcome.finish.exitCode;
}
