/**
 * Saved plans of any subject, from the plan runner's prepared plan: making the plan file
 * (`--plan-out`) and, on `kscli apply`, comparing the plan prepared now with the saved one. What a
 * plan rests on is its subject's business: the spec's observer (plan-runner/subject.ts) makes the
 * observations and names their differences; the plan's lines are compared here, for every subject.
 * Kept apart from the runner so that the runner stays one sequence and this stays one concept.
 */
import { ExitCode, KscliError } from '../../errors.js';
import type { Executable } from '../plan.js';
import type { ObserveDeps, SubjectObserver } from '../plan-runner/subject.js';
import type { PreparedPlan } from '../plan-runner/types.js';
import { planDocument, planFileItem } from './build.js';
import { compareItems } from './compare.js';
import type { PlanCommand, PlanFile, PlanSubject, SubjectObservations } from './document.js';

export interface SaveInputs {
  command: PlanCommand;
  /** the command's typed options (JSON values): `apply` plans again with exactly these */
  options: Record<string, unknown>;
  commandLine: string;
  kscliVersion: string;
  now: Date;
}

/** The prepared plan's observer; a subject without one cannot be saved (bad input, nothing changed). */
export function observerOf(prepared: PreparedPlan): SubjectObserver<unknown, SubjectObservations> {
  const { subject, observer } = prepared;
  if (!observer)
    throw new KscliError(
      ExitCode.BadInput,
      `${prepared.command} cannot save or apply a plan file: what a plan about ${subject.kind} ${subject.id} rests on is not modelled`,
      'run it without --plan-out / --output markdown (use --dry-run to review the plan)',
    );
  return observer as SubjectObserver<unknown, SubjectObservations>;
}

export function planSubjectOf(prepared: PreparedPlan): PlanSubject {
  const { kind, id, account, region, label } = prepared.subject;
  return { kind, id, account, region, label };
}

export async function planFileFrom(deps: ObserveDeps, prepared: PreparedPlan, i: SaveInputs): Promise<PlanFile> {
  const observations = await observerOf(prepared).observe(deps, prepared, i.options);
  return planDocument(
    { ...i, callerArn: prepared.identity.arn, subject: planSubjectOf(prepared) },
    prepared.planned,
    observations,
  );
}

/**
 * Every difference between the saved plan and the plan prepared now (empty: apply may go ahead):
 * the subject's own (its observer), then the plan lines those do not explain.
 */
export async function staleness(deps: ObserveDeps, saved: PlanFile, prepared: PreparedPlan): Promise<string[]> {
  const now = planSubjectOf(prepared);
  if (now.kind !== saved.subject.kind || now.id !== saved.subject.id)
    return [`the plan is for ${saved.subject.kind} ${saved.subject.id}, not ${now.kind} ${now.id}`];
  const observer = observerOf(prepared);
  const fresh = await observer.observe(deps, prepared, saved.options);
  const lines = observer.compare(saved.observations, fresh);
  const items = prepared.planned.executables.map((e) => planFileItem(e.item));
  return [...lines, ...compareItems(saved.items, items, lines)];
}

const itemKey = (target: string, action: string) => `${target}\u0000${action}`;

/**
 * The executables computed now, limited to the saved plan's apply items: an item the saved plan
 * does not list as "apply" is never acted on, whatever the planner says now (it is turned into a
 * skip line that says so). `staleness` refuses such a plan first; this is the second lock on the
 * same door, so that no code path can act on a key the reviewer did not see.
 */
export function restrictToPlan(executables: Executable[], saved: PlanFile): Executable[] {
  const allowed = new Set(saved.items.filter((i) => i.status === 'apply').map((i) => itemKey(i.target, i.action)));
  return executables.map((ex) =>
    ex.item.status !== 'apply' || allowed.has(itemKey(ex.item.target, ex.item.action))
      ? ex
      : {
          item: {
            ...ex.item,
            status: 'skip',
            reason: `not in the saved plan ${saved.digest.slice(0, 19)}…: not acted on`,
          },
          apply: async () => ({}),
        },
  );
}
