/**
 * Issue 21 "Done when", through the built binary against `kscli sandbox serve` over HTTP:
 * - on the demo, after the store is deleted (`sandbox advance --days 31`, `delete-store --yes`),
 *   delete-store names the cluster, its HSMs and monthly cost, figured from the sandbox's own
 *   Price List (GetProducts at the us-east-1 endpoint), and the command to run next;
 * - `retire-cluster cluster-1a23b4cdefg` shows a plan (two HSMs, the backups, the cost saved) and
 *   changes nothing on a dry run; applied, it deletes one HSM, exits 8 while AWS deletes it, and
 *   across re-runs deletes the other HSM and then the cluster (exit 0); never a DeleteCluster while
 *   an HSM is left; a further run is a no-op;
 * - on the organization scenario it refuses the cluster whose audit log shows another crypto user,
 *   and plans it once that user is named with --allow-crypto-user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO,
  createWorkspace,
  expectExit,
  expectNoMutatingRequests,
  isMutatingRequest,
  kscliEnv,
  ptyAvailable,
  runInPty,
  runKscli,
  runKscliBy,
  startE2E,
  startServe,
  type E2E,
  type ServedSandbox,
  type Workspace,
} from './helpers/index.js';
import { sandboxHourlyPrice } from '../../src/sandbox/model/pricing/price-list.js';

const CLUSTER = 'cluster-1a23b4cdefg';
const SHARED = 'cluster-3c45d6efghi';
const HOUR = 3_600_000;

async function setConfig(url: string, config: Record<string, number>): Promise<void> {
  const res = await fetch(`${url}/__sandbox/config`, { method: 'POST', body: JSON.stringify(config) });
  expect(res.ok).toBe(true);
}

describe('the demo: delete-store names the cluster and its cost; retire-cluster retires it across runs', () => {
  let t: E2E;
  beforeAll(async () => {
    t = await startE2E('retire-cluster');
    // HSM deletion takes 2 hours of sandbox time here: the test moves the clock, never waits
    await setConfig(t.sandbox.url, { hsmDeleteMs: 2 * HOUR, clusterDeleteMs: HOUR });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('after the store is deleted, delete-store names the cluster, 2 HSMs and their monthly cost from the Price List', async () => {
    expectExit(
      await t.kscli([
        'delete-store',
        DEMO.hsmStore,
        '--allow-in-use',
        '--allow-data-loss',
        '--yes',
        '--output',
        'json',
      ]),
      8,
    );
    await t.sandbox.advanceDays(31);
    const mark = t.sandbox.mark();
    const r = await t.kscli(['delete-store', DEMO.hsmStore, '--yes', '--output', 'json']);
    expectExit(r, 0);
    const monthly = Math.round(2 * sandboxHourlyPrice('us-east-1')! * 730);
    expect(r.json().leftover).toEqual({
      kind: 'cloudhsm-cluster',
      clusterId: CLUSTER,
      region: 'us-east-1',
      clusterState: 'ACTIVE',
      hsmCount: 2,
      cost: {
        hsmCount: 2,
        usdPerHour: sandboxHourlyPrice('us-east-1'),
        monthlyUsd: monthly,
        priceSource: 'price-list',
        priceDate: expect.any(String),
      },
      usedByStores: [],
      nextStep: expect.stringContaining(`kscli retire-cluster ${CLUSTER} --region us-east-1 --endpoint-url`),
    });
    const pricing = t.sandbox.requestsSince(mark).filter((q) => q.service === 'pricing');
    expect(pricing.map((q) => `${q.operation}:${q.region}:${q.outcome}`)).toEqual(['GetProducts:us-east-1:ok']);
  }, 180_000);

  it('the table output says it in words, with where the price came from', async () => {
    // the idle store's cluster: the same lines after deleting it
    const r = await t.kscli(['delete-store', DEMO.idleStore, '--yes', '--output', 'table']);
    expectExit(r, 0);
    expect(r.stdout).toMatch(
      /cluster cluster-2b34c5defgh still runs 2 HSM\(s\), ≈ \$2,336 a month: run kscli retire-cluster cluster-2b34c5defgh --region us-east-1/,
    );
    expect(r.stdout).toMatch(/HSM prices: AWS Price List \(us-east-1\)/);
  });

  it('when the Price List cannot be read, the cost comes from the dated table and says so', async () => {
    await t.sandbox.setFaults({ errorRate: { GetProducts: 1 } });
    try {
      const r = await t.kscli(['retire-cluster', CLUSTER, '--dry-run', '--output', 'table']);
      expectExit(r, 0);
      expect(r.stdout).toMatch(/kscli's price table of \d{4}-\d\d-\d\d, not AWS's current prices/);
    } finally {
      await t.sandbox.setFaults({});
    }
  });

  it('a dry run shows the two HSMs, the backups and the cost saved, and changes nothing', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['retire-cluster', CLUSTER, '--dry-run', '--output', 'json']);
    expectExit(r, 0);
    const doc = r.json();
    expect(doc).toMatchObject({
      command: 'retire-cluster',
      subject: { kind: 'cluster', id: CLUSTER },
      outcome: 'dry-run',
    });
    const rows = doc.plan.map((p: any) => `${p.action}:${p.status}`);
    expect(rows.filter((x: string) => x === 'DeleteHsm:apply')).toHaveLength(2);
    expect(rows.at(-1)).toBe('DeleteCluster:apply');
    expect(rows.filter((x: string) => x.startsWith('DeleteBackup:skip')).length).toBeGreaterThanOrEqual(5);
    expect(doc.warnings.join('\n')).toMatch(/saves ≈ \$2,336 a month/);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark));
  });

  it('without a terminal and without --yes: exit 2 before any change', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['retire-cluster', CLUSTER, '--output', 'table']);
    expectExit(r, 2);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark));
  });

  it.skipIf(!ptyAvailable)(
    'on a terminal it asks for the cluster ID: a wrong one changes nothing (exit 5)',
    async () => {
      const mark = t.sandbox.mark();
      const r = await runInPty(['--endpoint-url', t.sandbox.url, 'retire-cluster', CLUSTER, '--output', 'table'], {
        env: t.env(),
        steps: [{ waitFor: new RegExp(`Type ${CLUSTER}`), send: 'cluster-wrong\r' }],
        timeoutMs: 45_000,
      });
      expectExit(r, 5);
      expect(r.stdout).toContain('DeleteHsm'); // the plan was shown before the question
      expect(r.stdout).toContain('cluster-wrong (does not match)');
      expectNoMutatingRequests(t.sandbox.requestsSince(mark));
    },
  );

  it('deletes one HSM and exits 8 while AWS deletes it; re-runs delete the other, then the cluster (exit 0)', async () => {
    const mark = t.sandbox.mark();
    const first = await t.kscli(['retire-cluster', CLUSTER, '--yes', '--wait-timeout', '1s', '--output', 'json']);
    expectExit(first, 8);
    expect(first.json().outcome).toBe('pending');
    await t.sandbox.admin(['advance', '--hours', '3']);
    const second = await t.kscli(['retire-cluster', CLUSTER, '--yes', '--wait-timeout', '1s', '--output', 'json']);
    expectExit(second, 8);
    await t.sandbox.admin(['advance', '--hours', '3']);
    const third = await t.kscli(['retire-cluster', CLUSTER, '--yes', '--wait-timeout', '1s', '--output', 'table']);
    expectExit(third, 0);
    expect(third.stdout).toMatch(/cluster cluster-1a23b4cdefg DELETE_IN_PROGRESS/);
    const mutating = t.sandbox.requestsSince(mark).filter(isMutatingRequest);
    expect(mutating.map((q) => `${q.operation}:${q.outcome}`)).toEqual([
      'DeleteHsm:ok',
      'DeleteHsm:ok',
      'DeleteCluster:ok',
    ]);
    // a fourth run: nothing to do
    const fourth = await t.kscli(['retire-cluster', CLUSTER, '--yes', '--output', 'json']);
    expectExit(fourth, 0);
    expect(fourth.json().outcome).toBe('nothing-to-do');
    const status = await t.sandbox.status();
    // every DeleteHsm from an ACTIVE cluster took a backup: 5 + 2
    expect(status.backups.filter((b: any) => b.clusterId === CLUSTER)).toHaveLength(7);
  }, 240_000);
});

describe('the organization scenario: a cluster another application still signs in to', () => {
  let ws: Workspace;
  let sandbox: ServedSandbox;
  const kscli = (args: string[]) =>
    runKscliBy('in-process', ['--endpoint-url', sandbox.url, ...args], { env: kscliEnv(ws), timeoutMs: 90_000 });

  beforeAll(async () => {
    ws = createWorkspace('retire-cluster-org');
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

  it('is refused (exit 3, nothing changed): the audit log shows crypto user app_signer', async () => {
    const mark = sandbox.mark();
    const r = await kscli(['retire-cluster', SHARED, '--yes', '--output', 'table']);
    expectExit(r, 3);
    expect(r.stdout + r.stderr).toMatch(/crypto user app_signer logged in \d+ time\(s\)/);
    expect(r.stderr).toMatch(/--allow-crypto-user app_signer/);
    expectNoMutatingRequests(sandbox.requestsSince(mark));
  });

  it('named with --allow-crypto-user, the plan goes ahead (dry run) and records the override', async () => {
    const r = await kscli([
      'retire-cluster',
      SHARED,
      '--allow-crypto-user',
      'app_signer',
      '--dry-run',
      '--output',
      'json',
    ]);
    expectExit(r, 0);
    const doc = r.json();
    expect(doc.overrides).toContain('--allow-crypto-user app_signer');
    expect(doc.plan.filter((p: any) => p.action === 'DeleteHsm' && p.status === 'apply')).toHaveLength(2);
  });
});
