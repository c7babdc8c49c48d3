/**
 * kscli cancel-deletion as a plan for the plan runner (src/workflow/plan-runner/).
 */
import type { PlanModule } from '../descriptor.js';
import { CancelDeletionOptionsSchema } from './options.js';
import { cancelledNotEnabled, planCancelDeletion } from '../../workflow/cancel-deletion.js';
import type { PlanSpec } from '../../workflow/plan-runner/index.js';
import type { KeyFlags, KeySelectionOptions } from '../shared-flags.js';

export interface CancelDeletionOptions {
  storeId: string;
  selection: KeySelectionOptions;
  enable: boolean;
  /** the flags as given, journaled with the run */
  flags: KeyFlags;
}

export function cancelDeletionSpec(o: CancelDeletionOptions): PlanSpec {
  return {
    command: 'cancel-deletion',
    storeId: o.storeId,
    keyRefs: [...o.selection.include, ...o.selection.exclude],
    selection: { key: o.flags.key, excludeKey: o.flags.excludeKey, enable: o.enable },
    plan: (ctx, keys, journal) =>
      planCancelDeletion(ctx, keys, o.selection, {
        enable: o.enable,
        cancelledEarlier: cancelledNotEnabled(journal.entries()),
      }),
  };
}

/** What the cancel-deletion descriptor loads when it runs (src/commands/descriptor.ts). */
export const planModule: PlanModule<typeof CancelDeletionOptionsSchema> = {
  optionsSchema: CancelDeletionOptionsSchema,
  spec: async (_deps, o) => ({ spec: cancelDeletionSpec(o) }),
};
