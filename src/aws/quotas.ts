/**
 * AWS request quotas of the operations kscli paces, and the pace derived from each.
 *
 * Quotas are requests per second per account and Region, each operation its own bucket; each
 * service lists its own in the service table (services.ts). Operations not listed are not paced: they are called a handful of times per run
 * and the SDK's retries cover a rare throttle.
 */
import { TokenBucket, type Clock } from './rate-limiter.js';
import { AWS_SERVICES } from './services.js';

/** Every paced operation and its quota: the `quotas` of the service table's entries (services.ts). */
export const OPERATION_QUOTAS: Readonly<Record<string, number>> = Object.assign(
  {},
  ...Object.values(AWS_SERVICES).map((entry: { quotas?: Readonly<Record<string, number>> }) => entry.quotas ?? {}),
);

/**
 * Every operation `--max-rps` may name: the paced ones, and those whose quota AWS does not publish
 * (`unpublishedQuotas`: not paced unless named), global services' included.
 */
export const PACEABLE_OPERATIONS: readonly string[] = [
  ...Object.keys(OPERATION_QUOTAS),
  ...Object.values(AWS_SERVICES).flatMap(
    (entry: { unpublishedQuotas?: readonly string[] }) => entry.unpublishedQuotas ?? [],
  ),
];

/**
 * Fraction of a quota kscli sends at. These quotas are hard one-second windows: "if users submit
 * 1000 DescribeKey requests in a second, KMS throttles all subsequent DescribeKey requests in that
 * second" (KMS guide, throttling.html), and LookupEvents throttles beyond 2 per second. Pacing a hair
 * under the quota absorbs network jitter that bunches requests together on arrival; 0.95 keeps us
 * within the performance targets of issue 5 (1.3x the floor for find-keys, 1.15x for usage).
 */
export const QUOTA_SAFETY_FACTOR = 0.95;

export interface Pace {
  /** steady requests per second */
  rate: number;
  /** tokens that may be spent at once */
  burst: number;
}

/**
 * The pace that never exceeds `quota` requests in any one-second window. A token bucket lets at most
 * `burst + rate` requests through in any second, so burst = floor(quota - rate), at least 1.
 * With burst 1 (quotas under 20/s) the count in a second is at most floor(1 + 0.95 * quota), which
 * is below quota + 1, hence at most quota. (While callers wait the bucket may keep up to 1 ms of
 * rate beyond the burst, see rate-limiter.ts: under one request, so the integer bound holds.)
 * Example: DescribeKey 2000 -> 1900/s, burst 100.
 */
export function paceForQuota(quota: number): Pace {
  const rate = quota * QUOTA_SAFETY_FACTOR;
  return { rate, burst: Math.max(1, Math.floor(quota - rate)) };
}

/** The canonical operation name for a user-typed one (case-insensitive), or undefined. */
export function pacedOperationName(name: string): string | undefined {
  const lower = name.toLowerCase();
  return PACEABLE_OPERATIONS.find((op) => op.toLowerCase() === lower);
}

/**
 * The buckets of one account and Region: created on first use, one per paced operation, shared by
 * every client of that Region (so LookupEvents is paced across the whole CloudTrail port).
 */
export class RegionPacer {
  private readonly buckets = new Map<string, TokenBucket>();

  /** `maxRps` replaces the quota of an operation (--max-rps: raised or shared quotas). */
  constructor(
    private readonly maxRps: Readonly<Record<string, number>> = {},
    private readonly clock?: Clock,
  ) {}

  /** The bucket of a paced operation, undefined for operations that are not paced. */
  bucket(operation: string): TokenBucket | undefined {
    let bucket = this.buckets.get(operation);
    if (bucket) return bucket;
    const quota = Object.hasOwn(this.maxRps, operation)
      ? this.maxRps[operation]
      : Object.hasOwn(OPERATION_QUOTAS, operation)
        ? OPERATION_QUOTAS[operation]
        : undefined;
    if (quota === undefined) return undefined;
    bucket = new TokenBucket({ ...paceForQuota(quota), clock: this.clock });
    this.buckets.set(operation, bucket);
    return bucket;
  }
}
