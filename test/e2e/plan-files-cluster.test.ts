/**
 * Saved plans whose subject is not a store (issue 17), through the built binary against `kscli
 * sandbox serve`: `retire-cluster <cluster> --plan-out FILE` writes a plan about the cluster (its
 * subject and its observations: HSMs, backups, the stores on it, the audit log) and changes
 * nothing; `kscli show` and `--output markdown` render it; `kscli apply FILE` refuses it (exit 3,
 * not one mutating call) once an HSM was deleted behind its back, and applies exactly its items
 * when the cluster is as planned. The demo's store on the cluster is deleted first (otherwise every
 * cluster plan is blocked).
 */
import { readFileSync } from 'node:fs';
import { CloudHSMV2Client, DeleteHsmCommand } from '@aws-sdk/client-cloudhsm-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO,
  expectExit,
  expectNoMutatingRequests,
  isMutatingRequest,
  readJournalDir,
  sdkClientConfig,
  startE2E,
  type E2E,
} from './helpers/index.js';

const CLUSTER = 'cluster-1a23b4cdefg';
const HOUR = 3_600_000;

let t: E2E;
let hsm: CloudHSMV2Client;
beforeAll(async () => {
  t = await startE2E('plan-files-cluster');
  hsm = new CloudHSMV2Client(sdkClientConfig(t.sandbox.url));
  // HSM deletion takes 2 hours of sandbox time: the test moves the clock, never waits
  const res = await fetch(`${t.sandbox.url}/__sandbox/config`, {
    method: 'POST',
    body: JSON.stringify({ hsmDeleteMs: 2 * HOUR, clusterDeleteMs: HOUR }),
  });
  expect(res.ok).toBe(true);
  expectExit(
    await t.kscli(['delete-store', DEMO.hsmStore, '--allow-in-use', '--allow-data-loss', '--yes', '--output', 'json']),
    8,
  );
  await t.sandbox.advanceDays(31);
  expectExit(await t.kscli(['delete-store', DEMO.hsmStore, '--yes', '--output', 'json']), 0);
}, 240_000);
afterAll(async () => {
  hsm?.destroy();
  await t?.stop();
});

interface ClusterPlan {
  subject: { kind: string; id: string; account: string; region: string };
  storeId?: string;
  observations: { cluster: { hsms: { hsmId: string; state: string }[]; storesOnCluster: string[] } };
  items: { target: string; action: string; status: string }[];
  digest: string;
}
const readPlan = (file: string): ClusterPlan => JSON.parse(readFileSync(file, 'utf8')) as ClusterPlan;

describe('a cluster plan saved with --plan-out, applied with kscli apply', () => {
  it('--plan-out writes the cluster as the subject, with its observations, and changes nothing', async () => {
    const file = t.ws.path('cluster-plan.json');
    const mark = t.sandbox.mark();
    const r = await t.kscli([
      'retire-cluster',
      CLUSTER,
      '--wait-timeout',
      '1s',
      '--plan-out',
      file,
      '--output',
      'table',
    ]);
    expectExit(r, 0);
    expect(r.stdout).toContain(`plan written to ${file}`);
    const plan = readPlan(file);
    expect(plan.subject).toMatchObject({ kind: 'cluster', id: CLUSTER, region: 'us-east-1' });
    expect(plan.storeId).toBeUndefined();
    expect(plan.observations.cluster.hsms.map((h) => h.state)).toEqual(['ACTIVE', 'ACTIVE']);
    expect(plan.observations.cluster.storesOnCluster).toEqual([]);
    expect(plan.items.filter((i) => i.action === 'DeleteHsm' && i.status === 'apply')).toHaveLength(2);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark));

    const show = await t.kscli(['show', file, '--output', 'table']);
    expectExit(show, 0);
    expect(show.stdout).toMatch(new RegExp(`Saved plan: retire-cluster ${CLUSTER} \\(ACTIVE, 2 HSM\\(s\\)\\)`));
    const md = await t.kscli(['show', file, '--output', 'markdown']);
    expectExit(md, 0);
    expect(md.stdout).toContain(`# Change plan: retire-cluster ${CLUSTER}`);
    expect(md.stdout).toMatch(/\| Subject \(cluster\) \| `cluster-1a23b4cdefg` \(ACTIVE, 2 HSM\\?\(s\\?\)\) \|/);
    expect(md.stdout).toContain('## Changes');
    expect(md.stdout).not.toContain('## Keys');
  });

  it('an HSM deleted between the plan and the apply: refused (exit 3), the HSM named, not one mutating call', async () => {
    const file = t.ws.path('cluster-plan.json');
    const plan = readPlan(file);
    const gone = plan.observations.cluster.hsms[0]!.hsmId;
    // another actor deletes an HSM after the plan was reviewed
    await hsm.send(new DeleteHsmCommand({ ClusterId: CLUSTER, HsmId: gone }));
    const mark = t.sandbox.mark();
    const r = await t.kscli(['apply', file, '--yes', '--output', 'json']);
    expectExit(r, 3);
    expect(r.stderr).toMatch(/refused: .* no longer matches AWS/);
    expect(r.stderr).toContain(`HSM ${gone} was ACTIVE, is now DELETE_IN_PROGRESS`);
    expect(r.json()).toMatchObject({
      command: 'retire-cluster',
      subject: { kind: 'cluster', id: CLUSTER },
      outcome: 'refused',
      planFile: { digest: plan.digest },
    });
    expectNoMutatingRequests(t.sandbox.requestsSince(mark));

    // and once AWS has finished deleting it, the plan still does not fit: the HSM is gone
    await t.sandbox.admin(['advance', '--hours', '3']);
    const later = await t.kscli(['apply', file, '--yes']);
    expectExit(later, 3);
    expect(later.stderr).toContain(`HSM ${gone} no longer exists (it was ACTIVE)`);
  });

  it('a plan that still fits is applied: exactly its items, the journal names its digest', async () => {
    const file = t.ws.path('cluster-plan-2.json');
    expectExit(await t.kscli(['retire-cluster', CLUSTER, '--wait-timeout', '1s', '--plan-out', file]), 0);
    const plan = readPlan(file);
    const left = plan.observations.cluster.hsms.map((h) => h.hsmId);
    expect(left).toHaveLength(1);
    const mark = t.sandbox.mark();
    const r = await t.kscli(['apply', file, '--yes', '--output', 'json']);
    // the HSM is deleted and AWS takes 2 hours: pending, run again (as the command itself ends)
    expectExit(r, 8);
    expect(r.json()).toMatchObject({
      command: 'retire-cluster',
      subject: { kind: 'cluster', id: CLUSTER },
      outcome: 'pending',
      planFile: { digest: plan.digest },
    });
    const mutating = t.sandbox.requestsSince(mark).filter(isMutatingRequest);
    expect(mutating.map((q) => `${q.operation}:${q.outcome}`)).toEqual(['DeleteHsm:ok']);
    const journaled = readJournalDir(t.ws.journalDir).filter(
      (l) => l.planDigest === plan.digest && l.operation === 'DeleteHsm' && l.phase === 'outcome',
    );
    expect(journaled.map((l) => l.target)).toEqual(left);
  });
});
