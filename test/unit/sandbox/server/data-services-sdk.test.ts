/**
 * The data services of the sandbox (issue 19) through the real AWS SDK v3 clients over HTTP, on
 * the demo scenario (and the org scenario for the aggregator): every protocol (JSON 1.1, JSON
 * 1.0, REST-XML, REST-JSON, query, ec2) decodes and encodes as the clients expect, errors arrive
 * with their codes, and the data is where data/scenario.ts says.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigServiceClient,
  DescribeConfigurationAggregatorsCommand,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  SelectAggregateResourceConfigCommand,
  SelectResourceConfigCommand,
  StopConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutBucketEncryptionCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateVolumeCommand, DescribeSnapshotsCommand, DescribeVolumesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { BackupClient, ListBackupVaultsCommand, ListRecoveryPointsByBackupVaultCommand } from '@aws-sdk/client-backup';
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { realModelFactory, resetState, startSandbox, type RunningSandbox } from '../../../../src/sandbox/index.js';
import { DEMO_DATA, DEMO_KEYS } from '../../../../src/sandbox/model/index.js';

const ACCOUNT = '111122223333';
const REPORTS_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${DEMO_KEYS.unusedA}`;
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'dummy-secret' };

let dir: string;
let sb: RunningSandbox;
let org: RunningSandbox;
const opts = () => ({ endpoint: sb.url, region: 'us-east-1', credentials, maxAttempts: 1 });

async function errorOf(p: Promise<unknown>): Promise<{ name: string; $metadata: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (e) {
    return e as { name: string; $metadata: { httpStatusCode?: number } };
  }
  throw new Error('expected an error');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kscli-data-sdk-'));
  sb = await startSandbox({ statePath: join(dir, 'demo.json') });
  resetState(await realModelFactory(), join(dir, 'org.json'), 'org', {});
  org = await startSandbox({ statePath: join(dir, 'org.json') });
});
afterAll(async () => {
  await sb?.close();
  await org?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('AWS Config', () => {
  it('the recorder records only some types, and its status says it is recording', async () => {
    const c = new ConfigServiceClient(opts());
    const r = await c.send(new DescribeConfigurationRecordersCommand({}));
    expect(r.ConfigurationRecorders).toHaveLength(1);
    const group = r.ConfigurationRecorders![0]!.recordingGroup!;
    expect(group.allSupported).toBe(false);
    expect(group.resourceTypes).toContain('AWS::S3::Bucket');
    expect(group.resourceTypes).not.toContain('AWS::SecretsManager::Secret');
    expect(group.recordingStrategy?.useOnly).toBe('INCLUSION_BY_RESOURCE_TYPES');
    const s = await c.send(new DescribeConfigurationRecorderStatusCommand({}));
    expect(s.ConfigurationRecordersStatus![0]).toMatchObject({
      name: 'default',
      recording: true,
      lastStatus: 'SUCCESS',
    });
    expect(s.ConfigurationRecordersStatus![0]!.lastStartTime).toBeInstanceOf(Date);
    const missing = await errorOf(
      c.send(new DescribeConfigurationRecordersCommand({ ConfigurationRecorderNames: ['nope'] })),
    );
    expect(missing.name).toBe('NoSuchConfigurationRecorderException');
  });

  it('SelectResourceConfig finds the bucket under alias/reports-archive; results are JSON strings', async () => {
    const c = new ConfigServiceClient(opts());
    const r = await c.send(
      new SelectResourceConfigCommand({
        Expression:
          "SELECT resourceId, resourceType, supplementaryConfiguration.ServerSideEncryptionConfiguration.rules.applyServerSideEncryptionByDefault.kmsMasterKeyID WHERE resourceType = 'AWS::S3::Bucket' AND supplementaryConfiguration.ServerSideEncryptionConfiguration.rules.applyServerSideEncryptionByDefault.kmsMasterKeyID IN ('alias/reports-archive', '" +
          REPORTS_ARN +
          "')",
      }),
    );
    expect(r.QueryInfo?.SelectFields?.map((f) => f.Name)).toEqual([
      'resourceId',
      'resourceType',
      'supplementaryConfiguration.ServerSideEncryptionConfiguration.rules.applyServerSideEncryptionByDefault.kmsMasterKeyID',
    ]);
    expect(r.Results!.map((x) => JSON.parse(x))).toEqual([
      {
        resourceId: DEMO_DATA.bucket,
        resourceType: 'AWS::S3::Bucket',
        supplementaryConfiguration: {
          ServerSideEncryptionConfiguration: {
            rules: [{ applyServerSideEncryptionByDefault: { kmsMasterKeyID: 'alias/reports-archive' } }],
          },
        },
      },
    ]);
  });

  it('pages with Limit and NextToken; COUNT with GROUP BY; errors for bad expressions and limits', async () => {
    const c = new ConfigServiceClient(opts());
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const r = await c.send(
        new SelectResourceConfigCommand({ Expression: 'SELECT resourceId', Limit: 2, NextToken: token }),
      );
      expect(r.Results!.length).toBeLessThanOrEqual(2);
      seen.push(...r.Results!);
      token = r.NextToken;
    } while (token);
    expect(new Set(seen).size).toBe(seen.length);
    const counts = await c.send(
      new SelectResourceConfigCommand({
        Expression: 'SELECT resourceType, COUNT(*) GROUP BY resourceType ORDER BY resourceType',
      }),
    );
    const rows = counts.Results!.map((x) => JSON.parse(x) as { resourceType: string; 'COUNT(*)': number });
    expect(rows.reduce((n, r) => n + r['COUNT(*)'], 0)).toBe(seen.length);
    expect(rows.map((r) => r.resourceType)).not.toContain('AWS::SecretsManager::Secret');
    expect(
      (await errorOf(c.send(new SelectResourceConfigCommand({ Expression: 'SELECT DISTINCT resourceId' })))).name,
    ).toBe('InvalidExpressionException');
    expect(
      (await errorOf(c.send(new SelectResourceConfigCommand({ Expression: 'SELECT resourceId', Limit: 101 })))).name,
    ).toBe('InvalidLimitException');
    expect(
      (
        await errorOf(
          c.send(new SelectResourceConfigCommand({ Expression: 'SELECT resourceId', NextToken: 'garbage' })),
        )
      ).name,
    ).toBe('InvalidNextTokenException');
  });

  it('through the org aggregator a volume in another account under a key of the demo store is found', async () => {
    const c = new ConfigServiceClient({ ...opts(), endpoint: org.url });
    const aggs = await c.send(new DescribeConfigurationAggregatorsCommand({}));
    expect(aggs.ConfigurationAggregators!.map((a) => a.ConfigurationAggregatorName)).toEqual([DEMO_DATA.aggregator]);
    const key = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${DEMO_KEYS.unusedB}`;
    const r = await c.send(
      new SelectAggregateResourceConfigCommand({
        ConfigurationAggregatorName: DEMO_DATA.aggregator,
        Expression: `SELECT resourceId, accountId, awsRegion, configuration.kmsKeyId WHERE resourceType = 'AWS::EC2::Volume' AND configuration.kmsKeyId IN ('${key}', '${DEMO_KEYS.unusedB}')`,
        MaxResults: 100,
      }),
    );
    expect(r.Results!.map((x) => JSON.parse(x))).toEqual([
      {
        resourceId: DEMO_DATA.crossAccountVolume,
        accountId: DEMO_DATA.crossAccount,
        awsRegion: 'us-east-1',
        configuration: { kmsKeyId: key },
      },
    ]);
    const bad = await errorOf(
      c.send(
        new SelectAggregateResourceConfigCommand({
          ConfigurationAggregatorName: 'nope',
          Expression: 'SELECT resourceId',
        }),
      ),
    );
    expect(bad.name).toBe('NoSuchConfigurationAggregatorException');
  });

  it('a stopped recorder says so, and resources made after it stopped are not in query results', async () => {
    const c = new ConfigServiceClient({ ...opts(), endpoint: org.url });
    await c.send(new StopConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
    const s = await c.send(new DescribeConfigurationRecorderStatusCommand({}));
    expect(s.ConfigurationRecordersStatus![0]!.recording).toBe(false);
    const ec2 = new EC2Client({ ...opts(), endpoint: org.url });
    const v = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 10, Encrypted: true }));
    const r = await c.send(
      new SelectResourceConfigCommand({ Expression: `SELECT resourceId WHERE resourceId = '${v.VolumeId}'` }),
    );
    expect(r.Results).toEqual([]);
  });
});

describe('S3 (REST-XML, path-style)', () => {
  it('ListBuckets, GetBucketEncryption (KMS, SSE-S3, none), GetBucketLocation, HeadBucket', async () => {
    const s3 = new S3Client({ ...opts(), forcePathStyle: true });
    const list = await s3.send(new ListBucketsCommand({}));
    expect(list.Buckets!.map((b) => b.Name)).toContain(DEMO_DATA.bucket);
    expect(list.Buckets!.find((b) => b.Name === DEMO_DATA.bucket)!.CreationDate).toBeInstanceOf(Date);
    const enc = await s3.send(new GetBucketEncryptionCommand({ Bucket: DEMO_DATA.bucket }));
    expect(enc.ServerSideEncryptionConfiguration!.Rules![0]).toEqual({
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/reports-archive' },
      BucketKeyEnabled: true,
    });
    const none = await errorOf(s3.send(new GetBucketEncryptionCommand({ Bucket: `legacy-uploads-${ACCOUNT}` })));
    expect(none.name).toBe('ServerSideEncryptionConfigurationNotFoundError');
    expect(none.$metadata.httpStatusCode).toBe(404);
    expect((await errorOf(s3.send(new GetBucketEncryptionCommand({ Bucket: 'no-such-bucket-x' })))).name).toBe(
      'NoSuchBucket',
    );
    expect((await s3.send(new GetBucketLocationCommand({ Bucket: `eu-reports-${ACCOUNT}` }))).LocationConstraint).toBe(
      'eu-west-1',
    );
    expect((await s3.send(new GetBucketLocationCommand({ Bucket: DEMO_DATA.bucket }))).LocationConstraint).toBeFalsy();
    expect((await s3.send(new HeadBucketCommand({ Bucket: DEMO_DATA.bucket }))).BucketRegion).toBe('us-east-1');
    expect(
      (await errorOf(s3.send(new HeadBucketCommand({ Bucket: 'no-such-bucket-x' })))).$metadata.httpStatusCode,
    ).toBe(404);
  });

  it('CreateBucket gets SSE-S3; PutBucketEncryption sets a key, which Config then sees', async () => {
    const s3 = new S3Client({ ...opts(), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'made-by-sdk-bucket' }));
    const enc = await s3.send(new GetBucketEncryptionCommand({ Bucket: 'made-by-sdk-bucket' }));
    expect(enc.ServerSideEncryptionConfiguration!.Rules![0]!.ApplyServerSideEncryptionByDefault!.SSEAlgorithm).toBe(
      'AES256',
    );
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: 'made-by-sdk-bucket',
        ServerSideEncryptionConfiguration: {
          Rules: [
            { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: DEMO_KEYS.unusedB } },
          ],
        },
      }),
    );
    const c = new ConfigServiceClient(opts());
    const r = await c.send(
      new SelectResourceConfigCommand({
        Expression: `SELECT resourceId WHERE supplementaryConfiguration.ServerSideEncryptionConfiguration.rules.applyServerSideEncryptionByDefault.kmsMasterKeyID = '${DEMO_KEYS.unusedB}'`,
      }),
    );
    expect(r.Results!.map((x) => JSON.parse(x).resourceId)).toEqual(['made-by-sdk-bucket']);
  });
});

describe('EC2 (ec2 query protocol)', () => {
  it('DescribeSnapshots OwnerIds=self finds the reports snapshots under the key ARN; paging and filters', async () => {
    const ec2 = new EC2Client(opts());
    const all = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }));
    const reports = all.Snapshots!.filter((s) => s.KmsKeyId === REPORTS_ARN);
    expect(reports.map((s) => s.SnapshotId).sort()).toEqual([...DEMO_DATA.snapshots].sort());
    expect(reports[0]!.StartTime).toBeInstanceOf(Date);
    expect(reports[0]!.Encrypted).toBe(true);
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const p = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], MaxResults: 5, NextToken: token }));
      ids.push(...p.Snapshots!.map((s) => s.SnapshotId!));
      token = p.NextToken;
    } while (token);
    expect(ids.sort()).toEqual(all.Snapshots!.map((s) => s.SnapshotId!).sort());
    const enc = await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'encrypted', Values: ['true'] }] }));
    expect(enc.Volumes!.every((v) => v.Encrypted && v.KmsKeyId?.startsWith('arn:aws:kms:'))).toBe(true);
    const nf = await errorOf(ec2.send(new DescribeVolumesCommand({ VolumeIds: ['vol-00000000000000000'] })));
    expect(nf.name).toBe('InvalidVolume.NotFound');
    const bad = await errorOf(ec2.send(new DescribeVolumesCommand({ MaxResults: 1 })));
    expect(bad.name).toBe('InvalidParameterValue');
  });
});

describe('RDS (query protocol)', () => {
  it('instances, clusters, snapshots and cluster snapshots with KmsKeyId; Marker paging; not found', async () => {
    const rds = new RDSClient(opts());
    const inst = await rds.send(new DescribeDBInstancesCommand({}));
    expect(inst.DBInstances!.map((d) => d.DBInstanceIdentifier)).toEqual(['orders-db', 'analytics-instance-1']);
    expect(inst.DBInstances![0]!.KmsKeyId).toMatch(/^arn:aws:kms:/);
    expect(inst.DBInstances![0]!.InstanceCreateTime).toBeInstanceOf(Date);
    expect(inst.DBInstances![0]!.StorageEncrypted).toBe(true);
    const cl = await rds.send(new DescribeDBClustersCommand({}));
    expect(cl.DBClusters![0]!.DBClusterMembers![0]!.DBInstanceIdentifier).toBe('analytics-instance-1');
    const snaps = await rds.send(new DescribeDBSnapshotsCommand({ MaxRecords: 20 }));
    expect(snaps.DBSnapshots).toHaveLength(2);
    const csnaps = await rds.send(new DescribeDBClusterSnapshotsCommand({}));
    expect(csnaps.DBClusterSnapshots![0]!.KmsKeyId).toMatch(/^arn:aws:kms:/);
    const nf = await errorOf(rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' })));
    expect(nf.name).toBe('DBInstanceNotFoundFault');
    expect((await errorOf(rds.send(new DescribeDBInstancesCommand({ MaxRecords: 5 })))).name).toBe(
      'InvalidParameterValue',
    );
  });
});

describe('DynamoDB, Backup, Secrets Manager, SSM, Logs', () => {
  it('DynamoDB ListTables and DescribeTable with SSEDescription.KMSMasterKeyArn', async () => {
    const ddb = new DynamoDBClient(opts());
    const t = await ddb.send(new ListTablesCommand({ Limit: 1 }));
    expect(t.TableNames).toEqual(['orders']);
    expect(t.LastEvaluatedTableName).toBe('orders');
    const d = await ddb.send(new DescribeTableCommand({ TableName: 'orders' }));
    expect(d.Table!.SSEDescription).toMatchObject({ Status: 'ENABLED', SSEType: 'KMS' });
    expect(d.Table!.SSEDescription!.KMSMasterKeyArn).toMatch(/^arn:aws:kms:us-east-1:111122223333:key\//);
    expect((await ddb.send(new DescribeTableCommand({ TableName: 'sessions' }))).Table!.SSEDescription).toBeUndefined();
    expect((await errorOf(ddb.send(new DescribeTableCommand({ TableName: 'nope' })))).name).toBe(
      'ResourceNotFoundException',
    );
  });

  it('Backup vaults and recovery points with EncryptionKeyArn', async () => {
    const b = new BackupClient(opts());
    const v = await b.send(new ListBackupVaultsCommand({}));
    expect(v.BackupVaultList![0]).toMatchObject({ BackupVaultName: 'Default', NumberOfRecoveryPoints: 2 });
    const rp = await b.send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: 'Default', MaxResults: 1 }));
    expect(rp.RecoveryPoints).toHaveLength(1);
    expect(rp.RecoveryPoints![0]!.EncryptionKeyArn).toMatch(/^arn:aws:kms:/);
    expect(rp.NextToken).toBeTruthy();
    const nf = await errorOf(b.send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: 'nope' })));
    expect(nf.name).toBe('ResourceNotFoundException');
  });

  it('Secrets Manager ListSecrets (planned deletion only on request), SSM DescribeParameters KeyId filter, log group kmsKeyId', async () => {
    const sm = new SecretsManagerClient(opts());
    const l = await sm.send(new ListSecretsCommand({}));
    expect(l.SecretList!.map((s) => s.Name)).toEqual(['prod/db-password', 'prod/api-token']);
    expect(l.SecretList![1]!.KmsKeyId).toBeUndefined();
    const all = await sm.send(new ListSecretsCommand({ IncludePlannedDeletion: true }));
    expect(all.SecretList!.find((s) => s.Name === 'staging/old-token')!.DeletedDate).toBeInstanceOf(Date);
    const ssm = new SSMClient(opts());
    const p = await ssm.send(
      new DescribeParametersCommand({
        ParameterFilters: [{ Key: 'KeyId', Option: 'Equals', Values: ['alias/aws/ssm'] }],
      }),
    );
    expect(p.Parameters!.map((x) => x.Name)).toEqual(['/app/api-token']);
    const logs = new CloudWatchLogsClient(opts());
    const g = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/app/' }));
    expect(g.logGroups![0]!.kmsKeyId).toMatch(/^arn:aws:kms:/);
  });
});
