/**
 * The resource types kscli searches for data at rest under a key, and where it finds the key of
 * each (aws-facts-data-at-rest A and B).
 *
 * `core` types are those the issue names as holding most data: every one of them must be covered,
 * by Config (if its recorder records the type) or by a direct read, or the key's verdict is
 * `unknown` with the gap named. The other types are searched through Config when its recorder
 * records them, and listed as "not searched" otherwise, without turning the verdict to `unknown`
 * (the rule and why: above their entries below; README "Data at rest").
 *
 * configPaths: the properties that name the key in Config's advanced query (empty: Config does not
 * record the type: EC2 snapshots, log groups, SSM parameters). Config does not say whether it
 * normalises the stored value to an ARN (UNCONFIRMED), so kscli matches every form (key-refs.ts).
 */
export type DirectReaderId =
  | 's3-buckets'
  | 'ebs-volumes'
  | 'ebs-snapshots'
  | 'rds-instances'
  | 'rds-clusters'
  | 'rds-snapshots'
  | 'rds-cluster-snapshots'
  | 'dynamodb-tables'
  | 'backup'
  | 'secrets'
  | 'log-groups'
  | 'ssm-parameters';

export interface ResourceTypeSpec {
  type: string;
  /** what people call it, plural (in coverage lines) */
  label: string;
  configPaths: string[];
  direct?: DirectReaderId;
  core: boolean;
}

export const RESOURCE_TYPES: readonly ResourceTypeSpec[] = [
  {
    type: 'AWS::S3::Bucket',
    label: 'S3 buckets (default encryption)',
    configPaths: [
      'supplementaryConfiguration.ServerSideEncryptionConfiguration.rules.applyServerSideEncryptionByDefault.kmsMasterKeyID',
    ],
    direct: 's3-buckets',
    core: true,
  },
  {
    type: 'AWS::EC2::Volume',
    label: 'EBS volumes',
    configPaths: ['configuration.kmsKeyId'],
    direct: 'ebs-volumes',
    core: true,
  },
  { type: 'AWS::EC2::Snapshot', label: 'EBS snapshots', configPaths: [], direct: 'ebs-snapshots', core: true },
  {
    type: 'AWS::RDS::DBInstance',
    label: 'RDS DB instances',
    configPaths: ['configuration.kmsKeyId', 'configuration.performanceInsightsKMSKeyId'],
    direct: 'rds-instances',
    core: true,
  },
  {
    type: 'AWS::RDS::DBCluster',
    label: 'RDS DB clusters',
    configPaths: [
      'configuration.kmsKeyId',
      'configuration.activityStreamKmsKeyId',
      'configuration.performanceInsightsKMSKeyId',
    ],
    direct: 'rds-clusters',
    core: true,
  },
  {
    type: 'AWS::RDS::DBSnapshot',
    label: 'RDS DB snapshots',
    configPaths: ['configuration.kmsKeyId'],
    direct: 'rds-snapshots',
    core: true,
  },
  {
    type: 'AWS::RDS::DBClusterSnapshot',
    label: 'RDS DB cluster snapshots',
    configPaths: ['configuration.kmsKeyId'],
    direct: 'rds-cluster-snapshots',
    core: true,
  },
  {
    type: 'AWS::DynamoDB::Table',
    label: 'DynamoDB tables',
    configPaths: ['configuration.ssedescription.kmsmasterKeyArn', 'configuration.replicas.kmsmasterKeyId'],
    direct: 'dynamodb-tables',
    core: true,
  },
  {
    type: 'AWS::Backup::BackupVault',
    label: 'AWS Backup vaults',
    configPaths: ['configuration.EncryptionKeyArn'],
    direct: 'backup',
    core: true,
  },
  {
    type: 'AWS::Backup::RecoveryPoint',
    label: 'AWS Backup recovery points',
    configPaths: ['configuration.EncryptionKeyArn'],
    direct: 'backup',
    core: true,
  },
  {
    type: 'AWS::SecretsManager::Secret',
    label: 'Secrets Manager secrets',
    configPaths: ['configuration.KMSKeyId'],
    direct: 'secrets',
    core: true,
  },
  {
    type: 'AWS::Logs::LogGroup',
    label: 'CloudWatch Logs log groups',
    configPaths: [],
    direct: 'log-groups',
    core: true,
  },
  {
    type: 'AWS::SSM::Parameter',
    label: 'SSM SecureString parameters',
    configPaths: [],
    direct: 'ssm-parameters',
    core: true,
  },
  // Searched through Config only, and "not searched" where its recorder does not record them. The
  // rule: such a type never makes a key `unknown`; it is named as not searched in the evidence
  // (coverage, the usage summary line, JSON `dependents.coverage`), and a service grant naming one
  // of its resources (Redshift's aws:redshift:arn) still counts as data found (service-grants.ts).
  // Why not a gap like a core type: kscli has no direct reader for them, so in the many accounts
  // whose recorder skips them every key would be `unknown`, --allow-unknown-usage would become a
  // reflex, and the override would stop protecting the core types it exists for. And most of them
  // keep calling the key while their data lives: SQS, SNS, Lambda and Kinesis call KMS for the
  // messages, invocations and records they serve (at least once per data-key reuse period), so a
  // key they depend on shows as in use in CloudTrail and GetKeyLastUsage. The risk left is a file
  // system, cluster snapshot or domain untouched for the whole evidence window in an account whose
  // recorder does not record it: the evidence says "not searched" for it, so nobody reads "none".
  { type: 'AWS::EFS::FileSystem', label: 'EFS file systems', configPaths: ['configuration.KmsKeyId'], core: false },
  { type: 'AWS::SNS::Topic', label: 'SNS topics', configPaths: ['configuration.KmsMasterKeyId'], core: false },
  { type: 'AWS::SQS::Queue', label: 'SQS queues', configPaths: ['configuration.KmsMasterKeyId'], core: false },
  { type: 'AWS::Lambda::Function', label: 'Lambda functions', configPaths: ['configuration.kmskeyArn'], core: false },
  {
    type: 'AWS::Kinesis::Stream',
    label: 'Kinesis streams',
    configPaths: ['configuration.StreamEncryption.KeyId'],
    core: false,
  },
  { type: 'AWS::Redshift::Cluster', label: 'Redshift clusters', configPaths: ['configuration.kmsKeyId'], core: false },
  {
    type: 'AWS::Redshift::ClusterSnapshot',
    label: 'Redshift cluster snapshots',
    configPaths: ['configuration.kmsKeyId'],
    core: false,
  },
  { type: 'AWS::CloudTrail::Trail', label: 'CloudTrail trails', configPaths: ['configuration.kmsKeyId'], core: false },
  {
    type: 'AWS::OpenSearch::Domain',
    label: 'OpenSearch domains',
    configPaths: ['configuration.EncryptionAtRestOptions.KmsKeyId'],
    core: false,
  },
];

/** Short label of one resource type for a resource line ("AWS::EC2::Snapshot" -> "EC2 Snapshot"). */
export const shortType = (type: string): string => type.replace(/^AWS::/, '').replace('::', ' ');

/**
 * S3 objects written with an explicit SSE-KMS key other than the bucket default cannot be found
 * from the bucket's settings (aws-facts-data-at-rest B): only S3 Inventory / S3 Metadata reports
 * or a HeadObject per object name the object's key. Printed with every data-at-rest evidence.
 */
export const S3_OBJECTS_NOTE =
  'S3 objects encrypted under a key other than their bucket default are not found this way: that needs S3 Inventory (or S3 Metadata) reports; "none found" says nothing about them.';
