/** CloudHSM v2 clusters and backups, SNS GetTopicAttributes, STS GetCallerIdentity. */
import { describe, expect, it } from 'vitest';
import { createModel, scenario, DEMO_CLUSTER_ID, DEMO_TOPIC_ARN } from '../../../../src/sandbox/model/index.js';
import type { AccountState } from '../../../../src/sandbox/model/state.js';
import { call, callError } from './helpers.js';

const DAY = 86_400_000;
const hsm = (m: ReturnType<typeof createModel>, op: string, input: Record<string, unknown> = {}): any =>
  call(m, 'cloudhsm', op, input);

describe('CloudHSM v2', () => {
  it('DescribeClusters with filters and MaxResults 1-25', () => {
    const m = createModel(scenario('demo'));
    const all = hsm(m, 'DescribeClusters').Clusters;
    expect(all).toHaveLength(2);
    const one = hsm(m, 'DescribeClusters', { Filters: { clusterIds: [DEMO_CLUSTER_ID] } }).Clusters;
    expect(one).toEqual([
      expect.objectContaining({ ClusterId: DEMO_CLUSTER_ID, State: 'ACTIVE', BackupPolicy: 'DEFAULT' }),
    ]);
    expect(new Set(one[0].Hsms.map((h: any) => h.AvailabilityZone)).size).toBe(2);
    expect(hsm(m, 'DescribeClusters', { Filters: { states: ['DELETED'] } }).Clusters).toEqual([]);
    const page = hsm(m, 'DescribeClusters', { MaxResults: 1 });
    expect(page.Clusters).toHaveLength(1);
    expect(hsm(m, 'DescribeClusters', { MaxResults: 1, NextToken: page.NextToken }).NextToken).toBeUndefined();
    expect(callError(m, 'cloudhsm', 'DescribeClusters', { MaxResults: 26 }).code).toBe(
      'CloudHsmInvalidRequestException',
    );
    expect(callError(m, 'cloudhsm', 'DescribeClusters', { Filters: { bogus: ['x'] } }).code).toBe(
      'CloudHsmInvalidRequestException',
    );
  });

  it('DescribeBackups: filters, sorting and paging', () => {
    const m = createModel(scenario('demo'));
    const asc = hsm(m, 'DescribeBackups', { Filters: { clusterIds: [DEMO_CLUSTER_ID] }, SortAscending: true }).Backups;
    expect(asc).toHaveLength(5);
    const times = asc.map((b: any) => b.CreateTimestamp.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(asc[0]).toMatchObject({
      BackupState: 'READY',
      ClusterId: DEMO_CLUSTER_ID,
      NeverExpires: false,
      BackupArn: `arn:aws:cloudhsm:us-east-1:111122223333:backup/${asc[0].BackupId}`,
    });
    const p1 = hsm(m, 'DescribeBackups', { MaxResults: 2 });
    const p2 = hsm(m, 'DescribeBackups', { MaxResults: 2, NextToken: p1.NextToken });
    const p3 = hsm(m, 'DescribeBackups', { MaxResults: 2, NextToken: p2.NextToken });
    expect([...p1.Backups, ...p2.Backups, ...p3.Backups].map((b: any) => b.BackupId).sort()).toEqual(
      asc.map((b: any) => b.BackupId).sort(),
    );
    expect(p3.NextToken).toBeUndefined();
    expect(callError(m, 'cloudhsm', 'DescribeBackups', { MaxResults: 51 }).code).toBe(
      'CloudHsmInvalidRequestException',
    );
    expect(hsm(m, 'DescribeBackups', { Filters: { neverExpires: ['true'] } }).Backups).toEqual([]);
  });

  it('DeleteBackup -> PENDING_DELETION for 7 days, RestoreBackup brings it back, then it is purged', () => {
    const m = createModel(scenario('demo'));
    const [b1, b2] = hsm(m, 'DescribeBackups', { SortAscending: true }).Backups;
    const deleted = hsm(m, 'DeleteBackup', { BackupId: b1.BackupId }).Backup;
    expect(deleted.BackupState).toBe('PENDING_DELETION');
    expect(deleted.DeleteTimestamp.getTime() - m.now().getTime()).toBeGreaterThan(7 * DAY - 1000);
    expect(callError(m, 'cloudhsm', 'DeleteBackup', { BackupId: b1.BackupId }).code).toBe(
      'CloudHsmInvalidRequestException',
    );
    expect(callError(m, 'cloudhsm', 'RestoreBackup', { BackupId: b2.BackupId }).code).toBe(
      'CloudHsmInvalidRequestException',
    );
    expect(hsm(m, 'RestoreBackup', { BackupId: b1.BackupId }).Backup.BackupState).toBe('READY');
    hsm(m, 'DeleteBackup', { BackupId: b2.BackupId });
    expect(
      hsm(m, 'DescribeBackups', { Filters: { states: ['PENDING_DELETION'] } }).Backups.map((b: any) => b.BackupId),
    ).toEqual([b2.BackupId]);
    const report = m.advance(7 * DAY + 1000);
    expect(report.purgedBackups).toEqual([b2.BackupId]);
    expect(callError(m, 'cloudhsm', 'RestoreBackup', { BackupId: b2.BackupId }).code).toBe(
      'CloudHsmResourceNotFoundException',
    );
    expect(hsm(m, 'DescribeBackups').Backups).toHaveLength(4);
  });
});

describe('SNS and STS', () => {
  it('GetTopicAttributes answers the topic, NotFound (404) for others', () => {
    const json = scenario('demo') as AccountState;
    json.topics[0]!.kmsMasterKeyId = 'alias/aws/sns';
    const m = createModel(json);
    const attrs = call(m, 'sns', 'GetTopicAttributes', { TopicArn: DEMO_TOPIC_ARN }).Attributes;
    expect(attrs).toMatchObject({ TopicArn: DEMO_TOPIC_ARN, KmsMasterKeyId: 'alias/aws/sns', Owner: '111122223333' });
    const e = callError(m, 'sns', 'GetTopicAttributes', { TopicArn: `${DEMO_TOPIC_ARN}-nope` });
    expect([e.code, e.status]).toEqual(['NotFound', 404]);
    expect(
      call(createModel(scenario('demo')), 'sns', 'GetTopicAttributes', { TopicArn: DEMO_TOPIC_ARN }).Attributes,
    ).not.toHaveProperty('KmsMasterKeyId');
  });

  it('GetCallerIdentity derives the caller from the access key id', () => {
    const m = createModel(scenario('demo'));
    expect(call(m, 'sts', 'GetCallerIdentity')).toEqual({
      Account: '111122223333',
      Arn: 'arn:aws:sts::111122223333:assumed-role/Admin/kscli',
      UserId: expect.stringMatching(/:kscli$/),
    });
    const ctx = {
      service: 'sts' as const,
      operation: 'GetCallerIdentity',
      region: 'us-east-1',
      accessKeyId: 'AKIAEXAMPLEUSER00001',
      requestId: 'r1',
    };
    expect((m.handle(ctx, {}) as any).Arn).toBe('arn:aws:iam::111122223333:user/sandbox-user');
  });
});
