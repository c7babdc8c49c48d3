/**
 * kscli schedule-deletion as a plan for the plan runner (src/workflow/plan-runner/); after the
 * apply, what changed in the store meanwhile and when the keys will be gone.
 */
import type { PlanModule } from '../descriptor.js';
import { ScheduleDeletionOptionsSchema } from './options.js';
import { ExitCode } from '../../errors.js';
import { keyDriftSince } from '../../workflow/drift.js';
import type { EvidenceOptions, EvidencePort } from '../../workflow/evidence-port.js';
import { nextRunAfter } from '../../workflow/inventory.js';
import type { PlanSpec } from '../../workflow/plan-runner/index.js';
import { planScheduleDeletion, SCHEDULE } from '../../workflow/schedule-deletion.js';
import { excludedLine, selectKeys } from '../../workflow/key-selection.js';
import type { PlannedStep } from '../../workflow/plan.js';
import { planTrialPhase, type TrialReport } from '../../workflow/trial/index.js';
import type { TrialFlagOptions } from '../trial-flags.js';
import { trialExtra, trialPendingFinish, trialPhaseOptions, trialStartedFinish } from '../trial-finish.js';
import { nextStepFor, type NextStep } from '../../ui/next-step.js';
import type { KeyFlags, KeySelectionOptions } from '../shared-flags.js';

export interface ScheduleDeletionOptions {
  storeId: string;
  selection: KeySelectionOptions;
  windowDays: number;
  allowDisconnected: boolean;
  evidence: EvidenceOptions;
  /** --trial-days, --allow-dynamodb-archive, --end-trial (issue 20); absent in older plan files */
  trial?: TrialFlagOptions;
  /** the flags as given, journaled with the run */
  flags: KeyFlags;
}

type SchedulePlanned = PlannedStep & { phase?: string; trials?: Map<string, TrialReport>; trialEnd?: Date };

/** `next` builds the delete-store line printed at the end, with this run's global flags. */
export function scheduleDeletionSpec(
  port: EvidencePort,
  o: ScheduleDeletionOptions,
  next: NextStep,
): PlanSpec<SchedulePlanned> {
  const trial = trialPhaseOptions(o.trial, o.evidence, async () => port);
  return {
    command: 'schedule-deletion',
    storeId: o.storeId,
    keyRefs: [...o.selection.include, ...o.selection.exclude],
    selection: { key: o.flags.key, excludeKey: o.flags.excludeKey, windowDays: o.windowDays },
    plan: async (ctx, keys): Promise<SchedulePlanned> => {
      // issue 20: disable first (--trial-days), or wait while a trial runs
      const sel = await selectKeys(ctx.aws, ctx.store.id, keys, o.selection.include, o.selection.exclude, SCHEDULE);
      const toSchedule = sel.selected.filter((k) => k.state !== 'PendingDeletion');
      const phase =
        sel.refused.length || !toSchedule.length ? undefined : await planTrialPhase(ctx, toSchedule, keys, trial);
      if (phase) {
        const noop = async () => ({});
        const excluded = sel.excluded.map((k) => ({ item: excludedLine(k, SCHEDULE), apply: noop }));
        return { ...phase, executables: [...phase.executables, ...excluded] };
      }
      return planScheduleDeletion(ctx, port, keys, o.selection, {
        windowDays: o.windowDays,
        allowDisconnected: o.allowDisconnected,
        evidence: o.evidence,
        endTrial: trial.endTrial,
      });
    },
    idle: (planned) =>
      planned.phase === 'trial-running' || planned.phase === 'trial-start'
        ? trialPendingFinish(o.storeId, planned.phase, planned.trials, planned.trialEnd, 'schedule-deletion', next)
        : { outcome: 'nothing-to-do', exitCode: ExitCode.Ok },
    finish: async (planned, report, ctx, keysAtPlan) => {
      if (planned.phase === 'trial-start')
        return trialStartedFinish(o.storeId, planned.phase, report, planned.trials, 'schedule-deletion', next);
      const drift = await keyDriftSince(ctx, keysAtPlan);
      for (const d of drift) ctx.say(d.note);
      const scheduled = report.results
        .filter((r) => r.outcome === 'done' && r.result?.deletionDate)
        .map((r) => ({ deletionDate: new Date(r.result!.deletionDate as string) }));
      const after = nextRunAfter(scheduled);
      return {
        outcome: 'done',
        exitCode: ExitCode.Ok,
        nextRunAfter: after,
        lines: after
          ? [`AWS deletes the keys by ${after.toISOString()}; then run:\n  ${next(['delete-store', o.storeId])}`]
          : [],
        extra: { changedSincePlan: drift, ...trialExtra(o.storeId, planned, next) },
      };
    },
  };
}

/** What the schedule-deletion descriptor loads when it runs (src/commands/descriptor.ts). */
export const planModule: PlanModule<typeof ScheduleDeletionOptionsSchema> = {
  optionsSchema: ScheduleDeletionOptionsSchema,
  spec: async (deps, o) => ({ spec: scheduleDeletionSpec(await deps.evidence(), o, nextStepFor(deps)) }),
};
