/**
 * kscli enable-keys as a plan for the plan runner (src/workflow/trial/plan.ts).
 */
import { ExitCode } from '../../errors.js';
import type { PlanModule } from '../descriptor.js';
import { EnableKeysOptionsSchema } from './options.js';
import type { PlanSpec } from '../../workflow/plan-runner/index.js';
import { planEnableKeys, trialJson, type TrialPlanned } from '../../workflow/trial/index.js';
import type { KeyFlags, KeySelectionOptions } from '../shared-flags.js';
import type { NextStep } from '../../ui/next-step.js';

export interface EnableKeysOptions {
  storeId: string;
  selection: KeySelectionOptions;
  flags: KeyFlags;
}

/** `step`: the run's next-step line (Deps.nextStep): the rollback command in the JSON pastes as printed. */
export function enableKeysSpec(o: EnableKeysOptions, step: NextStep): PlanSpec<TrialPlanned> {
  return {
    command: 'enable-keys',
    storeId: o.storeId,
    keyRefs: [...o.selection.include, ...o.selection.exclude],
    selection: { key: o.flags.key, excludeKey: o.flags.excludeKey },
    plan: (ctx, keys) => planEnableKeys(ctx, keys, o.selection),
    finish: async (planned, report) => {
      const n = report.results.filter((r) => r.outcome === 'done' && r.item.action === 'EnableKey').length;
      const trial = trialJson(o.storeId, planned.trials, step);
      return {
        outcome: 'done',
        exitCode: ExitCode.Ok,
        lines: [`${n} key(s) enabled again`],
        extra: trial ? { trial } : {},
      };
    },
  };
}

/** What the enable-keys descriptor loads when it runs (src/commands/descriptor.ts). */
export const planModule: PlanModule<typeof EnableKeysOptionsSchema> = {
  optionsSchema: EnableKeysOptionsSchema,
  spec: async (deps, o) => ({ spec: enableKeysSpec(o, (args) => deps.nextStep(args)) }),
};
