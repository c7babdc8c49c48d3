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
import { journalFor, recordKeysSeen, scanStoreKeys } from '../../workflow/store-session.js';
import { enabledRegions } from '../../workflow/enabled-regions.js';
import { deletedPhrase } from '../../workflow/deleted-store.js';
import { storeOrRecord } from '../../workflow/store-or-record.js';
import { storeSubjectSpec, type StoreFacts } from '../../workflow/plan-runner/store-subject.js';
import type { SubjectPlanSpec } from '../../workflow/plan-runner/types.js';
import type { PlannedStep } from '../../workflow/plan.js';
import type { BackupsResult } from '../../workflow/results.js';
export type { BackupsResult };

export const notCloudHsm = (storeId: string) =>
  `${storeId} is an external key store: it has no cluster and no backups (KMS never holds external key material)`;

export async function runBackupsReport(deps: Deps, storeId: string, cluster?: string): Promise<BackupsResult> {
  const { store, deleted } = await storeOrRecord(deps, storeId, 'backups', cluster);
  if (store.type !== 'AWS_CLOUDHSM') return { store, kind: 'not-cloudhsm', note: notCloudHsm(storeId) };
  const regions = enabledRegions(deps.aws);
  if (deleted) {
    // the store is gone: its records say which cluster(s) and keys (journal, CloudTrail, --cluster)
    if (!store.clusterId) throw noCluster(storeId, deletedPhrase(deleted));
    const report = await backupsReport(deps.aws, store, [], deleted.keys, { clusterIds: deleted.clusterIds, regions });
    return { store, kind: 'report', report, deleted };
  }
  const keys = await scanStoreKeys(deps, storeId);
  await recordKeysSeen(deps, storeId, 'backups', keys);
  let seen: KeySeenEntry[] = [];
  try {
    const id = await deps.identity();
    seen = journalFor(deps, id.account, id.arn, storeId, 'backups').keysSeen();
  } catch (err) {
    deps.debug(`journal not read: ${(err as Error).message}`);
  }
  return { store, kind: 'report', report: await backupsReport(deps.aws, store, keys, seen, { regions }) };
}

const noCluster = (storeId: string, phrase: string) =>
  new KscliError(
    ExitCode.Blocked,
    `store ${storeId} ${phrase}, and no record names its cluster`,
    'name it: --cluster cluster-… (DescribeClusters lists the clusters of the Region)',
  );

export interface BackupDeletionOptions {
  storeId: string;
  force: boolean;
  /** --cluster: the cluster of a deleted store whose records do not name it */
  cluster?: string;
}

export function backupDeletionSpec(
  deps: Pick<Deps, 'aws'>,
  o: BackupDeletionOptions,
  deleted?: { clusterIds: string[]; keys: KeySeenEntry[] },
): PlanSpec {
  return {
    command: 'backups',
    storeId: o.storeId,
    plan: async (ctx, keys, journal) => {
      if (ctx.store.type !== 'AWS_CLOUDHSM') throw new KscliError(ExitCode.Blocked, notCloudHsm(o.storeId));
      const seen = [...journal.keysSeen(), ...(deleted?.keys ?? [])];
      const report = await backupsReport(deps.aws, ctx.store, keys, seen, {
        clusterIds: deleted?.clusterIds,
        regions: enabledRegions(deps.aws),
      });
      return planBackupDeletion(ctx, report, keys.length, o.force);
    },
  };
}

/**
 * --delete as a plan whose subject is the store, also once the store is gone: reading it falls
 * back on its records (journal, CloudTrail, --cluster), and a deleted store has no keys to scan.
 * The lock, the journal and the typed confirmation stay keyed on the store ID.
 */
export function backupDeletionSubjectSpec(
  deps: Deps,
  o: BackupDeletionOptions,
): SubjectPlanSpec<PlannedStep, undefined, StoreFacts> {
  let gone: { clusterIds: string[]; keys: KeySeenEntry[] } | undefined;
  const deleted = { clusterIds: [] as string[], keys: [] as KeySeenEntry[] };
  const base = storeSubjectSpec(backupDeletionSpec(deps, o, deleted));
  return {
    ...base,
    async read(d, ctx, where) {
      const { store, deleted: record } = await storeOrRecord(deps, o.storeId, 'backups', o.cluster);
      if (!record) return base.read(d, ctx, where);
      if (!store.clusterId) throw noCluster(o.storeId, deletedPhrase(record));
      gone = record;
      deleted.clusterIds.push(...record.clusterIds);
      deleted.keys.push(...record.keys);
      const facts = { store, keys: [] };
      return { label: `deleted: ${deletedPhrase(record)}`, promptName: '(deleted)', facts, store: facts };
    },
    scan: (d, read, journal) => (gone ? Promise.resolve(read) : base.scan!(d, read, journal)),
  };
}

/** What the backups descriptor loads for --delete (src/commands/descriptor.ts). */
export const planModule: PlanModule<typeof BackupDeletionOptionsSchema> = {
  optionsSchema: BackupDeletionOptionsSchema,
  spec: async (deps, o) => ({ spec: backupDeletionSubjectSpec(deps, o) }),
};
