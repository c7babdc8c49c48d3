/**
 * `kscli inventory`: one row per custom key store across accounts x Regions (issue 11). Per
 * account-Region: DescribeCustomKeyStores; only where stores exist, the keys (ListKeys +
 * DescribeKey: no API filters keys by store, aws-facts 2.5), the CloudHSM clusters behind the
 * stores, and with --usage the verdict of every key (the evidence code of issue 3). Read-only.
 */
import type { ClusterInfo, KeyInfo, StoreInfo } from '../../aws/ports.js';
import type { EstateAws } from '../../aws/estate/ports.js';
import type { EvidencePort } from '../evidence-port.js';
import type { EstateAccount } from './accounts.js';
import { classify, type Gap, type Skip } from './gaps.js';
import { countKeysInTrial, type TrialCount } from '../trial/count.js';
import { runEstate, type EstateProgress, type EstateRunOptions, type RegionWork } from './runner.js';
import { compareText } from '../../util/text-order.js';

export interface UsageCounts {
  inUse: number;
  /** keys with data at rest found under them (issue 19) */
  protectsData?: number;
  unused: number;
  unknown: number;
}

export interface StoreRow {
  accountId: string;
  accountName?: string;
  region: string;
  store: StoreInfo;
  /** CloudHSM stores: the cluster (null: not found), or why it could not be read */
  cluster?: ClusterInfo | null;
  clusterError?: string;
  keyCount: number;
  keyCounts: Record<string, number>;
  /** keys disabled for a kscli trial (issue 20; trial/count.ts) */
  trial: TrialCount;
  usage?: UsageCounts;
  usageError?: string;
}

/**
 * Every CloudHSM cluster of an account-Region (DescribeClusters), with the stores on it: a cluster
 * no store uses any more (its store deleted) or whose stores hold no key still bills per HSM-hour
 * (issue 21), and DescribeCustomKeyStores alone never shows it.
 */
export interface EstateCluster {
  accountId: string;
  accountName?: string;
  region: string;
  cluster: ClusterInfo;
  /** the custom key stores of the account-Region on this cluster */
  storeIds: string[];
  /** keys in those stores */
  keyCount: number;
}

/** An account-Region whose clusters could not be listed: an idle cluster there is not counted. */
export interface ClusterListGap {
  accountId: string;
  accountName?: string;
  region: string;
  errorCode?: string;
  reason: string;
}

export interface InventoryOptions extends EstateRunOptions {
  /** --usage: verdict counts per store */
  usage?: { evidence: () => Promise<EvidencePort>; days?: number; unusedDays?: number; now: Date };
}

export interface InventoryResult {
  rows: StoreRow[];
  /** every cluster of the account-Regions read (sorted like the rows) */
  clusters: EstateCluster[];
  clusterGaps: ClusterListGap[];
  gaps: Gap[];
  skips: Skip[];
  progress: EstateProgress;
  accounts: EstateAccount[];
}

function countStates(keys: KeyInfo[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k.state] = (out[k.state] ?? 0) + 1;
  return out;
}

interface RegionFound {
  rows: StoreRow[];
  clusters: EstateCluster[];
  clusterGap?: ClusterListGap;
}

async function readRegion(w: RegionWork, opts: InventoryOptions, gaps: Gap[]): Promise<RegionFound> {
  const kms = w.session.kms(w.region);
  // asked together: one round trip more per account-Region, not one after the other
  const listed: Promise<ClusterInfo[] | Error> = w.session
    .cloudhsm(w.region)
    .listClusters()
    .catch((error: unknown) => error as Error);
  const stores = await kms.describeStores();
  const all = await listed;
  const where = {
    accountId: w.account.id,
    ...(w.account.name ? { accountName: w.account.name } : {}),
    region: w.region,
  };
  const clusterGap: ClusterListGap | undefined =
    all instanceof Error
      ? {
          ...where,
          ...(classify(all, where).errorCode ? { errorCode: classify(all, where).errorCode } : {}),
          reason: `clusters not listed (idle HSMs here are not counted): ${all.message.split('\n')[0]}`,
        }
      : undefined;
  const found = (rows: StoreRow[]): RegionFound => ({
    rows,
    clusters: all instanceof Error ? [] : clustersOf(all, rows, where),
    ...(clusterGap ? { clusterGap } : {}),
  });
  if (stores.length === 0) return found([]);
  const keys = await kms.scanKeys((k) => !!k.customKeyStoreId);
  const byStore = new Map<string, KeyInfo[]>();
  for (const k of keys) {
    const list = byStore.get(k.customKeyStoreId!) ?? [];
    list.push(k);
    byStore.set(k.customKeyStoreId!, list);
  }
  const trials = await countKeysInTrial(kms, keys);
  const clusters = new Map<string, ClusterInfo | null | Error>();
  // DescribeClusters listed them all: no DescribeCluster per store then (a cluster missing from
  // the list is gone: null, as DescribeCluster would say)
  if (!(all instanceof Error))
    for (const s of stores)
      if (s.clusterId) clusters.set(s.clusterId, all.find((c) => c.clusterId === s.clusterId) ?? null);
  for (const s of stores) {
    if (s.type !== 'AWS_CLOUDHSM' || !s.clusterId || clusters.has(s.clusterId)) continue;
    try {
      clusters.set(s.clusterId, await w.session.cloudhsm(w.region).describeCluster(s.clusterId));
    } catch (error) {
      clusters.set(s.clusterId, error as Error);
      gaps.push({
        ...classify(error, { accountId: w.account.id, accountName: w.account.name, region: w.region }),
        reason: `cluster ${s.clusterId}: ${(error as Error).message}`,
      });
    }
  }
  let verdicts: Map<string, { verdict: string }> | undefined;
  let usageError: string | undefined;
  if (opts.usage && keys.length > 0) {
    try {
      const evidence = await opts.usage.evidence();
      const ports = await w.session.ports(w.region);
      verdicts = await evidence.assessKeys(ports, keys, {
        allowInUse: true,
        allowUnknownUsage: true,
        days: opts.usage.days,
        unusedDays: opts.usage.unusedDays,
        now: opts.usage.now,
      });
    } catch (error) {
      usageError = (error as Error).message;
      gaps.push({
        ...classify(error, { accountId: w.account.id, accountName: w.account.name, region: w.region }),
        reason: `usage not established: ${usageError}`,
      });
    }
  }
  return found(
    stores.map((store) => {
      const mine = byStore.get(store.id) ?? [];
      const c = store.clusterId ? clusters.get(store.clusterId) : undefined;
      const row: StoreRow = {
        accountId: w.account.id,
        ...(w.account.name ? { accountName: w.account.name } : {}),
        region: w.region,
        store,
        keyCount: mine.length,
        keyCounts: countStates(mine),
        trial: trials.get(store.id) ?? { keysInTrial: 0 },
      };
      if (store.type === 'AWS_CLOUDHSM') {
        if (c instanceof Error) row.clusterError = c.message;
        else row.cluster = c ?? null;
      }
      if (opts.usage) {
        if (verdicts) {
          const u: UsageCounts = { inUse: 0, unused: 0, unknown: 0 };
          for (const k of mine) {
            const v = verdicts.get(k.keyId)?.verdict;
            if (v === 'in-use') u.inUse++;
            else if (v === 'unused') u.unused++;
            // issue 19: counted apart (and absent from older documents)
            else if (v === 'protects-data') u.protectsData = (u.protectsData ?? 0) + 1;
            else u.unknown++;
          }
          row.usage = u;
        } else if (usageError) row.usageError = usageError;
        else if (mine.length === 0) row.usage = { inUse: 0, unused: 0, unknown: 0 };
      }
      return row;
    }),
  );
}

function clustersOf(
  all: ClusterInfo[],
  rows: StoreRow[],
  where: { accountId: string; accountName?: string; region: string },
): EstateCluster[] {
  return all
    .filter((c) => c.state !== 'DELETED')
    .map((cluster) => {
      const on = rows.filter((r) => r.store.clusterId === cluster.clusterId);
      return {
        ...where,
        cluster,
        storeIds: on.map((r) => r.store.id),
        keyCount: on.reduce((n, r) => n + r.keyCount, 0),
      };
    });
}

/** Runs the inventory; rows come back sorted by account, Region and store ID. */
export async function runInventory(estate: EstateAws, opts: InventoryOptions): Promise<InventoryResult> {
  const rows: StoreRow[] = [];
  const clusters: EstateCluster[] = [];
  const clusterGaps: ClusterListGap[] = [];
  const gaps: Gap[] = [];
  const skips: Skip[] = [];
  const progress = await runEstate(
    estate,
    opts,
    async (w) => {
      const regionGaps: Gap[] = [];
      const found = await readRegion(w, opts, regionGaps);
      rows.push(...found.rows);
      clusters.push(...found.clusters);
      if (found.clusterGap) clusterGaps.push(found.clusterGap);
      gaps.push(...regionGaps);
    },
    { gap: (g) => gaps.push(g), skip: (s) => skips.push(s) },
  );
  const order = (a: { accountId: string; region?: string }, b: { accountId: string; region?: string }) =>
    compareText(a.accountId, b.accountId) || compareText(a.region ?? '', b.region ?? '');
  rows.sort((a, b) => order(a, b) || compareText(a.store.id, b.store.id));
  clusters.sort((a, b) => order(a, b) || compareText(a.cluster.clusterId, b.cluster.clusterId));
  clusterGaps.sort(order);
  gaps.sort(order);
  skips.sort(order);
  return { rows, clusters, clusterGaps, gaps, skips, progress, accounts: opts.accounts };
}
