/**
 * Request quotas: one token bucket per (service, operation), each independent, refilled at AWS's
 * documented rate with a burst of one second's worth (aws-facts.md section 6). An empty bucket
 * answers ThrottlingException (HTTP 400) with AWS's own message.
 */
import { SandboxError, type ServiceName } from '../contract.js';
import { serviceEntry } from '../services/table.js';

/** AWS's default quotas in requests per second (aws-facts.md section 6; LookupEvents from section 5). */
export const DEFAULT_QUOTAS: Readonly<Record<string, number>> = {
  'kms.DescribeKey': 2000,
  'kms.ListKeys': 500,
  'kms.ScheduleKeyDeletion': 15,
  'kms.CancelKeyDeletion': 5,
  'kms.DescribeCustomKeyStores': 5,
  'kms.ConnectCustomKeyStore': 5,
  'kms.DisconnectCustomKeyStore': 5,
  'kms.DeleteCustomKeyStore': 5,
  'kms.UpdateCustomKeyStore': 5,
  'kms.CreateCustomKeyStore': 5,
  'kms.EnableKey': 5,
  'kms.DisableKey': 5,
  'kms.GetKeyPolicy': 1000,
  'kms.ListGrants': 100,
  'kms.ListAliases': 500,
  'kms.ListResourceTags': 2000,
  'kms.GetKeyLastUsage': 5,
  'kms.RetireGrant': 50,
  'kms.RevokeGrant': 50,
  'cloudtrail.LookupEvents': 2,
  // aws-facts-estate-and-scale.md B3: GetRegionOptStatus and ListRegions 5/s, burst 5
  'account.ListRegions': 5,
  'account.GetRegionOptStatus': 5,
  // the data services (aws-facts-data-at-rest B). EC2: the documented refill rate of non-mutating
  // actions (bucket 100, refill 20/s; the sandbox's buckets hold one second's worth). Secrets
  // Manager ListSecrets 100/s. The others are not documented per operation: UNCONFIRMED values,
  // plausible and low enough that a client must pace itself (override with --quota Op=N).
  'ec2.DescribeVolumes': 20,
  'ec2.DescribeSnapshots': 20,
  'ec2.DescribeVpcEndpointServiceConfigurations': 20,
  'secretsmanager.ListSecrets': 100,
  'ssm.DescribeParameters': 10,
  'rds.DescribeDBInstances': 20,
  'rds.DescribeDBClusters': 20,
  'rds.DescribeDBSnapshots': 20,
  'rds.DescribeDBClusterSnapshots': 20,
  'dynamodb.ListTables': 10,
  'dynamodb.DescribeTable': 100,
  'backup.ListBackupVaults': 10,
  'backup.ListRecoveryPointsByBackupVault': 10,
  's3.ListBuckets': 10,
  's3.GetBucketEncryption': 100,
  'config.SelectResourceConfig': 20,
  'config.SelectAggregateResourceConfig': 20,
};

/** Operations AWS documents no specific quota for: generous, so only a runaway loop hits it. */
export const GENEROUS_RPS = 10_000;

export type QuotaOverrides = Record<string, number>;

/** The error AWS answers when a bucket is empty, in each service's words. */
export function throttlingError(service: ServiceName): SandboxError {
  const entry = serviceEntry(service);
  // the query services name it `Throttling`, the JSON ones `ThrottlingException` (services/table.ts)
  const e = entry?.throttlingError ?? { code: 'ThrottlingException', message: 'Rate exceeded' };
  return new SandboxError(e.code, e.message, 'status' in e && e.status ? e.status : 400);
}

class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    readonly rate: number,
    now: number,
  ) {
    this.tokens = rate;
    this.last = now;
  }
  take(now: number): boolean {
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}

export interface QuotaOptions {
  /** false: no quota at all (`--no-quotas`) */
  enabled?: boolean;
  /** per-operation rates that replace AWS's: `Op` or `service.Op` -> requests per second */
  overrides?: QuotaOverrides;
  /** milliseconds, monotonic; injectable for tests */
  clock?: () => number;
}

export class QuotaLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private enabled: boolean;
  private overrides: QuotaOverrides;
  private readonly clock: () => number;

  constructor(opts: QuotaOptions = {}) {
    this.enabled = opts.enabled ?? true;
    this.overrides = { ...(opts.overrides ?? {}) };
    this.clock = opts.clock ?? (() => performance.now());
  }

  /** The rate in force for an operation: an override by `service.Op`, then by `Op`, then AWS's. */
  rateOf(service: ServiceName, operation: string): number {
    const key = `${service}.${operation}`;
    return this.overrides[key] ?? this.overrides[operation] ?? DEFAULT_QUOTAS[key] ?? GENEROUS_RPS;
  }

  /**
   * Takes a token, or returns the ThrottlingException to answer. `scope` is the account and Region
   * (`111122223333/us-east-1`): AWS's quotas are per account and Region, so an organization
   * sandbox keeps one bucket per operation in each.
   */
  admit(service: ServiceName, operation: string, scope = ''): SandboxError | undefined {
    if (!this.enabled) return undefined;
    const key = `${scope}|${service}.${operation}`;
    const now = this.clock();
    let bucket = this.buckets.get(key);
    const rate = this.rateOf(service, operation);
    if (!bucket || bucket.rate !== rate) {
      bucket = new TokenBucket(rate, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now) ? undefined : throttlingError(service);
  }

  configure(opts: { enabled?: boolean; overrides?: QuotaOverrides }): void {
    if (opts.enabled !== undefined) this.enabled = opts.enabled;
    if (opts.overrides) this.overrides = { ...opts.overrides };
    this.buckets.clear();
  }

  describe(): { enabled: boolean; overrides: QuotaOverrides } {
    return { enabled: this.enabled, overrides: { ...this.overrides } };
  }
}

/** Parses `Op=N` (or `service.Op=N`) flags; throws a message naming the bad one. */
export function parseQuotaFlags(flags: string[] | undefined): QuotaOverrides {
  const out: QuotaOverrides = {};
  for (const flag of flags ?? []) {
    const m = /^([A-Za-z0-9_.]+)=(\d+(?:\.\d+)?)$/.exec(flag.trim());
    if (!m || Number(m[2]) <= 0)
      throw new Error(`--quota ${flag}: expected Operation=N with N > 0, e.g. DescribeKey=100`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}
