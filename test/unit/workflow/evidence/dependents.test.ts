/**
 * What each key protects (issue 19): the data-at-rest search over a fake account. Each precondition
 * of the brief has a test that fails without it: every form of a key's name matches, a type the
 * recorder does not record is read directly (auto) or is a gap (config), a failed read is a gap
 * (never "none"), an unknown aggregator is bad input, an aggregator finds another account's volume
 * by ARN only, and the verdict blocks a key that protects data unless --allow-data-loss.
 */
import { describe, expect, it } from 'vitest';
import { FakeAccount } from '../../fakes/fake-aws.js';
import type { DataResource } from '../../../../src/aws/data-ports.js';
import { gatherDependents } from '../../../../src/workflow/evidence/dependents/gather.js';
import {
  groupExpression,
  queryGroups,
  MAX_EXPRESSION_CHARS,
} from '../../../../src/workflow/evidence/dependents/config-query.js';
import { RESOURCE_TYPES } from '../../../../src/workflow/evidence/dependents/resource-types.js';
import { combineVerdict, withServiceGrants } from '../../../../src/workflow/evidence/dependents/verdict.js';
import { AwsCallError, ExitCode, KscliError } from '../../../../src/errors.js';

const REGION = 'eu-west-1';

function world() {
  const acct = new FakeAccount({ region: REGION });
  const store = acct.addStore();
  const archive = acct.addKey({ store, aliases: ['alias/reports-archive'] });
  const idle = acct.addKey({ store });
  return { acct, store, archive, idle };
}

const res = (
  over: Partial<DataResource> & Pick<DataResource, 'resourceType' | 'resourceId' | 'kmsKeyRef'>,
): DataResource => ({
  region: REGION,
  accountId: '111122223333',
  property: 'configuration.kmsKeyId',
  ...over,
});

describe('gatherDependents', () => {
  it('auto: Config for the recorded types, direct reads for the rest; every form of the key name matches', async () => {
    const { acct, archive, idle } = world();
    acct.data.record(['AWS::EC2::Volume', 'AWS::SecretsManager::Secret']);
    acct.data.resources.push(
      res({ resourceType: 'AWS::EC2::Volume', resourceId: 'vol-arn', kmsKeyRef: archive.arn }),
      res({ resourceType: 'AWS::EC2::Volume', resourceId: 'vol-id', kmsKeyRef: archive.keyId }),
      res({
        resourceType: 'AWS::SecretsManager::Secret',
        resourceId: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:s',
        kmsKeyRef: `arn:aws:kms:${REGION}:111122223333:alias/reports-archive`,
        property: 'configuration.KMSKeyId',
      }),
      // not recorded by Config: found by the direct read of EBS snapshots
      res({
        resourceType: 'AWS::EC2::Snapshot',
        resourceId: 'snap-1',
        kmsKeyRef: 'alias/reports-archive',
        property: 'KmsKeyId',
      }),
      // another key's volume: not ours
      res({
        resourceType: 'AWS::EC2::Volume',
        resourceId: 'vol-other',
        kmsKeyRef: 'arn:aws:kms:eu-west-1:111122223333:key/other',
      }),
    );
    acct.data.buckets.push({ name: 'reports-archive-bucket', region: REGION, kmsKey: archive.keyId });

    const r = await gatherDependents(acct.ports(), [archive, idle], { mode: 'auto', region: REGION });
    const found = r.byKey.get(archive.keyId)!;
    expect(found.status).toBe('found');
    expect(found.resources.map((x) => `${x.resourceType} ${x.resourceId} ${x.source}`).sort()).toEqual([
      'AWS::EC2::Snapshot snap-1 direct',
      'AWS::EC2::Volume vol-arn config',
      'AWS::EC2::Volume vol-id config',
      'AWS::S3::Bucket reports-archive-bucket direct',
      'AWS::SecretsManager::Secret arn:aws:secretsmanager:eu-west-1:111122223333:secret:s config',
    ]);
    expect(r.byKey.get(idle.keyId)!.status).toBe('none-found');
    const by = Object.fromEntries(r.run.coverage.map((c) => [c.resourceType, c.by]));
    expect(by['AWS::EC2::Volume']).toBe('config');
    expect(by['AWS::EC2::Snapshot']).toBe('direct');
    expect(by['AWS::S3::Bucket']).toBe('direct');
    // not core, not recorded here: listed as not covered, never "none"
    expect(by['AWS::SNS::Topic']).toBe('not-covered');
    // Config was asked only for what its recorder records; EBS volumes were not read directly
    expect(acct.callsOf('SelectResourceConfig').length).toBeGreaterThan(0);
    expect(acct.callsOf('DescribeVolumes')).toHaveLength(0);
    expect(acct.callsOf('DescribeSnapshots')).toHaveLength(1);
    expect(r.run.notes.join(' ')).toMatch(/S3 Inventory/);
  });

  it('config mode: a core type the recorder does not record is a gap naming it, never none', async () => {
    const { acct, archive } = world();
    acct.data.record(['AWS::EC2::Volume']);
    const r = await gatherDependents(acct.ports(), [archive], { mode: 'config', region: REGION });
    const d = r.byKey.get(archive.keyId)!;
    expect(d.status).toBe('gap');
    expect(d.gaps.join('\n')).toMatch(
      /AWS::S3::Bucket: AWS::S3::Bucket is not recorded by the Config recorder default/,
    );
    expect(d.gaps.join('\n')).toMatch(/AWS::EC2::Snapshot: AWS Config does not record AWS::EC2::Snapshot/);
  });

  it('recorder off: config mode names it; auto reads the core types directly instead', async () => {
    const { acct, archive } = world();
    acct.data.record();
    acct.data.recorderStatus = [{ name: 'default', recording: false }];
    const viaConfig = await gatherDependents(acct.ports(), [archive], { mode: 'config', region: REGION });
    expect(viaConfig.byKey.get(archive.keyId)!.status).toBe('gap');
    expect(viaConfig.byKey.get(archive.keyId)!.gaps[0]).toMatch(/recorder default is not recording/);
    const auto = await gatherDependents(acct.ports(), [archive], { mode: 'auto', region: REGION });
    expect(auto.byKey.get(archive.keyId)!.status).toBe('none-found');
  });

  it('Config access denied: auto falls back to direct reads; config mode is a gap', async () => {
    const { acct, archive } = world();
    acct.data.record();
    acct.data.resources.push(res({ resourceType: 'AWS::EC2::Volume', resourceId: 'vol-1', kmsKeyRef: archive.arn }));
    const denied = () =>
      new KscliError(ExitCode.Credentials, 'config:DescribeConfigurationRecorders: AccessDeniedException: not allowed');
    acct.failNext('DescribeConfigurationRecorders', denied());
    const auto = await gatherDependents(acct.ports(), [archive], { mode: 'auto', region: REGION });
    expect(auto.byKey.get(archive.keyId)!.status).toBe('found');
    expect(auto.run.coverage.find((c) => c.resourceType === 'AWS::EC2::Volume')!.by).toBe('direct');
    acct.failNext('DescribeConfigurationRecorders', denied());
    const config = await gatherDependents(acct.ports(), [archive], { mode: 'config', region: REGION });
    expect(config.byKey.get(archive.keyId)!.status).toBe('gap');
    expect(config.byKey.get(archive.keyId)!.gaps[0]).toMatch(/access-denied/);
  });

  it('a direct read that fails is a gap for its types (and found resources still count)', async () => {
    const { acct, archive } = world();
    acct.failNext('ListSecrets', new AwsCallError('ListSecrets', 'ThrottlingException', 'Rate exceeded', 400));
    const r = await gatherDependents(acct.ports(), [archive], { mode: 'direct', region: REGION });
    const d = r.byKey.get(archive.keyId)!;
    expect(d.status).toBe('gap');
    expect(d.gaps).toEqual([
      expect.stringMatching(/^AWS::SecretsManager::Secret: secrets unavailable: ListSecrets: ThrottlingException/),
    ]);
  });

  it('a malformed Config answer is a gap, not an empty answer', async () => {
    const { acct, archive } = world();
    acct.data.record();
    acct.before('SelectResourceConfig', () => {
      acct.data.resources.push({
        resourceType: 'AWS::EC2::Volume',
        resourceId: '',
        kmsKeyRef: archive.arn,
        property: 'configuration.kmsKeyId',
      });
    });
    const r = await gatherDependents(acct.ports(), [archive], { mode: 'config', region: REGION });
    expect(r.byKey.get(archive.keyId)!.status).toBe('gap');
    expect(r.byKey.get(archive.keyId)!.gaps.join(' ')).toMatch(/malformed/);
  });

  it('pages every Config answer to its end', async () => {
    const { acct, archive } = world();
    acct.data.record();
    acct.data.configPageSize = 2;
    for (let i = 0; i < 7; i++)
      acct.data.resources.push(
        res({ resourceType: 'AWS::EC2::Volume', resourceId: `vol-${i}`, kmsKeyRef: archive.arn }),
      );
    const r = await gatherDependents(acct.ports(), [archive], { mode: 'config', region: REGION });
    expect(r.byKey.get(archive.keyId)!.resources.filter((x) => x.resourceType === 'AWS::EC2::Volume')).toHaveLength(7);
  });

  it('an aggregator finds another account volume by ARN, never by a bare ID (that names their own key)', async () => {
    const { acct, archive } = world();
    acct.data.record();
    acct.data.aggregators.set('org', [
      res({ resourceType: 'AWS::EC2::Volume', resourceId: 'vol-x', accountId: '444455556666', kmsKeyRef: archive.arn }),
      res({
        resourceType: 'AWS::EC2::Volume',
        resourceId: 'vol-y',
        accountId: '444455556666',
        kmsKeyRef: archive.keyId,
      }),
    ]);
    const r = await gatherDependents(acct.ports(), [archive], { mode: 'auto', region: REGION, aggregator: 'org' });
    const d = r.byKey.get(archive.keyId)!;
    expect(d.resources.map((x) => `${x.resourceId} ${x.accountId} ${x.source}`)).toEqual([
      'vol-x 444455556666 config-aggregator',
    ]);
    expect(acct.callsOf('SelectAggregateResourceConfig').length).toBeGreaterThan(0);
    expect(acct.callsOf('SelectResourceConfig')).toHaveLength(0);
  });

  it('an unknown aggregator is bad input (exit 2) naming it and how to list them', async () => {
    const { acct, archive } = world();
    acct.data.record();
    const err = await gatherDependents(acct.ports(), [archive], {
      mode: 'auto',
      region: REGION,
      aggregator: 'nope',
    }).catch((e) => e);
    expect(err).toBeInstanceOf(KscliError);
    expect(err.exitCode).toBe(ExitCode.BadInput);
    expect(err.message).toMatch(/--config-aggregator nope: no such Config aggregator in eu-west-1/);
  });

  it('off: nothing is read', async () => {
    const { acct, archive } = world();
    const r = await gatherDependents(acct.ports(), [archive], { mode: 'off', region: REGION });
    expect(r.byKey.get(archive.keyId)!.status).toBe('off');
    expect(acct.calls).toHaveLength(0);
  });
});

describe('Config queries', () => {
  it('groups types so that no query holds two paths differing only in case', () => {
    const groups = queryGroups(RESOURCE_TYPES);
    for (const g of groups)
      for (const p of g.paths) for (const q of g.paths) if (p !== q) expect(p.toLowerCase()).not.toBe(q.toLowerCase());
    const secrets = groups.find((g) => g.types.includes('AWS::SecretsManager::Secret'))!;
    expect(secrets.types).not.toContain('AWS::EC2::Volume');
    // every type Config records is in exactly one group
    expect(groups.flatMap((g) => g.types).sort()).toEqual(
      RESOURCE_TYPES.filter((t) => t.configPaths.length)
        .map((t) => t.type)
        .sort(),
    );
  });

  it('filters by the keys when the expression fits 4,096 characters, else scans the Region', () => {
    const g = queryGroups(RESOURCE_TYPES)[0]!;
    const small = groupExpression(g, REGION, ['k1', 'arn:aws:kms:eu-west-1:1:key/k1']);
    expect(small.filtered).toBe(true);
    expect(small.expression).toMatch(/configuration\.kmsKeyId IN \('k1', 'arn:aws:kms:eu-west-1:1:key\/k1'\)/);
    expect(small.expression).toMatch(/awsRegion = 'eu-west-1'/);
    const big = groupExpression(
      g,
      REGION,
      Array.from({ length: 500 }, (_, i) => `key-${i}`),
    );
    expect(big.filtered).toBe(false);
    expect(big.expression.length).toBeLessThanOrEqual(MAX_EXPRESSION_CHARS);
    expect(big.expression).not.toMatch(/ IN \('key-/);
  });
});

describe('the verdict gains data', () => {
  const use = { verdict: 'unused' as const, reason: 'no use in 2026-09-01..2026-11-30: CloudTrail: nothing' };
  const found = {
    status: 'found' as const,
    resources: [
      { resourceType: 'AWS::S3::Bucket', resourceId: 'b', kmsKeyRef: 'k', property: 'p', source: 'direct' as const },
    ],
    gaps: [],
    staleGrants: [],
  };

  it('protects-data blocks with --allow-data-loss as the override, naming the count and the resources', () => {
    const v = combineVerdict(use, found, false);
    expect(v.verdict).toBe('protects-data');
    expect(v.dataCheck).toMatchObject({ name: 'data-at-rest', ok: false, overrideFlag: '--allow-data-loss' });
    expect(v.dataCheck!.overridden).toBeUndefined();
    expect(v.reason).toMatch(/1 resource\(s\) encrypted under it: S3 Bucket b/);
    expect(combineVerdict(use, found, true).dataCheck!.overridden).toBe(true);
  });

  it('a gap turns unused into unknown (naming the gap), never unused', () => {
    const v = combineVerdict(
      use,
      { status: 'gap', resources: [], gaps: ['AWS::S3::Bucket: access-denied'], staleGrants: [] },
      false,
    );
    expect(v.verdict).toBe('unknown');
    expect(v.useVerdict).toBe('unknown');
    expect(v.reason).toMatch(/data at rest not covered: AWS::S3::Bucket: access-denied/);
  });

  it('service grants name a volume where EBS was not covered; a grant for a covered type whose volume is gone is stale', () => {
    const grant = {
      grantId: 'g1',
      operations: ['Decrypt'],
      awsService: true,
      constraints: { encryptionContextSubset: { 'aws:ebs:id': 'vol-9' } },
    };
    const none = { status: 'gap' as const, resources: [], gaps: ['AWS::EC2::Volume: not covered'], staleGrants: [] };
    const notCovered = [{ resourceType: 'AWS::EC2::Volume', core: true, by: 'not-covered' as const }];
    const d = withServiceGrants(none, [grant], notCovered, { arn: 'arn:k' });
    expect(d.status).toBe('found');
    expect(d.resources[0]).toMatchObject({ resourceId: 'vol-9', source: 'service-grant', grantId: 'g1' });
    const covered = [{ resourceType: 'AWS::EC2::Volume', core: true, by: 'direct' as const }];
    const stale = withServiceGrants({ ...none, status: 'none-found', gaps: [] }, [grant], covered, { arn: 'arn:k' });
    expect(stale.status).toBe('none-found');
    expect(stale.staleGrants).toEqual([{ grantId: 'g1', resource: 'EC2 Volume vol-9' }]);
  });
});
