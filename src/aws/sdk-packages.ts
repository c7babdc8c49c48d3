/**
 * What kscli uses of the AWS SDK: each package `sdkModule` loads (sdk-modules.ts), with the names
 * kscli takes from it.
 *
 * One list for two readers: sdk-modules.ts types each package by it (only the names listed here
 * can be used), and the build (scripts/build.mjs) bundles exactly these names into dist/aws-sdk/,
 * one file per package, leaving out the rest of each client (EC2 alone has about 700 commands;
 * kscli uses 4). This file imports nothing, so the build can read it without building src/.
 * A name used in src/ but missing here does not compile; one listed here that the package does not
 * export fails the build.
 */
export const SDK_EXPORTS = {
  '@aws-sdk/client-account': ['AccountClient', 'ListRegionsCommand'],
  '@aws-sdk/client-backup': ['BackupClient', 'paginateListBackupVaults', 'paginateListRecoveryPointsByBackupVault'],
  '@aws-sdk/client-cloudhsm-v2': [
    'CloudHSMV2Client',
    'DeleteBackupCommand',
    'DeleteClusterCommand',
    'DeleteHsmCommand',
    'DescribeClustersCommand',
    'paginateDescribeBackups',
    'paginateDescribeClusters',
  ],
  '@aws-sdk/client-cloudtrail': [
    'CloudTrailClient',
    'DescribeTrailsCommand',
    'GetEventSelectorsCommand',
    'GetTrailStatusCommand',
    'paginateLookupEvents',
  ],
  '@aws-sdk/client-cloudwatch': [
    'CloudWatchClient',
    'DeleteAlarmsCommand',
    'DescribeAlarmsCommand',
    'PutMetricAlarmCommand',
  ],
  '@aws-sdk/client-cloudwatch-logs': [
    'CloudWatchLogsClient',
    'DeleteMetricFilterCommand',
    'GetQueryResultsCommand',
    'PutMetricFilterCommand',
    'StartQueryCommand',
    'StopQueryCommand',
    'paginateDescribeLogGroups',
    'paginateDescribeLogStreams',
    'paginateDescribeMetricFilters',
  ],
  '@aws-sdk/client-config-service': [
    'ConfigServiceClient',
    'DescribeConfigurationRecorderStatusCommand',
    'DescribeConfigurationRecordersCommand',
    'SelectAggregateResourceConfigCommand',
    'SelectResourceConfigCommand',
  ],
  '@aws-sdk/client-dynamodb': ['DescribeTableCommand', 'DynamoDBClient', 'paginateListTables'],
  '@aws-sdk/client-ec2': [
    'DescribeVpcEndpointServiceConfigurationsCommand',
    'EC2Client',
    'paginateDescribeSnapshots',
    'paginateDescribeVolumes',
  ],
  '@aws-sdk/client-kms': [
    'CancelKeyDeletionCommand',
    'ConnectCustomKeyStoreCommand',
    'DeleteCustomKeyStoreCommand',
    'DescribeCustomKeyStoresCommand',
    'DescribeKeyCommand',
    'DisableKeyCommand',
    'DisconnectCustomKeyStoreCommand',
    'EnableKeyCommand',
    'GetKeyLastUsageCommand',
    'GetKeyPolicyCommand',
    'KMSClient',
    'ListResourceTagsCommand',
    'ScheduleKeyDeletionCommand',
    'TagResourceCommand',
    'UntagResourceCommand',
    'paginateDescribeCustomKeyStores',
    'paginateListAliases',
    'paginateListGrants',
    'paginateListKeys',
  ],
  '@aws-sdk/client-organizations': [
    'DescribeOrganizationCommand',
    'ListAccountsCommand',
    'ListAccountsForParentCommand',
    'ListChildrenCommand',
    'OrganizationsClient',
  ],
  '@aws-sdk/client-pricing': ['GetProductsCommand', 'PricingClient'],
  '@aws-sdk/client-rds': [
    'RDSClient',
    'paginateDescribeDBClusterSnapshots',
    'paginateDescribeDBClusters',
    'paginateDescribeDBInstances',
    'paginateDescribeDBSnapshots',
  ],
  '@aws-sdk/client-s3': ['GetBucketEncryptionCommand', 'GetBucketLocationCommand', 'S3Client', 'paginateListBuckets'],
  '@aws-sdk/client-secrets-manager': ['SecretsManagerClient', 'paginateListSecrets'],
  '@aws-sdk/client-sns': ['GetTopicAttributesCommand', 'SNSClient'],
  '@aws-sdk/client-ssm': ['SSMClient', 'paginateDescribeParameters'],
  '@aws-sdk/client-sts': ['AssumeRoleCommand', 'GetCallerIdentityCommand', 'STSClient'],
  '@smithy/core/config': ['loadSharedConfigFiles'],
  '@smithy/core/protocols': ['HttpRequest'],
  '@smithy/node-http-handler': ['NodeHttpHandler'],
  '@smithy/signature-v4': ['SignatureV4'],
} as const;

export type SdkPackage = keyof typeof SDK_EXPORTS;
/** the names kscli takes from package P */
export type SdkExport<P extends SdkPackage> = (typeof SDK_EXPORTS)[P][number];

/** The built file of package P under dist/aws-sdk/: '@aws-sdk/client-kms' -> 'aws-sdk-client-kms.cjs'. */
export function sdkBundleFile(pkg: string): string {
  return `${pkg.replace(/^@/, '').replace(/\//g, '-')}.cjs`;
}
