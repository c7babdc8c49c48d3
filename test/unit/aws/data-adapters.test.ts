/**
 * The data-at-rest adapters (issue 19) against aws-sdk-client-mock: what each asks AWS (filters,
 * paging), how it reads the answer into DataResources, and the answers that mean "no key".
 */
import { SITE, serviceError, testClients } from './sdk-test-env.js';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ConfigServiceClient,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  SelectAggregateResourceConfigCommand,
  SelectResourceConfigCommand,
} from '@aws-sdk/client-config-service';
import { GetBucketEncryptionCommand, GetBucketLocationCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeSnapshotsCommand, DescribeVolumesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { BackupClient, ListBackupVaultsCommand, ListRecoveryPointsByBackupVaultCommand } from '@aws-sdk/client-backup';
import { ConfigAdapter } from '../../../src/aws/adapters/config.js';
import { S3Adapter } from '../../../src/aws/adapters/s3.js';
import { Ec2Adapter } from '../../../src/aws/adapters/ec2.js';
import { RdsAdapter } from '../../../src/aws/adapters/rds.js';
import { DynamoDbAdapter } from '../../../src/aws/adapters/dynamodb.js';
import { SecretsAdapter } from '../../../src/aws/adapters/secrets.js';
import { SsmAdapter } from '../../../src/aws/adapters/ssm.js';
import { BackupAdapter } from '../../../src/aws/adapters/backup.js';
import { AwsCallError, KscliError } from '../../../src/errors.js';

const config = mockClient(ConfigServiceClient);
const s3 = mockClient(S3Client);
const ec2 = mockClient(EC2Client);
const rds = mockClient(RDSClient);
const ddb = mockClient(DynamoDBClient);
const sm = mockClient(SecretsManagerClient);
const ssm = mockClient(SSMClient);
const backup = mockClient(BackupClient);
beforeEach(() => [config, s3, ec2, rds, ddb, sm, ssm, backup].forEach((m) => m.reset()));
// the unit project shares modules between files (vitest.config.ts): a class-level mock must not outlive this file
afterAll(() => [config, s3, ec2, rds, ddb, sm, ssm, backup].forEach((m) => m.restore()));

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('ConfigAdapter', () => {
  const adapter = () => {
    const c = testClients();
    return new ConfigAdapter(() => c.get('config'), SITE);
  };

  it('reads the recorder and its status', async () => {
    config.on(DescribeConfigurationRecordersCommand).resolves({
      ConfigurationRecorders: [
        {
          name: 'default',
          recordingGroup: {
            allSupported: false,
            resourceTypes: ['AWS::S3::Bucket'],
            recordingStrategy: { useOnly: 'INCLUSION_BY_RESOURCE_TYPES' },
          },
          recordingMode: { recordingFrequency: 'DAILY' },
        },
      ],
    });
    config.on(DescribeConfigurationRecorderStatusCommand).resolves({
      ConfigurationRecordersStatus: [{ name: 'default', recording: true, lastStatus: 'Success' }],
    });
    expect(await adapter().describeRecorders()).toEqual([
      {
        name: 'default',
        allSupported: false,
        resourceTypes: ['AWS::S3::Bucket'],
        excludedResourceTypes: [],
        useOnly: 'INCLUSION_BY_RESOURCE_TYPES',
        recordingFrequency: 'DAILY',
      },
    ]);
    expect(await adapter().describeRecorderStatus()).toEqual([
      { name: 'default', recording: true, lastStatus: 'Success' },
    ]);
  });

  it('asks 100 rows a page, parses each row, keeps a malformed row as its text', async () => {
    config.on(SelectResourceConfigCommand).resolves({
      Results: ['{"resourceId":"vol-1","configuration":{"kmsKeyId":"k"}}', 'not json'],
      NextToken: 't2',
    });
    const page = await adapter().selectResourceConfig('SELECT resourceId', 't1');
    expect(config.commandCalls(SelectResourceConfigCommand)[0]!.args[0].input).toEqual({
      Expression: 'SELECT resourceId',
      Limit: 100,
      NextToken: 't1',
    });
    expect(page).toEqual({
      rows: [{ resourceId: 'vol-1', configuration: { kmsKeyId: 'k' } }, 'not json'],
      nextToken: 't2',
    });
  });

  it('an unknown aggregator reaches the workflow as NoSuchConfigurationAggregatorException', async () => {
    config
      .on(SelectAggregateResourceConfigCommand)
      .rejects(serviceError('NoSuchConfigurationAggregatorException', 'no'));
    const err = await adapter()
      .selectAggregateResourceConfig('org', 'SELECT resourceId')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsCallError);
    expect((err as AwsCallError).code).toBe('NoSuchConfigurationAggregatorException');
  });

  it('access denied is a credentials error (exit 4 class), which the search turns into a gap', async () => {
    config.on(DescribeConfigurationRecordersCommand).rejects(serviceError('AccessDeniedException', 'not allowed'));
    expect(
      await adapter()
        .describeRecorders()
        .catch((e: unknown) => e),
    ).toBeInstanceOf(KscliError);
  });
});

describe('S3Adapter', () => {
  const adapter = () => {
    const c = testClients();
    return new S3Adapter(() => c.get('s3'), SITE);
  };

  it('lists buckets across pages with their Region; reads the default KMS key; SSE-S3 and no rule are null', async () => {
    s3.on(ListBucketsCommand)
      .resolvesOnce({ Buckets: [{ Name: 'a', BucketRegion: 'us-east-1' }], ContinuationToken: 'c' })
      .resolvesOnce({ Buckets: [{ Name: 'b' }] });
    expect(await adapter().listBuckets()).toEqual([{ name: 'a', region: 'us-east-1' }, { name: 'b' }]);
    s3.on(GetBucketEncryptionCommand, { Bucket: 'a' }).resolves({
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY } }],
      },
    });
    s3.on(GetBucketEncryptionCommand, { Bucket: 'b' }).resolves({
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
    s3.on(GetBucketEncryptionCommand, { Bucket: 'c' }).rejects(
      serviceError('ServerSideEncryptionConfigurationNotFoundError', 'none'),
    );
    expect(await adapter().bucketKmsKey('a')).toBe(KEY);
    expect(await adapter().bucketKmsKey('b')).toBeNull();
    expect(await adapter().bucketKmsKey('c')).toBeNull();
  });

  it('GetBucketLocation: empty is us-east-1, EU is eu-west-1', async () => {
    s3.on(GetBucketLocationCommand, { Bucket: 'x' }).resolves({});
    s3.on(GetBucketLocationCommand, { Bucket: 'y' }).resolves({ LocationConstraint: 'EU' });
    expect(await adapter().bucketRegion('x')).toBe('us-east-1');
    expect(await adapter().bucketRegion('y')).toBe('eu-west-1');
  });
});

describe('direct reads', () => {
  const clients = () => testClients();

  it('EC2: encrypted volumes only, snapshots of this account only', async () => {
    ec2.on(DescribeVolumesCommand).resolves({
      Volumes: [{ VolumeId: 'vol-1', KmsKeyId: KEY, CreateTime: new Date('2026-01-02T00:00:00Z') }],
    });
    ec2
      .on(DescribeSnapshotsCommand)
      .resolves({ Snapshots: [{ SnapshotId: 'snap-1', KmsKeyId: KEY, OwnerId: '111122223333' }] });
    const c = clients();
    const a = new Ec2Adapter(() => c.get('ec2'), SITE);
    expect(await a.encryptedVolumes()).toEqual([
      expect.objectContaining({
        resourceType: 'AWS::EC2::Volume',
        resourceId: 'vol-1',
        kmsKeyRef: KEY,
        createdAt: new Date('2026-01-02T00:00:00Z'),
      }),
    ]);
    expect(ec2.commandCalls(DescribeVolumesCommand)[0]!.args[0].input.Filters).toEqual([
      { Name: 'encrypted', Values: ['true'] },
    ]);
    // each call's own maximum page: DescribeVolumes allows 5..500 (1,000 was refused: every EBS read a gap)
    expect(ec2.commandCalls(DescribeVolumesCommand)[0]!.args[0].input.MaxResults).toBe(500);
    expect(await a.encryptedSnapshots()).toEqual([
      expect.objectContaining({ resourceId: 'snap-1', accountId: '111122223333' }),
    ]);
    expect(ec2.commandCalls(DescribeSnapshotsCommand)[0]!.args[0].input.OwnerIds).toEqual(['self']);
  });

  it('RDS: the storage key and the Performance Insights key are each a resource', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [{ DBInstanceIdentifier: 'db1', KmsKeyId: KEY, PerformanceInsightsKMSKeyId: 'alias/pi' }],
    });
    const c = clients();
    const r = await new RdsAdapter(() => c.get('rds'), SITE).dbInstances();
    expect(r.map((x) => `${x.resourceId} ${x.property} ${x.kmsKeyRef}`)).toEqual([
      `db1 KmsKeyId ${KEY}`,
      'db1 PerformanceInsightsKMSKeyId alias/pi',
    ]);
  });

  it('DynamoDB: a table under the AWS owned key (no KMSMasterKeyArn) names no key; a gone table is null', async () => {
    ddb.on(ListTablesCommand).resolves({ TableNames: ['t1', 't2', 't3'] });
    ddb.on(DescribeTableCommand, { TableName: 't1' }).resolves({
      Table: { TableName: 't1', SSEDescription: { KMSMasterKeyArn: KEY } },
    });
    ddb.on(DescribeTableCommand, { TableName: 't2' }).resolves({ Table: { TableName: 't2' } });
    ddb.on(DescribeTableCommand, { TableName: 't3' }).rejects(serviceError('ResourceNotFoundException', 'gone'));
    const c = clients();
    const a = new DynamoDbAdapter(() => c.get('dynamodb'), SITE);
    expect(await a.listTables()).toEqual(['t1', 't2', 't3']);
    expect((await a.tableKmsKey('t1'))?.kmsKeyRef).toBe(KEY);
    expect(await a.tableKmsKey('t2')).toBeNull();
    expect(await a.tableKmsKey('t3')).toBeNull();
  });

  it('Secrets Manager: includes secrets planned for deletion; aws/secretsmanager secrets name no key', async () => {
    sm.on(ListSecretsCommand).resolves({
      SecretList: [
        { ARN: 'arn:s1', Name: 's1', KmsKeyId: KEY },
        { ARN: 'arn:s2', Name: 's2' },
      ],
    });
    const c = clients();
    const r = await new SecretsAdapter(() => c.get('secretsmanager'), SITE).secretsWithKmsKey();
    expect(r.map((x) => x.name)).toEqual(['s1']);
    expect(sm.commandCalls(ListSecretsCommand)[0]!.args[0].input.IncludePlannedDeletion).toBe(true);
  });

  it('SSM: SecureString parameters only, KeyId as named', async () => {
    ssm
      .on(DescribeParametersCommand)
      .resolves({ Parameters: [{ Name: '/app/db', KeyId: 'alias/reports-archive', Type: 'SecureString' }] });
    const c = clients();
    const r = await new SsmAdapter(() => c.get('ssm'), SITE).secureStringParameters();
    expect(r).toEqual([expect.objectContaining({ resourceId: '/app/db', kmsKeyRef: 'alias/reports-archive' })]);
    expect(ssm.commandCalls(DescribeParametersCommand)[0]!.args[0].input.ParameterFilters).toEqual([
      { Key: 'Type', Option: 'Equals', Values: ['SecureString'] },
    ]);
  });

  it('Backup: vaults with their key, recovery points of a vault', async () => {
    backup.on(ListBackupVaultsCommand).resolves({ BackupVaultList: [{ BackupVaultName: 'v', EncryptionKeyArn: KEY }] });
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({
      RecoveryPoints: [{ RecoveryPointArn: 'arn:rp1', EncryptionKeyArn: KEY, ResourceArn: 'arn:vol' }],
    });
    const c = clients();
    const a = new BackupAdapter(() => c.get('backup'), SITE);
    expect(await a.listVaults()).toEqual([{ name: 'v', encryptionKeyArn: KEY }]);
    expect(await a.recoveryPoints('v')).toEqual([expect.objectContaining({ resourceId: 'arn:rp1', kmsKeyRef: KEY })]);
  });
});
