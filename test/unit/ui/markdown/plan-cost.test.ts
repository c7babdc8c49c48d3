/**
 * Issue 21: the plan review document's "Cost" section, rendered from the cost the plan file
 * recorded (workflow/cost/plan-cost.ts), and planCostOf, which records it when the plan is made.
 */
import { describe, expect, it } from 'vitest';
import type { AwsPorts } from '../../../../src/aws/ports.js';
import { planCostOf, type PlanCost } from '../../../../src/workflow/cost/plan-cost.js';
import { renderPlanMarkdown } from '../../../../src/ui/markdown/plan-review.js';
import type { PlanFile } from '../../../../src/workflow/plan-file/document.js';
import { plan } from '../../workflow/plan-file/fixtures.js';

const CLUSTER = 'cluster-1a23b4cdefg';
const COST: PlanCost = {
  clusterId: CLUSTER,
  hsmCount: 2,
  usdPerHour: 1.47,
  monthlyUsd: 2146,
  priceSource: { source: 'price-list', hoursPerMonth: 730 },
};
const section = (md: string): string => {
  const start = md.indexOf('## Cost');
  return start < 0 ? '' : md.slice(start, md.indexOf('\n## ', start + 1));
};

/** A retire-cluster plan about CLUSTER with `hsms` HSMs (the store fixture's head, a cluster's body). */
function clusterPlan(hsms: number, cost?: PlanCost): PlanFile {
  const p = plan() as unknown as PlanFile;
  return {
    ...p,
    command: 'retire-cluster',
    subject: { kind: 'cluster', id: CLUSTER, account: p.account, region: p.region, label: 'ACTIVE' },
    storeId: undefined,
    items: [],
    observations: {
      cluster: {
        clusterId: CLUSTER,
        state: 'ACTIVE',
        hsms: Array.from({ length: hsms }, (_, i) => ({ hsmId: `hsm-${i}`, state: 'ACTIVE' })),
        backups: [],
        storesOnCluster: [],
        regionGaps: [],
        audit: { logGroup: 'x', status: 'ok', otherUsers: [] },
      },
    },
    ...(cost ? { cost } : {}),
  } as PlanFile;
}

describe("the plan review's Cost section", () => {
  it('a CloudHSM store plan: the HSMs, the monthly cost, that deleting the store does not stop it, retire-cluster next', () => {
    const md = renderPlanMarkdown({ ...plan(), cost: COST });
    const headings = md.split('\n').filter((l) => l.startsWith('## '));
    expect(headings.indexOf('## Cost')).toBe(headings.indexOf('## What happens next') - 1);
    const s = section(md);
    expect(s).toContain(`The store's cluster \`${CLUSTER}\`: 2 HSM(s), **≈ $2,146 a month** (2 x $1.47 an hour`);
    expect(s).toContain('AWS Price List (us-east-1), 730 hours a month');
    expect(s).toContain('**Deleting the store does not stop this**');
    expect(s).toContain(`\`kscli retire-cluster ${CLUSTER}\``);
    expect(s).not.toMatch(/saves/);
  });

  it('the commands quoted carry the run context (next-step)', () => {
    const md = renderPlanMarkdown(
      { ...plan(), cost: COST },
      { nextStep: (a) => ['kscli', '--sandbox', ...a].join(' ') },
    );
    expect(section(md)).toContain(`\`kscli --sandbox retire-cluster ${CLUSTER}\``);
  });

  it("prices from kscli's table say so, with the table's date and why the Price List was not used", () => {
    const cost: PlanCost = {
      ...COST,
      priceSource: { source: 'table', hoursPerMonth: 730, tableDate: '2026-12-07', priceListError: 'AccessDenied' },
    };
    expect(section(renderPlanMarkdown({ ...plan(), cost }))).toContain(
      "kscli's price table of 2026-12-07, not AWS's current prices (the AWS Price List could not be read: AccessDenied)",
    );
  });

  it('a retire-cluster plan: what retiring the cluster saves a month', () => {
    const s = section(renderPlanMarkdown(clusterPlan(3, { ...COST, hsmCount: 3, monthlyUsd: 3219 })));
    expect(s).toContain(`Retiring cluster \`${CLUSTER}\` saves 3 HSM(s), **≈ $3,219 a month**`);
    expect(s).not.toMatch(/Deleting the store/);
  });

  it('an unknown cost is said so; no cost recorded (an older file, an external key store): no section', () => {
    expect(section(renderPlanMarkdown({ ...plan(), cost: { clusterId: CLUSTER, error: 'AccessDenied' } }))).toContain(
      `What cluster \`${CLUSTER}\` costs is not known: AccessDenied.`,
    );
    expect(renderPlanMarkdown(plan())).not.toContain('## Cost');
  });
});

describe('planCostOf: the cost recorded in a plan file when it is made', () => {
  const ports = (hsmCount: number | null, price: number | Error, calls: string[]) =>
    ({
      region: 'us-east-1',
      cloudhsm: () => ({
        describeCluster: async (id: string) => {
          calls.push(`DescribeClusters ${id}`);
          return hsmCount === null ? null : { clusterId: id, hsmCount };
        },
      }),
      pricing: () => ({
        cloudHsmHourlyPrice: async (region: string) => {
          calls.push(`GetProducts ${region}`);
          if (price instanceof Error) throw price;
          return { region, usdPerHour: price };
        },
      }),
    }) as unknown as AwsPorts;

  it("a CloudHSM store plan: the cluster's HSMs as read now, x the price x 730", async () => {
    const calls: string[] = [];
    expect(await planCostOf(ports(2, 1.5, calls), plan())).toEqual({
      clusterId: expect.stringMatching(/^cluster-/),
      hsmCount: 2,
      usdPerHour: 1.5,
      monthlyUsd: 2190,
      priceSource: { source: 'price-list', hoursPerMonth: 730 },
    });
    expect(calls).toEqual([expect.stringMatching(/^DescribeClusters cluster-/), 'GetProducts us-east-1']);
  });

  it('a cluster plan: the HSMs the plan observed (no second read of the cluster)', async () => {
    const calls: string[] = [];
    const cost = await planCostOf(ports(9, 2, calls), clusterPlan(3));
    expect(cost).toMatchObject({ clusterId: CLUSTER, hsmCount: 3, monthlyUsd: 4380 });
    expect(calls).toEqual(['GetProducts us-east-1']);
  });

  it("the Price List unreadable: kscli's table, and the file says so; a missing cluster: the error", async () => {
    const cost = await planCostOf(ports(2, new Error('AccessDenied: no'), []), plan());
    expect(cost?.priceSource).toMatchObject({ source: 'table', priceListError: 'AccessDenied: no' });
    expect(await planCostOf(ports(null, 1, []), plan())).toMatchObject({ error: expect.stringMatching(/not found/) });
  });

  it('a store that is not CloudHSM: no cost', async () => {
    const p = plan();
    p.observations.store.type = 'EXTERNAL_KEY_STORE';
    expect(await planCostOf(ports(2, 1, []), p)).toBeUndefined();
  });
});
