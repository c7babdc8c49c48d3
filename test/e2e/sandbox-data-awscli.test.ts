/**
 * The sandbox's data services (issue 19) proven against clients we did not write: the AWS CLI
 * drives `kscli sandbox serve` (the built binary) on the demo and the org scenario, and botocore
 * checks every read answer against AWS's own output shapes (members, types, required fields; the
 * model's min/max constraints are input rules AWS's answers break too, e.g. DynamoDB's
 * NumberOfDecreasesToday 0, so they are not checked). The request log records each call with
 * its protocol, and injected faults answer in each service's own words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { readRequestLog } from '../../src/sandbox/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'kscli.js');
const awsOnPath = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;
const botocoreOnPath = awsOnPath && spawnSync('python3', ['-c', 'import botocore'], { encoding: 'utf8' }).status === 0;
if (!awsOnPath)
  console.warn('sandbox-data-awscli.test.ts skipped: the AWS CLI (`aws`) is not on PATH (pip install awscli)');

const ACCOUNT = '111122223333';
const REPORTS_KEY = '0b7fd7d4-5f2c-4c1e-9a4e-3f0e5d2a9b11';
const REPORTS_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${REPORTS_KEY}`;
const STORE_KEY_B_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/2f9c1e84-7a3b-4d5e-8f6a-1b2c3d4e5f60`;
const BUCKET = 'reports-archive-111122223333';
const SNAPSHOTS = ['snap-0a1b2c3d4e5f60001', 'snap-0a1b2c3d4e5f60002', 'snap-0a1b2c3d4e5f60003'];

/** Calls every read operation through botocore and validates the parsed answer against its output shape. */
const VALIDATE_SCRIPT = `
import sys, json, botocore.session
from botocore.validate import ParamValidator
url = sys.argv[1]
session = botocore.session.get_session()
calls = json.loads(sys.argv[2])
out = {}
for svc, op, params in calls:
    client = session.create_client(svc, region_name='us-east-1', endpoint_url=url,
        aws_access_key_id='AKIDSANDBOXTEST00000', aws_secret_access_key='x')
    model = client.meta.service_model.operation_model(client.meta.method_to_api_mapping[op])
    resp = getattr(client, op)(**params)
    resp.pop('ResponseMetadata', None)
    report = ParamValidator().validate(resp, model.output_shape)
    errors = [f'{e[0]} {e[1]}' for e in report._errors if e[0] not in ('invalid range', 'invalid length')]
    out[svc + '.' + op] = {'errors': errors, 'members': sorted(resp.keys())}
print(json.dumps(out))
`;

const READS: Array<[string, string, Record<string, unknown>]> = [
  ['config', 'describe_configuration_recorders', {}],
  ['config', 'describe_configuration_recorder_status', {}],
  ['config', 'describe_configuration_aggregators', {}],
  ['config', 'select_resource_config', { Expression: 'SELECT resourceId, configuration.kmsKeyId', Limit: 5 }],
  ['s3', 'list_buckets', {}],
  ['s3', 'get_bucket_encryption', { Bucket: BUCKET }],
  ['s3', 'get_bucket_location', { Bucket: `eu-reports-${ACCOUNT}` }],
  ['s3', 'head_bucket', { Bucket: BUCKET }],
  ['ec2', 'describe_volumes', {}],
  ['ec2', 'describe_snapshots', { OwnerIds: ['self'], MaxResults: 5 }],
  ['ec2', 'describe_vpc_endpoint_service_configurations', {}],
  ['rds', 'describe_db_instances', {}],
  ['rds', 'describe_db_clusters', {}],
  ['rds', 'describe_db_snapshots', {}],
  ['rds', 'describe_db_cluster_snapshots', {}],
  ['dynamodb', 'list_tables', {}],
  ['dynamodb', 'describe_table', { TableName: 'orders' }],
  ['backup', 'list_backup_vaults', {}],
  ['backup', 'list_recovery_points_by_backup_vault', { BackupVaultName: 'Default' }],
  ['backup', 'describe_backup_vault', { BackupVaultName: 'Default' }],
  ['secretsmanager', 'list_secrets', { IncludePlannedDeletion: true }],
  ['ssm', 'describe_parameters', {}],
  ['logs', 'describe_log_groups', {}],
];

let dir: string;
const servers: Array<{ proc: ChildProcess; url: string; state: string }> = [];
let demo: { url: string; state: string };
let org: { url: string; state: string };

function awsEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, LANG: 'C.UTF-8' };
  for (const k of ['PYENV_ROOT', 'PYENV_VERSION']) if (process.env[k]) env[k] = process.env[k];
  return {
    ...env,
    AWS_ACCESS_KEY_ID: 'AKIDSANDBOXTEST00000',
    AWS_SECRET_ACCESS_KEY: 'sandbox-test-secret',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: join(dir, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials'),
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
  };
}

function aws(url: string, ...args: string[]): { status: number; json: any; stderr: string } {
  const r = spawnSync('aws', [...args, '--endpoint-url', url, '--output', 'json'], {
    env: awsEnv(),
    encoding: 'utf8',
    timeout: 30_000,
  });
  let json: any;
  try {
    json = r.stdout.trim() ? JSON.parse(r.stdout) : undefined;
  } catch {
    json = undefined;
  }
  return { status: r.status ?? -1, json, stderr: r.stderr };
}

function ok(url: string, ...args: string[]): any {
  const r = aws(url, ...args);
  expect(r.status, `aws ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.json;
}

function fails(url: string, code: string, ...args: string[]): void {
  const r = aws(url, ...args);
  expect(r.status, `aws ${args.join(' ')} should fail`).not.toBe(0);
  expect(r.stderr).toContain(code);
}

async function serve(state: string): Promise<{ proc: ChildProcess; url: string; state: string }> {
  const proc = spawn(process.execPath, [BIN, 'sandbox', 'serve', '--port', '0', '--state', state], {
    env: { ...process.env, HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (c) => (stderr += c));
  const first = await new Promise<string>((ok, fail) => {
    createInterface({ input: proc.stdout! }).once('line', ok);
    proc.once('exit', (code) => fail(new Error(`sandbox serve exited ${code}: ${stderr}`)));
  });
  expect(first).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
  const s = { proc, url: first.slice('listening on '.length), state };
  servers.push(s);
  return s;
}

// each aws call costs 0.4 s of interpreter start-up, several seconds on a loaded machine
describe.skipIf(!awsOnPath)('the AWS CLI against the sandbox data services', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'main.js')))
      throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    dir = mkdtempSync(join(tmpdir(), 'kscli-data-awscli-'));
    demo = await serve(join(dir, 'demo.json'));
    const orgState = join(dir, 'org.json');
    const reset = spawnSync(process.execPath, [BIN, 'sandbox', 'reset', '--scenario', 'org', '--state', orgState], {
      env: { ...process.env, HOME: dir },
      encoding: 'utf8',
    });
    expect(reset.status, reset.stderr).toBe(0);
    org = await serve(orgState);
  });

  afterAll(async () => {
    for (const s of servers)
      if (s.proc.exitCode === null) {
        const exited = new Promise((ok) => s.proc.once('exit', ok));
        s.proc.kill('SIGTERM');
        await exited;
      }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!botocoreOnPath)('every read answer is valid against its botocore output shape', () => {
    const r = spawnSync('python3', ['-c', VALIDATE_SCRIPT, demo.url, JSON.stringify(READS)], {
      env: awsEnv(),
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, { errors: string[]; members: string[] }>;
    expect(Object.keys(out)).toHaveLength(READS.length);
    for (const [op, v] of Object.entries(out)) {
      expect(v.errors, op).toEqual([]);
      expect(v.members.length, `${op} answered nothing`).toBeGreaterThan(0);
    }
  });

  it('configservice: the recorder covers some types; a query finds the bucket under alias/reports-archive', () => {
    const rec = ok(demo.url, 'configservice', 'describe-configuration-recorders').ConfigurationRecorders[0];
    expect(rec.recordingGroup.allSupported).toBe(false);
    expect(rec.recordingGroup.resourceTypes).toContain('AWS::EC2::Volume');
    expect(rec.recordingGroup.resourceTypes).not.toContain('AWS::RDS::DBCluster');
    expect(
      ok(demo.url, 'configservice', 'describe-configuration-recorder-status').ConfigurationRecordersStatus[0].recording,
    ).toBe(true);
    const q = ok(
      demo.url,
      'configservice',
      'select-resource-config',
      '--expression',
      `SELECT resourceId, resourceCreationTime WHERE supplementaryConfiguration.ServerSideEncryptionConfiguration.rules.applyServerSideEncryptionByDefault.kmsMasterKeyID IN ('alias/reports-archive', '${REPORTS_KEY}', '${REPORTS_ARN}')`,
    );
    expect(q.Results.map((x: string) => JSON.parse(x).resourceId)).toEqual([BUCKET]);
    fails(
      demo.url,
      'InvalidExpressionException',
      'configservice',
      'select-resource-config',
      '--expression',
      'SELECT * FROM x',
    );
    fails(
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

  it('configservice through the org aggregator: the volume in another account under a key of the store', () => {
    const aggs = ok(org.url, 'configservice', 'describe-configuration-aggregators').ConfigurationAggregators;
    expect(aggs.map((a: any) => a.ConfigurationAggregatorName)).toEqual(['org-aggregator']);
    expect(aggs[0].OrganizationAggregationSource.AllAwsRegions).toBe(true);
    const q = ok(
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
    fails(
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

  it('s3api: list, encryption (KMS by alias, none), location; create-bucket and put-bucket-encryption', () => {
    expect(ok(demo.url, 's3api', 'list-buckets').Buckets.map((b: any) => b.Name)).toContain(BUCKET);
    const enc = ok(demo.url, 's3api', 'get-bucket-encryption', '--bucket', BUCKET);
    expect(enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault).toEqual({
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: 'alias/reports-archive',
    });
    fails(
      demo.url,
      'ServerSideEncryptionConfigurationNotFoundError',
      's3api',
      'get-bucket-encryption',
      '--bucket',
      `legacy-uploads-${ACCOUNT}`,
    );
    fails(demo.url, 'NoSuchBucket', 's3api', 'get-bucket-location', '--bucket', 'no-such-bucket-here');
    expect(ok(demo.url, 's3api', 'get-bucket-location', '--bucket', `eu-reports-${ACCOUNT}`).LocationConstraint).toBe(
      'eu-west-1',
    );
    ok(demo.url, 's3api', 'create-bucket', '--bucket', 'cli-made-bucket');
    ok(
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
    const after = ok(demo.url, 's3api', 'get-bucket-encryption', '--bucket', 'cli-made-bucket');
    expect(after.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.KMSMasterKeyID).toBe(
      REPORTS_ARN,
    );
  });

  it('ec2: the reports snapshots under the key ARN; create-volume --encrypted gets aws/ebs; filters and paging', () => {
    const snaps = ok(demo.url, 'ec2', 'describe-snapshots', '--owner-ids', 'self').Snapshots;
    expect(
      snaps
        .filter((s: any) => s.KmsKeyId === REPORTS_ARN)
        .map((s: any) => s.SnapshotId)
        .sort(),
    ).toEqual(SNAPSHOTS);
    // a sixth snapshot, so that a page of 5 has a next one
    const made = ok(demo.url, 'ec2', 'create-snapshot', '--volume-id', 'vol-0123456789abcdef2');
    expect(made.KmsKeyId).toBe(snaps.find((s: any) => s.VolumeId === 'vol-0123456789abcdef2').KmsKeyId);
    const page = ok(
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
    const v = ok(demo.url, 'ec2', 'create-volume', '--availability-zone', 'us-east-1a', '--size', '8', '--encrypted');
    expect(v.KmsKeyId).toMatch(/^arn:aws:kms:us-east-1:111122223333:key\//);
    const enc = ok(demo.url, 'ec2', 'describe-volumes', '--filters', 'Name=encrypted,Values=false').Volumes;
    expect(enc.map((x: any) => x.VolumeId)).toEqual(['vol-0123456789abcdef1']);
    fails(demo.url, 'InvalidVolume.NotFound', 'ec2', 'describe-volumes', '--volume-ids', 'vol-00000000000000000');
  });

  it('ec2: the XKS proxy endpoint service and its NLB (issue 21); filters, paging, an unknown ID', () => {
    const all = ok(demo.url, 'ec2', 'describe-vpc-endpoint-service-configurations').ServiceConfigurations;
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
    const byName = ok(
      demo.url,
      'ec2',
      'describe-vpc-endpoint-service-configurations',
      '--filters',
      'Name=service-name,Values=com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60718',
    ).ServiceConfigurations;
    expect(byName.map((c: any) => c.ServiceId)).toEqual(['vpce-svc-0a1b2c3d4e5f60718']);
    const none = ok(
      demo.url,
      'ec2',
      'describe-vpc-endpoint-service-configurations',
      '--filters',
      'Name=service-name,Values=com.amazonaws.vpce.us-east-1.vpce-svc-0000000000000000',
    ).ServiceConfigurations;
    expect(none).toEqual([]);
    const page = ok(
      demo.url,
      'ec2',
      'describe-vpc-endpoint-service-configurations',
      '--max-results',
      '5',
      '--no-paginate',
    );
    expect(page.ServiceConfigurations).toHaveLength(1);
    expect(page.NextToken).toBeUndefined();
    fails(
      demo.url,
      'InvalidVpcEndpointServiceId.NotFound',
      'ec2',
      'describe-vpc-endpoint-service-configurations',
      '--service-ids',
      'vpce-svc-0000000000000000',
    );
    fails(
      demo.url,
      'InvalidParameterValue',
      'ec2',
      'describe-vpc-endpoint-service-configurations',
      '--filters',
      'Name=bogus,Values=x',
    );
  });

  it('rds: instances, clusters, snapshots, cluster snapshots; not found', () => {
    expect(ok(demo.url, 'rds', 'describe-db-instances').DBInstances.map((d: any) => d.DBInstanceIdentifier)).toEqual([
      'orders-db',
      'analytics-instance-1',
    ]);
    expect(ok(demo.url, 'rds', 'describe-db-clusters').DBClusters[0].KmsKeyId).toMatch(/^arn:aws:kms:/);
    expect(ok(demo.url, 'rds', 'describe-db-snapshots', '--snapshot-type', 'manual').DBSnapshots).toHaveLength(1);
    expect(ok(demo.url, 'rds', 'describe-db-cluster-snapshots').DBClusterSnapshots[0].StorageEncrypted).toBe(true);
    fails(demo.url, 'DBInstanceNotFound', 'rds', 'describe-db-instances', '--db-instance-identifier', 'nope');
  });

  it('dynamodb, backup, secretsmanager, ssm, logs: read, and create with a key', () => {
    expect(ok(demo.url, 'dynamodb', 'list-tables').TableNames).toEqual(['orders', 'sessions']);
    ok(
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
      ok(demo.url, 'dynamodb', 'describe-table', '--table-name', 'cli-table').Table.SSEDescription.KMSMasterKeyArn,
    ).toBe(REPORTS_ARN);

    ok(
      demo.url,
      'backup',
      'create-backup-vault',
      '--backup-vault-name',
      'cli-vault',
      '--encryption-key-arn',
      REPORTS_ARN,
    );
    const vaults = ok(demo.url, 'backup', 'list-backup-vaults').BackupVaultList;
    expect(vaults.find((v: any) => v.BackupVaultName === 'cli-vault').EncryptionKeyArn).toBe(REPORTS_ARN);
    const rps = ok(
      demo.url,
      'backup',
      'list-recovery-points-by-backup-vault',
      '--backup-vault-name',
      'Default',
    ).RecoveryPoints;
    expect(rps.every((r: any) => r.EncryptionKeyArn.startsWith('arn:aws:kms:'))).toBe(true);

    ok(
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
    const secrets = ok(demo.url, 'secretsmanager', 'list-secrets').SecretList;
    expect(secrets.find((s: any) => s.Name === 'cli/secret').KmsKeyId).toBe(REPORTS_ARN);

    ok(
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
    const params = ok(
      demo.url,
      'ssm',
      'describe-parameters',
      '--parameter-filters',
      'Key=KeyId,Option=Equals,Values=alias/reports-archive',
    ).Parameters;
    expect(params.map((p: any) => p.Name)).toEqual(['/cli/param']);

    ok(demo.url, 'logs', 'create-log-group', '--log-group-name', '/cli/group', '--kms-key-id', REPORTS_ARN);
    const groups = ok(demo.url, 'logs', 'describe-log-groups', '--log-group-name-prefix', '/cli/').logGroups;
    expect(groups[0].kmsKeyId).toBe(REPORTS_ARN);
  });

  it('the request log names service, operation and protocol; injected throttling answers in each service’s words', async () => {
    const log = readRequestLog(demo.state);
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
    fails(demo.url, 'RequestLimitExceeded', 'ec2', 'describe-volumes');
    fails(demo.url, 'SlowDown', 's3api', 'list-buckets');
    fails(demo.url, 'Throttling', 'rds', 'describe-db-instances');
    writeFileSync(join(dir, 'done'), '');
  });
});
