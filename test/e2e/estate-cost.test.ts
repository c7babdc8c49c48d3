/**
 * Issue 21, cost where people decide: `stores` shows each cluster's HSMs and monthly cost,
 * `inventory` (all enabled Regions by default) a monthly column per store, the estate's total and
 * "idle clusters behind deleted or empty stores: N HSMs, ≈ $X a month", in every output form, and
 * each says where the prices came from. Every expected figure is derived from the sandbox's own
 * price documents (GetProducts through the SDK, helpers/price-list.ts), never typed in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO,
  createWorkspace,
  expectExit,
  expectNoMutatingRequests,
  kscliEnv,
  runKscli,
  startE2E,
  startServe,
  type E2E,
  type ServedSandbox,
  type Workspace,
} from './helpers/index.js';
import { monthlyUsd, sandboxPricePerHsmHour } from './helpers/price-list.js';
import { HSM_HOURLY_USD, PRICE_TABLE_DATE } from '../../src/workflow/cost/price-table.js';

const usd = (n: number) => `$${n.toLocaleString('en-US')}`;

describe('the demo: stores and inventory price the clusters', () => {
  let t: E2E;
  let perHour: number;
  beforeAll(async () => {
    t = await startE2E('estate-cost');
    perHour = await sandboxPricePerHsmHour(t.sandbox.url, 'us-east-1');
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('stores: each CloudHSM store has its cluster, HSM count and monthly cost from the Price List; read-only', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['stores', '--output', 'json']);
    expectExit(r, 0);
    const doc = r.json();
    const byId = new Map(doc.stores.map((s: any) => [s.storeId, s]));
    const cost = {
      state: 'ACTIVE',
      hsmCount: 2,
      usdPerHour: perHour,
      monthlyUsd: monthlyUsd(2, perHour),
      priceSource: 'price-list',
    };
    expect((byId.get(DEMO.hsmStore) as any).cluster).toEqual(cost);
    expect((byId.get(DEMO.idleStore) as any).cluster).toEqual(cost);
    expect((byId.get(DEMO.xksStore) as any).cluster).toBeUndefined();
    expect(doc.prices).toEqual({ source: 'price-list', hoursPerMonth: 730 });
    const reqs = t.sandbox.requestsSince(mark);
    expect(reqs.filter((q) => q.operation === 'DescribeClusters').length).toBeGreaterThan(0);
    expectNoMutatingRequests(reqs);
  });

  it('stores, the table: HSMS and MONTHLY columns, the total and where the prices came from', async () => {
    const r = await t.kscli(['stores', '--output', 'table'], { extra: { COLUMNS: '200' } });
    expectExit(r, 0);
    expect(r.stdout).toMatch(/CLUSTER\s+HSMS\s+MONTHLY/);
    expect(r.stdout).toMatch(new RegExp(`${DEMO.hsmCluster}\\s+2\\s+≈ \\${usd(monthlyUsd(2, perHour))}`));
    expect(r.stdout).toContain(`4 HSM(s) behind these stores, ≈ ${usd(2 * monthlyUsd(2, perHour))} a month`);
    expect(r.stdout).toContain('HSM prices: AWS Price List (us-east-1), 730 hours a month');
  });

  it("stores without the Price List: the dated table's price, and the screen says so", async () => {
    await t.sandbox.setFaults({ errorRate: { GetProducts: 1 } });
    try {
      const json = await t.kscli(['stores', '--output', 'json']);
      expectExit(json, 0);
      const table = HSM_HOURLY_USD['us-east-1']!;
      expect(json.json().stores.find((s: any) => s.storeId === DEMO.hsmStore).cluster).toMatchObject({
        usdPerHour: table,
        monthlyUsd: monthlyUsd(2, table),
        priceSource: 'table',
      });
      expect(json.json().prices).toMatchObject({
        source: 'table',
        tableDate: PRICE_TABLE_DATE,
        priceListError: expect.any(String),
      });
      const text = await t.kscli(['stores', '--output', 'table'], { extra: { COLUMNS: '200' } });
      expect(text.stdout).toContain(`kscli's price table of ${PRICE_TABLE_DATE}, not AWS's current prices`);
    } finally {
      await t.sandbox.setFaults({});
    }
  });

  it("usage --output markdown: the review document names the cluster's monthly cost and that the store's deletion does not stop it", async () => {
    const r = await t.kscli(['usage', DEMO.hsmStore, '--output', 'markdown']);
    expectExit(r, 0);
    const m = usd(monthlyUsd(2, perHour));
    expect(r.stdout).toContain(
      `| Cluster | \`${DEMO.hsmCluster}\`: 2 HSM(s), **≈ ${m} a month** (2 x $${perHour.toFixed(2)} an hour; HSM prices: AWS Price List (us-east-1), 730 hours a month); deleting the store does not stop this: \`kscli retire-cluster ${DEMO.hsmCluster}\` afterwards |`,
    );
  });

  it('inventory, by default over every enabled Region: a monthly cost per store, the total, the idle cluster behind the empty store', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['inventory', '--output', 'json']);
    expectExit(r, 0);
    const doc = r.json();
    expect(doc.regions).toBe('all');
    expect(doc.stores.find((s: any) => s.storeId === DEMO.hsmStore).hsmMonthlyUsd).toBe(monthlyUsd(2, perHour));
    expect(doc.costs.total).toEqual({ clusters: 2, hsms: 4, monthlyUsd: 2 * monthlyUsd(2, perHour) });
    // the standby store holds no key: its cluster's two HSMs serve nothing
    expect(doc.costs.idle).toEqual({ clusters: 1, hsms: 2, monthlyUsd: monthlyUsd(2, perHour) });
    expect(doc.costs.clusters.filter((c: any) => c.idle).map((c: any) => [c.clusterId, c.idle, c.storeIds])).toEqual([
      ['cluster-2b34c5defgh', 'empty-stores', [DEMO.idleStore]],
    ]);
    expect(doc.clusterGaps).toEqual([]);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark));
  });

  it('inventory after the standby store is deleted: its cluster is idle behind a deleted store, on screen and in Markdown', async () => {
    expectExit(await t.kscli(['delete-store', DEMO.idleStore, '--yes', '--output', 'json']), 0);
    const r = await t.kscli(['inventory', '--output', 'table'], { extra: { COLUMNS: '220' } });
    expectExit(r, 0);
    const m = usd(monthlyUsd(2, perHour));
    expect(r.stdout).toContain(`idle clusters behind deleted or empty stores: 2 HSMs, ≈ ${m} a month`);
    expect(r.stdout).toContain(`cluster-2b34c5defgh: 2 HSM(s), ≈ ${m} a month, no custom key store uses it`);
    // the step to paste carries this run's context (issue 23): here the sandbox's endpoint and Region
    const step = /\((kscli retire-cluster cluster-2b34c5defgh [^,]*), with that account's credentials\)/.exec(
      r.stdout,
    )?.[1];
    expect(step, r.stdout).toContain(`--endpoint-url ${t.sandbox.url}`);
    const pasted = await t.kscli([...step!.split(' ').slice(1), '--dry-run'], { endpoint: false });
    expectExit(pasted, 0);
    expect(pasted.stdout + pasted.stderr).toContain('cluster-2b34c5defgh');
    expect(r.stdout).toContain(`HSMs: 4 in 2 cluster(s), ≈ ${usd(2 * monthlyUsd(2, perHour))} a month`);
    expect(r.stdout).toContain('HSM prices: AWS Price List (us-east-1)');
    const md = await t.kscli(['inventory', '--output', 'markdown']);
    expectExit(md, 0);
    expect(md.stdout).toContain(`- Idle clusters behind deleted or empty stores: **2 HSMs, ≈ ${m} a month**`);
    expect(md.stdout).toMatch(/\| HSMs \| Monthly \| Keys \|/);
    const csv = await t.kscli(['inventory', '--output', 'csv']);
    const [head, ...lines] = csv.stdout.trim().split('\n');
    const col = head!.split(',').indexOf('hsm_monthly_usd');
    expect(col).toBeGreaterThan(0);
    expect(lines.find((l) => l.includes(DEMO.hsmStore))!.split(',')[col]).toBe(String(monthlyUsd(2, perHour)));
  }, 180_000);

  it("a Region whose clusters cannot be listed is named as not counted; its store's cluster unread is a gap as before (exit 6)", async () => {
    await t.sandbox.setFaults({ errorRate: { DescribeClusters: 1 } });
    try {
      const r = await t.kscli(['inventory', '--output', 'json']);
      expectExit(r, 6);
      expect(r.json().stores.find((s: any) => s.storeId === DEMO.hsmStore).hsmMonthlyUsd).toBeUndefined();
      expect(r.json().clusterGaps.map((g: any) => `${g.accountId}/${g.region}`)).toEqual([`${DEMO.account}/us-east-1`]);
      expect(r.json().clusterGaps[0].reason).toMatch(/clusters not listed \(idle HSMs here are not counted\)/);
    } finally {
      await t.sandbox.setFaults({});
    }
  });
});

describe('the organization: the estate total over every account and Region, the shared cluster idle behind its deleted store', () => {
  let ws: Workspace;
  let sandbox: ServedSandbox;
  beforeAll(async () => {
    ws = createWorkspace('estate-cost-org');
    const reset = await runKscli(['sandbox', 'reset', '--scenario', 'org', '--state', ws.statePath], {
      env: kscliEnv(ws, { credentials: false }),
      timeoutMs: 30_000,
    });
    expectExit(reset, 0);
    sandbox = await startServe(ws);
  });
  afterAll(async () => {
    await sandbox?.stop();
    ws?.remove();
  });

  it('inventory --org: each cluster priced at its own Region, the total is their sum, cluster-3c45d6efghi is idle', async () => {
    const r = await runKscli(['--endpoint-url', sandbox.url, 'inventory', '--org', '--output', 'json'], {
      env: kscliEnv(ws),
      timeoutMs: 120_000,
    });
    expectExit(r, 6);
    const doc = r.json();
    expect(doc.regions).toBe('all');
    const prices = new Map<string, number>();
    for (const region of new Set<string>(doc.costs.clusters.map((c: any) => c.region)))
      prices.set(region, await sandboxPricePerHsmHour(sandbox.url, region));
    let total = 0;
    for (const c of doc.costs.clusters) {
      expect(c.usdPerHour, c.clusterId).toBe(prices.get(c.region));
      expect(c.monthlyUsd, c.clusterId).toBe(monthlyUsd(c.hsmCount, prices.get(c.region)!));
      total += c.monthlyUsd;
    }
    expect(doc.costs.total.monthlyUsd).toBe(total);
    expect(new Set(doc.costs.clusters.map((c: any) => c.region)).size).toBeGreaterThan(1);
    const shared = doc.costs.clusters.find((c: any) => c.clusterId === 'cluster-3c45d6efghi');
    expect(shared).toMatchObject({ accountId: DEMO.account, region: 'us-east-1', storeIds: [], idle: 'no-key-store' });
    for (const s of doc.stores.filter((x: any) => x.cluster))
      expect(s.hsmMonthlyUsd, s.storeId).toBe(monthlyUsd(s.cluster.hsmCount, prices.get(s.region)!));
  });
});
