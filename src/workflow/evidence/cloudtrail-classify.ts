/**
 * Which CloudTrail events are *use* of a key (aws-facts.md section 5, "How events reference a key").
 *
 * - Only cryptographic operations are use. Management reads (DescribeKey, GetKeyPolicy, ListGrants,
 *   GetKeyLastUsage, ...) reference the key too, and kscli makes exactly those calls while it
 *   gathers evidence: counting them would make every key look used by kscli itself.
 * - The key is matched in `resources[].ARN`, never `requestParameters.keyId`: that field is
 *   whatever the caller typed (ID, ARN or alias) and is absent for symmetric Decrypt and for the
 *   source key of ReEncrypt.
 * - A failed cryptographic call (errorCode / errorMessage, e.g. "... is disabled.") still counts:
 *   the caller depends on the key, AWS itself says to watch for DisabledException (section 3.5).
 */
import type { TrailEvent } from '../../aws/ports.js';
import type { CloudTrailEventRef, DailyCount, FailedAttempt } from './types.js';
import { compareText } from '../../util/text-order.js';

/**
 * KMS operations that use key material (GetKeyLastUsage's `Operation` enum, section 3.5, plus the
 * asymmetric and MAC operations); GenerateRandom is absent on purpose: it uses no key.
 */
export const CRYPTOGRAPHIC_EVENT_NAMES: ReadonlySet<string> = new Set([
  'Encrypt',
  'Decrypt',
  'ReEncrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateMac',
  'VerifyMac',
  'Sign',
  'Verify',
  'DeriveSharedSecret',
]);

export const KMS_EVENT_SOURCE = 'kms.amazonaws.com';

export type EventClass =
  /** a successful cryptographic call on the key */
  | 'use'
  /** a cryptographic call on the key that failed: still dependence */
  | 'failed-use'
  /** references the key but is not use (management calls, kscli's own reads) */
  | 'ignored';

export function referencesKey(event: TrailEvent, keyArn: string): boolean {
  const resources = event.detail?.resources;
  if (!Array.isArray(resources)) return false;
  return resources.some((r) => typeof r?.ARN === 'string' && r.ARN === keyArn);
}

export function isFailed(event: TrailEvent): boolean {
  return Boolean(event.detail?.errorCode || event.detail?.errorMessage);
}

export function classifyEvent(event: TrailEvent, keyArn: string): EventClass {
  const source = event.eventSource || event.detail?.eventSource;
  if (source !== KMS_EVENT_SOURCE) return 'ignored';
  if (!CRYPTOGRAPHIC_EVENT_NAMES.has(event.eventName)) return 'ignored';
  if (!referencesKey(event, keyArn)) return 'ignored';
  return isFailed(event) ? 'failed-use' : 'use';
}

/**
 * Who made the call, at the granularity an operator acts on: the role behind an assumed-role
 * session (session names are per-call noise), the IAM ARN otherwise, the service when an AWS
 * service called on its own behalf.
 */
export function principalOf(event: TrailEvent): string {
  const id = event.detail?.userIdentity ?? {};
  const base: string | undefined =
    id.sessionContext?.sessionIssuer?.arn ?? id.arn ?? (id.type === 'AWSService' ? id.invokedBy : undefined);
  const via = typeof id.invokedBy === 'string' && base !== id.invokedBy ? ` via ${id.invokedBy}` : '';
  if (base) return `${base}${via}`;
  if (event.username) return `${event.username}${via}`;
  if (id.type || id.accountId) return `${id.type ?? 'unknown'}:${id.accountId ?? '?'}${via}`;
  return `unknown${via}`;
}

export interface EventSummary {
  operations: Record<string, number>;
  principals: Array<{ principal: string; count: number }>;
  newest?: CloudTrailEventRef;
  newestFailed?: FailedAttempt;
  failedAttemptCount: number;
  failedAttempts: FailedAttempt[];
  ignoredEventCount: number;
  daily: DailyCount[];
}

/** Adds one call to the per-day counts (UTC days, as CloudTrail's eventTime is UTC). */
export function countDay(days: Map<string, DailyCount>, when: Date, failed: boolean): void {
  const day = when.toISOString().slice(0, 10);
  const c = days.get(day) ?? { day, succeeded: 0, failed: 0 };
  if (failed) c.failed += 1;
  else c.succeeded += 1;
  days.set(day, c);
}

/** The per-day counts as the evidence carries them: oldest day first. */
export const dailyList = (days: Map<string, DailyCount>): DailyCount[] =>
  [...days.values()].sort((a, b) => compareText(a.day, b.day));

export const MAX_LISTED_FAILED_ATTEMPTS = 20;

/** Counts use, failed attempts and principals over the events that LookupEvents returned for a key. */
export function summarizeKeyEvents(events: TrailEvent[], keyArn: string): EventSummary {
  const operations: Record<string, number> = {};
  const principals = new Map<string, number>();
  const failed: FailedAttempt[] = [];
  let newest: CloudTrailEventRef | undefined;
  let ignored = 0;
  const days = new Map<string, DailyCount>();
  for (const e of events) {
    const cls = classifyEvent(e, keyArn);
    if (cls === 'ignored') {
      ignored++;
      continue;
    }
    const principal = principalOf(e);
    principals.set(principal, (principals.get(principal) ?? 0) + 1);
    countDay(days, e.eventTime, cls === 'failed-use');
    if (cls === 'use') {
      operations[e.eventName] = (operations[e.eventName] ?? 0) + 1;
      if (!newest || e.eventTime > newest.eventTime)
        newest = { eventId: e.eventId, eventName: e.eventName, eventTime: e.eventTime, principal };
    } else {
      failed.push({
        eventId: e.eventId,
        eventName: e.eventName,
        eventTime: e.eventTime,
        principal,
        errorCode: e.detail?.errorCode,
        errorMessage: e.detail?.errorMessage,
      });
    }
  }
  failed.sort((a, b) => b.eventTime.getTime() - a.eventTime.getTime());
  return {
    operations,
    principals: [...principals]
      .map(([principal, count]) => ({ principal, count }))
      .sort((a, b) => b.count - a.count || compareText(a.principal, b.principal)),
    newest,
    newestFailed: failed[0],
    failedAttemptCount: failed.length,
    failedAttempts: failed.slice(0, MAX_LISTED_FAILED_ATTEMPTS),
    ignoredEventCount: ignored,
    daily: dailyList(days),
  };
}
