/**
 * The ports of the services that hold data at rest under a KMS key (issue 19): AWS Config (the
 * recorder and its advanced query) and the direct reads of S3, EC2, RDS, DynamoDB, AWS Backup,
 * Secrets Manager and SSM (CloudWatch Logs log groups are read through LogsPort). Facts:
 * aws-facts-data-at-rest.md sections A and B. Same error contract as ports.ts: AccessDenied ->
 * KscliError(Credentials), failures after retries -> KscliError(Failure), other AWS errors ->
 * AwsCallError; throttling is paced and retried, never surfaced.
 *
 * The direct-read methods return every resource they saw that names a KMS key (customer or AWS
 * managed) as a DataResource: which key it names is the workflow's business (the same resource may
 * name the key by ID, ARN, alias name or alias ARN).
 */

/** One resource that names a KMS key in its encryption settings. */
export interface DataResource {
  /** the AWS Config resource type, e.g. AWS::EC2::Volume (the direct reads use the same names) */
  resourceType: string;
  /** vol-0123..., the bucket name, the table name, the secret ARN... */
  resourceId: string;
  arn?: string;
  /** a name when it differs from the ID (a secret's name, a DB identifier) */
  name?: string;
  /** the account that owns the resource (an aggregator's answer names others) */
  accountId?: string;
  region?: string;
  /** when the resource was created, where the API says so */
  createdAt?: Date;
  /** the key as the resource names it: key ID, key ARN, alias name or alias ARN */
  kmsKeyRef: string;
  /** which property named the key (e.g. configuration.kmsKeyId, performanceInsightsKMSKeyId) */
  property: string;
}

/** A configuration recorder (DescribeConfigurationRecorders). */
export interface ConfigRecorderInfo {
  name: string;
  /** recordingGroup.allSupported */
  allSupported: boolean;
  /** recordingGroup.resourceTypes (INCLUSION_BY_RESOURCE_TYPES) */
  resourceTypes: string[];
  /** recordingGroup.exclusionByResourceTypes.resourceTypes (EXCLUSION_BY_RESOURCE_TYPES) */
  excludedResourceTypes: string[];
  /** recordingGroup.recordingStrategy.useOnly, when set */
  useOnly?: string;
  /** recordingMode.recordingFrequency: CONTINUOUS | DAILY */
  recordingFrequency?: string;
}

/** A recorder's status (DescribeConfigurationRecorderStatus). */
export interface ConfigRecorderStatus {
  name: string;
  recording: boolean;
  /** Pending | Success | Failure */
  lastStatus?: string;
  lastErrorCode?: string;
}

/** One page of an advanced query: each row parsed from its JSON string (malformed rows kept as strings). */
export interface ConfigSelectPage {
  rows: unknown[];
  nextToken?: string;
}

export interface ConfigPort {
  describeRecorders(): Promise<ConfigRecorderInfo[]>;
  describeRecorderStatus(): Promise<ConfigRecorderStatus[]>;
  /** SelectResourceConfig, one page (Limit 100, the maximum) */
  selectResourceConfig(expression: string, nextToken?: string): Promise<ConfigSelectPage>;
  /**
   * SelectAggregateResourceConfig, one page. An unknown aggregator throws
   * AwsCallError NoSuchConfigurationAggregatorException.
   */
  selectAggregateResourceConfig(aggregator: string, expression: string, nextToken?: string): Promise<ConfigSelectPage>;
}

/** A bucket as ListBuckets shows it. */
export interface BucketInfo {
  name: string;
  creationDate?: Date;
  /** ListBuckets' BucketRegion (newer API); absent: ask GetBucketLocation */
  region?: string;
}

export interface S3Port {
  /** ListBuckets, all pages; `onPage` sees each page as it arrives (the per-bucket reads start on it) */
  listBuckets(onPage?: (page: BucketInfo[]) => void): Promise<BucketInfo[]>;
  /** GetBucketLocation, normalised: us-east-1 for the empty constraint, eu-west-1 for the legacy EU */
  bucketRegion(bucket: string): Promise<string>;
  /**
   * GetBucketEncryption: the KMSMasterKeyID of the bucket's default encryption rule with aws:kms
   * (or aws:kms:dsse), null for SSE-S3 or no rule (ServerSideEncryptionConfigurationNotFoundError).
   */
  bucketKmsKey(bucket: string): Promise<string | null>;
}

export interface Ec2Port {
  /** DescribeVolumes filtered to encrypted volumes, all pages */
  encryptedVolumes(): Promise<DataResource[]>;
  /** DescribeSnapshots OwnerIds=self, encrypted, all pages */
  encryptedSnapshots(): Promise<DataResource[]>;
}

export interface RdsPort {
  /** DescribeDBInstances: KmsKeyId and PerformanceInsightsKMSKeyId */
  dbInstances(): Promise<DataResource[]>;
  /** DescribeDBClusters: KmsKeyId, ActivityStreamKmsKeyId, PerformanceInsightsKMSKeyId */
  dbClusters(): Promise<DataResource[]>;
  /** DescribeDBSnapshots (manual and automated) */
  dbSnapshots(): Promise<DataResource[]>;
  /** DescribeDBClusterSnapshots */
  dbClusterSnapshots(): Promise<DataResource[]>;
}

export interface DynamoDbPort {
  /** ListTables, all pages; `onPage` sees each page as it arrives (the DescribeTable calls start on it) */
  listTables(onPage?: (page: string[]) => void): Promise<string[]>;
  /** DescribeTable: the table's SSEDescription.KMSMasterKeyArn, or null (AWS owned key); null too when the table is gone */
  tableKmsKey(table: string): Promise<DataResource | null>;
}

export interface BackupVaultInfo {
  name: string;
  arn?: string;
  encryptionKeyArn?: string;
  createdAt?: Date;
}

export interface BackupPort {
  /** ListBackupVaults, all pages */
  listVaults(): Promise<BackupVaultInfo[]>;
  /** ListRecoveryPointsByBackupVault, all pages: the recovery points that name a KMS key */
  recoveryPoints(vaultName: string): Promise<DataResource[]>;
}

export interface SecretsPort {
  /** ListSecrets (IncludePlannedDeletion), all pages: the secrets with a KmsKeyId (absent = aws/secretsmanager) */
  secretsWithKmsKey(): Promise<DataResource[]>;
}

export interface SsmPort {
  /** DescribeParameters with Type=SecureString, all pages; KeyId as the parameter names it */
  secureStringParameters(): Promise<DataResource[]>;
}
