/**
 * kscli backups: the report (read-only), and --delete as a plan for the plan runner.
 */
import type { PlanModule } from '../descriptor.js';
import { BackupDeletionOptionsSchema } from './options.js';
import type { Deps } from '../../deps.js';
import { ExitCode, KscliError } from '../../errors.js';
import { backupsReport, planBackupDeletion } from '../../workflow/backups.js';
import type { KeySeenEntry } from '../../workflow/journal.js';
import type { PlanSpec } from '../../workflow/plan-runner/index.js';
import { describeStore, journalFor, recordKeysSeen, scanStoreKeys } from '../../workflow/store-session.js';
import type { BackupsResult } from '../../workflow/results.js';
export type { BackupsResult };

export const notCloudHsm = (storeId: string) =>
  `${storeId} is an external key store: it has no cluster and no backups (KMS never holds external key material)`;

export async function runBackupsReport(deps: Deps, storeId: string): Promise<BackupsResult> {
  const store = await describeStore(deps, storeId);
  if (store.type !== 'AWS_CLOUDHSM') return { store, kind: 'not-cloudhsm', note: notCloudHsm(storeId) };
  const keys = await scanStoreKeys(deps, storeId);
  await recordKeysSeen(deps, storeId, 'backups', keys);
  let seen: KeySeenEntry[] = [];
  try {
    const id = await deps.identity();
    seen = journalFor(deps, id.account, id.arn, storeId, 'backups').keysSeen();
  } catch (err) {
    deps.debug(`journal not read: ${(err as Error).message}`);
  }
  return { store, kind: 'report', report: await backupsReport(deps.aws, store, keys, seen) };
}

export interface BackupDeletionOptions {
  storeId: string;
  force: boolean;
}

export function backupDeletionSpec(deps: Pick<Deps, 'aws'>, o: BackupDeletionOptions): PlanSpec {
  return {
    command: 'backups',
    storeId: o.storeId,
    plan: async (ctx, keys, journal) => {
      if (ctx.store.type !== 'AWS_CLOUDHSM') throw new KscliError(ExitCode.Blocked, notCloudHsm(o.storeId));
      const report = await backupsReport(deps.aws, ctx.store, keys, journal.keysSeen());
      return planBackupDeletion(ctx, report, keys.length, o.force);
    },
  };
}

/** What the backups descriptor loads for --delete (src/commands/descriptor.ts). */
export const planModule: PlanModule<typeof BackupDeletionOptionsSchema> = {
  optionsSchema: BackupDeletionOptionsSchema,
  spec: async (deps, o) => ({ spec: backupDeletionSpec(deps, o) }),
};
