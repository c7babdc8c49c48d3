/**
 * kscli disable-keys as a plan for the plan runner: the trial's lines (src/workflow/trial/plan.ts),
 * and how the run ends (the trial's end, the rollback command).
 */
import { ExitCode } from '../../errors.js';
import type { PlanModule } from '../descriptor.js';
import { DisableKeysOptionsSchema } from './options.js';
import type { PlanSpec } from '../../workflow/plan-runner/index.js';
import { planDisableKeys, rollbackCommand, trialJson, type TrialPlanned } from '../../workflow/trial/index.js';
import type { KeyFlags, KeySelectionOptions } from '../shared-flags.js';
import { trialStartedFinish } from '../trial-finish.js';
import type { NextStep } from '../../ui/next-step.js';
import type { EvidencePort } from '../../workflow/evidence-port.js';
import type { TrialUsageOptions } from './options.js';

export interface DisableKeysOptions {
  storeId: string;
  selection: KeySelectionOptions;
  days: number;
  allowDynamoDbArchive: boolean;
  /** absent in older plan files: no --allow-in-use */
  usage?: TrialUsageOptions;
  alarm: boolean;
  snsTopicArn?: string;
  logGroup?: string;
  flags: KeyFlags;
}

/**
 * `step`: the run's next-step line (Deps.nextStep): the rollback and delete-store commands paste as
 * printed. `port`: the evidence module, for the in-use gate.
 */
export function disableKeysSpec(
  o: DisableKeysOptions,
  step: NextStep,
  port: () => Promise<EvidencePort>,
): PlanSpec<TrialPlanned> {
  return {
    command: 'disable-keys',
    storeId: o.storeId,
    keyRefs: [...o.selection.include, ...o.selection.exclude],
    selection: { key: o.flags.key, excludeKey: o.flags.excludeKey, trialDays: o.days },
    plan: (ctx, keys) =>
      planDisableKeys(ctx, keys, o.selection, {
        days: o.days,
        allowDynamoDbArchive: o.allowDynamoDbArchive,
        usage: {
          port,
          evidence: { ...(o.usage ?? { allowInUse: false }), ...(o.logGroup ? { logGroup: o.logGroup } : {}) },
        },
        alarm: o.alarm,
        ...(o.snsTopicArn ? { snsTopicArn: o.snsTopicArn } : {}),
        ...(o.logGroup ? { logGroup: o.logGroup } : {}),
      }),
    idle: (planned) => {
      const trial = trialJson(o.storeId, planned.trials, step);
      return {
        outcome: 'nothing-to-do',
        exitCode: ExitCode.Ok,
        lines: trial ? [`keys in a trial until ${trial.end}; roll back: ${rollbackCommand(o.storeId, step)}`] : [],
        extra: trial ? { trial } : {},
      };
    },
    finish: async (planned, report) => {
      const f = trialStartedFinish(o.storeId, 'trial-start', report, planned.trials, 'delete-store', step);
      // disable-keys ends here: the trial runs; delete-store or schedule-deletion picks it up
      return {
        outcome: 'done',
        exitCode: ExitCode.Ok,
        ...(f.nextRunAfter ? { nextRunAfter: f.nextRunAfter } : {}),
        lines: [
          `trial started: ${report.results.filter((r) => r.outcome === 'done' && r.item.action === 'DisableKey').length} key(s) disabled until ${f.nextRunAfter?.toISOString() ?? '?'}; after that date "${step(['delete-store', o.storeId])}" (or schedule-deletion) schedules them if nobody failed; roll back: ${rollbackCommand(o.storeId, step)}`,
        ],
        extra: f.extra?.trial ? { trial: f.extra.trial } : {},
      };
    },
  };
}

/** What the disable-keys descriptor loads when it runs (src/commands/descriptor.ts). */
export const planModule: PlanModule<typeof DisableKeysOptionsSchema> = {
  optionsSchema: DisableKeysOptionsSchema,
  spec: async (deps, o) => ({
    spec: disableKeysSpec(
      o,
      (args) => deps.nextStep(args),
      () => deps.evidence(),
    ),
  }),
};
