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
 * To add a service (say Organizations or STS AssumeRole):
 *   1. write its port interface in ports.ts and its adapter in adapters/<service>.ts (the adapter
 *      takes `() => Promise<Client>` and an AdapterSite; it imports the SDK client module);
 *   2. add ONE entry below: the SDK's serviceId-derived env suffix, the endpoint prefix, the port's
 *      method names, `client` and `adapter` (both with dynamic `import()`: this module is loaded
 *      by `--help`, which must never load the SDK), and the operation quotas to pace, if any;
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
import type { PricingClient } from '@aws-sdk/client-pricing';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
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
import type { AdapterSite } from './adapters/site.js';
import type { TokenBucket } from './rate-limiter.js';

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
  bucket(operation: string): TokenBucket | undefined;
  /** DescribeKey calls in flight during a key scan */
  scanConcurrency: number;
  /** --debug sink */
  debugLog?: (line: string) => void;
}

/** Every method of a port, so that the lazy wrapper cannot forget one (the compiler checks). */
export type MethodNames<T> = Record<keyof T, true>;

export interface ServiceEntry<Client, Port> {
  /** `AWS_ENDPOINT_URL_<this>`: the SDK's serviceId upper-cased, spaces as underscores */
  endpointEnvSuffix: string;
  /** the default host's first label (`monitoring` for CloudWatch), for messages only */
  endpointPrefix: string;
  /** the port's methods (the lazy port forwards exactly these) */
  methods: MethodNames<Port>;
  /** requests per second per account and Region of the operations kscli paces (aws-facts.md 6) */
  quotas?: Readonly<Record<string, number>>;
  /** builds the SDK client; loads the SDK module */
  client(base: BaseClientConfig): Promise<Client>;
  /** builds the adapter; loads the adapter module (and through it the SDK) */
  adapter(client: () => Promise<Client>, context: AdapterContext): Promise<Port>;
}

/** Identity helper that keeps each entry's own Client and Port types (a plain annotation would widen them). */
const service = <Client, Port>(entry: ServiceEntry<Client, Port>): ServiceEntry<Client, Port> => entry;

export const AWS_SERVICES = {
  kms: service<KMSClient, KmsPort>({
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
    client: async (base) => new (await import('@aws-sdk/client-kms')).KMSClient(base),
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
    endpointEnvSuffix: 'STS',
    endpointPrefix: 'sts',
    methods: { getCallerIdentity: true },
    client: async (base) => new (await import('@aws-sdk/client-sts')).STSClient(base),
    adapter: async (client, { site }) => new (await import('./adapters/sts.js')).StsAdapter(client, site),
  }),
  cloudtrail: service<CloudTrailClient, CloudTrailPort>({
    endpointEnvSuffix: 'CLOUDTRAIL',
    endpointPrefix: 'cloudtrail',
    methods: { lookupEvents: true, describeTrails: true, getTrailStatus: true, getEventSelectors: true },
    // 2 per second per account and Region, shared by every LookupEvents caller (aws-facts.md 5)
    quotas: { LookupEvents: 2 },
    client: async (base) => new (await import('@aws-sdk/client-cloudtrail')).CloudTrailClient(base),
    adapter: async (client, { site }) => new (await import('./adapters/cloudtrail.js')).CloudTrailAdapter(client, site),
  }),
  logs: service<CloudWatchLogsClient, LogsPort>({
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
    },
    client: async (base) => new (await import('@aws-sdk/client-cloudwatch-logs')).CloudWatchLogsClient(base),
    adapter: async (client, { site }) => new (await import('./adapters/logs.js')).LogsAdapter(client, site),
  }),
  cloudwatch: service<CloudWatchClient, CloudWatchPort>({
    endpointEnvSuffix: 'CLOUDWATCH',
    endpointPrefix: 'monitoring',
    methods: { describeAlarm: true, putMetricAlarm: true, deleteAlarms: true },
    client: async (base) => new (await import('@aws-sdk/client-cloudwatch')).CloudWatchClient(base),
    adapter: async (client, { site }) => new (await import('./adapters/cloudwatch.js')).CloudWatchAdapter(client, site),
  }),
  sns: service<SNSClient, SnsPort>({
    endpointEnvSuffix: 'SNS',
    endpointPrefix: 'sns',
    methods: { getTopic: true },
    client: async (base) => new (await import('@aws-sdk/client-sns')).SNSClient(base),
    adapter: async (client, { site }) => new (await import('./adapters/sns.js')).SnsAdapter(client, site),
  }),
  cloudhsm: service<CloudHSMV2Client, CloudHsmPort>({
    // serviceId "CloudHSM V2"; the 3.332 client ignores every endpoint variable, so kscli resolves
    // them itself (config.ts) and passes `endpoint` to every client (wire-protocols.md)
    endpointEnvSuffix: 'CLOUDHSM_V2',
    endpointPrefix: 'cloudhsmv2',
    methods: {
      describeCluster: true,
      describeClustersFromBackups: true,
      describeBackups: true,
      deleteBackup: true,
      listClusters: true,
      deleteHsm: true,
      deleteCluster: true,
    },
    // the 3.332 client's types predate some options; its constructor reads the same names
    client: async (base) => new (await import('@aws-sdk/client-cloudhsm-v2')).CloudHSMV2Client(base as never),
    adapter: async (client, { site }) => new (await import('./adapters/cloudhsm.js')).CloudHsmAdapter(client, site),
  }),
  pricing: service<PricingClient, PricingPort>({
    // the AWS Price List Query API answers only in us-east-1, eu-central-1 and ap-south-1: callers
    // ask for PRICING_REGION's port (hsm-cost.ts), whatever --region is
    endpointEnvSuffix: 'PRICING',
    endpointPrefix: 'api.pricing',
    methods: { cloudHsmHourlyPrice: true },
    client: async (base) => new (await import('@aws-sdk/client-pricing')).PricingClient(base),
    adapter: async (client, { site }) => new (await import('./adapters/pricing.js')).PricingAdapter(client, site),
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
