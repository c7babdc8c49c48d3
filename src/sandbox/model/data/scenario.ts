/**
 * The data at rest of the ready-made scenarios (issue 19).
 *
 * `demo` (account 111122223333, us-east-1; ids fixed):
 * - under `alias/reports-archive` (DEMO_KEYS.unusedA, a key of the retiring store that nothing
 *   has called): the S3 bucket DEMO_DATA.bucket, whose default encryption names the key by its
 *   alias (created 58 days ago), and the EBS snapshots DEMO_DATA.snapshots (55, 30 and 2 days
 *   old; EC2 names the key by ARN) of a volume deleted since. No other key of the store protects
 *   anything.
 * - under keys outside the store (customer keys 1-10, AWS managed keys): buckets (one SSE-S3,
 *   one with no default encryption at all, one in eu-west-1 naming its key by ID), EBS volumes
 *   and snapshots, an RDS instance, cluster and snapshots, DynamoDB tables, a Backup vault with
 *   recovery points, secrets (one under aws/secretsmanager, one scheduled for deletion), SSM
 *   parameters, a log group.
 * - AWS Config: recorder `default`, recording, of some types only (DEMO_RECORDED_TYPES): RDS
 *   clusters and cluster snapshots, secrets and recovery points are "not covered"; EBS snapshots,
 *   log groups and SSM parameters no recorder can cover.
 *
 * `org`: the demo as the management account plus the aggregator DEMO_DATA.aggregator (the whole
 * organization, every Region), and in member account 200000000001 (us-east-1, recorder recording
 * everything) the volume DEMO_DATA.crossAccountVolume encrypted under DEMO_KEYS.unusedB, a key of
 * the demo's store: data in another account that only an aggregator finds.
 *
 * `large`: `resources` generated resources (generate.ts; 10% under keys of the store) and a
 * recorder of every supported type.
 */
import type { Account } from '../account.js';
import { DAY_MS, type KeyRecord } from '../state.js';
import { dataOf } from './access.js';
import { emptyData, type DataState, type RecorderRecord } from './state.js';
import { dynamodbGrant, ebsGrant } from '../ec2/grants.js';

export const DEMO_DATA = {
  bucket: 'reports-archive-111122223333',
  /** the volume the snapshots were taken of, deleted since */
  reportsVolume: 'vol-0a1b2c3d4e5f60000',
  snapshots: ['snap-0a1b2c3d4e5f60001', 'snap-0a1b2c3d4e5f60002', 'snap-0a1b2c3d4e5f60003'],
  aggregator: 'org-aggregator',
  crossAccount: '200000000001',
  crossAccountVolume: 'vol-0c0ffee0c0ffee001',
  recorder: 'default',
} as const;

export const DEMO_RECORDED_TYPES = [
  'AWS::S3::Bucket',
  'AWS::EC2::Volume',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBSnapshot',
  'AWS::DynamoDB::Table',
  'AWS::Backup::BackupVault',
];

function recorder(now: number, types?: string[]): RecorderRecord {
  return {
    name: DEMO_DATA.recorder,
    roleArn: 'arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig',
    allSupported: !types,
    includeGlobalResourceTypes: false,
    resourceTypes: types ? [...types] : [],
    exclusions: [],
    recording: true,
    frequency: 'CONTINUOUS',
    lastStart: now - 300 * DAY_MS,
    lastStatus: 'SUCCESS',
  };
}

/** The demo's data; `reportsKeyId` is the key behind alias/reports-archive. */
export function addDemoData(acc: Account, now: number, reportsKeyId: string): void {
  const d = dataOf(acc);
  const account = acc.accountId;
  const customers = acc.state.keys.filter((k: KeyRecord) => k.description?.startsWith('customer key '));
  const ck = (n: number): KeyRecord => customers[n - 1]!;
  const arn = (k: KeyRecord): string => acc.keyArn(k.id);
  const ebsKey = acc.aliasByName.get('alias/aws/ebs')!.keyId;
  const days = (n: number): number => now - n * DAY_MS;
  const reportsArn = acc.keyArn(reportsKeyId);

  d.buckets.push(
    {
      name: DEMO_DATA.bucket,
      created: days(58),
      region: 'us-east-1',
      sse: { algorithm: 'aws:kms', kmsKeyId: 'alias/reports-archive', bucketKey: true },
      tags: { purpose: 'quarterly reports archive' },
    },
    { name: `app-logs-${account}`, created: days(400), region: 'us-east-1', sse: { algorithm: 'AES256' } },
    {
      name: `payments-exports-${account}`,
      created: days(350),
      region: 'us-east-1',
      sse: { algorithm: 'aws:kms', kmsKeyId: arn(ck(1)), bucketKey: true },
    },
    { name: `legacy-uploads-${account}`, created: days(900), region: 'us-east-1' },
    {
      name: `eu-reports-${account}`,
      created: days(200),
      region: 'eu-west-1',
      sse: { algorithm: 'aws:kms', kmsKeyId: ck(2).id, bucketKey: false },
    },
  );
  d.snapshots.push(
    ...DEMO_DATA.snapshots.map((id, i) => ({
      id,
      volumeId: DEMO_DATA.reportsVolume,
      created: days([55, 30, 2][i]!),
      size: 500,
      state: 'completed' as const,
      encrypted: true,
      kmsKeyId: reportsArn,
      description: `reports archive ${['Q3', 'Q4', 'month end'][i]}`,
    })),
  );
  d.volumes.push(
    {
      id: 'vol-0123456789abcdef0',
      created: days(300),
      size: 100,
      az: 'us-east-1a',
      type: 'gp3',
      state: 'in-use',
      encrypted: true,
      kmsKeyId: acc.keyArn(ebsKey),
      attachedTo: 'i-0abc123def4567890',
    },
    {
      id: 'vol-0123456789abcdef1',
      created: days(280),
      size: 50,
      az: 'us-east-1b',
      type: 'gp2',
      state: 'available',
      encrypted: false,
    },
    {
      id: 'vol-0123456789abcdef2',
      created: days(150),
      size: 200,
      az: 'us-east-1a',
      type: 'gp3',
      state: 'in-use',
      encrypted: true,
      kmsKeyId: arn(ck(3)),
      attachedTo: 'i-0def456abc7890123',
    },
  );
  d.snapshots.push(
    {
      id: 'snap-0123456789abcdef0',
      volumeId: 'vol-0123456789abcdef2',
      created: days(20),
      size: 200,
      state: 'completed',
      encrypted: true,
      kmsKeyId: arn(ck(3)),
    },
    {
      id: 'snap-0123456789abcdef1',
      volumeId: 'vol-0123456789abcdef1',
      created: days(90),
      size: 50,
      state: 'completed',
      encrypted: false,
    },
  );
  d.dbInstances.push(
    {
      id: 'orders-db',
      created: days(320),
      engine: 'postgres',
      engineVersion: '16.4',
      instanceClass: 'db.r6g.large',
      storage: 200,
      status: 'available',
      encrypted: true,
      kmsKeyId: arn(ck(4)),
      // Performance Insights named by alias ARN, as RDS keeps it
      performanceInsightsKmsKeyId: `arn:aws:kms:${acc.region}:${account}:alias/aws/rds`,
      az: 'us-east-1a',
      resourceId: 'db-ORDERSDB0000000000000000A',
    },
    {
      id: 'analytics-instance-1',
      created: days(240),
      engine: 'aurora-postgresql',
      engineVersion: '16.4',
      instanceClass: 'db.r6g.large',
      storage: 1,
      status: 'available',
      encrypted: true,
      kmsKeyId: arn(ck(5)),
      clusterId: 'analytics-cluster',
      az: 'us-east-1b',
      resourceId: 'db-ANALYTICS1000000000000000B',
    },
  );
  d.dbClusters.push({
    id: 'analytics-cluster',
    created: days(240),
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
    status: 'available',
    encrypted: true,
    kmsKeyId: arn(ck(5)),
    activityStreamKmsKeyId: ck(5).id,
    resourceId: 'cluster-ANALYTICS00000000000000C',
    members: ['analytics-instance-1'],
  });
  d.dbSnapshots.push(
    {
      id: 'orders-db-before-upgrade',
      sourceId: 'orders-db',
      created: days(100),
      engine: 'postgres',
      status: 'available',
      encrypted: true,
      kmsKeyId: arn(ck(4)),
      type: 'manual',
      storage: 200,
    },
    {
      id: 'rds:orders-db-daily',
      sourceId: 'orders-db',
      created: days(1),
      engine: 'postgres',
      status: 'available',
      encrypted: true,
      kmsKeyId: arn(ck(4)),
      type: 'automated',
      storage: 200,
    },
  );
  d.dbClusterSnapshots.push({
    id: 'analytics-cluster-before-migration',
    sourceId: 'analytics-cluster',
    created: days(60),
    engine: 'aurora-postgresql',
    status: 'available',
    encrypted: true,
    kmsKeyId: arn(ck(5)),
    type: 'manual',
    storage: 1,
  });
  d.tables.push(
    {
      name: 'orders',
      id: '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b',
      created: days(330),
      status: 'ACTIVE',
      hashKey: 'orderId',
      items: 120_000,
      bytes: 48_000_000,
      kmsKeyArn: arn(ck(6)),
    },
    {
      name: 'sessions',
      id: '7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d',
      created: days(180),
      status: 'ACTIVE',
      hashKey: 'sessionId',
      items: 900,
      bytes: 180_000,
    },
  );
  d.vaults.push({
    name: 'Default',
    created: days(365),
    encryptionKeyArn: arn(ck(7)),
    recoveryPoints: [
      {
        // EBS backups are snapshots: they keep the volume's own key, not the vault's
        arn: `arn:aws:ec2:${acc.region}::snapshot/snap-0b1c2d3e4f5a60001`,
        resourceArn: `arn:aws:ec2:${acc.region}:${account}:volume/vol-0123456789abcdef2`,
        resourceType: 'EBS',
        created: days(7),
        status: 'COMPLETED',
        encrypted: true,
        encryptionKeyArn: arn(ck(3)),
        bytes: 21_474_836_480,
      },
      {
        arn: `arn:aws:backup:${acc.region}:${account}:recovery-point:0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9`,
        resourceArn: `arn:aws:dynamodb:${acc.region}:${account}:table/orders`,
        resourceType: 'DynamoDB',
        created: days(3),
        status: 'COMPLETED',
        encrypted: true,
        encryptionKeyArn: arn(ck(7)),
        bytes: 48_000_000,
      },
    ],
  });
  d.secrets.push(
    {
      name: 'prod/db-password',
      arn: `arn:aws:secretsmanager:${acc.region}:${account}:secret:prod/db-password-a1B2c3`,
      created: days(310),
      changed: days(30),
      kmsKeyId: arn(ck(8)),
      description: 'orders-db master password',
    },
    {
      name: 'prod/api-token',
      arn: `arn:aws:secretsmanager:${acc.region}:${account}:secret:prod/api-token-d4E5f6`,
      created: days(200),
      changed: days(200),
    },
    {
      name: 'staging/old-token',
      arn: `arn:aws:secretsmanager:${acc.region}:${account}:secret:staging/old-token-g7H8i9`,
      created: days(500),
      changed: days(5),
      kmsKeyId: arn(ck(8)),
      deletedDate: days(5),
    },
  );
  d.parameters.push(
    { name: '/app/db-url', type: 'String', modified: days(100), version: 3, tier: 'Standard' },
    {
      name: '/app/api-token',
      type: 'SecureString',
      keyId: 'alias/aws/ssm',
      modified: days(90),
      version: 1,
      tier: 'Standard',
    },
    {
      name: '/app/signing-key',
      type: 'SecureString',
      keyId: ck(9).id,
      modified: days(40),
      version: 2,
      tier: 'Standard',
    },
  );
  acc.state.logGroups.push({
    name: '/app/audit',
    created: days(260),
    logGroupClass: 'STANDARD',
    storedBytes: 0,
    filters: [],
    kmsKeyId: arn(ck(10)),
  });
  d.recorders.push(recorder(now, DEMO_RECORDED_TYPES));

  // the grants the services made: EC2's for each encrypted volume, DynamoDB's for the orders
  // table. (The reports key has none: its snapshots outlived their volume, whose grant was retired.)
  ebsGrant(acc, ck(3).id, 'vol-0123456789abcdef2', { instanceId: 'i-0def456abc7890123', created: days(150) });
  ebsGrant(acc, ebsKey, 'vol-0123456789abcdef0', { instanceId: 'i-0abc123def4567890', created: days(300) });
  dynamodbGrant(acc, ck(6).id, 'orders', days(330));
}

/** The large scenario's data: generated on first read (access.ts), a recorder of every type. */
export function largeData(now: number, resources: number, storeId: string, seed: number): DataState {
  if (!Number.isInteger(resources) || resources < 0 || resources > 1_000_000)
    throw new RangeError('resources must be a whole number from 0 to 1000000');
  const d = emptyData();
  if (resources > 0) d.generated = { count: resources, seed, storeId, storeShare: 0.1, at: now };
  d.recorders.push(recorder(now));
  return d;
}

/** The org scenario's additions: the aggregator in the management cell, the cross-account volume. */
export function addOrgData(management: Account, member: Account, now: number, storeKeyArn: string): void {
  dataOf(management).aggregators.push({
    name: DEMO_DATA.aggregator,
    created: now - 200 * DAY_MS,
    organization: {
      roleArn: `arn:aws:iam::${management.accountId}:role/service-role/AWSConfigRoleForOrganizations`,
      allRegions: true,
      regions: [],
    },
  });
  // EC2 in the member account made its grant on the management account's key
  ebsGrant(management, storeKeyArn.split('/').pop()!, DEMO_DATA.crossAccountVolume, {
    instanceId: 'i-0feedfacefeed0001',
    volumeAccount: member.accountId,
    created: now - 40 * DAY_MS,
  });
  const d = dataOf(member);
  d.volumes.push({
    id: DEMO_DATA.crossAccountVolume,
    created: now - 40 * DAY_MS,
    size: 1000,
    az: `${member.region}a`,
    type: 'gp3',
    state: 'in-use',
    encrypted: true,
    kmsKeyId: storeKeyArn,
    attachedTo: 'i-0feedfacefeed0001',
    tags: { Name: 'shared-reports-data' },
  });
  const rec = recorder(now);
  rec.roleArn = `arn:aws:iam::${member.accountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`;
  d.recorders.push(rec);
}
