/**
 * createAwsPorts: the AWS side of the deps object. Every port is lazy twice over: the accessor
 * returns at once without loading anything, and the adapter module (which imports the SDK client)
 * loads on the port's first call. So a command that never calls AWS never loads the SDK.
 * Ports are memoised per Region; the clients behind them are shared (clients.ts).
 */
import type {
  AwsConfig,
  AwsPorts,
  CloudHsmPort,
  CloudTrailPort,
  CloudWatchPort,
  KmsPort,
  LogsPort,
  SnsPort,
  StsPort,
} from './ports.js';
import { AwsClients, SCAN_CONCURRENCY } from './clients.js';
import type { ServiceKey } from './config.js';

export { resolveAwsConfig } from './config.js';

/** Every method of a port, so that the lazy wrapper cannot forget one (the compiler checks). */
type MethodNames<T> = Record<keyof T, true>;

const KMS_METHODS: MethodNames<KmsPort> = {
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
};
const STS_METHODS: MethodNames<StsPort> = { getCallerIdentity: true };
const CLOUDTRAIL_METHODS: MethodNames<CloudTrailPort> = { lookupEvents: true, describeTrails: true, getTrailStatus: true, getEventSelectors: true };
const LOGS_METHODS: MethodNames<LogsPort> = {
  describeLogGroup: true,
  oldestStreamEvent: true,
  startQuery: true,
  getQueryResults: true,
  stopQuery: true,
  describeMetricFilters: true,
  putMetricFilter: true,
  deleteMetricFilter: true,
};
const CLOUDWATCH_METHODS: MethodNames<CloudWatchPort> = { describeAlarm: true, putMetricAlarm: true, deleteAlarms: true };
const SNS_METHODS: MethodNames<SnsPort> = { getTopic: true };
const CLOUDHSM_METHODS: MethodNames<CloudHsmPort> = {
  describeCluster: true,
  describeClustersFromBackups: true,
  describeBackups: true,
  deleteBackup: true,
};

/** A port whose every method first loads the real adapter (once), then delegates to it. */
export function lazyPort<T extends object>(methods: MethodNames<T>, load: () => Promise<T>): T {
  let adapter: Promise<T> | undefined;
  const get = () => {
    adapter ??= load().catch((error: unknown) => {
      adapter = undefined;
      throw error;
    });
    return adapter;
  };
  const port = {} as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of Object.keys(methods)) {
    port[name] = async (...args: unknown[]) => {
      const real = (await get()) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      return real[name]!(...args);
    };
  }
  return port as unknown as T;
}

export interface CreateAwsPortsOptions {
  /** DescribeKey calls in flight during scanKeys (default SCAN_CONCURRENCY) */
  scanConcurrency?: number;
}

export function createAwsPorts(config: AwsConfig, options: CreateAwsPortsOptions = {}): AwsPorts {
  const clients = new AwsClients(config);
  const ports = new Map<string, unknown>();
  const memo = <T>(service: ServiceKey, region: string, make: () => T): T => {
    const key = `${service}/${region}`;
    if (!ports.has(key)) ports.set(key, make());
    return ports.get(key) as T;
  };
  const site = (service: ServiceKey, region: string) => ({ region, endpoint: clients.endpointFor(service, region) });
  const home = config.region;

  return {
    region: home,
    kms: () =>
      memo('kms', home, () =>
        lazyPort(KMS_METHODS, async () => {
          const { KmsAdapter } = await import('./adapters/kms.js');
          return new KmsAdapter(() => clients.kms(home), site('kms', home), {
            scanConcurrency: options.scanConcurrency ?? SCAN_CONCURRENCY,
            describeKeyBucket: () => clients.pacer(home).bucket('DescribeKey'),
            debugLog: config.debugLog,
          });
        }),
      ),
    sts: () =>
      memo('sts', home, () =>
        lazyPort(STS_METHODS, async () => {
          const { StsAdapter } = await import('./adapters/sts.js');
          return new StsAdapter(() => clients.sts(home), site('sts', home));
        }),
      ),
    cloudtrail: (region = home) =>
      memo('cloudtrail', region, () =>
        lazyPort(CLOUDTRAIL_METHODS, async () => {
          const { CloudTrailAdapter } = await import('./adapters/cloudtrail.js');
          return new CloudTrailAdapter(() => clients.cloudtrail(region), site('cloudtrail', region));
        }),
      ),
    logs: (region = home) =>
      memo('logs', region, () =>
        lazyPort(LOGS_METHODS, async () => {
          const { LogsAdapter } = await import('./adapters/logs.js');
          return new LogsAdapter(() => clients.logs(region), site('logs', region));
        }),
      ),
    cloudwatch: (region = home) =>
      memo('cloudwatch', region, () =>
        lazyPort(CLOUDWATCH_METHODS, async () => {
          const { CloudWatchAdapter } = await import('./adapters/cloudwatch.js');
          return new CloudWatchAdapter(() => clients.cloudwatch(region), site('cloudwatch', region));
        }),
      ),
    sns: (region = home) =>
      memo('sns', region, () =>
        lazyPort(SNS_METHODS, async () => {
          const { SnsAdapter } = await import('./adapters/sns.js');
          return new SnsAdapter(() => clients.sns(region), site('sns', region));
        }),
      ),
    cloudhsm: (region = home) =>
      memo('cloudhsm', region, () =>
        lazyPort(CLOUDHSM_METHODS, async () => {
          const { CloudHsmAdapter } = await import('./adapters/cloudhsm.js');
          return new CloudHsmAdapter(() => clients.cloudhsm(region), site('cloudhsm', region));
        }),
      ),
  };
}
