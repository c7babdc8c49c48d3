/**
 * The scenarios' data at rest (src/sandbox/model/data/scenario.ts): the demo's data under
 * alias/reports-archive and under no other key of its store, the org scenario's aggregator and
 * cross-account volume, and the large scenario's generated resources (not in the state file, the
 * same after a reload).
 */
import { describe, expect, it } from 'vitest';
import {
  createModel,
  createSandboxModel,
  DEMO_DATA,
  DEMO_KEYS,
  DEMO_STORE_ID,
  orgScenario,
  scenario,
} from '../../../../src/sandbox/model/index.js';
import { dataView } from '../../../../src/sandbox/model/data/access.js';
import { resolveKeyArn } from '../../../../src/sandbox/model/data/keys.js';
import type { Account } from '../../../../src/sandbox/model/account.js';
import { call } from './helpers.js';

const NOW = new Date('2026-12-01T00:00:00Z');

/** Every (resource, key name) pair the account's data holds. */
function keyReferences(acc: Account): Array<{ resource: string; key: string }> {
  const d = dataView(acc);
  const out: Array<{ resource: string; key: string }> = [];
  const add = (resource: string, ...keys: Array<string | undefined>): void => {
    for (const key of keys) if (key) out.push({ resource, key });
  };
  for (const b of d.buckets) add(b.name, b.sse?.kmsKeyId);
  for (const v of d.volumes) add(v.id, v.kmsKeyId);
  for (const s of d.snapshots) add(s.id, s.kmsKeyId);
  for (const x of d.dbInstances) add(x.id, x.kmsKeyId, x.performanceInsightsKmsKeyId);
  for (const x of d.dbClusters) add(x.id, x.kmsKeyId, x.activityStreamKmsKeyId);
  for (const x of [...d.dbSnapshots, ...d.dbClusterSnapshots]) add(x.id, x.kmsKeyId);
  for (const t of d.tables) add(t.name, t.kmsKeyArn);
  for (const v of d.vaults) {
    add(v.name, v.encryptionKeyArn);
    for (const r of v.recoveryPoints) add(r.arn, r.encryptionKeyArn);
  }
  for (const s of d.secrets) add(s.name, s.kmsKeyId);
  for (const p of d.parameters) add(p.name, p.keyId);
  for (const g of acc.state.logGroups) add(g.name, g.kmsKeyId);
  return out;
}

describe('demo data', () => {
  const m = createModel(scenario('demo', { now: NOW }));
  const refs = keyReferences(m.acc).map((r) => ({ ...r, arn: resolveKeyArn(m.acc, r.key) }));

  it('alias/reports-archive protects the bucket (named by alias) and three snapshots (by ARN); no other store key protects anything', () => {
    const storeKeys = new Set([...(m.acc.storeKeys.get(DEMO_STORE_ID) ?? [])].map((id) => m.acc.keyArn(id)));
    const underStore = refs.filter((r) => r.arn && storeKeys.has(r.arn));
    expect(underStore.map((r) => r.resource).sort()).toEqual([DEMO_DATA.bucket, ...DEMO_DATA.snapshots].sort());
    expect(underStore.every((r) => r.arn === m.acc.keyArn(DEMO_KEYS.unusedA))).toBe(true);
    expect(underStore.find((r) => r.resource === DEMO_DATA.bucket)!.key).toBe('alias/reports-archive');
    const created = dataView(m.acc)
      .snapshots.filter((s) => DEMO_DATA.snapshots.includes(s.id as never))
      .map((s) => s.created);
    expect(created.every((t) => t < NOW.getTime())).toBe(true);
  });

  it('resources under keys outside the store, in every form: key ARN, key ID, alias name, alias ARN', () => {
    const outside = refs.filter((r) => r.arn === undefined || !m.acc.keyById.get(r.arn.split('/').pop()!)?.storeId);
    expect(outside.length).toBeGreaterThan(15);
    expect(outside.some((r) => /^arn:aws:kms:[^:]+:\d+:key\//.test(r.key))).toBe(true);
    expect(outside.some((r) => /^[0-9a-f-]{36}$/.test(r.key))).toBe(true);
    expect(outside.some((r) => r.key.startsWith('alias/'))).toBe(true);
    expect(outside.some((r) => /:alias\//.test(r.key))).toBe(true);
  });

  it('the recorder leaves types uncovered; every type of the data exists at least once', () => {
    const rec = call(m, 'config', 'DescribeConfigurationRecorders').ConfigurationRecorders[0];
    expect(rec.recordingGroup.resourceTypes).not.toContain('AWS::RDS::DBCluster');
    const d = dataView(m.acc);
    for (const list of [
      d.buckets,
      d.volumes,
      d.snapshots,
      d.dbInstances,
      d.dbClusters,
      d.dbSnapshots,
      d.dbClusterSnapshots,
      d.tables,
      d.vaults,
      d.secrets,
      d.parameters,
    ])
      expect(list.length).toBeGreaterThan(0);
  });
});

describe('org data', () => {
  it('the aggregator is in the management account; the member holds the volume under a key of the demo store', () => {
    const org = createSandboxModel(orgScenario({ now: NOW }));
    const mgmt = org.home().acc;
    expect(dataView(mgmt).aggregators.map((a) => a.name)).toEqual([DEMO_DATA.aggregator]);
    const member = org.cell(DEMO_DATA.crossAccount, 'us-east-1')!.acc;
    const v = dataView(member).volumes.find((x) => x.id === DEMO_DATA.crossAccountVolume)!;
    expect(v.kmsKeyId).toBe(mgmt.keyArn(DEMO_KEYS.unusedB));
    expect(mgmt.storeKeys.get(DEMO_STORE_ID)!.has(DEMO_KEYS.unusedB)).toBe(true);
  });
});

describe('service grants', () => {
  it("EC2's grants name their volume by aws:ebs:id, DynamoDB's its table; CreateVolume makes one; the cross-account volume's is on the store key", () => {
    const m = createModel(scenario('demo', { now: NOW }));
    const vol = dataView(m.acc).volumes.find((v) => v.id === 'vol-0123456789abcdef2')!;
    const grants = call(m, 'kms', 'ListGrants', { KeyId: vol.kmsKeyId }).Grants;
    expect(grants).toEqual([
      expect.objectContaining({
        GranteePrincipal: `arn:aws:sts::111122223333:assumed-role/aws:ec2-infrastructure/i-0def456abc7890123`,
        Constraints: { EncryptionContextSubset: { 'aws:ebs:id': 'vol-0123456789abcdef2' } },
      }),
    ]);
    const table = dataView(m.acc).tables.find((t) => t.name === 'orders')!;
    expect(
      call(m, 'kms', 'ListGrants', { KeyId: table.kmsKeyArn }).Grants[0].Constraints.EncryptionContextSubset,
    ).toEqual({
      'aws:dynamodb:tableName': 'orders',
      'aws:dynamodb:subscriberId': '111122223333',
    });
    expect(call(m, 'kms', 'ListGrants', { KeyId: DEMO_KEYS.unusedA }).Grants).toEqual([]);
    const made = call(m, 'ec2', 'CreateVolume', {
      AvailabilityZone: 'us-east-1a',
      Size: 8,
      KmsKeyId: 'alias/reports-archive',
    });
    const after = call(m, 'kms', 'ListGrants', { KeyId: DEMO_KEYS.unusedA }).Grants;
    expect(after.map((g: any) => g.Constraints.EncryptionContextSubset['aws:ebs:id'])).toEqual([made.volumeId]);

    const org = createSandboxModel(orgScenario({ now: NOW }));
    const storeGrants = call(org, 'kms', 'ListGrants', { KeyId: DEMO_KEYS.unusedB }).Grants;
    expect(storeGrants).toEqual([
      expect.objectContaining({
        GranteePrincipal: `arn:aws:sts::${DEMO_DATA.crossAccount}:assumed-role/aws:ec2-infrastructure/i-0feedfacefeed0001`,
        Constraints: { EncryptionContextSubset: { 'aws:ebs:id': DEMO_DATA.crossAccountVolume } },
      }),
    ]);
  });
});

describe('large data', () => {
  it('50,000 generated resources: absent from the state file, the same after a reload, queryable and paged', () => {
    const base = scenario('large', { now: NOW, keys: 2000, storeKeys: 200, usedShare: 0, noiseEvents: 0, seed: 5 });
    const size0 = JSON.stringify(base).length;
    const state = scenario('large', {
      now: NOW,
      keys: 2000,
      storeKeys: 200,
      usedShare: 0,
      noiseEvents: 0,
      seed: 5,
      resources: 50_000,
    });
    // the file holds the parameter, not the resources (key ids differ between the two builds: compare sizes)
    expect(Math.abs(JSON.stringify(state).length - size0)).toBeLessThan(2_000);
    const m = createModel(JSON.parse(JSON.stringify(state)));
    const d = dataView(m.acc);
    const total =
      d.buckets.length +
      d.volumes.length +
      d.snapshots.length +
      d.dbInstances.length +
      d.dbSnapshots.length +
      d.tables.length +
      d.secrets.length +
      d.parameters.length +
      d.vaults.reduce((n, v) => n + v.recoveryPoints.length, 0);
    expect(total).toBe(50_000);
    const again = createModel(JSON.parse(JSON.stringify(state)));
    expect(dataView(again.acc).volumes.slice(0, 50)).toEqual(d.volumes.slice(0, 50));
    // a tenth under keys of the store
    const storeArns = new Set([...m.acc.storeKeys.get(DEMO_STORE_ID)!].map((id) => m.acc.keyArn(id)));
    const under = keyReferences(m.acc).filter((r) => storeArns.has(resolveKeyArn(m.acc, r.key) ?? ''));
    expect(under.length).toBeGreaterThan(4_000);
    expect(under.length).toBeLessThan(6_000);
    // Config counts every recorded type (EBS snapshots and SSM parameters are not recordable)
    const rows = call(m, 'config', 'SelectResourceConfig', {
      Expression: 'SELECT resourceType, COUNT(*) GROUP BY resourceType',
    }).Results.map((x: string) => JSON.parse(x));
    const counted = rows.reduce((n: number, r: { 'COUNT(*)': number }) => n + r['COUNT(*)'], 0);
    expect(counted).toBe(total - d.snapshots.length - d.parameters.length + d.vaults.length);
    let volumes = 0;
    let token: string | undefined;
    do {
      const page = call(m, 'ec2', 'DescribeVolumes', { MaxResults: 500, ...(token ? { NextToken: token } : {}) });
      volumes += page.volumeSet.length;
      token = page.nextToken;
    } while (token);
    expect(volumes).toBe(d.volumes.length);
    // above the maximum EC2 answers a full page (the AWS CLI sends 1000 by default); below the minimum it refuses
    const big = call(m, 'ec2', 'DescribeVolumes', { MaxResults: 1000 });
    expect(big.volumeSet).toHaveLength(500);
    expect(big.nextToken).toBeTruthy();
    expect(() => call(m, 'ec2', 'DescribeVolumes', { MaxResults: 4 })).toThrow(/maxResults is invalid/);
  });
});
