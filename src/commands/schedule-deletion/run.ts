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
import { planScheduleDeletion } from '../../workflow/schedule-deletion.js';
import { nextStepFor, type NextStep } from '../../ui/next-step.js';
import type { KeyFlags, KeySelectionOptions } from '../shared-flags.js';

export interface ScheduleDeletionOptions {
  storeId: string;
  selection: KeySelectionOptions;
  windowDays: number;
  allowDisconnected: boolean;
  evidence: EvidenceOptions;
  /** the flags as given, journaled with the run */
  flags: KeyFlags;
}

/** `next` builds the delete-store line printed at the end, with this run's global flags. */
export function scheduleDeletionSpec(port: EvidencePort, o: ScheduleDeletionOptions, next: NextStep): PlanSpec {
  return {
    command: 'schedule-deletion',
    storeId: o.storeId,
    keyRefs: [...o.selection.include, ...o.selection.exclude],
    selection: { key: o.flags.key, excludeKey: o.flags.excludeKey, windowDays: o.windowDays },
    plan: (ctx, keys) =>
      planScheduleDeletion(ctx, port, keys, o.selection, {
        windowDays: o.windowDays,
        allowDisconnected: o.allowDisconnected,
        evidence: o.evidence,
      }),
    finish: async (_planned, report, ctx, keysAtPlan) => {
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
        extra: { changedSincePlan: drift },
      };
    },
  };
}

/** What the schedule-deletion descriptor loads when it runs (src/commands/descriptor.ts). */
export const planModule: PlanModule<typeof ScheduleDeletionOptionsSchema> = {
  optionsSchema: ScheduleDeletionOptionsSchema,
  spec: async (deps, o) => ({ spec: scheduleDeletionSpec(await deps.evidence(), o, nextStepFor(deps)) }),
};
