/**
 * For `kscli apply FILE`: the plan runner spec of each command that writes plans, built from the
 * typed options the plan file saved (the same functions the commands themselves call, so the plan
 * computed on apply is computed exactly as the saved one was).
 */
import type { Deps } from '../../deps.js';
import type { PlanOutcomeExtras } from '../../ui/render/plan-outcome.js';
import { deleteStoreExtras } from '../../ui/render/delete-store.js';
import type { PlanCommand } from '../../workflow/plan-file/index.js';
import type { PlanSpec } from '../../workflow/plan-runner/index.js';
import { alarmSpec, type AlarmOptions } from '../alarm/run.js';
import { backupDeletionSpec, type BackupDeletionOptions } from '../backups/run.js';
import { cancelDeletionSpec, type CancelDeletionOptions } from '../cancel-deletion/run.js';
import { deleteStoreSpec, type DeleteStoreOptions } from '../delete-store/run.js';
import { disconnectStoreSpec, type DisconnectStoreOptions } from '../disconnect-store/run.js';
import { scheduleDeletionSpec, type ScheduleDeletionOptions } from '../schedule-deletion/run.js';
import { disableKeysSpec, type DisableKeysOptions } from '../disable-keys/run.js';
import { enableKeysSpec, type EnableKeysOptions } from '../enable-keys/run.js';

export interface SavedSpec {
  spec: PlanSpec<any, any>;
  extras?: PlanOutcomeExtras<any>;
}

type Options = Record<string, unknown>;

const SPECS: Record<PlanCommand, (deps: Deps, o: Options) => Promise<SavedSpec>> = {
  alarm: async (_deps, o) => ({ spec: await alarmSpec(o as unknown as AlarmOptions) }),
  'schedule-deletion': async (deps, o) => ({
    spec: scheduleDeletionSpec(await deps.evidence(), o as unknown as ScheduleDeletionOptions),
  }),
  'cancel-deletion': async (_deps, o) => ({ spec: cancelDeletionSpec(o as unknown as CancelDeletionOptions) }),
  'disconnect-store': async (deps, o) => ({ spec: disconnectStoreSpec(deps, o as unknown as DisconnectStoreOptions) }),
  'delete-store': async (deps, o) => ({
    spec: deleteStoreSpec(deps, o as unknown as DeleteStoreOptions),
    extras: deleteStoreExtras,
  }),
  backups: async (deps, o) => ({ spec: backupDeletionSpec(deps, o as unknown as BackupDeletionOptions) }),
  'disable-keys': async (_deps, o) => ({ spec: disableKeysSpec(o as unknown as DisableKeysOptions) }),
  'enable-keys': async (_deps, o) => ({ spec: enableKeysSpec(o as unknown as EnableKeysOptions) }),
};

export function savedSpec(deps: Deps, command: PlanCommand, options: Options): Promise<SavedSpec> {
  return SPECS[command](deps, options);
}
