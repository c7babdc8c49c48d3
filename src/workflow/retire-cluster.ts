/**
 * retire-cluster: delete a CloudHSM cluster's HSMs, one at a time and waiting for each, then the
 * cluster; its backups are reported, and deleted with --delete-backups (issue 21; aws-facts-
 * cluster-and-scale "Retiring the CloudHSM cluster").
 *
 * Preconditions, each a pure evaluate* function with a test that fails without it
 * (test/unit/workflow/retire-cluster.test.ts):
 *  - no custom key store of the account, in any enabled Region, uses the cluster (READ from
 *    DescribeCustomKeyStores, never assumed): a CloudHSM store on a cluster without HSMs loses its
 *    keys' material for good. No override: delete the store first (kscli delete-store).
 *  - every Region was read: a Region that could not be read might hold such a store (a gap is
 *    never "no store"). No override: narrow with --regions only if you know where the stores are.
 *  - the audit log group covers the window (--days): missing, unreadable or younger than the
 *    window is a gap, blocked unless --allow-audit-gap.
 *  - no crypto user other than kmsuser logged in within the window: another application uses the
 *    cluster. Blocked unless each such user is named with --allow-crypto-user NAME.
 * DeleteCluster additionally needs every HSM gone (AWS refuses it otherwise); its re-check
 * re-reads the cluster right before the call and blocks if any HSM is left.
 *
 * Timing: DeleteHsm leaves the HSM DELETE_IN_PROGRESS for minutes; kscli waits for each HSM to be
 * gone before the next call (up to --wait-timeout; past it, exit 8: run again). DeleteHsm on an
 * ACTIVE cluster makes AWS take a backup holding every key and user, kmsuser's key material
 * included (CONFIRMED); whether the last HSM's removal does too is UNCONFIRMED, so kscli counts on
 * it and says so.
 */
import type { AwsPorts, BackupInfo, ClusterInfo, HsmInfo } from '../aws/ports.js';
import { AwsCallError, ExitCode, KscliError } from '../errors.js';
import type { AuditEvidence } from './cluster/audit-log.js';
import { formatUsd, type CostFigure } from './cost/hsm-cost.js';
import type { Clock } from './clock.js';
import type { Check, Executable, PlanItem, PlannedStep } from './plan.js';

export const DELETE_HSM = 'DeleteHsm';
export const WAIT_HSM_GONE = 'WaitForHsmDeleted';
export const DELETE_CLUSTER = 'DeleteCluster';
export const DELETE_BACKUP = 'DeleteBackup';

/** A custom key store that names the cluster (any Region of the account). */
export interface StoreOnCluster {
  storeId: string;
  name: string;
  region: string;
  connectionState: string;
}

/** A Region whose stores could not be read. */
export interface RegionGap {
  region: string;
  reason: string;
}

export interface StoresEvidence {
  /** the Regions read (every enabled Region, or --regions) */
  regions: string[];
  storesOnCluster: StoreOnCluster[];
  gaps: RegionGap[];
}

export interface RetireClusterOptions {
  days: number;
  /** --allow-crypto-user NAME (repeatable): users whose logins are known and accepted */
  allowCryptoUsers: string[];
  /** --allow-audit-gap: go on although the audit log does not cover the window */
  allowAuditGap: boolean;
  /** --keep-cluster: delete only the HSMs (the cluster and its backups stay; HSMs can be added back) */
  keepCluster: boolean;
  /** --delete-backups: DeleteBackup each READY backup of the cluster */
  deleteBackups: boolean;
  waitTimeoutMs: number;
  pollMs?: number;
  onWait?: (hsmId: string, state: string, elapsedMs: number, timeoutMs: number) => void;
}

/** What the plan rests on, read before it (not one mutating call). */
export interface RetireClusterFacts {
  region: string;
  cluster: ClusterInfo;
  stores: StoresEvidence;
  audit: AuditEvidence;
  backups: BackupInfo[];
  /** what the cluster's HSMs cost a month, and where the price came from (workflow/cost/) */
  cost?: CostFigure;
  priceLine?: string;
}

export interface RetireClusterContext {
  aws: AwsPorts;
  clock: Clock;
  region: string;
  say(line: string): void;
  interrupted?: () => boolean;
}

// ---- preconditions (pure) --------------------------------------------------------------------

export function evaluateStoresOnCluster(clusterId: string, stores: StoresEvidence): Check[] {
  const using = stores.storesOnCluster;
  const checks: Check[] = [
    {
      name: 'no-store-uses-cluster',
      ok: using.length === 0,
      ...(using.length
        ? {
            detail: `custom key store(s) still use cluster ${clusterId}: ${using
              .map((s) => `${s.storeId} (${s.region}, ${s.connectionState})`)
              .join(', ')}; delete them first (kscli delete-store)`,
          }
        : { detail: `no custom key store in ${stores.regions.length} Region(s) read uses it` }),
    },
  ];
  checks.push({
    name: 'stores-read-everywhere',
    ok: stores.gaps.length === 0,
    ...(stores.gaps.length
      ? {
          detail: `Region(s) not read, where a store could still use the cluster: ${stores.gaps
            .map((g) => `${g.region} (${g.reason})`)
            .join(', ')}`,
        }
      : {}),
  });
  return checks;
}

export function evaluateAuditLog(
  audit: AuditEvidence,
  opts: Pick<RetireClusterOptions, 'allowCryptoUsers' | 'allowAuditGap' | 'days'>,
): Check[] {
  const checks: Check[] = [];
  const covered = audit.status === 'ok';
  checks.push({
    name: 'audit-log-covers-window',
    ok: covered,
    detail: covered
      ? `${audit.logGroup} read for the last ${opts.days} day(s): ${audit.kmsLogins} kmsuser login record(s)`
      : `${audit.detail ?? `${audit.logGroup}: ${audit.status}`} (a gap, never "unused")`,
    overrideFlag: '--allow-audit-gap',
    ...(!covered && opts.allowAuditGap ? { overridden: true } : {}),
  });
  for (const u of audit.otherUsers) {
    const allowed = opts.allowCryptoUsers.includes(u.user);
    checks.push({
      name: `no-other-crypto-user:${u.user}`,
      ok: false,
      detail: `crypto user ${u.user} logged in ${u.logins} time(s) within ${opts.days} day(s)${u.lastLogin ? `, last ${u.lastLogin.toISOString()}` : ''}: something other than KMS uses this cluster`,
      overrideFlag: `--allow-crypto-user ${u.user}`,
      ...(allowed ? { overridden: true } : {}),
    });
  }
  return checks;
}

/** The checks that stop the whole retirement: a failed one not overridden. */
function blockers(checks: Check[]): Check[] {
  return checks.filter((c) => !c.ok && !c.overridden);
}

function reasonWith(base: string, checks: Check[]): string {
  const b = blockers(checks);
  if (b.length) return b.map((c) => `${c.detail}${c.overrideFlag ? ` (or pass ${c.overrideFlag})` : ''}`).join('; ');
  const o = checks.filter((c) => c.overridden).map((c) => c.overrideFlag);
  return o.length ? `${base} (${o.join(', ')})` : base;
}

export function evaluateHsmDeletion(cluster: ClusterInfo, hsm: HsmInfo, checks: Check[]): PlanItem {
  const details = {
    state: hsm.state,
    ...(hsm.availabilityZone ? { availabilityZone: hsm.availabilityZone } : {}),
    params: { ClusterId: cluster.clusterId, HsmId: hsm.hsmId },
  };
  const line = (action: string, status: PlanItem['status'], reason: string): PlanItem => ({
    target: hsm.hsmId,
    targetKind: 'hsm',
    action,
    status,
    reason,
    checks,
    details,
  });
  if (hsm.state === 'DELETED') return line(DELETE_HSM, 'skip', 'already DELETED');
  if (blockers(checks).length) return line(DELETE_HSM, 'blocked', reasonWith('', checks));
  if (hsm.state === 'DELETE_IN_PROGRESS')
    return line(WAIT_HSM_GONE, 'apply', reasonWith('already DELETE_IN_PROGRESS: wait until AWS removes it', checks));
  const backup = cluster.state === 'ACTIVE' ? '; AWS takes a backup of the cluster first (every key and user)' : '';
  return line(DELETE_HSM, 'apply', reasonWith(`delete (${hsm.state}), then wait until it is gone${backup}`, checks));
}

export function evaluateClusterDeletion(
  cluster: ClusterInfo,
  checks: Check[],
  opts: Pick<RetireClusterOptions, 'keepCluster'>,
): PlanItem {
  const line = (status: PlanItem['status'], reason: string): PlanItem => ({
    target: cluster.clusterId,
    targetKind: 'cluster',
    action: DELETE_CLUSTER,
    status,
    reason,
    checks,
    details: {
      state: cluster.state,
      hsmCount: cluster.hsms.length,
      ...(cluster.backupRetentionDays ? { backupRetentionDays: cluster.backupRetentionDays } : {}),
      params: { ClusterId: cluster.clusterId },
    },
  });
  if (cluster.state === 'DELETE_IN_PROGRESS' || cluster.state === 'DELETED')
    return line('skip', `already ${cluster.state}`);
  if (opts.keepCluster)
    return line(
      'skip',
      'kept (--keep-cluster): the cluster and its backups stay; HSMs can be added back from a backup',
    );
  if (blockers(checks).length) return line('blocked', reasonWith('', checks));
  return line(
    'apply',
    reasonWith(
      cluster.hsms.length ? `delete once its ${cluster.hsms.length} HSM(s) are gone` : 'delete (no HSMs left)',
      checks,
    ),
  );
}

/**
 * One backup of the cluster. Without --delete-backups it is reported and stays (skip); READY ones
 * are deleted with it (PENDING_DELETION for 7 days, restorable with RestoreBackup).
 */
export function evaluateClusterBackup(
  b: BackupInfo,
  opts: Pick<RetireClusterOptions, 'deleteBackups'>,
  blockedBy: Check[],
): PlanItem {
  const created = b.createTimestamp ? b.createTimestamp.toISOString() : 'an unknown time';
  const line = (status: PlanItem['status'], reason: string): PlanItem => ({
    target: b.backupId,
    targetKind: 'backup',
    action: DELETE_BACKUP,
    status,
    reason,
    checks: blockedBy,
    details: {
      state: b.state,
      created: b.createTimestamp?.toISOString() ?? null,
      ...(b.neverExpires ? { neverExpires: true } : {}),
      params: { BackupId: b.backupId },
    },
  });
  if (b.state === 'PENDING_DELETION')
    return line(
      'skip',
      `already PENDING_DELETION${b.deleteTimestamp ? ` until ${b.deleteTimestamp.toISOString()}` : ''} (restorable until then)`,
    );
  if (b.state === 'DELETED') return line('skip', 'already DELETED');
  if (!opts.deleteBackups)
    return line(
      'skip',
      `kept: taken ${created}, holds every key and user the cluster had then (the retired stores' key material included); pass --delete-backups to delete it`,
    );
  if (blockers(blockedBy).length) return line('blocked', reasonWith('', blockedBy));
  if (b.state !== 'READY') return line('skip', `${b.state}: only READY backups can be deleted; run again later`);
  return line('apply', `delete (taken ${created}): PENDING_DELETION for 7 days, restorable until then`);
}

// ---- executables -------------------------------------------------------------------------------

/** Polls until the HSM is gone from the cluster (DescribeClusters); exit 8 past the timeout. */
export async function waitUntilHsmGone(
  ctx: RetireClusterContext,
  clusterId: string,
  hsmId: string,
  opts: Pick<RetireClusterOptions, 'waitTimeoutMs' | 'pollMs' | 'onWait'>,
): Promise<void> {
  const start = ctx.clock.now().getTime();
  for (;;) {
    const cluster = await ctx.aws.cloudhsm(ctx.region).describeCluster(clusterId);
    const hsm = cluster?.hsms.find((h) => h.hsmId === hsmId);
    const elapsed = ctx.clock.now().getTime() - start;
    if (!hsm || hsm.state === 'DELETED') return;
    opts.onWait?.(hsmId, hsm.state, elapsed, opts.waitTimeoutMs);
    if (elapsed >= opts.waitTimeoutMs)
      throw new KscliError(
        ExitCode.Pending,
        `HSM ${hsmId} is still ${hsm.state} after ${Math.round(elapsed / 1000)} s`,
        'AWS is still deleting it: run the same command again later (or give a longer --wait-timeout)',
      );
    if (ctx.interrupted?.())
      throw new KscliError(
        ExitCode.Interrupted,
        `interrupted while HSM ${hsmId} was ${hsm.state}`,
        'AWS keeps deleting it: run the same command again to resume',
      );
    // never sleep past the timeout: the last read is at the deadline
    await ctx.clock.sleep(Math.max(1, Math.min(opts.pollMs ?? 5000, opts.waitTimeoutMs - elapsed)));
  }
}

/** The preconditions as they stand right now (re-read before each mutating call). */
export type Recheck = () => Promise<{ cluster: ClusterInfo | null; checks: Check[] }>;

function hsmExecutable(
  ctx: RetireClusterContext,
  clusterId: string,
  item: PlanItem,
  recheck: Recheck,
  opts: RetireClusterOptions,
): Executable {
  const hsmId = item.target;
  return {
    item,
    recheck: async () => {
      const { cluster, checks } = await recheck();
      const hsm = cluster?.hsms.find((h) => h.hsmId === hsmId);
      if (!cluster || !hsm) return { ...item, status: 'skip', reason: 'already gone' };
      return evaluateHsmDeletion(cluster, hsm, checks);
    },
    apply: async () => {
      let note: string | undefined;
      const current = (await ctx.aws.cloudhsm(ctx.region).describeCluster(clusterId))?.hsms.find(
        (h) => h.hsmId === hsmId,
      );
      if (current && current.state !== 'DELETE_IN_PROGRESS' && current.state !== 'DELETED') {
        try {
          await ctx.aws.cloudhsm(ctx.region).deleteHsm(clusterId, hsmId);
        } catch (err) {
          // a second DeleteHsm (a lost answer, a colleague) is refused: it is on its way anyway
          if (!(err instanceof AwsCallError && err.code === 'CloudHsmInvalidRequestException')) throw err;
          note = `AWS refused a second DeleteHsm (${err.message.split('\n')[0]}): waiting for it to go`;
        }
      }
      await waitUntilHsmGone(ctx, clusterId, hsmId, opts);
      return { hsmId, state: 'DELETED', ...(note ? { note } : {}) };
    },
  };
}

function clusterExecutable(
  ctx: RetireClusterContext,
  item: PlanItem,
  recheck: Recheck,
  opts: RetireClusterOptions,
): Executable {
  const clusterId = item.target;
  return {
    item,
    recheck: async () => {
      const { cluster, checks } = await recheck();
      if (!cluster) return { ...item, status: 'skip', reason: 'already gone' };
      // AWS refuses DeleteCluster while any HSM is left; kscli never sends it then
      if (cluster.hsms.length > 0)
        return {
          ...item,
          status: 'blocked',
          reason: `cluster ${clusterId} still has ${cluster.hsms.length} HSM(s) (${cluster.hsms.map((h) => `${h.hsmId} ${h.state}`).join(', ')}): run again once they are gone`,
        };
      return evaluateClusterDeletion(cluster, checks, opts);
    },
    apply: async () => {
      const out = await ctx.aws.cloudhsm(ctx.region).deleteCluster(clusterId);
      return { clusterId, state: out.state };
    },
  };
}

function backupExecutable(
  ctx: RetireClusterContext,
  item: PlanItem,
  b: BackupInfo,
  recheck: Recheck,
  opts: RetireClusterOptions,
): Executable {
  return {
    item,
    recheck: async () => {
      const { checks } = await recheck();
      const now = (await ctx.aws.cloudhsm(ctx.region).describeBackups([b.clusterId ?? ''])).find(
        (x) => x.backupId === b.backupId,
      );
      if (!now) return { ...item, status: 'skip', reason: 'already gone' };
      return evaluateClusterBackup(now, opts, checks);
    },
    apply: async () => {
      // DeleteBackup answers the backup PENDING_DELETION (restorable until its DeleteTimestamp)
      const out = await ctx.aws.cloudhsm(ctx.region).deleteBackup(b.backupId);
      return {
        state: out.state,
        ...(out.deleteTimestamp ? { restorableUntil: out.deleteTimestamp.toISOString() } : {}),
      };
    },
  };
}

// ---- the plan ----------------------------------------------------------------------------------

export interface RetireClusterPlan extends PlannedStep {
  facts: RetireClusterFacts;
  /** the preconditions shared by every item */
  checks: Check[];
}

export function planRetireCluster(
  ctx: RetireClusterContext,
  facts: RetireClusterFacts,
  recheck: Recheck,
  opts: RetireClusterOptions,
): RetireClusterPlan {
  const { cluster } = facts;
  const checks = [...evaluateStoresOnCluster(cluster.clusterId, facts.stores), ...evaluateAuditLog(facts.audit, opts)];
  const executables: Executable[] = [];
  for (const hsm of cluster.hsms)
    executables.push(hsmExecutable(ctx, cluster.clusterId, evaluateHsmDeletion(cluster, hsm, checks), recheck, opts));
  for (const b of [...facts.backups].sort(
    (x, y) => (x.createTimestamp?.getTime() ?? 0) - (y.createTimestamp?.getTime() ?? 0),
  ))
    executables.push(backupExecutable(ctx, evaluateClusterBackup(b, opts, checks), b, recheck, opts));
  executables.push(clusterExecutable(ctx, evaluateClusterDeletion(cluster, checks, opts), recheck, opts));

  const overrides = checks.filter((c) => c.overridden).map((c) => c.overrideFlag!);
  if (opts.deleteBackups) overrides.push('--delete-backups');
  if (opts.keepCluster) overrides.push('--keep-cluster');
  return { warnings: retireWarnings(facts, opts), overrides, executables, facts, checks };
}

/** What the operator must know before typing the cluster ID. */
export function retireWarnings(facts: RetireClusterFacts, opts: RetireClusterOptions): string[] {
  const w: string[] = [];
  const cost = facts.cost;
  if (cost && cost.hsmCount > 0)
    w.push(
      `${opts.keepCluster ? 'Deleting the HSMs' : 'Retiring the cluster'} saves ≈ ${formatUsd(cost.monthlyUsd)} a month (${cost.hsmCount} HSM(s) x $${cost.usdPerHour.toFixed(2)} an hour x 730 h; ${facts.priceLine ?? cost.source}).`,
    );
  const active = facts.cluster.hsms.filter((h) => h.state !== 'DELETE_IN_PROGRESS' && h.state !== 'DELETED');
  if (active.length && facts.cluster.state === 'ACTIVE')
    w.push(
      `Each DeleteHsm on an ACTIVE cluster makes AWS take a backup holding every key and user of the cluster (kmsuser's key material included): expect ${active.length} new backup(s) (whether the last HSM's removal takes one is not documented; kscli assumes it does).`,
    );
  const retention = facts.cluster.backupRetentionDays;
  w.push(
    `Backup retention${retention ? ` (${retention} days)` : ''} purges older backups but never a cluster's last one; after DeleteCluster no retention may apply at all (not documented): the backups stay, and bill nothing, until deleted.`,
  );
  if (opts.deleteBackups)
    w.push(
      "DeleteBackup leaves each backup PENDING_DELETION for 7 days, restorable with RestoreBackup until then; backups taken by this run's HSM deletions appear after the plan: run again to delete them.",
    );
  if (facts.audit.status === 'ok' || facts.audit.status === 'short')
    w.push(
      'The audit log shows logins, not use: an application logged in before the window began and never since is not seen.',
    );
  return w;
}
