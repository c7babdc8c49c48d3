/**
 * Issue 21, cost where people decide: the plan review documents. A CloudHSM store's plan
 * (`delete-store STORE --plan-out FILE --output markdown`) records its cluster's HSMs and monthly
 * cost in the plan file and its review says that deleting the store does not stop that bill (with
 * the retire-cluster step); a retire-cluster plan says what retiring the cluster saves. `kscli show
 * FILE --output markdown` renders the same from the file alone. Every dollar figure is derived from
 * the sandbox's own price documents (GetProducts through the SDK, helpers/price-list.ts).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, expectExit, expectNoMutatingRequests, startE2E, type E2E } from './helpers/index.js';
import { monthlyUsd, sandboxPricePerHsmHour } from './helpers/price-list.js';

/** the demo's standby store (no keys) and its cluster */
const IDLE_CLUSTER = 'cluster-2b34c5defgh';
const usd = (n: number) => `$${n.toLocaleString('en-US')}`;
const costSection = (md: string): string => {
  const start = md.indexOf('## Cost');
  expect(start, 'no ## Cost section').toBeGreaterThanOrEqual(0);
  return md.slice(start, md.indexOf('\n## ', start + 1));
};

let t: E2E;
let perHour: number;
beforeAll(async () => {
  t = await startE2E('plan-cost');
  perHour = await sandboxPricePerHsmHour(t.sandbox.url, 'us-east-1');
});
afterAll(async () => {
  await t?.stop();
});

describe('the cost in plan review documents', () => {
  it("delete-store of a CloudHSM store: the plan file records the cluster's cost, the review says deleting the store does not stop it; show renders the same", async () => {
    const file = t.ws.path('delete-hsm-store.json');
    const mark = t.sandbox.mark();
    const r = await t.kscli([
      'delete-store',
      DEMO.hsmStore,
      '--allow-in-use',
      '--allow-data-loss',
      '--plan-out',
      file,
      '--output',
      'markdown',
    ]);
    expectExit(r, 0);
    const reqs = t.sandbox.requestsSince(mark);
    expectNoMutatingRequests(reqs);
    expect(reqs.some((q) => q.operation === 'GetProducts')).toBe(true);

    const m = monthlyUsd(2, perHour);
    const plan = JSON.parse(readFileSync(file, 'utf8')) as { cost?: unknown };
    expect(plan.cost).toEqual({
      clusterId: DEMO.hsmCluster,
      hsmCount: 2,
      usdPerHour: perHour,
      monthlyUsd: m,
      priceSource: { source: 'price-list', hoursPerMonth: 730 },
    });
    const section = costSection(r.stdout);
    expect(section).toContain(
      `The store's cluster \`${DEMO.hsmCluster}\`: 2 HSM(s), **≈ ${usd(m)} a month** (2 x $${perHour.toFixed(2)} an hour; AWS Price List (us-east-1), 730 hours a month; when the plan was made).`,
    );
    expect(section).toContain('**Deleting the store does not stop this**');
    // the command quoted carries this run's context flags (--region, --endpoint-url)
    expect(section).toMatch(new RegExp(`\`kscli retire-cluster ${DEMO.hsmCluster}[^\`]*\` once the store is deleted`));

    // the file alone: show reads nothing from AWS and prints the same section
    const showMark = t.sandbox.mark();
    const show = await t.kscli(['show', file, '--output', 'markdown']);
    expectExit(show, 0);
    expect(t.sandbox.requestsSince(showMark)).toEqual([]);
    const figure = (md: string) => costSection(md).split('**Deleting the store does not stop this**')[0];
    expect(figure(show.stdout)).toBe(figure(r.stdout));
    expect(costSection(show.stdout)).toContain('**Deleting the store does not stop this**');
    // the JSON form of the file (checked against schemas/plan-file.json by the harness) carries it too
    const json = await t.kscli(['show', file, '--output', 'json']);
    expectExit(json, 0);
    expect(json.json().cost).toEqual(plan.cost);
  });

  it('retire-cluster: the plan file and its review say what retiring the cluster saves a month', async () => {
    // the standby store holds no key: deleting it frees its cluster for retire-cluster
    expectExit(await t.kscli(['delete-store', DEMO.idleStore, '--yes', '--output', 'json']), 0);
    const file = t.ws.path('retire-idle-cluster.json');
    const mark = t.sandbox.mark();
    const r = await t.kscli(['retire-cluster', IDLE_CLUSTER, '--wait-timeout', '1s', '--plan-out', file]);
    expectExit(r, 0);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark));
    const m = monthlyUsd(2, perHour);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { cost?: unknown }).cost).toMatchObject({
      clusterId: IDLE_CLUSTER,
      hsmCount: 2,
      monthlyUsd: m,
    });
    const show = await t.kscli(['show', file, '--output', 'markdown']);
    expectExit(show, 0);
    const section = costSection(show.stdout);
    expect(section).toContain(
      `Retiring cluster \`${IDLE_CLUSTER}\` saves 2 HSM(s), **≈ ${usd(m)} a month** (2 x $${perHour.toFixed(2)} an hour;`,
    );
    expect(section).not.toContain('Deleting the store');
  });
});
