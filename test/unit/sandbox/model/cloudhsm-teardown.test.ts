/**
 * CloudHSM teardown in the sandbox: DeleteHsm / DeleteCluster with AWS's states and timing, the
 * backup an HSM's removal takes, retention (never a cluster's last backup), the audit log groups
 * through Logs Insights, and the Price List API.
 */
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createModel, createSandboxModel, scenario, DEMO_CLUSTER_ID } from '../../../../src/sandbox/model/index.js';
import { orgScenario } from '../../../../src/sandbox/model/org/org-scenario.js';
import { SHARED_CLUSTER_ID } from '../../../../src/sandbox/model/cloudhsm/audit-log.js';
import { sandboxHourlyPrice } from '../../../../src/sandbox/model/pricing/price-list.js';
import type { SandboxModel } from '../../../../src/sandbox/contract.js';
import { call, callError } from './helpers.js';

const DAY = 86_400_000;
const hsm = (m: SandboxModel, op: string, input: Record<string, unknown> = {}): any => call(m, 'cloudhsm', op, input);
const cluster = (m: SandboxModel, id = DEMO_CLUSTER_ID): any =>
  hsm(m, 'DescribeClusters', { Filters: { clusterIds: [id] } }).Clusters[0];
const backups = (m: SandboxModel): any[] =>
  hsm(m, 'DescribeBackups', { Filters: { clusterIds: [DEMO_CLUSTER_ID] } }).Backups;

describe('DeleteHsm and DeleteCluster', () => {
  it('an HSM is DELETE_IN_PROGRESS, then gone; the removal from an ACTIVE cluster takes a READY backup', () => {
    const m = createModel(scenario('demo'));
    m.configure({ hsmDeleteMs: 60_000, clusterDeleteMs: 30_000 });
    const [a, b] = cluster(m).Hsms;
    const before = backups(m).length;
    expect(hsm(m, 'DeleteHsm', { ClusterId: DEMO_CLUSTER_ID, HsmId: a.HsmId })).toEqual({ HsmId: a.HsmId });
    expect(cluster(m).Hsms.find((h: any) => h.HsmId === a.HsmId).State).toBe('DELETE_IN_PROGRESS');
    const after = backups(m);
    expect(after).toHaveLength(before + 1);
    expect(after[0]).toMatchObject({ BackupState: 'READY', ClusterId: DEMO_CLUSTER_ID });
    // a second DeleteHsm on the same HSM is refused; an unknown HSM is not found
    expect(callError(m, 'cloudhsm', 'DeleteHsm', { ClusterId: DEMO_CLUSTER_ID, HsmId: a.HsmId }).code).toBe(
      'CloudHsmInvalidRequestException',
    );
    expect(callError(m, 'cloudhsm', 'DeleteHsm', { ClusterId: DEMO_CLUSTER_ID, HsmId: 'hsm-zzzzzzzzzzz' }).code).toBe(
      'CloudHsmResourceNotFoundException',
    );
    expect(callError(m, 'cloudhsm', 'DeleteHsm', { ClusterId: DEMO_CLUSTER_ID }).code).toBe(
      'CloudHsmInvalidRequestException',
    );
    // by ENI IP too
    hsm(m, 'DeleteHsm', { ClusterId: DEMO_CLUSTER_ID, EniIp: b.EniIp });
    // DeleteCluster is refused while HSMs remain, DELETE_IN_PROGRESS ones included
    const refused = callError(m, 'cloudhsm', 'DeleteCluster', { ClusterId: DEMO_CLUSTER_ID });
    expect(refused.code).toBe('CloudHsmInvalidRequestException');
    expect(refused.message).toMatch(/Delete all HSMs/);
    m.advance(60_000);
    expect(cluster(m).Hsms).toEqual([]);
    expect(cluster(m).State).toBe('ACTIVE');
    expect(hsm(m, 'DeleteCluster', { ClusterId: DEMO_CLUSTER_ID }).Cluster.State).toBe('DELETE_IN_PROGRESS');
    m.advance(30_000);
    expect(cluster(m).State).toBe('DELETED');
    expect(callError(m, 'cloudhsm', 'DeleteCluster', { ClusterId: DEMO_CLUSTER_ID }).code).toBe(
      'CloudHsmResourceNotFoundException',
    );
    // the backups stay (retention no longer applies to a deleted cluster: UNCONFIRMED, assumed)
    m.advance(400 * DAY);
    expect(backups(m).filter((x) => x.BackupState === 'READY')).toHaveLength(before + 2);
  });

  it('retention purges old backups to PENDING_DELETION (restorable), never the cluster last one', () => {
    const m = createModel(scenario('demo'));
    expect(backups(m).every((b) => b.BackupState === 'READY')).toBe(true);
    m.advance(380 * DAY);
    const states = backups(m).map((b) => b.BackupState);
    // the newest backup (1 day old at the start) stays READY; the others were purged at 379 days
    // and, 7 days later, are gone
    expect(states).toEqual(['READY']);
    const m2 = createModel(scenario('demo'));
    m2.advance(62 * DAY);
    const purged = backups(m2).filter((b) => b.BackupState === 'PENDING_DELETION');
    expect(purged.length).toBeGreaterThan(0);
    expect(hsm(m2, 'RestoreBackup', { BackupId: purged[0].BackupId }).Backup.BackupState).toBe('READY');
  });
});

function insights(m: SandboxModel, group: string, query: string): any[] {
  const ctx = (operation: string) => ({
    service: 'logs' as const,
    operation,
    region: 'us-east-1',
    accessKeyId: 'ASIASANDBOXTEST00001',
    requestId: randomUUID(),
  });
  m.configure?.({ insightsScheduledMs: 0, insightsMinRunMs: 0, insightsScanBytesPerSec: 0 });
  const now = Math.floor(m.now().getTime() / 1000);
  const { queryId } = m.handle(ctx('StartQuery'), {
    logGroupName: group,
    startTime: now - 120 * 86_400,
    endTime: now,
    queryString: query,
  }) as { queryId: string };
  let r: any;
  for (let i = 0; i < 50; i++) {
    r = m.handle(ctx('GetQueryResults'), { queryId });
    if (r.status === 'Complete') break;
  }
  expect(r.status).toBe('Complete');
  return r.results.map((row: any[]) => Object.fromEntries(row.map((f) => [f.field, f.value])));
}

const LOGINS =
  'filter @message like /Opcode : CN_LOGIN/ and @message like /User Type : CN_CRYPTO_USER/ ' +
  '| parse @message /User Name : (?<user>\\S+)/ | stats count(*) as logins, max(@timestamp) as last by user';

describe('CloudHSM audit logs', () => {
  it("the demo cluster's log group shows only kmsuser as a crypto user", () => {
    const m = createModel(scenario('demo'));
    const rows = insights(m, `/aws/cloudhsm/${DEMO_CLUSTER_ID}`, LOGINS);
    expect(rows.map((r) => r.user)).toEqual(['kmsuser']);
    expect(Number(rows[0].logins)).toBeGreaterThan(10);
  });

  it("the organization's shared cluster shows a second crypto user logging in weekly", () => {
    const m = createSandboxModel(orgScenario());
    const rows = insights(m, `/aws/cloudhsm/${SHARED_CLUSTER_ID}`, LOGINS);
    const users = rows.map((r) => r.user).sort();
    expect(users).toEqual(['app_signer']);
    const all = call(m, 'cloudhsm', 'DescribeClusters', { Filters: { clusterIds: [SHARED_CLUSTER_ID] } }).Clusters;
    expect(all[0].Hsms).toHaveLength(2);
  });
});

describe('AWS Price List (pricing)', () => {
  const pricing = (m: SandboxModel, input: Record<string, unknown>, region = 'us-east-1'): any =>
    m.handle(
      { service: 'pricing', operation: 'GetProducts', region, accessKeyId: 'AKIAX', requestId: randomUUID() },
      input,
    );

  it('GetProducts answers price documents as JSON strings, filtered by attribute', () => {
    const m = createSandboxModel(orgScenario());
    const out = pricing(m, {
      ServiceCode: 'CloudHSM',
      FormatVersion: 'aws_v1',
      Filters: [
        { Type: 'TERM_MATCH', Field: 'regionCode', Value: 'us-west-2' },
        { Type: 'TERM_MATCH', Field: 'instanceFamily', Value: 'CloudHSM-v2' },
      ],
    });
    expect(out.PriceList).toHaveLength(1);
    expect(typeof out.PriceList[0]).toBe('string');
    const doc = JSON.parse(out.PriceList[0]);
    expect(doc.product.attributes.usagetype).toMatch(/CloudHSMv2Usage$/);
    const dims: any[] = Object.values(Object.values(doc.terms.OnDemand as Record<string, any>)[0].priceDimensions);
    expect(Number(dims[0].pricePerUnit.USD)).toBe(sandboxHourlyPrice('us-west-2'));
    expect(dims[0].unit).toBe('Hrs');
  });

  it('pages with NextToken and refuses bad input', () => {
    const m = createSandboxModel(orgScenario());
    const first = pricing(m, { ServiceCode: 'CloudHSM', MaxResults: 5 });
    expect(first.PriceList).toHaveLength(5);
    const second = pricing(m, { ServiceCode: 'CloudHSM', MaxResults: 5, NextToken: first.NextToken });
    expect(second.PriceList[0]).not.toBe(first.PriceList[0]);
    expect(() => pricing(m, { ServiceCode: 'Nope' })).toThrow(/not found/);
    expect(() => pricing(m, { ServiceCode: 'CloudHSM', MaxResults: 101 })).toThrow(/MaxResults/);
  });
});
