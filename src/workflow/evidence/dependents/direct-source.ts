/**
 * Direct reads of the services that hold most data (aws-facts-data-at-rest B), for the types Config
 * does not cover. Every reader runs at the same time (each service has its own quotas, paced by
 * the adapters under the service table's `quotas`); within a reader, the per-resource calls
 * (GetBucketEncryption per bucket, DescribeTable per table, recovery points per vault) keep a
 * bounded number in flight, started as the listing's pages arrive (stream-pool.ts). A reader that
 * fails is a coverage gap for its types, never "none".
 */
import type { AwsPorts } from '../../../aws/ports.js';
import type { BucketInfo, DataResource } from '../../../aws/data-ports.js';
import { sourceGapOf } from '../source-errors.js';
import { pool } from '../gather.js';
import { streamPool } from './stream-pool.js';
import type { DirectReaderId } from './resource-types.js';

/** Per-resource calls in flight per reader: enough to keep a 100/s pacer busy at ~100 ms latency. */
export const DIRECT_POOL = 16;

export interface DirectReader {
  id: DirectReaderId;
  /** the resource types it answers for */
  types: string[];
  read(aws: AwsPorts, region: string, signal?: AbortSignal): Promise<DataResource[]>;
}

async function s3Buckets(aws: AwsPorts, region: string, signal?: AbortSignal): Promise<DataResource[]> {
  const s3 = aws.s3(region);
  const out: DataResource[] = [];
  const failures: string[] = [];
  await streamPool<BucketInfo>(
    (onPage) => s3.listBuckets(onPage),
    DIRECT_POOL,
    async (b) => {
      try {
        // a key encrypts only buckets of its own Region
        const where = b.region ?? (await s3.bucketRegion(b.name));
        if (where !== region) return;
        const key = await s3.bucketKmsKey(b.name);
        if (!key) return;
        out.push({
          resourceType: 'AWS::S3::Bucket',
          resourceId: b.name,
          arn: `arn:aws:s3:::${b.name}`,
          region: where,
          ...(b.creationDate ? { createdAt: b.creationDate } : {}),
          kmsKeyRef: key,
          property: 'ServerSideEncryptionConfiguration.Rules.ApplyServerSideEncryptionByDefault.KMSMasterKeyID',
        });
      } catch (err) {
        const gap = sourceGapOf(err);
        failures.push(`${b.name} (${gap.status}: ${gap.error})`);
      }
    },
    signal,
  );
  if (failures.length) {
    // one unreadable bucket is a gap in S3's coverage: report it, with how many
    throw new PartialReadError(
      `${failures.length} bucket(s) could not be read: ${failures.slice(0, 3).join('; ')}${failures.length > 3 ? '; ...' : ''}`,
      out,
    );
  }
  return out;
}

async function dynamoTables(aws: AwsPorts, region: string, signal?: AbortSignal): Promise<DataResource[]> {
  const ddb = aws.dynamodb(region);
  const out: DataResource[] = [];
  await streamPool<string>(
    (onPage) => ddb.listTables(onPage),
    DIRECT_POOL,
    async (name) => {
      const r = await ddb.tableKmsKey(name);
      if (r) out.push(r);
    },
    signal,
  );
  return out;
}

async function backups(aws: AwsPorts, region: string, signal?: AbortSignal): Promise<DataResource[]> {
  const backup = aws.backup(region);
  const vaults = await backup.listVaults();
  const out: DataResource[] = [];
  for (const v of vaults) {
    if (!v.encryptionKeyArn) continue;
    out.push({
      resourceType: 'AWS::Backup::BackupVault',
      resourceId: v.name,
      ...(v.arn ? { arn: v.arn } : {}),
      region,
      ...(v.createdAt ? { createdAt: v.createdAt } : {}),
      kmsKeyRef: v.encryptionKeyArn,
      property: 'EncryptionKeyArn',
    });
  }
  // every vault's recovery points: one in another vault's key inherits its source's encryption
  await pool(vaults, DIRECT_POOL, async (v) => void out.push(...(await backup.recoveryPoints(v.name))), signal);
  return out;
}

export const DIRECT_READERS: readonly DirectReader[] = [
  { id: 's3-buckets', types: ['AWS::S3::Bucket'], read: s3Buckets },
  { id: 'ebs-volumes', types: ['AWS::EC2::Volume'], read: (aws, r) => aws.ec2(r).encryptedVolumes() },
  { id: 'ebs-snapshots', types: ['AWS::EC2::Snapshot'], read: (aws, r) => aws.ec2(r).encryptedSnapshots() },
  { id: 'rds-instances', types: ['AWS::RDS::DBInstance'], read: (aws, r) => aws.rds(r).dbInstances() },
  { id: 'rds-clusters', types: ['AWS::RDS::DBCluster'], read: (aws, r) => aws.rds(r).dbClusters() },
  { id: 'rds-snapshots', types: ['AWS::RDS::DBSnapshot'], read: (aws, r) => aws.rds(r).dbSnapshots() },
  {
    id: 'rds-cluster-snapshots',
    types: ['AWS::RDS::DBClusterSnapshot'],
    read: (aws, r) => aws.rds(r).dbClusterSnapshots(),
  },
  { id: 'dynamodb-tables', types: ['AWS::DynamoDB::Table'], read: dynamoTables },
  { id: 'backup', types: ['AWS::Backup::BackupVault', 'AWS::Backup::RecoveryPoint'], read: backups },
  {
    id: 'secrets',
    types: ['AWS::SecretsManager::Secret'],
    read: (aws, r) => aws.secretsmanager(r).secretsWithKmsKey(),
  },
  { id: 'log-groups', types: ['AWS::Logs::LogGroup'], read: (aws, r) => aws.logs(r).encryptedLogGroups() },
  { id: 'ssm-parameters', types: ['AWS::SSM::Parameter'], read: (aws, r) => aws.ssm(r).secureStringParameters() },
];

/** A reader that read some resources and failed on others: the found ones still count. */
export class PartialReadError extends Error {
  constructor(
    message: string,
    readonly found: DataResource[],
  ) {
    super(message);
  }
}

export interface DirectReadOutcome {
  reader: DirectReader;
  resources: DataResource[];
  /** why the reader's types are not covered */
  error?: { status: 'access-denied' | 'unavailable'; message: string };
}

/** Runs the readers concurrently; each failure is its own gap. onDone counts finished readers. */
export async function readDirect(
  aws: AwsPorts,
  readers: readonly DirectReader[],
  region: string,
  opts: { signal?: AbortSignal; onDone?: () => void } = {},
): Promise<DirectReadOutcome[]> {
  return Promise.all(
    readers.map(async (reader): Promise<DirectReadOutcome> => {
      try {
        return { reader, resources: await reader.read(aws, region, opts.signal) };
      } catch (err) {
        if (err instanceof PartialReadError)
          return { reader, resources: err.found, error: { status: 'unavailable', message: err.message } };
        const gap = sourceGapOf(err);
        return {
          reader,
          resources: [],
          error: { status: gap.status === 'access-denied' ? 'access-denied' : 'unavailable', message: gap.error },
        };
      } finally {
        opts.onDone?.();
      }
    }),
  );
}
