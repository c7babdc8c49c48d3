/**
 * The sandbox's data services (issue 19) proven against clients we did not write: the AWS CLI
 * drives `kscli sandbox serve` (the built binary) on the demo and the org scenario, and botocore
 * checks every read answer against AWS's own output shapes (members, types, required fields; the
 * model's min/max constraints are input rules AWS's answers break too, e.g. DynamoDB's
 * NumberOfDecreasesToday 0, so they are not checked). Both run in the file's one AWS CLI process
 * (helpers/awscli.ts). The request log records each call with its protocol, and injected faults
 * answer in each service's own words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AWS_CLI,
  readRequestLog,
  createWorkspace,
  startAwsCli,
  startE2E,
  startServe,
  type AwsCli,
  type BotocoreResult,
  type E2E,
  type ServedSandbox,
  type Workspace,
} from './helpers/index.js';

const ACCOUNT = '111122223333';
const REPORTS_KEY = '0b7fd7d4-5f2c-4c1e-9a4e-3f0e5d2a9b11';
const REPORTS_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${REPORTS_KEY}`;
const STORE_KEY_B_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/2f9c1e84-7a3b-4d5e-8f6a-1b2c3d4e5f60`;
const BUCKET = 'reports-archive-111122223333';
const SNAPSHOTS = ['snap-0a1b2c3d4e5f60001', 'snap-0a1b2c3d4e5f60002', 'snap-0a1b2c3d4e5f60003'];

/** Every read operation, called through botocore; each parsed answer is validated against its output shape. */
const READS: Array<[string, string, Record<string, unknown>]> = [
  ['config', 'DescribeConfigurationRecorders', {}],
  ['config', 'DescribeConfigurationRecorderStatus', {}],
  ['config', 'DescribeConfigurationAggregators', {}],
  ['config', 'SelectResourceConfig', { Expression: 'SELECT resourceId, configuration.kmsKeyId', Limit: 5 }],
  ['s3', 'ListBuckets', {}],
  ['s3', 'GetBucketEncryption', { Bucket: BUCKET }],
  ['s3', 'GetBucketLocation', { Bucket: `eu-reports-${ACCOUNT}` }],
  ['s3', 'HeadBucket', { Bucket: BUCKET }],
  ['ec2', 'DescribeVolumes', {}],
  ['ec2', 'DescribeSnapshots', { OwnerIds: ['self'], MaxResults: 5 }],
  ['ec2', 'DescribeVpcEndpointServiceConfigurations', {}],
  ['rds', 'DescribeDBInstances', {}],
  ['rds', 'DescribeDBClusters', {}],
  ['rds', 'DescribeDBSnapshots', {}],
  ['rds', 'DescribeDBClusterSnapshots', {}],
  ['dynamodb', 'ListTables', {}],
  ['dynamodb', 'DescribeTable', { TableName: 'orders' }],
  ['backup', 'ListBackupVaults', {}],
  ['backup', 'ListRecoveryPointsByBackupVault', { BackupVaultName: 'Default' }],
  ['backup', 'DescribeBackupVault', { BackupVaultName: 'Default' }],
  ['secretsmanager', 'ListSecrets', { IncludePlannedDeletion: true }],
  ['ssm', 'DescribeParameters', {}],
  ['logs', 'DescribeLogGroups', {}],
];

let t: E2E;
let orgWs: Workspace;
let demo: ServedSandbox;
let org: ServedSandbox;
let cli: AwsCli;

/** `aws <args> --endpoint-url URL --output json`, expecting exit 0: the parsed stdout. */
const ok = (url: string, ...args: string[]) => cli.ok(args, { url });
/** the same, expecting a non-zero exit and `code` on stderr */
const fails = (url: string, code: string, ...args: string[]) => cli.fails(code, args, { url });

describe.skipIf(!AWS_CLI)('the AWS CLI against the sandbox data services', () => {
  beforeAll(async () => {
    t = await startE2E('data-awscli');
    demo = t.sandbox;
    orgWs = createWorkspace('data-awscli-org');
    org = await startServe(orgWs);
    await org.reset({ scenario: 'org' });
    cli = await startAwsCli(t.ws, demo.url);
  });

  afterAll(async () => {
    await cli?.stop();
    await org?.stop();
    orgWs?.remove();
    await t?.stop();
  });

  it('every read answer is valid against its botocore output shape', async (ctx) => {
    if (!cli.botocoreAvailable) ctx.skip();
    const out: Record<string, BotocoreResult> = {};
    for (const [service, op, params] of READS) {
      const [r] = await cli.botocore(service, [{ op, params }], { check: 'parsed' });
      out[`${service}.${op}`] = r!;
    }
    expect(Object.keys(out)).toHaveLength(READS.length);
    for (const [op, v] of Object.entries(out)) {
      expect(v.error, `${op}: ${v.message}`).toBeUndefined();
      expect(v.problems, op).toEqual([]);
      expect(Object.keys(v.answer ?? {}).length, `${op} answered nothing`).toBeGreaterThan(0);
    }
  });

  it('configservice: the recorder covers some types; a query finds the bucket under alias/reports-archive', async () => {
    const rec = (await ok(demo.url, 'configservice', 'describe-configuration-recorders')).ConfigurationRecorders[0];
    expect(rec.recordingGroup.allSupported).toBe(false);
    expect(rec.recordingGroup.resourceTypes).toContain('AWS::EC2::Volume');
    expect(rec.recordingGroup.resourceTypes).not.toContain('AWS::RDS::DBCluster');
    expect(
      (await ok(demo.url, 'configservice', 'describe-configuration-recorder-status')).ConfigurationRecordersStatus[0]
        .recording,
    ).toBe(true);
    const q = await ok(
      demo.url,
      'configservice',
      'select-resource-config',
      '--expression',
      `SELECT resourceId, resourceCreationTime WHERE supplementaryConfiguration.ServerSideEncryptionConfiguration.rules.applyServerSideEncryptionByDefault.kmsMasterKeyID IN ('alias/reports-archive', '${REPORTS_KEY}', '${REPORTS_ARN}')`,
    );
    expect(q.Results.map((x: string) => JSON.parse(x).resourceId)).toEqual([BUCKET]);
    await fails(
      demo.url,
      'InvalidExpressionException',
      'configservice',
      'select-resource-config',
      '--expression',
      'SELECT * FROM x',
    );
    await fails(
      demo.url,
      'InvalidLimitException',
      'configservice',
      'select-resource-config',
      '--expression',
      'SELECT resourceId',
      '--limit',
      '500',
    );
  });

  it('configservice through the org aggregator: the volume in another account under a key of the store', async () => {
    const aggs = (await ok(org.url, 'configservice', 'describe-configuration-aggregators')).ConfigurationAggregators;
    expect(aggs.map((a: any) => a.ConfigurationAggregatorName)).toEqual(['org-aggregator']);
    expect(aggs[0].OrganizationAggregationSource.AllAwsRegions).toBe(true);
    const q = await ok(
      org.url,
      'configservice',
      'select-aggregate-resource-config',
      '--configuration-aggregator-name',
      'org-aggregator',
      '--expression',
      `SELECT resourceId, accountId, configuration.kmsKeyId WHERE configuration.kmsKeyId = '${STORE_KEY_B_ARN}'`,
    );
    expect(q.Results.map((x: string) => JSON.parse(x))).toEqual([
      { resourceId: 'vol-0c0ffee0c0ffee001', accountId: '200000000001', configuration: { kmsKeyId: STORE_KEY_B_ARN } },
    ]);
    await fails(
      org.url,
      'NoSuchConfigurationAggregatorException',
      'configservice',
      'select-aggregate-resource-config',
      '--configuration-aggregator-name',
      'nope',
      '--expression',
      'SELECT resourceId',
    );
  });

  it('s3api: list, encryption (KMS by alias, none), location; create-bucket and put-bucket-encryption', async () => {
    expect((await ok(demo.url, 's3api', 'list-buckets')).Buckets.map((b: any) => b.Name)).toContain(BUCKET);
    const enc = await ok(demo.url, 's3api', 'get-bucket-encryption', '--bucket', BUCKET);
    expect(enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault).toEqual({
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: 'alias/reports-archive',
    });
    await fails(
      demo.url,
      'ServerSideEncryptionConfigurationNotFoundError',
      's3api',
      'get-bucket-encryption',
      '--bucket',
      `legacy-uploads-${ACCOUNT}`,
    );
    await fails(demo.url, 'NoSuchBucket', 's3api', 'get-bucket-location', '--bucket', 'no-such-bucket-here');
    expect(
      (await ok(demo.url, 's3api', 'get-bucket-location', '--bucket', `eu-reports-${ACCOUNT}`)).LocationConstraint,
    ).toBe('eu-west-1');
    await ok(demo.url, 's3api', 'create-bucket', '--bucket', 'cli-made-bucket');
    await ok(
      demo.url,
      's3api',
      'put-bucket-encryption',
      '--bucket',
      'cli-made-bucket',
      '--server-side-encryption-configuration',
      JSON.stringify({
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: REPORTS_ARN } }],
      }),
    );
    const after = await ok(demo.url, 's3api', 'get-bucket-encryption', '--bucket', 'cli-made-bucket');
    expect(after.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.KMSMasterKeyID).toBe(
      REPORTS_ARN,
    );
  });

  it('ec2: the reports snapshots under the key ARN; create-volume --encrypted gets aws/ebs; filters and paging', async () => {
    const snaps = (await ok(demo.url, 'ec2', 'describe-snapshots', '--owner-ids', 'self')).Snapshots;
    expect(
      snaps
        .filter((s: any) => s.KmsKeyId === REPORTS_ARN)
        .map((s: any) => s.SnapshotId)
        .sort(),
    ).toEqual(SNAPSHOTS);
    // a sixth snapshot, so that a page of 5 has a next one
    const made = await ok(demo.url, 'ec2', 'create-snapshot', '--volume-id', 'vol-0123456789abcdef2');
    expect(made.KmsKeyId).toBe(snaps.find((s: any) => s.VolumeId === 'vol-0123456789abcdef2').KmsKeyId);
    const page = await ok(
      demo.url,
      'ec2',
      'describe-snapshots',
      '--owner-ids',
      'self',
      '--max-results',
      '5',
      '--no-paginate',
    );
    expect(page.Snapshots).toHaveLength(5);
    expect(page.NextToken).toBeTruthy();
    const v = await ok(
      demo.url,
      'ec2',
      'create-volume',
      '--availability-zone',
      'us-east-1a',
      '--size',
      '8',
      '--encrypted',
    );
    expect(v.KmsKeyId).toMatch(/^arn:aws:kms:us-east-1:111122223333:key\//);
    const enc = (await ok(demo.url, 'ec2', 'describe-volumes', '--filters', 'Name=encrypted,Values=false')).Volumes;
    expect(enc.map((x: any) => x.VolumeId)).toEqual(['vol-0123456789abcdef1']);
    await fails(demo.url, 'InvalidVolume.NotFound', 'ec2', 'describe-volumes', '--volume-ids', 'vol-00000000000000000');
  });

  it('ec2: the XKS proxy endpoint service and its NLB (issue 21); filters, paging, an unknown ID', async () => {
    const all = (await ok(demo.url, 'ec2', 'describe-vpc-endpoint-service-configurations')).ServiceConfigurations;
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      ServiceId: 'vpce-svc-0a1b2c3d4e5f60718',
      ServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60718',
      ServiceState: 'Available',
      ServiceType: [{ ServiceType: 'Interface' }],
      NetworkLoadBalancerArns: [
        'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/xks-proxy-nlb/0a1b2c3d4e5f6071',
      ],
      AvailabilityZones: ['us-east-1a', 'us-east-1b'],
    });
    const byName = (
      await ok(
        demo.url,
        'ec2',
        'describe-vpc-endpoint-service-configurations',
        '--filters',
        'Name=service-name,Values=com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60718',
      )
    ).ServiceConfigurations;
    expect(byName.map((c: any) => c.ServiceId)).toEqual(['vpce-svc-0a1b2c3d4e5f60718']);
    const none = (
      await ok(
        demo.url,
        'ec2',
        'describe-vpc-endpoint-service-configurations',
        '--filters',
        'Name=service-name,Values=com.amazonaws.vpce.us-east-1.vpce-svc-0000000000000000',
      )
    ).ServiceConfigurations;
    expect(none).toEqual([]);
    const page = await ok(
      demo.url,
      'ec2',
      'describe-vpc-endpoint-service-configurations',
      '--max-results',
      '5',
      '--no-paginate',
    );
    expect(page.ServiceConfigurations).toHaveLength(1);
    expect(page.NextToken).toBeUndefined();
    await fails(
      demo.url,
      'InvalidVpcEndpointServiceId.NotFound',
      'ec2',
      'describe-vpc-endpoint-service-configurations',
      '--service-ids',
      'vpce-svc-0000000000000000',
    );
    await fails(
      demo.url,
      'InvalidParameterValue',
      'ec2',
      'describe-vpc-endpoint-service-configurations',
      '--filters',
      'Name=bogus,Values=x',
    );
  });

  it('rds: instances, clusters, snapshots, cluster snapshots; not found', async () => {
    expect(
      (await ok(demo.url, 'rds', 'describe-db-instances')).DBInstances.map((d: any) => d.DBInstanceIdentifier),
    ).toEqual(['orders-db', 'analytics-instance-1']);
    expect((await ok(demo.url, 'rds', 'describe-db-clusters')).DBClusters[0].KmsKeyId).toMatch(/^arn:aws:kms:/);
    expect((await ok(demo.url, 'rds', 'describe-db-snapshots', '--snapshot-type', 'manual')).DBSnapshots).toHaveLength(
      1,
    );
    expect((await ok(demo.url, 'rds', 'describe-db-cluster-snapshots')).DBClusterSnapshots[0].StorageEncrypted).toBe(
      true,
    );
    await fails(demo.url, 'DBInstanceNotFound', 'rds', 'describe-db-instances', '--db-instance-identifier', 'nope');
  });

  it('dynamodb, backup, secretsmanager, ssm, logs: read, and create with a key', async () => {
    expect((await ok(demo.url, 'dynamodb', 'list-tables')).TableNames).toEqual(['orders', 'sessions']);
    await ok(
      demo.url,
      'dynamodb',
      'create-table',
      '--table-name',
      'cli-table',
      '--attribute-definitions',
      'AttributeName=pk,AttributeType=S',
      '--key-schema',
      'AttributeName=pk,KeyType=HASH',
      '--billing-mode',
      'PAY_PER_REQUEST',
      '--sse-specification',
      'Enabled=true,SSEType=KMS,KMSMasterKeyId=alias/reports-archive',
    );
    expect(
      (await ok(demo.url, 'dynamodb', 'describe-table', '--table-name', 'cli-table')).Table.SSEDescription
        .KMSMasterKeyArn,
    ).toBe(REPORTS_ARN);

    await ok(
      demo.url,
      'backup',
      'create-backup-vault',
      '--backup-vault-name',
      'cli-vault',
      '--encryption-key-arn',
      REPORTS_ARN,
    );
    const vaults = (await ok(demo.url, 'backup', 'list-backup-vaults')).BackupVaultList;
    expect(vaults.find((v: any) => v.BackupVaultName === 'cli-vault').EncryptionKeyArn).toBe(REPORTS_ARN);
    const rps = (await ok(demo.url, 'backup', 'list-recovery-points-by-backup-vault', '--backup-vault-name', 'Default'))
      .RecoveryPoints;
    expect(rps.every((r: any) => r.EncryptionKeyArn.startsWith('arn:aws:kms:'))).toBe(true);

    await ok(
      demo.url,
      'secretsmanager',
      'create-secret',
      '--name',
      'cli/secret',
      '--secret-string',
      'x',
      '--kms-key-id',
      REPORTS_ARN,
    );
    const secrets = (await ok(demo.url, 'secretsmanager', 'list-secrets')).SecretList;
    expect(secrets.find((s: any) => s.Name === 'cli/secret').KmsKeyId).toBe(REPORTS_ARN);

    await ok(
      demo.url,
      'ssm',
      'put-parameter',
      '--name',
      '/cli/param',
      '--type',
      'SecureString',
      '--value',
      'x',
      '--key-id',
      'alias/reports-archive',
    );
    const params = (
      await ok(
        demo.url,
        'ssm',
        'describe-parameters',
        '--parameter-filters',
        'Key=KeyId,Option=Equals,Values=alias/reports-archive',
      )
    ).Parameters;
    expect(params.map((p: any) => p.Name)).toEqual(['/cli/param']);

    await ok(demo.url, 'logs', 'create-log-group', '--log-group-name', '/cli/group', '--kms-key-id', REPORTS_ARN);
    const groups = (await ok(demo.url, 'logs', 'describe-log-groups', '--log-group-name-prefix', '/cli/')).logGroups;
    expect(groups[0].kmsKeyId).toBe(REPORTS_ARN);
  });

  it('the request log names service, operation and protocol; injected throttling answers in each service’s words', async () => {
    const log = readRequestLog(demo.statePath);
    const seen = new Map(log.map((e) => [`${e.service}.${e.operation}`, e.protocol]));
    expect(seen.get('s3.GetBucketEncryption')).toBe('restXml');
    expect(seen.get('ec2.DescribeSnapshots')).toBe('ec2Query');
    expect(seen.get('rds.DescribeDBInstances')).toBe('awsQuery');
    expect(seen.get('backup.ListBackupVaults')).toBe('restJson1');
    expect(seen.get('dynamodb.ListTables')).toBe('awsJson1_0');
    expect(seen.get('config.SelectResourceConfig')).toBe('awsJson1_1');
    expect(log.find((e) => e.operation === 'CreateVolume')!.mutating).toBe(true);
    const res = await fetch(`${demo.url}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ throttleRate: { DescribeVolumes: 1, ListBuckets: 1, DescribeDBInstances: 1 } }),
    });
    expect(res.status).toBe(200);
    await fails(demo.url, 'RequestLimitExceeded', 'ec2', 'describe-volumes');
    await fails(demo.url, 'SlowDown', 's3api', 'list-buckets');
    await fails(demo.url, 'Throttling', 'rds', 'describe-db-instances');
  });
});
