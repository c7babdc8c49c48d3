/**
 * Gathering the evidence of many keys under the APIs' request quotas (aws-facts.md sections 5, 6).
 *
 * GetKeyLastUsage is limited to 5 requests/s and LookupEvents to 2 requests/s per account and
 * region; the adapters pace each operation under its own quota. The quotas are independent, so
 * the run is only as long as the slower of the two when both are kept busy at the same time:
 * about max(keys / 5, lookups / 2) seconds. Asking the key sources one key after the other would
 * instead take their sum. Hence three independent worker pools over the same key list:
 *   - last usage (GetKeyLastUsage),
 *   - CloudTrail (LookupEvents by the key ARN, all pages),
 *   - who could use it (GetKeyPolicy, ListGrants, ListAliases: fast quotas).
 * Each pool keeps enough calls in flight to saturate its pacer, and no more: a bounded pool keeps
 * memory and open sockets flat for stores with thousands of keys.
 */
import type { AwsPorts, KeyInfo, LastUsageInfo, Progress, TrailEvent } from '../../aws/ports.js';
import { ExitCode, KscliError } from '../../errors.js';
import { summarizeKeyEvents } from './cloudtrail-classify.js';
import { cloudTrailSection, unreadCloudTrailSection } from './cloudtrail-section.js';
import { grantEvidence } from './grants.js';
import { extractPolicyPrincipals } from './policy-principals.js';
import { readSource } from './source-errors.js';
import type { LookupPrefetch } from './lookup-prefetch.js';
import type {
  AliasesEvidence,
  CloudTrailEvidence,
  GrantsEvidence,
  KeyEvidence,
  LastUsageEvidence,
  PolicyEvidence,
} from './types.js';

const DAY_MS = 86_400_000;

/** CloudTrail event history reaches back 90 days (aws-facts 5): the window's default and maximum. */
export const MAX_CLOUDTRAIL_DAYS = 90;

/**
 * Calls in flight per pool: enough to keep each pacer busy at its quota with a few hundred ms of
 * latency. The access pool paces ListGrants at 95/s: with the log group answering for use (issue 10)
 * it is the whole evidence step of a large store, so it keeps 24 keys (72 calls) in flight: 8 fell
 * to about 80 keys/s on a loaded machine (bench usage-logs-10k).
 */
export const POOL_SIZES = { lastUsage: 10, cloudTrail: 4, access: 24 } as const;

export interface GatherOptions {
  /** CloudTrail window in days, 1..90 */
  days: number;
  now: Date;
  /** keys whose evidence is complete so far, of the total */
  onProgress?: Progress;
  /**
   * The per-key use sources to ask (default both). The Logs Insights source (issue 10) turns them
   * off when the log group covers the window: their answer is not needed for the verdict.
   */
  lastUsage?: boolean;
  lookupEvents?: boolean;
  /** end LookupEvents' window here (the log group covers the rest); default: CloudTrail's own now */
  lookupEnd?: Date;
  /** why a per-key source turned off was not asked (default: the log group covers the window) */
  notAskedReason?: string;
  /** GetKeyPolicy, ListGrants, ListAliases (default true; false when only the use sources are wanted) */
  access?: boolean;
  /** Ctrl-C: no further call is started */
  signal?: AbortSignal;
  /** LookupEvents started while the keys were scanned (lookup-prefetch.ts): served from there */
  lookups?: LookupPrefetch;
}

const notAsked = 'not needed: the CloudTrail log group covers the window (Logs Insights)';

/** Runs `work` over every item with at most `size` in flight; an aborted signal starts no further item. */
export async function pool<T>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

function lastUsageEvidence(r: Awaited<ReturnType<typeof readSource<LastUsageInfo>>>): LastUsageEvidence {
  if (!r.ok) return { status: r.status, error: r.error };
  const v = r.value;
  return {
    status: 'ok',
    ...(v.keyCreationDate ? { keyCreationDate: v.keyCreationDate } : {}),
    ...(v.trackingStartDate ? { trackingStartDate: v.trackingStartDate } : {}),
    ...(v.lastUsage
      ? {
          operation: v.lastUsage.operation,
          timestamp: v.lastUsage.timestamp,
          ...(v.lastUsage.cloudTrailEventId ? { cloudTrailEventId: v.lastUsage.cloudTrailEventId } : {}),
        }
      : {}),
  };
}

function cloudTrailEvidence(
  r: Awaited<ReturnType<typeof readSource<TrailEvent[]>>>,
  key: KeyInfo,
  window: { start: Date; end: Date },
): CloudTrailEvidence {
  if (!r.ok) return unreadCloudTrailSection(r.status, r.error, window);
  const s = summarizeKeyEvents(r.value, key.arn);
  return cloudTrailSection(s, window, { ignoredEventCount: s.ignoredEventCount, daily: s.daily });
}

async function policyEvidence(aws: AwsPorts, key: KeyInfo): Promise<PolicyEvidence> {
  const r = await readSource(() => aws.kms().getKeyPolicy(key.keyId));
  if (!r.ok) return { status: r.status, error: r.error, principals: [] };
  try {
    return { status: 'ok', principals: extractPolicyPrincipals(r.value) };
  } catch (err) {
    return { status: 'unavailable', error: `key policy is not valid JSON: ${(err as Error).message}`, principals: [] };
  }
}

async function grantsEvidence(aws: AwsPorts, key: KeyInfo): Promise<GrantsEvidence> {
  const r = await readSource(() => aws.kms().listGrants(key.keyId));
  return r.ok ? { status: 'ok', grants: grantEvidence(r.value) } : { status: r.status, error: r.error, grants: [] };
}

async function aliasesEvidence(aws: AwsPorts, key: KeyInfo): Promise<AliasesEvidence> {
  const r = await readSource(() => aws.kms().listKeyAliases(key.keyId));
  return r.ok
    ? { status: 'ok', names: r.value.map((a) => a.aliasName).sort() }
    : { status: r.status, error: r.error, names: [] };
}

/** The evidence of every key, keyed by keyId, in the order of `keys`. */
export async function gatherEvidence(
  aws: AwsPorts,
  keys: KeyInfo[],
  opts: GatherOptions,
): Promise<Map<string, KeyEvidence>> {
  const days = Math.min(Math.max(opts.days, 1), MAX_CLOUDTRAIL_DAYS);
  const window = { start: new Date(opts.now.getTime() - days * DAY_MS), end: opts.lookupEnd ?? opts.now };
  const askLastUsage = opts.lastUsage !== false;
  const askLookup = opts.lookupEvents !== false;
  const askAccess = opts.access !== false;
  const signal = opts.signal;
  const partial = new Map<string, Partial<KeyEvidence>>(
    keys.map((k) => [
      k.keyId,
      {
        ...(askLastUsage ? {} : { lastUsage: { status: 'not-asked', error: opts.notAskedReason ?? notAsked } }),
        ...(askLookup
          ? {}
          : { cloudTrail: unreadCloudTrailSection('not-asked', opts.notAskedReason ?? notAsked, window) }),
      } satisfies Partial<KeyEvidence>,
    ]),
  );
  const remaining = new Map<string, number>(
    keys.map((k) => [k.keyId, Number(askAccess) + Number(askLastUsage) + Number(askLookup)]),
  );
  let done = 0;
  opts.onProgress?.(0, keys.length);
  const finished = (key: KeyInfo) => {
    const left = remaining.get(key.keyId)! - 1;
    remaining.set(key.keyId, left);
    if (left === 0) opts.onProgress?.(++done, keys.length);
  };

  await Promise.all([
    pool(
      askLastUsage ? keys : [],
      POOL_SIZES.lastUsage,
      async (key) => {
        partial.get(key.keyId)!.lastUsage = lastUsageEvidence(
          await readSource(() => aws.kms().getKeyLastUsage(key.keyId)),
        );
        finished(key);
      },
      signal,
    ),
    pool(
      askLookup ? keys : [],
      POOL_SIZES.cloudTrail,
      async (key) => {
        // ResourceName = the full key ARN (aws-facts 5): one attribute per call, so "only
        // cryptographic calls" is filtered client-side by summarizeKeyEvents. No EndTime: CloudTrail's
        // own "now" ends the window, so a clock skew (or the sandbox's moved clock) hides no event.
        // (With the log group covering the recent part, the window ends where the log group starts.)
        const prefetched = opts.lookupEnd ? undefined : await opts.lookups?.take(key.arn, window.start);
        const r =
          prefetched ??
          (await readSource(() =>
            aws.cloudtrail().lookupEvents({
              attributeKey: 'ResourceName',
              attributeValue: key.arn,
              startTime: window.start,
              ...(opts.lookupEnd ? { endTime: opts.lookupEnd } : {}),
            }),
          ));
        partial.get(key.keyId)!.cloudTrail = cloudTrailEvidence(r, key, window);
        finished(key);
      },
      signal,
    ),
    pool(
      askAccess ? keys : [],
      POOL_SIZES.access,
      async (key) => {
        const [policyPrincipals, grants, aliases] = await Promise.all([
          policyEvidence(aws, key),
          grantsEvidence(aws, key),
          aliasesEvidence(aws, key),
        ]);
        Object.assign(partial.get(key.keyId)!, { policyPrincipals, grants, aliases });
        finished(key);
      },
      signal,
    ),
  ]);
  if (signal?.aborted) throw new KscliError(ExitCode.Interrupted, 'interrupted while gathering evidence');

  const result = new Map<string, KeyEvidence>();
  for (const key of keys) {
    const p = partial.get(key.keyId)!;
    result.set(key.keyId, {
      keyId: key.keyId,
      arn: key.arn,
      state: key.state,
      creationDate: key.creationDate,
      lastUsage: p.lastUsage!,
      cloudTrail: p.cloudTrail!,
      // sections not asked (access: false) are filled in by the caller, which merges two gathers
      policyPrincipals: p.policyPrincipals ?? { status: 'not-asked', principals: [] },
      grants: p.grants ?? { status: 'not-asked', grants: [] },
      aliases: p.aliases ?? { status: 'not-asked', names: [] },
    });
  }
  return result;
}
