/**
 * Cluster backups that may still hold a CloudHSM store's key material (aws-facts 7, "Which backups
 * hold a key's material"). KMS never deletes key material from backups; every backup holds a copy
 * of every key and user of the HSMs. At risk:
 *   - backups of the store's cluster and of every key's cluster (the store may have been moved to a
 *     related cluster with UpdateCustomKeyStore),
 *   - backups of clusters created from those backups (Cluster.SourceBackupId),
 * taken on or after the earliest creation date of a key of the store that kscli knows of (live keys,
 * and the journal's key-seen records, which outlive the keys), else the store's creation date.
 *   - cross-Region copies of those (CopyBackupToRegion): found by their source, DescribeBackups with
 *     the `sourceBackupIds` filter in every other enabled Region (a store lives in one Region only,
 *     so "run it with --region" could never find them), copies of copies too,
 * Deleting: only READY backups can be deleted; they stay PENDING_DELETION (restorable) for 7 days.
 */
import type { AwsPorts, BackupInfo, KeyInfo, StoreInfo } from '../aws/ports.js';
import type { KeySeenEntry } from './journal.js';
import type { StepContext } from './context.js';
import type { PlannedStep, Executable, PlanItem } from './plan.js';
import { readBack } from './readback.js';

export const DELETE_BACKUP = 'DeleteBackup';

export interface BackupLine {
  backup: BackupInfo;
  atRisk: boolean;
  reason: string;
}

export interface BackupsReport {
  /** the run's Region (each backup's own, when it is a copy elsewhere: BackupInfo.region) */
  region: string;
  clusterIds: string[];
  since: Date;
  /** where `since` comes from */
  sinceSource: 'journal' | 'keys' | 'store-creation';
  lines: BackupLine[];
  warnings: string[];
  /** the other Regions searched for cross-Region copies (undefined: not searched) */
  copyRegions?: string[];
}

export interface BackupsReportOptions {
  /** clusters known besides the store's and the keys' (a deleted store's records, --cluster) */
  clusterIds?: string[];
  /** the account's enabled Regions, to search for cross-Region copies; absent: not searched */
  regions?: () => Promise<string[]>;
}

export function earliestKeyDate(
  store: StoreInfo,
  liveKeys: KeyInfo[],
  seen: KeySeenEntry[],
): { since: Date; source: BackupsReport['sinceSource'] } {
  let since: Date | undefined;
  let source: BackupsReport['sinceSource'] = 'store-creation';
  for (const s of seen) {
    if (s.storeId && s.storeId !== store.id) continue;
    const d = new Date(s.creationDate);
    if (!Number.isNaN(d.getTime()) && (!since || d < since)) {
      since = d;
      source = 'journal';
    }
  }
  for (const k of liveKeys) {
    if (!since || k.creationDate < since) {
      since = k.creationDate;
      source = 'keys';
    }
  }
  return since ? { since, source } : { since: store.creationDate, source: 'store-creation' };
}

export async function backupsReport(
  aws: AwsPorts,
  store: StoreInfo,
  liveKeys: KeyInfo[],
  seen: KeySeenEntry[],
  opts: BackupsReportOptions = {},
): Promise<BackupsReport> {
  const hsm = aws.cloudhsm();
  const clusters = new Set<string>(opts.clusterIds ?? []);
  if (store.clusterId) clusters.add(store.clusterId);
  for (const k of liveKeys) if (k.cloudHsmClusterId) clusters.add(k.cloudHsmClusterId);
  for (const s of seen) if ((!s.storeId || s.storeId === store.id) && s.clusterId) clusters.add(s.clusterId);

  const backups = new Map<string, BackupInfo>();
  // clusters created from a backup share its history: follow them until no new cluster appears
  let frontier = [...clusters];
  for (let round = 0; frontier.length && round < 10; round++) {
    const found = await hsm.describeBackups(frontier);
    const fresh = found.filter((b) => !backups.has(b.backupId));
    for (const b of fresh) backups.set(b.backupId, b);
    const derived = fresh.length ? await hsm.describeClustersFromBackups(fresh.map((b) => b.backupId)) : [];
    frontier = derived.map((c) => c.clusterId).filter((id) => !clusters.has(id));
    for (const id of frontier) clusters.add(id);
  }
  const copySearch = opts.regions ? await findCopies(aws, [...backups.values()], opts.regions) : undefined;
  for (const c of copySearch?.copies ?? []) backups.set(c.backupId, c);
  const { since, source } = earliestKeyDate(store, liveKeys, seen);
  const lines: BackupLine[] = [...backups.values()]
    .sort((a, b) => (a.createTimestamp?.getTime() ?? 0) - (b.createTimestamp?.getTime() ?? 0))
    .map((backup) => {
      const created = backup.createTimestamp;
      const copy = backup.region
        ? `; a copy in ${backup.region} of ${backup.sourceBackup ?? '?'} (${backup.sourceRegion ?? '?'})`
        : '';
      if (created && created < since)
        return {
          backup,
          atRisk: false,
          reason: `taken before ${since.toISOString()}, the first key's creation: cannot hold the store's keys${copy}`,
        };
      return {
        backup,
        atRisk: true,
        reason: `taken ${created ? created.toISOString() : 'at an unknown time'}, on or after the first key's creation: may hold key material${copy}`,
      };
    });
  const warnings = ['Deleting a backup also removes every other key and user it holds.'];
  if (!copySearch) warnings.push('Cross-Region copies of these backups were not searched.');
  else warnings.push(...copySearch.gaps);
  if (source === 'store-creation')
    warnings.push(
      'No key creation date is known (no live keys, no journal): backups are judged from the store creation date.',
    );
  return {
    region: aws.region,
    clusterIds: [...clusters],
    since,
    sinceSource: source,
    lines,
    warnings,
    ...(copySearch ? { copyRegions: copySearch.regions } : {}),
  };
}

const COPY_CONCURRENCY = 6;

/**
 * Cross-Region copies of `backups` (and copies of those copies), in every Region `regions` lists
 * besides the run's. A Region that cannot be read is a gap, named in the report: a copy there
 * would hold the key material all the same.
 */
async function findCopies(
  aws: AwsPorts,
  backups: BackupInfo[],
  regions: () => Promise<string[]>,
): Promise<{ copies: BackupInfo[]; regions: string[]; gaps: string[] }> {
  let others: string[];
  try {
    others = (await regions()).filter((r) => r !== aws.region).sort();
  } catch (err) {
    return {
      copies: [],
      regions: [],
      gaps: [
        `Cross-Region copies were not searched: the enabled Regions could not be read (${(err as Error).message.split('\n')[0]}).`,
      ],
    };
  }
  const copies = new Map<string, BackupInfo>();
  const gaps = new Map<string, string>();
  let frontier = backups.map((b) => b.backupId);
  for (let round = 0; frontier.length && round < 5; round++) {
    const fresh: BackupInfo[] = [];
    const queue = [...others];
    await Promise.all(
      Array.from({ length: Math.min(COPY_CONCURRENCY, queue.length) }, async () => {
        for (let region = queue.shift(); region !== undefined; region = queue.shift()) {
          if (gaps.has(region)) continue;
          try {
            for (const c of await aws.cloudhsm(region).describeBackupCopies(frontier))
              if (!copies.has(c.backupId)) fresh.push({ ...c, region });
          } catch (err) {
            const e = err as { code?: string; message?: string };
            gaps.set(region, e.code ?? (e.message ?? String(err)).split('\n')[0]!);
          }
        }
      }),
    );
    for (const c of fresh) copies.set(c.backupId, c);
    frontier = fresh.map((c) => c.backupId);
  }
  return {
    copies: [...copies.values()],
    regions: others,
    gaps: [...gaps].map(
      ([region, why]) =>
        `${region} could not be read for cross-Region copies (${why}): a copy there would hold the key material too.`,
    ),
  };
}

/**
 * What delete-store says once the store is gone: the backups that may still hold its key material
 * and the exact command that deletes them (`backups` works after the store is gone, from the
 * journal and CloudTrail). None left: nothing to say.
 */
export function backupsNextStep(report: BackupsReport, storeId: string, next: (args: string[]) => string): string[] {
  const left = report.lines.filter(
    (l) => l.atRisk && (l.backup.state === 'READY' || l.backup.state === 'CREATE_IN_PROGRESS'),
  );
  if (left.length === 0) return [];
  const copies = left.filter((l) => l.backup.region).length;
  return [
    `${left.length} backup(s)${copies ? ` (${copies} cross-Region cop${copies === 1 ? 'y' : 'ies'})` : ''} may still hold the store's key material (KMS never deletes it from backups): ${left.map((l) => l.backup.backupId).join(', ')}. Delete them with:\n  ${next(['backups', storeId, '--delete'])}`,
  ];
}

/**
 * Preconditions of one DeleteBackup. While the store still holds keys, the backups are the recovery
 * copies of live key material (aws-facts 7: delete the keys first, then the backups): blocked unless
 * --force.
 */
export function evaluateBackupDeletion(line: BackupLine, storeKeyCount: number, force: boolean): PlanItem {
  const b = line.backup;
  const details = {
    clusterId: b.clusterId,
    ...(b.region ? { region: b.region, sourceBackup: b.sourceBackup, sourceRegion: b.sourceRegion } : {}),
    state: b.state,
    createTimestamp: b.createTimestamp?.toISOString(),
    params: { BackupId: b.backupId },
  };
  const base = {
    target: b.backupId,
    targetKind: 'backup' as const,
    action: DELETE_BACKUP,
    checks: [] as PlanItem['checks'],
    details,
  };
  if (!line.atRisk) return { ...base, status: 'skip', reason: line.reason };
  if (b.state === 'PENDING_DELETION')
    return {
      ...base,
      status: 'skip',
      reason: `already PENDING_DELETION${b.deleteTimestamp ? ` (gone after ${b.deleteTimestamp.toISOString()})` : ''}`,
    };
  if (b.state === 'DELETED') return { ...base, status: 'skip', reason: 'already DELETED' };
  if (b.state !== 'READY')
    return { ...base, status: 'skip', reason: `${b.state}: only READY backups can be deleted; run again later` };
  const keysGone = storeKeyCount === 0;
  base.checks.push({
    name: 'store-keys-deleted',
    ok: keysGone,
    detail: keysGone
      ? undefined
      : `the store still holds ${storeKeyCount} key(s): this backup is a recovery copy of their material`,
    overrideFlag: '--force',
    ...(!keysGone && force ? { overridden: true } : {}),
  });
  if (!keysGone && !force) {
    return {
      ...base,
      status: 'blocked',
      reason: `the store still holds ${storeKeyCount} key(s) whose material this backup can restore: delete the keys first (kscli delete-store), or pass --force`,
    };
  }
  return {
    ...base,
    status: 'apply',
    reason: `delete (stays restorable for 7 days as PENDING_DELETION)${keysGone ? '' : ' (--force)'}`,
  };
}

export function planBackupDeletion(
  ctx: StepContext,
  report: BackupsReport,
  storeKeyCount: number,
  force: boolean,
): PlannedStep {
  const executables: Executable[] = report.lines.map((line) => {
    const item = evaluateBackupDeletion(line, storeKeyCount, force);
    if (item.status !== 'apply') return { item, apply: async () => ({}) };
    return {
      item,
      apply: async () => {
        // a cross-Region copy is deleted in its own Region (DeleteBackup works only there)
        const hsm = ctx.aws.cloudhsm(line.backup.region);
        const after = await hsm.deleteBackup(item.target);
        const back = await readBack(
          async () =>
            (line.backup.sourceBackup && line.backup.region
              ? await hsm.describeBackupCopies([line.backup.sourceBackup])
              : await hsm.describeBackups([line.backup.clusterId ?? ''])
            ).find((b) => b.backupId === item.target),
          (b) => !b || b.state === 'PENDING_DELETION' || b.state === 'DELETED',
          ctx.clock,
        );
        return {
          state: back.value?.state ?? after.state,
          deleteTimestamp: back.value?.deleteTimestamp ?? after.deleteTimestamp,
        };
      },
    };
  });
  return {
    warnings: [
      ...report.warnings,
      'Deleted backups stay restorable for 7 days (PENDING_DELETION, RestoreBackup); after that they are gone.',
    ],
    overrides: force ? ['--force'] : [],
    executables,
  };
}
