/**
 * AWS Config's configuration items for the data an account holds, as advanced queries see them:
 * the item's own fields plus `configuration` and `supplementaryConfiguration` under the property
 * names of awslabs/aws-config-resource-schema (aws-facts-data-at-rest A, the table of the property
 * that names the key per type: `configuration.kmsKeyId`, `configuration.KMSKeyId`,
 * `configuration.ssedescription.kmsmasterKeyArn`, ...). Only types the recorder records appear
 * (advanced query returns nothing for unrecorded resources, aws-facts A "Coverage"); a stopped
 * recorder keeps the items it recorded before it stopped. EC2 snapshots, log groups and SSM
 * parameters have no queryable type and never appear.
 */
import type { Account } from '../account.js';
import { dataVersion, dataView, storedData } from '../data/access.js';
import type { DataState, RecorderRecord } from '../data/state.js';
import type { Item } from './query/evaluate.js';

/** The types the sandbox's data services can record. */
export const CONFIG_TYPES = [
  'AWS::S3::Bucket',
  'AWS::EC2::Volume',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBSnapshot',
  'AWS::RDS::DBClusterSnapshot',
  'AWS::DynamoDB::Table',
  'AWS::SecretsManager::Secret',
  'AWS::Backup::BackupVault',
  'AWS::Backup::RecoveryPoint',
] as const;

export function records(rec: RecorderRecord, type: string): boolean {
  if (rec.allSupported) return !rec.exclusions.includes(type);
  return rec.resourceTypes.includes(type);
}

const iso = (ms: number): string => new Date(ms).toISOString();

interface Base {
  type: string;
  id: string;
  name?: string;
  arn: string;
  created: number;
  region?: string;
  az?: string;
  configuration: Record<string, unknown>;
  supplementary?: Record<string, unknown>;
}

/** Every configuration item the data could make, recorded or not, with its creation time. */
function allItems(acc: Account, d: DataState): Array<{ created: number; item: Item }> {
  const region = acc.region;
  const account = acc.accountId;
  const out: Array<{ created: number; item: Item }> = [];
  const push = (b: Base): void => {
    out.push({
      created: b.created,
      item: {
        version: '1.3',
        accountId: account,
        configurationItemCaptureTime: iso(b.created),
        configurationItemStatus: 'ResourceDiscovered',
        configurationStateId: String(b.created),
        arn: b.arn,
        resourceType: b.type,
        resourceId: b.id,
        ...(b.name ? { resourceName: b.name } : {}),
        awsRegion: b.region ?? region,
        availabilityZone: b.az ?? 'Regional',
        resourceCreationTime: iso(b.created),
        tags: [],
        relationships: [],
        configuration: b.configuration,
        supplementaryConfiguration: b.supplementary ?? {},
      },
    });
  };
  for (const b of d.buckets)
    push({
      type: 'AWS::S3::Bucket',
      id: b.name,
      name: b.name,
      arn: `arn:aws:s3:::${b.name}`,
      created: b.created,
      region: b.region,
      az: 'Not Applicable',
      configuration: { name: b.name, owner: { id: account }, creationDate: iso(b.created) },
      supplementary: b.sse
        ? {
            ServerSideEncryptionConfiguration: {
              rules: [
                {
                  applyServerSideEncryptionByDefault: {
                    sseAlgorithm: b.sse.algorithm,
                    ...(b.sse.kmsKeyId ? { kmsMasterKeyID: b.sse.kmsKeyId } : {}),
                  },
                  bucketKeyEnabled: b.sse.bucketKey ?? false,
                },
              ],
            },
          }
        : {},
    });
  for (const v of d.volumes)
    push({
      type: 'AWS::EC2::Volume',
      id: v.id,
      arn: `arn:aws:ec2:${region}:${account}:volume/${v.id}`,
      created: v.created,
      az: v.az,
      configuration: {
        volumeId: v.id,
        size: v.size,
        availabilityZone: v.az,
        state: { value: v.state },
        volumeType: v.type,
        encrypted: v.encrypted,
        ...(v.kmsKeyId ? { kmsKeyId: v.kmsKeyId } : {}),
        ...(v.snapshotId ? { snapshotId: v.snapshotId } : {}),
        createTime: iso(v.created),
        attachments: v.attachedTo ? [{ instanceId: v.attachedTo, volumeId: v.id, state: 'attached' }] : [],
      },
    });
  for (const db of d.dbInstances)
    push({
      type: 'AWS::RDS::DBInstance',
      id: db.resourceId,
      name: db.id,
      arn: `arn:aws:rds:${region}:${account}:db:${db.id}`,
      created: db.created,
      az: db.az,
      configuration: {
        dBInstanceIdentifier: db.id,
        dBInstanceClass: db.instanceClass,
        engine: db.engine,
        engineVersion: db.engineVersion,
        dBInstanceStatus: db.status,
        allocatedStorage: db.storage,
        storageEncrypted: db.encrypted,
        ...(db.kmsKeyId ? { kmsKeyId: db.kmsKeyId } : {}),
        ...(db.performanceInsightsKmsKeyId ? { performanceInsightsKMSKeyId: db.performanceInsightsKmsKeyId } : {}),
        dbiResourceId: db.resourceId,
        ...(db.clusterId ? { dBClusterIdentifier: db.clusterId } : {}),
        instanceCreateTime: iso(db.created),
      },
    });
  for (const c of d.dbClusters)
    push({
      type: 'AWS::RDS::DBCluster',
      id: c.resourceId,
      name: c.id,
      arn: `arn:aws:rds:${region}:${account}:cluster:${c.id}`,
      created: c.created,
      configuration: {
        dBClusterIdentifier: c.id,
        engine: c.engine,
        status: c.status,
        storageEncrypted: c.encrypted,
        ...(c.kmsKeyId ? { kmsKeyId: c.kmsKeyId } : {}),
        ...(c.activityStreamKmsKeyId ? { activityStreamKmsKeyId: c.activityStreamKmsKeyId } : {}),
        ...(c.performanceInsightsKmsKeyId ? { performanceInsightsKMSKeyId: c.performanceInsightsKmsKeyId } : {}),
        dbClusterResourceId: c.resourceId,
        clusterCreateTime: iso(c.created),
      },
    });
  for (const s of d.dbSnapshots)
    push({
      type: 'AWS::RDS::DBSnapshot',
      id: s.id,
      name: s.id,
      arn: `arn:aws:rds:${region}:${account}:snapshot:${s.id}`,
      created: s.created,
      configuration: {
        dBSnapshotIdentifier: s.id,
        dBInstanceIdentifier: s.sourceId,
        engine: s.engine,
        status: s.status,
        snapshotType: s.type,
        encrypted: s.encrypted,
        ...(s.kmsKeyId ? { kmsKeyId: s.kmsKeyId } : {}),
        snapshotCreateTime: iso(s.created),
      },
    });
  for (const s of d.dbClusterSnapshots)
    push({
      type: 'AWS::RDS::DBClusterSnapshot',
      id: s.id,
      name: s.id,
      arn: `arn:aws:rds:${region}:${account}:cluster-snapshot:${s.id}`,
      created: s.created,
      configuration: {
        dBClusterSnapshotIdentifier: s.id,
        dBClusterIdentifier: s.sourceId,
        engine: s.engine,
        status: s.status,
        snapshotType: s.type,
        storageEncrypted: s.encrypted,
        ...(s.kmsKeyId ? { kmsKeyId: s.kmsKeyId } : {}),
        snapshotCreateTime: iso(s.created),
      },
    });
  for (const t of d.tables)
    push({
      type: 'AWS::DynamoDB::Table',
      id: t.name,
      name: t.name,
      arn: `arn:aws:dynamodb:${region}:${account}:table/${t.name}`,
      created: t.created,
      configuration: {
        tableName: t.name,
        tableArn: `arn:aws:dynamodb:${region}:${account}:table/${t.name}`,
        tableId: t.id,
        tableStatus: t.status,
        itemCount: t.items,
        // the schema's odd casing, as Config stores it
        ...(t.kmsKeyArn ? { ssedescription: { status: 'ENABLED', ssetype: 'KMS', kmsmasterKeyArn: t.kmsKeyArn } } : {}),
      },
    });
  for (const s of d.secrets)
    push({
      type: 'AWS::SecretsManager::Secret',
      id: s.arn,
      name: s.name,
      arn: s.arn,
      created: s.created,
      configuration: { Name: s.name, ...(s.kmsKeyId ? { KMSKeyId: s.kmsKeyId } : {}) },
    });
  for (const v of d.vaults) {
    const vaultArn = `arn:aws:backup:${region}:${account}:backup-vault:${v.name}`;
    push({
      type: 'AWS::Backup::BackupVault',
      id: v.name,
      name: v.name,
      arn: vaultArn,
      created: v.created,
      configuration: { BackupVaultName: v.name, BackupVaultArn: vaultArn, EncryptionKeyArn: v.encryptionKeyArn },
    });
    for (const rp of v.recoveryPoints)
      push({
        type: 'AWS::Backup::RecoveryPoint',
        id: rp.arn,
        arn: rp.arn,
        created: rp.created,
        configuration: {
          RecoveryPointArn: rp.arn,
          BackupVaultName: v.name,
          BackupVaultArn: vaultArn,
          ResourceArn: rp.resourceArn,
          ResourceType: rp.resourceType,
          Status: rp.status,
          IsEncrypted: rp.encrypted,
          ...(rp.encryptionKeyArn ? { EncryptionKeyArn: rp.encryptionKeyArn } : {}),
          CreationDate: iso(rp.created),
        },
      });
  }
  return out;
}

const cache = new WeakMap<Account, { version: number; items: Array<{ created: number; item: Item }> }>();

/** The configuration items advanced query can return in this account (what its recorder recorded). */
export function recordedItems(acc: Account): Item[] {
  const stored = storedData(acc);
  const rec = stored?.recorders[0];
  if (!rec) return [];
  const version = dataVersion(acc);
  let c = cache.get(acc);
  if (!c || c.version !== version) cache.set(acc, (c = { version, items: allItems(acc, dataView(acc)) }));
  const until = rec.recording ? Number.POSITIVE_INFINITY : (rec.lastStop ?? Number.NEGATIVE_INFINITY);
  const out: Item[] = [];
  for (const { created, item } of c.items)
    if (created <= until && records(rec, item.resourceType as string)) out.push(item);
  return out;
}
