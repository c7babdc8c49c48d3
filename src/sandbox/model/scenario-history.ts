/**
 * Usage history for the large scenario: CloudTrail events of the past, written both where AWS
 * keeps them for 90 days (event history: LookupEvents) and to the trail's log group (Logs
 * Insights), from the same JSON, so that the per-key API path and a log-group query see the same
 * events wherever their windows overlap. GetKeyLastUsage agrees too: a key's lastUsage is its
 * newest successful cryptographic event since the tracking start.
 *
 * Of the store's keys, `usedShare` (default 10%) get history, in five kinds taken in turn:
 *   - recent: successful Decrypt / Encrypt / GenerateDataKey by one or two application roles,
 *     the newest within the last 60 days (plus older ones);
 *   - failed only: AccessDenied, DisabledException or KMSInvalidStateException, no success;
 *   - long ago only: successful calls 100 to 380 days ago (beyond LookupEvents' 90 days, within
 *     the log group's 400-day retention; some before GetKeyLastUsage's tracking start);
 *   - ReEncrypt destination only: the key appears as resources[1] of ReEncrypt events;
 *   - recent and failed: both.
 * Keys too young for a kind's dates get the "recent" kind. Besides: kscli-like read-only calls
 * (DescribeKey, GetKeyPolicy, ListGrants) on some unused store keys, which a usage query must
 * ignore; use of keys outside the store; and `noiseEvents` events of other services spread over
 * the 400 days. Random choices come from a seeded generator: the same options give the same
 * history (key ids excepted: they are random UUIDs, as before).
 */
import type { Account } from './account.js';
import { appendEvent, deliverEvent, EVENT_HISTORY_MS } from './cloudtrail/trail-events.js';
import { isoSeconds } from './iso-seconds.js';
import { DAY_MS, type KeyRecord } from './state.js';

export interface HistoryOptions {
  /** share of the store's keys with usage history, 0..1 (default 0.1) */
  usedShare?: number;
  /** events of other services spread over the history (default 10,000) */
  noiseEvents?: number;
  /** seed of the random choices (default 1) */
  seed?: number;
}

export const DEFAULT_USED_SHARE = 0.1;
export const DEFAULT_NOISE_EVENTS = 10_000;
/** How far back the history goes; the log group keeps 400 days. */
export const HISTORY_DAYS = 380;

export type UsageKind = 'recent' | 'failed-only' | 'long-ago' | 'reencrypt-destination' | 'recent-and-failed';
const KINDS: UsageKind[] = ['recent', 'failed-only', 'long-ago', 'reencrypt-destination', 'recent-and-failed'];
const CRYPTO = ['Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext'];
const FAILURES = ['AccessDenied', 'DisabledException', 'KMSInvalidStateException'];
const FAILURE_MESSAGES: Record<string, string> = {
  AccessDenied:
    'User is not authorized to perform: kms:Decrypt on this resource because no resource-based policy allows the kms:Decrypt action',
  DisabledException: 'is disabled.',
  KMSInvalidStateException: 'is pending import.',
};
const NOISE = [
  ['s3.amazonaws.com', 'ListBuckets', true],
  ['ec2.amazonaws.com', 'DescribeInstances', true],
  ['sts.amazonaws.com', 'AssumeRole', true],
  ['iam.amazonaws.com', 'CreateRole', false],
  ['lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', false],
  ['kms.amazonaws.com', 'ListAliases', true],
] as const;

/** mulberry32: small, fast, seeded. */
function rng(seed: number): () => number {
  let a = seed >>> 0 || 1;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Planned {
  t: number;
  event: Record<string, unknown>;
  keys: string[];
  success: boolean;
  name: string;
}

/** What the history gave each used store key, for tests and the README. */
export interface HistorySummary {
  kinds: Record<string, UsageKind>;
  events: number;
}

export function addUsageHistory(
  acc: Account,
  now: number,
  storeKeys: KeyRecord[],
  otherKeys: KeyRecord[],
  opts: HistoryOptions = {},
): HistorySummary {
  const share = opts.usedShare ?? DEFAULT_USED_SHARE;
  if (!(share >= 0 && share <= 1)) throw new RangeError('usedShare must be between 0 and 1');
  const noise = opts.noiseEvents ?? DEFAULT_NOISE_EVENTS;
  if (!Number.isInteger(noise) || noise < 0) throw new RangeError('noiseEvents must be an integer >= 0');
  const rand = rng(opts.seed ?? 1);
  const between = (lo: number, hi: number) => Math.floor(lo + rand() * Math.max(0, hi - lo));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const oldest = now - HISTORY_DAYS * DAY_MS;
  const planned: Planned[] = [];
  const s = acc.state;
  const roles = new Map<number, Record<string, unknown>>();
  const role = (n: number): Record<string, unknown> => {
    let r = roles.get(n);
    if (!r) roles.set(n, (r = makeRole(n)));
    return r;
  };
  const makeRole = (n: number): Record<string, unknown> => ({
    type: 'AssumedRole',
    principalId: `AROAAPPROLE${String(n).padStart(9, '0')}:i-0${String(n).padStart(16, '0')}`,
    arn: `arn:aws:sts::${s.accountId}:assumed-role/app-${n}/i-0${String(n).padStart(16, '0')}`,
    accountId: s.accountId,
    accessKeyId: `ASIAAPP${String(n).padStart(13, '0')}`,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: `AROAAPPROLE${String(n).padStart(9, '0')}`,
        arn: `arn:aws:iam::${s.accountId}:role/app-${n}`,
        accountId: s.accountId,
        userName: `app-${n}`,
      },
    },
  });
  const admin = {
    type: 'AssumedRole',
    principalId: 'AROASANDBOXADMIN0001:kscli',
    arn: `arn:aws:sts::${s.accountId}:assumed-role/Admin/kscli`,
    accountId: s.accountId,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROASANDBOXADMIN0001',
        arn: `arn:aws:iam::${s.accountId}:role/Admin`,
        accountId: s.accountId,
        userName: 'Admin',
      },
    },
  };

  const kmsEvent = (
    t: number,
    name: string,
    keys: KeyRecord[],
    who: Record<string, unknown>,
    errorCode?: string,
  ): void => {
    const arns = keys.map((k) => acc.keyArn(k.id));
    const eventId = acc.ids.uuid();
    // every KMS call written here (cryptographic calls, DescribeKey, GetKeyPolicy, ListGrants) is read-only
    const readOnly = true;
    const event: Record<string, unknown> = {
      eventVersion: '1.11',
      userIdentity: who,
      eventTime: isoSeconds(t),
      eventSource: 'kms.amazonaws.com',
      eventName: name,
      awsRegion: s.region,
      sourceIPAddress: '10.0.12.34',
      userAgent: 'aws-sdk-java/2.25.0',
      ...(errorCode
        ? {
            errorCode,
            errorMessage:
              errorCode === 'AccessDenied'
                ? `${String(who.arn)} ${FAILURE_MESSAGES[errorCode]}`
                : `${arns[0]} ${FAILURE_MESSAGES[errorCode]}`,
          }
        : {}),
      requestParameters:
        name === 'ReEncrypt'
          ? { destinationKeyId: arns[1] }
          : name.startsWith('Decrypt')
            ? { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' }
            : { keyId: arns[0] },
      responseElements: null,
      // customKeyStoreId on single-key events of store keys, as recordApiCall writes it
      ...(keys.length === 1 && keys[0]!.storeId ? { additionalEventData: { customKeyStoreId: keys[0]!.storeId } } : {}),
      requestID: acc.ids.uuid(),
      eventID: eventId,
      readOnly,
      resources: arns.map((arn) => ({ accountId: s.accountId, type: 'AWS::KMS::Key', ARN: arn })),
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: s.accountId,
      eventCategory: 'Management',
    };
    planned.push({ t, event, keys: arns, success: !errorCode, name });
  };

  const cryptoOn = (
    k: KeyRecord,
    lo: number,
    hi: number,
    count: number,
    principals: number[],
    errorCode?: string,
  ): void => {
    for (let c = 0; c < count; c++)
      kmsEvent(between(lo, hi), errorCode ? 'Decrypt' : pick(CRYPTO), [k], role(pick(principals)), errorCode);
  };

  const kinds: Record<string, UsageKind> = {};
  const used = Math.round(storeKeys.length * share);
  const step = used > 0 ? storeKeys.length / used : 0;
  const usedSet = new Set<number>();
  for (let u = 0; u < used; u++) usedSet.add(Math.floor(u * step));
  let u = 0;
  for (const [index, k] of storeKeys.entries()) {
    if (!usedSet.has(index)) continue;
    const born = k.created + 3_600_000;
    let kind = KINDS[u++ % KINDS.length]!;
    if (kind === 'long-ago' && born > now - 120 * DAY_MS) kind = 'recent';
    kinds[k.id] = kind;
    const recentLo = Math.max(born, now - 90 * DAY_MS);
    const principals = [1 + (u % 7), 8 + (u % 5)];
    switch (kind) {
      case 'recent':
        cryptoOn(k, Math.max(born, now - 60 * DAY_MS), now - 3_600_000, 1 + Math.floor(rand() * 4), principals);
        cryptoOn(k, Math.max(born, oldest), now - 3_600_000, Math.floor(rand() * 3), principals);
        break;
      case 'failed-only':
        cryptoOn(
          k,
          recentLo,
          now - 3_600_000,
          1 + Math.floor(rand() * 3),
          [20 + (u % 3)],
          FAILURES[u % FAILURES.length],
        );
        break;
      case 'long-ago':
        cryptoOn(k, Math.max(born, oldest), now - 100 * DAY_MS, 1 + Math.floor(rand() * 3), principals);
        break;
      case 'reencrypt-destination': {
        const source = otherKeys.length > 0 ? otherKeys[Math.floor(rand() * otherKeys.length)]! : k;
        const n = 1 + Math.floor(rand() * 2);
        for (let c = 0; c < n; c++)
          kmsEvent(
            between(Math.max(recentLo, source.created + 3_600_000), now - 3_600_000),
            'ReEncrypt',
            [source, k],
            role(pick(principals)),
          );
        break;
      }
      default:
        cryptoOn(k, Math.max(born, now - 60 * DAY_MS), now - 3_600_000, 1 + Math.floor(rand() * 3), principals);
        cryptoOn(k, recentLo, now - 3_600_000, 1 + Math.floor(rand() * 2), [30], FAILURES[u % FAILURES.length]);
    }
  }
  // kscli-like read-only management calls on unused store keys: not usage
  let m = 0;
  for (const [index, k] of storeKeys.entries()) {
    if (share === 0 || usedSet.has(index) || m++ % 4 !== 0) continue;
    const t = between(Math.max(k.created + 3_600_000, now - 80 * DAY_MS), now - 3_600_000);
    for (const name of ['DescribeKey', 'GetKeyPolicy', 'ListGrants']) kmsEvent(t, name, [k], admin);
  }
  // use of keys outside the store, which a query about the store must not count
  const others = share === 0 ? 0 : Math.min(otherKeys.length, Math.max(used, 500));
  for (let o = 0; o < others; o++) {
    const k = otherKeys[Math.floor((o * otherKeys.length) / Math.max(1, others))]!;
    cryptoOn(k, Math.max(k.created + 3_600_000, oldest), now - 3_600_000, 1 + Math.floor(rand() * 2), [40 + (o % 10)]);
  }
  for (let n = 0; n < noise; n++) {
    const [source, name, readOnly] = pick(NOISE);
    const eventId = acc.ids.uuid();
    const t = between(oldest, now - 60_000);
    planned.push({
      t,
      keys: [],
      success: true,
      name,
      event: {
        eventVersion: '1.11',
        userIdentity: role(50 + (n % 20)),
        eventTime: isoSeconds(t),
        eventSource: source,
        eventName: name,
        awsRegion: s.region,
        sourceIPAddress: '10.0.40.2',
        userAgent: 'aws-cli/2.15.0',
        requestParameters: null,
        responseElements: null,
        requestID: acc.ids.uuid(),
        eventID: eventId,
        readOnly,
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: s.accountId,
        eventCategory: 'Management',
      },
    });
  }

  planned.sort((a, b) => a.t - b.t);
  const historyFrom = now - EVENT_HISTORY_MS;
  const tracking = s.config.trackingStart;
  for (const p of planned) {
    const id = p.event.eventID as string;
    if (p.t >= historyFrom) {
      appendEvent(acc, p.event, {
        id,
        t: p.t,
        name: p.name,
        source: p.event.eventSource as string,
        readOnly: p.event.readOnly as boolean,
        ...(typeof (p.event.userIdentity as { accessKeyId?: string }).accessKeyId === 'string'
          ? { accessKeyId: (p.event.userIdentity as { accessKeyId: string }).accessKeyId }
          : {}),
        username: String((p.event.userIdentity as { arn: string }).arn)
          .split('/')
          .pop(),
        resources: p.keys.map((arn) => ({ type: 'AWS::KMS::Key', name: arn })),
      });
    } else {
      // older than event history: only the trail's log group has it
      deliverEvent(acc, p.event, JSON.stringify(p.event), p.t);
    }
    if (
      p.success &&
      p.keys.length > 0 &&
      p.t >= tracking &&
      p.event.eventSource === 'kms.amazonaws.com' &&
      (CRYPTO.includes(p.name) || p.name === 'ReEncrypt')
    ) {
      // GetKeyLastUsage: the newest successful cryptographic use; for ReEncrypt both keys
      // (whether KMS counts the destination key is UNCONFIRMED)
      for (const arn of p.keys) {
        const k = acc.keyById.get(arn.slice(arn.lastIndexOf('/') + 1));
        if (k) k.lastUsage = { op: p.name, t: p.t, requestId: p.event.requestID as string, eventId: id };
      }
    }
  }
  return { kinds, events: planned.length };
}
