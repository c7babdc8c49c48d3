/**
 * The estate's HSM cost (inventory, issue 21): each cluster priced at its own Region, counted
 * once in the total, and idle when no key store uses it or its stores hold no key; a cluster with
 * no HSM costs nothing and is never idle; without the Price List the dated table is used.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterInfo, PricingPort, StoreInfo } from '../../../../src/aws/ports.js';
import type { EstateCluster, InventoryResult, StoreRow } from '../../../../src/workflow/estate/inventory.js';
import { estateCosts, idleReason } from '../../../../src/workflow/cost/estate-costs.js';
import { HSM_HOURLY_USD } from '../../../../src/workflow/cost/price-table.js';

const PRICES: Record<string, number> = { 'us-east-1': 1.5, 'eu-west-1': 2 };
const pricing = (fail = false): PricingPort => ({
  cloudHsmHourlyPrice: async (region) => {
    if (fail) throw new Error('AccessDeniedException: pricing:GetProducts');
    return PRICES[region] ? { region, usdPerHour: PRICES[region]!, effectiveDate: '2026-11-01' } : null;
  },
});

const cluster = (id: string, hsms: number): ClusterInfo => ({
  clusterId: id,
  state: 'ACTIVE',
  hsmCount: hsms,
  activeHsmCount: hsms,
  hsms: [],
});
const store = (id: string, clusterId: string): StoreInfo =>
  ({
    id,
    name: id,
    type: 'AWS_CLOUDHSM',
    connectionState: 'CONNECTED',
    clusterId,
    creationDate: new Date(0),
  }) as StoreInfo;
const at = (region: string) => ({ accountId: '111122223333', region });

function world(): InventoryResult {
  const rows: StoreRow[] = [
    {
      ...at('us-east-1'),
      store: store('cks-a', 'cluster-used'),
      cluster: cluster('cluster-used', 2),
      keyCount: 3,
      keyCounts: {},
      trial: { keysInTrial: 0 },
    },
    {
      ...at('eu-west-1'),
      store: store('cks-b', 'cluster-empty'),
      cluster: cluster('cluster-empty', 3),
      keyCount: 0,
      keyCounts: {},
      trial: { keysInTrial: 0 },
    },
  ];
  const clusters: EstateCluster[] = [
    { ...at('us-east-1'), cluster: cluster('cluster-used', 2), storeIds: ['cks-a'], keyCount: 3 },
    { ...at('eu-west-1'), cluster: cluster('cluster-empty', 3), storeIds: ['cks-b'], keyCount: 0 },
    { ...at('us-east-1'), cluster: cluster('cluster-orphan', 2), storeIds: [], keyCount: 0 },
    { ...at('us-east-1'), cluster: cluster('cluster-nohsm', 0), storeIds: [], keyCount: 0 },
  ];
  return {
    rows,
    clusters,
    clusterGaps: [],
    gaps: [],
    skips: [],
    progress: {} as InventoryResult['progress'],
    accounts: [],
  };
}

describe('estateCosts', () => {
  it('idle: no key store, or stores without keys; never a cluster without HSMs', () => {
    const [used, empty, orphan, noHsm] = world().clusters;
    expect([used, empty, orphan, noHsm].map((c) => idleReason(c!))).toEqual([
      undefined,
      'empty-stores',
      'no-key-store',
      undefined,
    ]);
  });

  it('prices each cluster at its Region, counts each once, sums the idle ones', async () => {
    const c = (await estateCosts(world(), () => pricing()))!;
    const m = (n: number, p: number) => Math.round(n * p * 730);
    expect(c.rowCosts.map((x) => x?.monthlyUsd)).toEqual([m(2, 1.5), m(3, 2)]);
    expect(c.total).toEqual({ clusters: 4, hsms: 7, monthlyUsd: m(2, 1.5) + m(3, 2) + m(2, 1.5) });
    expect(c.idle).toEqual({ clusters: 2, hsms: 5, monthlyUsd: m(3, 2) + m(2, 1.5) });
    expect(c.prices).toEqual({ source: 'price-list', hoursPerMonth: 730 });
  });

  it('a row whose cluster was not listed (DescribeClusters failed there) still counts in the total', async () => {
    const w = world();
    w.clusters = w.clusters.filter((x) => x.region !== 'eu-west-1');
    const c = (await estateCosts(w, () => pricing()))!;
    expect(c.total.clusters).toBe(4);
    expect(c.idle.clusters).toBe(1);
  });

  it('without the Price List: the dated table, and why', async () => {
    const c = (await estateCosts(world(), () => pricing(true)))!;
    expect(c.rowCosts[0]).toMatchObject({ source: 'table', usdPerHour: HSM_HOURLY_USD['us-east-1'] });
    expect(c.prices).toMatchObject({ source: 'table', priceListError: expect.stringContaining('AccessDenied') });
    expect(c.priceLine).toMatch(/kscli's price table of/);
  });

  it('nothing to price: no cluster anywhere', async () => {
    const w = world();
    w.clusters = [];
    w.rows = [];
    expect(await estateCosts(w, () => pricing())).toBeUndefined();
  });
});
