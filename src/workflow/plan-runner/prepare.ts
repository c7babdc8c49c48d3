/**
 * Step 1 of the plan runner: everything up to the plan, and not one mutating call.
 *   identity (STS) -> --expected-account (mismatch: exit 3, nothing happens) -> hooks.admit (a saved
 *   plan's admission) -> key ARNs of another account refused (exit 2) -> the subject (not found:
 *   exit 3, or the command's notFound) -> the journal is writable (else exit 2; a dry run only
 *   warns) -> what the plan rests on (a store: its keys) -> the plan.
 */
import type { StoreInfo } from '../../aws/ports.js';
import type { Deps } from '../../deps.js';
import { ExitCode, KscliError } from '../../errors.js';
import type { SubjectContext } from '../context.js';
import type { PlannedStep } from '../plan.js';
import { journalFor } from '../store-session.js';
import { checkKeyRefAccount } from '../../input/validate.js';
import { checkExpectedAccount } from './account-guard.js';
import { isStoreSpec, storeSubjectSpec } from './store-subject.js';
import type { Subject, SubjectKind } from './subject.js';
import type {
  AnyPlanSpec,
  Finish,
  Halted,
  InterruptFlag,
  PlanOutcome,
  PreparedPlan,
  RunPlanHooks,
  RunPlanOptions,
  SubjectPlanSpec,
} from './types.js';

/** The subject was not found and the command says what that means (e.g. delete-store: already deleted). */
export interface SubjectGone<D> {
  subjectGone: PlanOutcome<D>;
}

/**
 * The spec in its one shape: a store command's spec is adapted (./store-subject.ts). The facts are
 * only ever handed back to the spec that read them, so the runner itself treats them as unknown.
 */
export function subjectSpecOf<P extends PlannedStep, D, R>(spec: AnyPlanSpec<P, D, R>): SubjectPlanSpec<P, D, unknown> {
  return isStoreSpec(spec) ? storeSubjectSpec(spec) : spec;
}

export async function preparePlan<P extends PlannedStep, D, R>(
  deps: Deps,
  spec: SubjectPlanSpec<P, D, R>,
  hooks: RunPlanHooks<D>,
  opts: RunPlanOptions,
): Promise<PreparedPlan<P, R> | SubjectGone<D> | Halted> {
  const id = await deps.identity();
  checkExpectedAccount(deps.globals.expectedAccount, id.account);
  const halted = await hooks.admit?.(id);
  if (halted) return halted;
  for (const ref of spec.keyRefs ?? []) checkKeyRefAccount(ref, id.account);
  const where = { account: id.account, region: deps.region };
  const journal = journalFor(deps, id.account, id.arn, spec.subject.id, spec.command);
  const interrupt: InterruptFlag = { requested: false };
  const ctx: SubjectContext = {
    aws: deps.aws,
    clock: deps.clock,
    region: deps.region,
    say: hooks.say,
    nextStep: (args) => deps.nextStep(args),
    interrupted: () => interrupt.requested,
  };

  let read;
  try {
    read = await spec.read(deps, ctx, where);
  } catch (err) {
    const f: Finish<D> | undefined =
      err instanceof KscliError && err.exitCode === ExitCode.Blocked ? spec.notFound?.(journal, where) : undefined;
    if (!f) throw err;
    return {
      subjectGone: {
        command: spec.command,
        subject: missingSubject(spec.subject.kind, spec.subject.id, where),
        account: id.account,
        region: deps.region,
        planned: { warnings: [], overrides: [], executables: [] },
        finish: f,
        narrowable: spec.keyRefs !== undefined,
      },
    };
  }
  // a journal that cannot be written is found now, before anything changes (dry runs only warn)
  try {
    journal.ensureWritable();
  } catch (err) {
    if (!opts.planOnly) throw err;
    hooks.say(`warning: ${(err as Error).message}`);
  }
  if (spec.scan) read = await spec.scan(deps, read, journal);

  const shown = deps.assessProgress('examining key usage');
  ctx.scanProgress = shown.onKeys;
  ctx.queryProgress = shown.onQuery;
  // Ctrl-C while planning: the evidence step stops its Logs Insights queries (StopQuery), exit 130
  const planAbort = new AbortController();
  ctx.signal = planAbort.signal;
  const offPlanInterrupt = deps.system.onInterrupt(() => planAbort.abort());
  let planned: P;
  try {
    planned = await spec.plan(ctx, read.facts, journal);
  } finally {
    offPlanInterrupt();
    shown.stop();
  }
  const subject: Subject =
    spec.subject.kind === 'store' && read.store
      ? { kind: 'store', id: spec.subject.id, ...where, label: read.label, ...read.store }
      : { kind: otherKind(spec.subject.kind), id: spec.subject.id, ...where, label: read.label };
  return {
    command: spec.command,
    identity: id,
    subject,
    promptName: read.promptName,
    facts: read.facts,
    journal,
    ctx,
    planned,
    items: planned.executables.map((e) => e.item),
    narrowable: spec.keyRefs !== undefined,
    selection: spec.selection,
    interrupt,
    ...(spec.observer ? { observer: spec.observer } : {}),
  };
}

/** A store subject must come with its store (store-subject.ts): any other read is a subject of another kind. */
function otherKind(kind: SubjectKind): Exclude<SubjectKind, 'store'> {
  if (kind === 'store') throw new Error('a store subject was read without its store (use storeSubjectSpec)');
  return kind;
}

/** A subject that no longer exists, as the outcome shows it (only its ID is known). */
function missingSubject(kind: SubjectKind, id: string, where: { account: string; region: string }): Subject {
  if (kind !== 'store') return { kind, id, ...where, label: '' };
  const store: StoreInfo = {
    id,
    name: '',
    type: 'AWS_CLOUDHSM',
    connectionState: 'DISCONNECTED',
    creationDate: new Date(0),
  };
  return { kind, id, ...where, label: '', store, keys: [] };
}
