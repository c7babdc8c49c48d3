/**
 * THE table of AWS services kscli calls: one entry per service. Everything service-specific is
 * derived from it:
 * - the SDK client (`client`, built by AwsClients with the shared handler, credentials, pacing);
 * - the port: `AwsPorts[service](region?)` (ports.ts derives the type), lazily loading `adapter`
 *   on its first call (index.ts), memoised per Region;
 * - the endpoint: `AWS_ENDPOINT_URL_<endpointEnvSuffix>` (config.ts), `--endpoint-url` for all,
 *   and the default host `https://<endpointPrefix>.<region>.amazonaws.com` named in messages;
 * - the `--max-rps` operation names and their default pace (`quotas`, read by quotas.ts).
 *
 * A service's `scope` says where its client lives: `regional` services have one client per Region
 * asked for; `global` ones (Organizations, Account Management) one client in the partition's
 * global Region (`globalRegionFor`), whatever Region the caller names: their endpoint variables,
 * `--max-rps` names, pacing and the host named in errors come from the same entry all the same.
 *
 * To add a service:
 *   1. write its port interface in ports.ts and its adapter in adapters/<service>.ts (the adapter
 *      takes `() => Promise<Client>` and an AdapterSite; it loads the SDK module with `sdkModule`);
 *   2. add ONE entry below: the SDK's serviceId-derived env suffix, the endpoint prefix, the port's
 *      method names, `client` (loading the SDK with `sdkModule`, sdk-modules.ts) and `adapter`
 *      (dynamic `import()`): both lazily, since this module is loaded by `--help`, which must never
 *      load the SDK; and the operation quotas to pace, if any;
 *   3. add the SDK package to package.json, and serve the service in the sandbox when tests need it.
 * Nothing else lists services: the compiler points at whatever the new entry is missing.
 */
import type { KMSClient, KMSClientConfig } from '@aws-sdk/client-kms';
import type { STSClient } from '@aws-sdk/client-sts';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { CloudHSMV2Client } from '@aws-sdk/client-cloudhsm-v2';
import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import type { S3Client } from '@aws-sdk/client-s3';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { BackupClient } from '@aws-sdk/client-backup';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type {
  BackupPort,
  ConfigPort,
  DynamoDbPort,
  Ec2Port,
  RdsPort,
  S3Port,
  SecretsPort,
  SsmPort,
} from './data-ports.js';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { AccountClient } from '@aws-sdk/client-account';
import type {
  CloudHsmPort,
  CloudTrailPort,
  CloudWatchPort,
  KmsPort,
  LogsPort,
  PricingPort,
  SnsPort,
  StsPort,
} from './ports.js';
import type { PricingClient } from '@aws-sdk/client-pricing';
import type { AccountPort, OrganizationsPort } from './estate/ports.js';
import type { AdapterSite } from './adapters/site.js';
import type { Pacing } from './rate-limiter.js';
import { sdkModule } from './sdk-modules.js';

/** The constructor options shared by every client (clients.ts fills them in). */
export interface BaseClientConfig {
  region: string;
  endpoint?: string;
  profile?: string;
  maxAttempts: number;
  retryMode: 'standard';
  cacheMiddleware: true;
  requestHandler: NodeHttpHandler;
  credentials?: KMSClientConfig['credentials'];
}

/** What an adapter is built with, besides its client. */
export interface AdapterContext {
  /** Region and endpoint, for error messages */
  site: AdapterSite;
  /** the bucket pacing one operation in this Region (undefined: not paced) */
  bucket(operation: string): Pacing | undefined;
  /** DescribeKey calls in flight during a key scan */
  scanConcurrency: number;
  /** --debug sink */
  debugLog?: (line: string) => void;
}

/** Every method of a port, so that the lazy wrapper cannot forget one (the compiler checks). */
export type MethodNames<T> = Record<keyof T, true>;

/**
 * Where a service's endpoint lives: one per Region, or one for the whole partition (the
 * `aws-global` endpoints of Organizations and Account Management, hosted in us-east-1).
 */
export type ServiceScope = 'regional' | 'global';

/**
 * The Region a global service's client is built in, for a caller whose home Region is `home`:
 * us-east-1 in the commercial partition (aws-facts-estate-and-scale.md B1). The China and
 * GovCloud hosts are UNCONFIRMED against AWS's endpoint list: kscli uses the partitions' usual
 * global Regions (cn-northwest-1, us-gov-west-1); an AWS_ENDPOINT_URL_<SERVICE> overrides them.
 */
export function globalRegionFor(home: string): string {
  if (home.startsWith('cn-')) return 'cn-northwest-1';
  if (home.startsWith('us-gov-')) return 'us-gov-west-1';
  return 'us-east-1';
}

export interface ServiceEntry<Client, Port> {
  /** regional: a client per Region; global: one client in `globalRegionFor(home)` */
  scope: ServiceScope;
  /** `AWS_ENDPOINT_URL_<this>`: the SDK's serviceId upper-cased, spaces as underscores */
  endpointEnvSuffix: string;
  /** the default host's first label (`monitoring` for CloudWatch), for messages only */
  endpointPrefix: string;
  /** the port's methods (the lazy port forwards exactly these) */
  methods: MethodNames<Port>;
  /** requests per second per account and Region of the operations kscli paces (aws-facts.md 6) */
  quotas?: Readonly<Record<string, number>>;
  /**
   * Operations AWS publishes no quota for (not paced by default), which `--max-rps` may still
   * name to pace them (say a shared organization whose ListAccounts others call too).
   */
  unpublishedQuotas?: readonly string[];
  /** builds the SDK client; loads the SDK module */
  client(base: BaseClientConfig): Promise<Client>;
  /** builds the adapter; loads the adapter module (and through it the SDK) */
  adapter(client: () => Promise<Client>, context: AdapterContext): Promise<Port>;
}

/** Identity helper that keeps each entry's own Client and Port types (a plain annotation would widen them). */
const service = <Client, Port>(entry: ServiceEntry<Client, Port>): ServiceEntry<Client, Port> => entry;

export const AWS_SERVICES = {
  kms: service<KMSClient, KmsPort>({
    scope: 'regional',
    endpointEnvSuffix: 'KMS',
    endpointPrefix: 'kms',
    methods: {
      describeStores: true,
      describeStore: true,
      scanKeys: true,
      describeKey: true,
      listAliases: true,
      listKeyAliases: true,
      getKeyPolicy: true,
      listGrants: true,
      getKeyLastUsage: true,
      scheduleKeyDeletion: true,
      cancelKeyDeletion: true,
      enableKey: true,
      disableKey: true,
      listResourceTags: true,
      tagResource: true,
      untagResource: true,
      connectStore: true,
      disconnectStore: true,
      deleteStore: true,
    },
    // KMS "Request quotas" page, 2026 edition (aws-facts.md section 6)
    quotas: {
      DescribeKey: 2000,
      ListKeys: 500,
      ScheduleKeyDeletion: 15,
      CancelKeyDeletion: 5,
      DescribeCustomKeyStores: 5,
      ConnectCustomKeyStore: 5,
      DisconnectCustomKeyStore: 5,
      DeleteCustomKeyStore: 5,
      UpdateCustomKeyStore: 5,
      EnableKey: 5,
      DisableKey: 5,
      GetKeyPolicy: 1000,
      ListGrants: 100,
      ListAliases: 500,
      ListResourceTags: 2000,
      GetKeyLastUsage: 5,
    },
    client: async (base) => new (sdkModule('@aws-sdk/client-kms').KMSClient)(base),
    adapter: async (client, { site, bucket, scanConcurrency, debugLog }) => {
      const { KmsAdapter } = await import('./adapters/kms.js');
      // DescribeKey goes through the fast path (fast-describe-key.ts), paced by this bucket
      return new KmsAdapter(client, site, {
        scanConcurrency,
        describeKeyBucket: () => bucket('DescribeKey'),
        debugLog,
      });
    },
  }),
  sts: service<STSClient, StsPort>({
    scope: 'regional',
    endpointEnvSuffix: 'STS',
    endpointPrefix: 'sts',
    methods: { getCallerIdentity: true, assumeRole: true },
    // AssumeRole's rate quota is UNCONFIRMED (aws-facts-estate-and-scale.md, open questions)
    unpublishedQuotas: ['AssumeRole'],
    client: async (base) => new (sdkModule('@aws-sdk/client-sts').STSClient)(base),
    adapter: async (client, { site }) => new (await import('./adapters/sts.js')).StsAdapter(client, site),
  }),
  cloudtrail: service<CloudTrailClient, CloudTrailPort>({
    scope: 'regional',
    endpointEnvSuffix: 'CLOUDTRAIL',
    endpointPrefix: 'cloudtrail',
    methods: { lookupEvents: true, describeTrails: true, getTrailStatus: true, getEventSelectors: true },
    // 2 per second per account and Region, shared by every LookupEvents caller (aws-facts.md 5)
    quotas: { LookupEvents: 2 },
    client: async (base) => new (sdkModule('@aws-sdk/client-cloudtrail').CloudTrailClient)(base),
    adapter: async (client, { site }) => new (await import('./adapters/cloudtrail.js')).CloudTrailAdapter(client, site),
  }),
  logs: service<CloudWatchLogsClient, LogsPort>({
    scope: 'regional',
    endpointEnvSuffix: 'CLOUDWATCH_LOGS',
    endpointPrefix: 'logs',
    methods: {
      describeLogGroup: true,
      oldestStreamEvent: true,
      startQuery: true,
      getQueryResults: true,
      stopQuery: true,
      describeMetricFilters: true,
      putMetricFilter: true,
      deleteMetricFilter: true,
      encryptedLogGroups: true,
    },
    // DescribeLogGroups: 10 per second per account and Region [UNCONFIRMED in the facts file];
    // paced only where kscli pages every group of the account (issue 19)
    quotas: { DescribeLogGroups: 10 },
    client: async (base) => new (sdkModule('@aws-sdk/client-cloudwatch-logs').CloudWatchLogsClient)(base),
    adapter: async (client, { site }) => new (await import('./adapters/logs.js')).LogsAdapter(client, site),
  }),
  cloudwatch: service<CloudWatchClient, CloudWatchPort>({
    scope: 'regional',
    endpointEnvSuffix: 'CLOUDWATCH',
    endpointPrefix: 'monitoring',
    methods: { describeAlarm: true, putMetricAlarm: true, deleteAlarms: true },
    client: async (base) => new (sdkModule('@aws-sdk/client-cloudwatch').CloudWatchClient)(base),
    adapter: async (client, { site }) => new (await import('./adapters/cloudwatch.js')).CloudWatchAdapter(client, site),
  }),
  sns: service<SNSClient, SnsPort>({
    scope: 'regional',
    endpointEnvSuffix: 'SNS',
    endpointPrefix: 'sns',
    methods: { getTopic: true },
    client: async (base) => new (sdkModule('@aws-sdk/client-sns').SNSClient)(base),
    adapter: async (client, { site }) => new (await import('./adapters/sns.js')).SnsAdapter(client, site),
  }),
  cloudhsm: service<CloudHSMV2Client, CloudHsmPort>({
    scope: 'regional',
    // serviceId "CloudHSM V2"; the 3.332 client ignores every endpoint variable, so kscli resolves
    // them itself (config.ts) and passes `endpoint` to every client (wire-protocols.md)
    endpointEnvSuffix: 'CLOUDHSM_V2',
    endpointPrefix: 'cloudhsmv2',
    methods: {
      describeCluster: true,
      describeClustersFromBackups: true,
      describeBackups: true,
      describeBackupCopies: true,
      deleteBackup: true,
      listClusters: true,
      deleteHsm: true,
      deleteCluster: true,
    },
    // the 3.332 client's types predate some options; its constructor reads the same names
    client: async (base) => new (sdkModule('@aws-sdk/client-cloudhsm-v2').CloudHSMV2Client)(base as never),
    adapter: async (client, { site }) => new (await import('./adapters/cloudhsm.js')).CloudHsmAdapter(client, site),
  }),
  pricing: service<PricingClient, PricingPort>({
    // the AWS Price List Query API answers only in us-east-1, eu-central-1 and ap-south-1: a global
    // service, its client lives in the partition's global Region (us-east-1) whatever --region is
    scope: 'global',
    endpointEnvSuffix: 'PRICING',
    endpointPrefix: 'api.pricing',
    methods: { cloudHsmHourlyPrice: true },
    client: async (base) => new (sdkModule('@aws-sdk/client-pricing').PricingClient)(base),
    adapter: async (client, { site }) => new (await import('./adapters/pricing.js')).PricingAdapter(client, site),
  }),
  // ---- the services that hold data at rest under a key (issue 19; aws-facts-data-at-rest) ----
  // Quotas marked [U] are not published (UNCONFIRMED): kscli paces at a moderate rate there and
  // backs off (AIMD) if AWS throttles; --max-rps raises or lowers any of them.
  config: service<ConfigServiceClient, ConfigPort>({
    scope: 'regional',
    endpointEnvSuffix: 'CONFIG_SERVICE',
    endpointPrefix: 'config',
    methods: {
      describeRecorders: true,
      describeRecorderStatus: true,
      selectResourceConfig: true,
      selectAggregateResourceConfig: true,
    },
    // Select*: no published quota [U]; 20/s, the sandbox's figure (each query pages sequentially)
    quotas: { SelectResourceConfig: 20, SelectAggregateResourceConfig: 20 },
    client: async (base) => new (sdkModule('@aws-sdk/client-config-service').ConfigServiceClient)(base),
    adapter: async (client, { site }) => new (await import('./adapters/config.js')).ConfigAdapter(client, site),
  }),
  s3: service<S3Client, S3Port>({
    scope: 'regional',
    endpointEnvSuffix: 'S3',
    endpointPrefix: 's3',
    methods: { listBuckets: true, bucketRegion: true, bucketKmsKey: true },
    // bucket-configuration calls have no published rate [U]
    quotas: { ListBuckets: 10, GetBucketEncryption: 100, GetBucketLocation: 100 },
    // path-style under an explicit endpoint (the sandbox, LocalStack): no bucket-name DNS there
    client: async (base) =>
      new (sdkModule('@aws-sdk/client-s3').S3Client)({ ...base, forcePathStyle: base.endpoint !== undefined }),
    // GetBucketEncryption (once per bucket) goes through the fast path (fast-bucket-encryption.ts)
    adapter: async (client, { site, bucket, debugLog }) =>
      new (await import('./adapters/s3.js')).S3Adapter(client, site, {
        getBucketEncryptionBucket: () => bucket('GetBucketEncryption'),
        ...(debugLog ? { debugLog } : {}),
      }),
  }),
  ec2: service<EC2Client, Ec2Port>({
    scope: 'regional',
    endpointEnvSuffix: 'EC2',
    endpointPrefix: 'ec2',
    methods: { encryptedVolumes: true, encryptedSnapshots: true, vpcEndpointService: true },
    // EC2 throttles per API with token buckets (RequestLimitExceeded); the refill rates of the
    // describe calls are not in the facts file [U]: 20/s, the smallest non-mutating refill we know of
    quotas: { DescribeVolumes: 20, DescribeSnapshots: 20, DescribeVpcEndpointServiceConfigurations: 20 },
    client: async (base) => new (sdkModule('@aws-sdk/client-ec2').EC2Client)(base),
    adapter: async (client, { site }) => new (await import('./adapters/ec2.js')).Ec2Adapter(client, site),
  }),
  rds: service<RDSClient, RdsPort>({
    scope: 'regional',
    endpointEnvSuffix: 'RDS',
    endpointPrefix: 'rds',
    methods: { dbInstances: true, dbClusters: true, dbSnapshots: true, dbClusterSnapshots: true },
    // [U]
    quotas: {
      DescribeDBInstances: 20,
      DescribeDBClusters: 20,
      DescribeDBSnapshots: 20,
      DescribeDBClusterSnapshots: 20,
    },
    client: async (base) => new (sdkModule('@aws-sdk/client-rds').RDSClient)(base),
    adapter: async (client, { site }) => new (await import('./adapters/rds.js')).RdsAdapter(client, site),
  }),
  dynamodb: service<DynamoDBClient, DynamoDbPort>({
    scope: 'regional',
    endpointEnvSuffix: 'DYNAMODB',
    endpointPrefix: 'dynamodb',
    methods: { listTables: true, tableKmsKey: true },
    // control-plane rates [U]
    quotas: { ListTables: 10, DescribeTable: 100 },
    client: async (base) => new (sdkModule('@aws-sdk/client-dynamodb').DynamoDBClient)(base),
    // DescribeTable (once per table) goes through the fast path (fast-json-call.ts), paced by this bucket
    adapter: async (client, { site, bucket, debugLog }) =>
      new (await import('./adapters/dynamodb.js')).DynamoDbAdapter(client, site, {
        describeTableBucket: () => bucket('DescribeTable'),
        ...(debugLog ? { debugLog } : {}),
      }),
  }),
  backup: service<BackupClient, BackupPort>({
    scope: 'regional',
    endpointEnvSuffix: 'BACKUP',
    endpointPrefix: 'backup',
    methods: { listVaults: true, recoveryPoints: true },
    // [U]
    quotas: { ListBackupVaults: 10, ListRecoveryPointsByBackupVault: 10 },
    client: async (base) => new (sdkModule('@aws-sdk/client-backup').BackupClient)(base),
    adapter: async (client, { site }) => new (await import('./adapters/backup.js')).BackupAdapter(client, site),
  }),
  secretsmanager: service<SecretsManagerClient, SecretsPort>({
    scope: 'regional',
    endpointEnvSuffix: 'SECRETS_MANAGER',
    endpointPrefix: 'secretsmanager',
    methods: { secretsWithKmsKey: true },
    // 100 requests per second for ListSecrets [C]
    quotas: { ListSecrets: 100 },
    client: async (base) => new (sdkModule('@aws-sdk/client-secrets-manager').SecretsManagerClient)(base),
    adapter: async (client, { site }) => new (await import('./adapters/secrets.js')).SecretsAdapter(client, site),
  }),
  ssm: service<SSMClient, SsmPort>({
    scope: 'regional',
    endpointEnvSuffix: 'SSM',
    endpointPrefix: 'ssm',
    methods: { secureStringParameters: true },
    // [U]
    quotas: { DescribeParameters: 10 },
    client: async (base) => new (sdkModule('@aws-sdk/client-ssm').SSMClient)(base),
    adapter: async (client, { site }) => new (await import('./adapters/ssm.js')).SsmAdapter(client, site),
  }),
  organizations: service<OrganizationsClient, OrganizationsPort>({
    scope: 'global',
    endpointEnvSuffix: 'ORGANIZATIONS',
    endpointPrefix: 'organizations',
    methods: { describeOrganization: true, listAccounts: true, listAccountsUnder: true },
    // AWS publishes no Organizations throttle (aws-facts-estate-and-scale.md B1): unpaced unless named
    unpublishedQuotas: ['DescribeOrganization', 'ListAccounts', 'ListAccountsForParent', 'ListChildren'],
    client: async (base) => new (sdkModule('@aws-sdk/client-organizations').OrganizationsClient)(base),
    adapter: async (client, { site }) =>
      new (await import('./adapters/organizations.js')).OrganizationsAdapter(client, site),
  }),
  account: service<AccountClient, AccountPort>({
    scope: 'global',
    endpointEnvSuffix: 'ACCOUNT',
    endpointPrefix: 'account',
    methods: { listRegions: true },
    // Account Management quotas page: ListRegions 5 per second (aws-facts-estate-and-scale.md B3)
    quotas: { ListRegions: 5 },
    client: async (base) => new (sdkModule('@aws-sdk/client-account').AccountClient)(base),
    adapter: async (client, { site }) => new (await import('./adapters/account.js')).AccountAdapter(client, site),
  }),
};

export type AwsServices = typeof AWS_SERVICES;
/** `kms`, `sts`, `cloudtrail`, ...: the keys of the table */
export type ServiceKey = keyof AwsServices;
/** The SDK client of a service. */
export type ClientOf<K extends ServiceKey> = Awaited<ReturnType<AwsServices[K]['client']>>;
/** The port of a service. */
export type PortOf<K extends ServiceKey> = Awaited<ReturnType<AwsServices[K]['adapter']>>;

export const SERVICE_KEYS = Object.keys(AWS_SERVICES) as ServiceKey[];

/**
 * The entry of `service` with its own Client and Port types. The table's entries are typed one by
 * one; indexing it by a generic K loses that pairing, which this one cast restores.
 */
export function entryOf<K extends ServiceKey>(service: K): ServiceEntry<ClientOf<K>, PortOf<K>> {
  return AWS_SERVICES[service] as unknown as ServiceEntry<ClientOf<K>, PortOf<K>>;
}

/** The Region a client of `service` is built in for a caller asking for `region`. */
export function clientRegion(service: ServiceKey, region: string): string {
  return AWS_SERVICES[service].scope === 'global' ? globalRegionFor(region) : region;
}
