/**
 * kscli disconnect-store as a plan for the plan runner (src/workflow/plan-runner/).
 */
import type { PlanModule } from '../descriptor.js';
import { DisconnectStoreOptionsSchema } from './options.js';
import type { Deps } from '../../deps.js';
import { disconnectWaitProgress } from '../../ui/wait-progress.js';
import { planDisconnectStore } from '../../workflow/disconnect-store.js';
import type { PlanSpec } from '../../workflow/plan-runner/index.js';

export interface DisconnectStoreOptions {
  storeId: string;
  waitTimeoutMs: number;
  force: boolean;
  allowOrphanedMaterial: boolean;
}

export function disconnectStoreSpec(deps: Pick<Deps, 'progress'>, o: DisconnectStoreOptions): PlanSpec {
  return {
    command: 'disconnect-store',
    storeId: o.storeId,
    plan: (ctx, keys) =>
      planDisconnectStore(ctx, keys, {
        force: o.force,
        allowOrphanedMaterial: o.allowOrphanedMaterial,
        waitTimeoutMs: o.waitTimeoutMs,
        onWait: disconnectWaitProgress(deps.progress),
      }),
  };
}

/** What the disconnect-store descriptor loads when it runs (src/commands/descriptor.ts). */
export const planModule: PlanModule<typeof DisconnectStoreOptionsSchema> = {
  optionsSchema: DisconnectStoreOptionsSchema,
  spec: async (deps, o) => ({ spec: disconnectStoreSpec(deps, o) }),
};
