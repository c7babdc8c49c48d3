/**
 * The data at rest an account holds (issue 19): S3 buckets, EBS volumes and snapshots, RDS
 * instances, clusters and snapshots, DynamoDB tables, AWS Backup vaults and recovery points,
 * Secrets Manager secrets, SSM parameters; and AWS Config's recorder and aggregators. Persisted as
 * `AccountState.data` (absent in state files written before it existed: an account without data).
 *
 * Every record keeps the key exactly as the resource names it (`kmsKeyId`): a key ID, a key ARN,
 * an alias name or an alias ARN, as the service would store it (aws-facts-data-at-rest.md A and B:
 * which form each service uses). Times are epoch ms.
 */

export interface BucketRecord {
  name: string;
  created: number;
  /** the bucket's Region (GetBucketLocation; us-east-1 answers an empty LocationConstraint) */
  region: string;
  /**
   * Default encryption. Absent: no configuration at all (GetBucketEncryption answers
   * ServerSideEncryptionConfigurationNotFoundError). Since January 2023 AWS gives every bucket
   * SSE-S3 by default, so real buckets rarely lack one; the sandbox keeps one such bucket so that
   * callers handle the error AWS still documents.
   */
  sse?: { algorithm: 'AES256' | 'aws:kms' | 'aws:kms:dsse'; kmsKeyId?: string; bucketKey?: boolean };
  tags?: Record<string, string>;
}

export interface VolumeRecord {
  id: string;
  created: number;
  size: number;
  az: string;
  type: string;
  state: 'available' | 'in-use' | 'creating' | 'deleting';
  encrypted: boolean;
  /** always a key ARN when encrypted (EC2 resolves what CreateVolume was given) */
  kmsKeyId?: string;
  snapshotId?: string;
  attachedTo?: string;
  tags?: Record<string, string>;
}

export interface SnapshotRecord {
  id: string;
  volumeId: string;
  created: number;
  size: number;
  state: 'pending' | 'completed' | 'error';
  encrypted: boolean;
  /** a key ARN when encrypted */
  kmsKeyId?: string;
  description?: string;
  tags?: Record<string, string>;
}

export interface DbInstanceRecord {
  id: string;
  created: number;
  engine: string;
  engineVersion: string;
  instanceClass: string;
  storage: number;
  status: string;
  encrypted: boolean;
  /** key ARN, key ID, alias ARN or alias name (RDS answers what it stored) */
  kmsKeyId?: string;
  performanceInsightsKmsKeyId?: string;
  clusterId?: string;
  az: string;
  resourceId: string;
}

export interface DbClusterRecord {
  id: string;
  created: number;
  engine: string;
  engineVersion: string;
  status: string;
  encrypted: boolean;
  kmsKeyId?: string;
  activityStreamKmsKeyId?: string;
  performanceInsightsKmsKeyId?: string;
  resourceId: string;
  members: string[];
}

export interface DbSnapshotRecord {
  id: string;
  /** the instance (DB snapshot) or cluster (cluster snapshot) it was taken of */
  sourceId: string;
  created: number;
  engine: string;
  status: string;
  encrypted: boolean;
  kmsKeyId?: string;
  type: 'manual' | 'automated';
  storage: number;
}

export interface TableRecord {
  name: string;
  id: string;
  created: number;
  status: 'ACTIVE' | 'CREATING' | 'INACCESSIBLE_ENCRYPTION_CREDENTIALS' | 'ARCHIVED';
  hashKey: string;
  items: number;
  bytes: number;
  /**
   * SSE with a KMS key: the key ARN (DescribeTable's SSEDescription.KMSMasterKeyArn). Absent:
   * the AWS owned key (no SSEDescription). `aws/dynamodb` is a key ARN like any other.
   */
  kmsKeyArn?: string;
}

export interface RecoveryPointRecord {
  arn: string;
  resourceArn: string;
  resourceType: string;
  created: number;
  status: 'COMPLETED' | 'PARTIAL' | 'DELETING' | 'EXPIRED';
  /** the key ARN; absent when the recovery point inherits the source's encryption unencrypted */
  encryptionKeyArn?: string;
  encrypted: boolean;
  bytes: number;
}

export interface VaultRecord {
  name: string;
  created: number;
  /** the key ARN the vault encrypts with (AWS Backup stores an ARN) */
  encryptionKeyArn: string;
  recoveryPoints: RecoveryPointRecord[];
}

export interface SecretRecord {
  name: string;
  arn: string;
  created: number;
  changed: number;
  /** a key ARN; absent when the secret uses aws/secretsmanager */
  kmsKeyId?: string;
  /** scheduled for deletion (ListSecrets shows it only with IncludePlannedDeletion) */
  deletedDate?: number;
  description?: string;
}

export interface ParameterRecord {
  name: string;
  type: 'String' | 'StringList' | 'SecureString';
  /** SecureString: the key as given (alias name, key ID or ARN); `alias/aws/ssm` by default */
  keyId?: string;
  modified: number;
  version: number;
  tier: 'Standard' | 'Advanced';
}

/** AWS Config's configuration recorder (DescribeConfigurationRecorders). */
export interface RecorderRecord {
  name: string;
  roleArn: string;
  allSupported: boolean;
  includeGlobalResourceTypes: boolean;
  /** recorded types when allSupported is false */
  resourceTypes: string[];
  /** types excluded when recordingStrategy is EXCLUSION_BY_RESOURCE_TYPES */
  exclusions: string[];
  recording: boolean;
  frequency: 'CONTINUOUS' | 'DAILY';
  lastStart?: number;
  lastStop?: number;
  lastStatus: 'SUCCESS' | 'PENDING' | 'FAILURE';
  lastErrorCode?: string;
  lastErrorMessage?: string;
}

export interface AggregatorRecord {
  name: string;
  created: number;
  /** accounts and Regions it aggregates: the whole organization, or a list of accounts */
  organization?: { roleArn: string; allRegions: boolean; regions: string[] };
  accounts?: { ids: string[]; allRegions: boolean; regions: string[] };
}

/**
 * Resources generated from a seed instead of stored (the `large` scenario's 50,000): made in
 * memory on the first call that reads data, never written to the state file.
 */
export interface GeneratedData {
  count: number;
  seed: number;
  /** share of the generated resources encrypted under keys of this custom key store */
  storeId?: string;
  storeShare: number;
  /** the scenario's creation time, epoch ms: resource dates count back from it (the same on every load) */
  at: number;
}

export interface DataState {
  buckets: BucketRecord[];
  volumes: VolumeRecord[];
  snapshots: SnapshotRecord[];
  dbInstances: DbInstanceRecord[];
  dbClusters: DbClusterRecord[];
  dbSnapshots: DbSnapshotRecord[];
  dbClusterSnapshots: DbSnapshotRecord[];
  tables: TableRecord[];
  vaults: VaultRecord[];
  secrets: SecretRecord[];
  parameters: ParameterRecord[];
  recorders: RecorderRecord[];
  aggregators: AggregatorRecord[];
  generated?: GeneratedData;
}

export function emptyData(): DataState {
  return {
    buckets: [],
    volumes: [],
    snapshots: [],
    dbInstances: [],
    dbClusters: [],
    dbSnapshots: [],
    dbClusterSnapshots: [],
    tables: [],
    vaults: [],
    secrets: [],
    parameters: [],
    recorders: [],
    aggregators: [],
  };
}
