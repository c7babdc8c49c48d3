/**
 * What an estate's CloudHSM clusters cost a month (issue 21, `kscli inventory`): per store row its
 * cluster's HSMs x the Region's price x 730 h, the estate's total over every cluster listed, and
 * the idle part: clusters no custom key store uses any more (their stores deleted: DeleteCustomKeyStore
 * "does not affect the AWS CloudHSM cluster, its HSMs, or its users") or whose stores hold no key.
 * "Idle" is KMS's view: an application may still use such a cluster directly (retire-cluster reads
 * its audit log before deleting anything).
 */
import type { PricingPort } from '../../aws/ports.js';
import type { EstateCluster, InventoryResult, StoreRow } from '../estate/inventory.js';
import { HsmPriceBook, priceSourceLine, priceSourceOf, type CostFigure, type PriceSource } from './hsm-cost.js';

export type IdleReason = 'no-key-store' | 'empty-stores';

export interface PricedCluster extends EstateCluster {
  cost: CostFigure;
  /** set when KMS no longer needs the cluster and it still has HSMs */
  idle?: IdleReason;
}

export interface EstateCosts {
  /** the monthly cost of each store row's cluster, by row index */
  rowCosts: Array<CostFigure | undefined>;
  clusters: PricedCluster[];
  total: { clusters: number; hsms: number; monthlyUsd: number };
  idle: { clusters: number; hsms: number; monthlyUsd: number };
  prices: PriceSource;
  priceLine: string;
}

export function idleReason(c: EstateCluster): IdleReason | undefined {
  if (c.cluster.hsmCount === 0) return undefined;
  if (c.storeIds.length === 0) return 'no-key-store';
  if (c.keyCount === 0) return 'empty-stores';
  return undefined;
}

/** Prices every cluster of the inventory (undefined: there is none, nothing to price). */
export async function estateCosts(
  result: InventoryResult,
  pricing: () => PricingPort,
): Promise<EstateCosts | undefined> {
  const rowsWithCluster = result.rows.some((r) => r.cluster);
  if (result.clusters.length === 0 && !rowsWithCluster) return undefined;
  const book = new HsmPriceBook(() => pricing());
  const clusters: PricedCluster[] = [];
  for (const c of result.clusters) {
    const idle = idleReason(c);
    clusters.push({ ...c, cost: await book.cost(c.region, c.cluster.hsmCount), ...(idle ? { idle } : {}) });
  }
  const rowCosts = await Promise.all(
    result.rows.map((r: StoreRow) => (r.cluster ? book.cost(r.region, r.cluster.hsmCount) : undefined)),
  );
  // the total counts each cluster once: the listed ones, plus a row's cluster where the listing failed
  const listed = new Set(clusters.map((c) => `${c.accountId}/${c.region}/${c.cluster.clusterId}`));
  const total = { clusters: 0, hsms: 0, monthlyUsd: 0 };
  const add = (hsms: number, usd: number) => {
    total.clusters++;
    total.hsms += hsms;
    total.monthlyUsd += usd;
  };
  for (const c of clusters) add(c.cluster.hsmCount, c.cost.monthlyUsd);
  result.rows.forEach((r, i) => {
    if (!r.cluster || listed.has(`${r.accountId}/${r.region}/${r.cluster.clusterId}`)) return;
    listed.add(`${r.accountId}/${r.region}/${r.cluster.clusterId}`);
    add(r.cluster.hsmCount, rowCosts[i]?.monthlyUsd ?? 0);
  });
  const idleList = clusters.filter((c) => c.idle);
  return {
    rowCosts,
    clusters,
    total,
    idle: {
      clusters: idleList.length,
      hsms: idleList.reduce((n, c) => n + c.cluster.hsmCount, 0),
      monthlyUsd: idleList.reduce((n, c) => n + c.cost.monthlyUsd, 0),
    },
    prices: priceSourceOf(book),
    priceLine: priceSourceLine(book),
  };
}
