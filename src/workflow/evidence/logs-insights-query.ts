/**
 * The Logs Insights query that answers "which keys of the store were used, by whom, when, and with
 * which errors" for every key at once (issue 10), and the reading of its result rows.
 *
 * What it counts is exactly what the per-key CloudTrail path counts (cloudtrail-classify.ts, whose
 * lists it reuses): KMS events whose eventName is a cryptographic operation, where the key is in
 * the event's resources[] - resources.0.ARN, or resources.1.ARN, the destination key of a ReEncrypt
 * (aws-facts-estate-and-scale A3: "source first, destination second"). kscli's own read-only
 * management calls (DescribeKey, GetKeyPolicy, ListGrants, GetKeyLastUsage...) are not
 * cryptographic, so they never count.
 *
 * Counted once, by the key owner's copy: a call from another account is logged in BOTH accounts
 * (same sharedEventID, each copy its own recipientAccountId), and an organization trail's log group
 * holds both copies; only the copy whose recipientAccountId is the key owner's counts. Exception:
 * a cross-account call DENIED for access is logged ONLY in the caller's account (KMS guide), so the
 * owner's copy does not exist. The query keeps failed calls whose errorCode is AccessDenied* from
 * any account: each such event exists once, so it is counted once. Consequence for "failed
 * attempts": a log group that holds only the owner's account (a plain trail, or LookupEvents in the
 * owner's account) never shows another account's denied attempts; an organization trail's log
 * group does, and kscli counts them.
 *
 * Grouping: by the key fields, the operation, the error code, the recipient and the caller's
 * identity fields, never by userIdentity.arn (an assumed-role session ARN is unique per session and
 * would explode the rows); the caller is rebuilt from the issuer / user name / service fields with
 * the same principalOf() the per-key path uses. Whether `stats ... by` keeps events whose by-field
 * is absent (a success has no errorCode) in a group of their own is UNCONFIRMED in AWS's docs, so
 * the runner checks that the rows account for every matched event (statistics.recordsMatched) and
 * refuses the result otherwise: a dropped group would otherwise read as "unused".
 */
import type { TrailEvent } from '../../aws/ports.js';
import {
  CRYPTOGRAPHIC_EVENT_NAMES,
  KMS_EVENT_SOURCE,
  MAX_LISTED_FAILED_ATTEMPTS,
  principalOf,
} from './cloudtrail-classify.js';
import type { CloudTrailEventRef, DailyCount, FailedAttempt } from './types.js';
import { compareText } from '../../util/text-order.js';

/** StartQuery's queryString is at most 10,000 characters (A1.1): it caps how many ARNs fit in `in [...]`. */
export const MAX_QUERY_CHARS = 10_000;

/**
 * Rows asked per query. 10,000 is AWS's default and the old maximum; the current maximum of
 * 100,000 needs GetQueryResults paging, which older endpoints lack. A result that reaches the limit
 * may be cut: the runner then splits the keys and asks again.
 */
export const ROW_LIMIT = 10_000;

/** The fields the query groups by (each absent one reads as undefined in a row). */
export const GROUP_FIELDS = [
  'resources.0.ARN',
  'resources.1.ARN',
  'eventName',
  'errorCode',
  'recipientAccountId',
  'userIdentity.type',
  'userIdentity.accountId',
  'userIdentity.userName',
  'userIdentity.sessionContext.sessionIssuer.arn',
  'userIdentity.invokedBy',
] as const;

/** The day of each row: `bin(1d)` floors @timestamp to the UTC day (AWS prints it as a timestamp). */
export const DAY_FIELD = 'bin(1d) as day';

/**
 * Which keys one query asks about:
 * - arns:   the keys themselves, in `in [...]` lists (when they fit in one query string);
 * - prefix: every key of the account and region whose key ID starts with `idPrefix` ("" = all),
 *           matched by a regular expression; the rows of other keys are dropped client-side. One
 *           scan serves any number of keys, where chunked `in` lists would scan the group once per
 *           chunk (Logs Insights bills bytes scanned).
 */
export type KeyScope = { kind: 'arns'; arns: string[] } | { kind: 'prefix'; keyArnPrefix: string; idPrefix: string };

const quote = (s: string): string => JSON.stringify(s);
const list = (values: readonly string[]): string => `[${values.map(quote).join(', ')}]`;
const regexEscape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** "arn:aws:kms:us-east-1:111122223333:key/" for a key ARN. */
export function keyArnPrefixOf(arn: string): string {
  return arn.slice(0, arn.lastIndexOf('/') + 1);
}

function keyCondition(scope: KeyScope): string {
  if (scope.kind === 'arns')
    return `(resources.0.ARN in ${list(scope.arns)} or resources.1.ARN in ${list(scope.arns)})`;
  const re = `/^${regexEscape(scope.keyArnPrefix)}${regexEscape(scope.idPrefix)}/`;
  return `(resources.0.ARN like ${re} or resources.1.ARN like ${re})`;
}

/** The query text for one scope; `owners` are the accounts that own the keys. */
export function buildUsageQuery(scope: KeyScope, owners: readonly string[]): string {
  return [
    `filter eventSource = ${quote(KMS_EVENT_SOURCE)}`,
    `  and eventName in ${list([...CRYPTOGRAPHIC_EVENT_NAMES])}`,
    `  and ${keyCondition(scope)}`,
    `  and (recipientAccountId in ${list(owners)} or errorCode like /AccessDenied/)`,
    `| stats count(*) as calls, max(@timestamp) as newest, latest(eventID) as newestEventId, latest(errorMessage) as newestErrorMessage, latest(userIdentity.arn) as newestCallerArn`,
    // per UTC day too: the activity sparkline of `usage` (cloudTrail.daily) on this path as on the per-key one
    `  by ${DAY_FIELD}, ${GROUP_FIELDS.join(', ')}`,
  ].join('\n');
}

/** Whether the scope's query fits in StartQuery's query string. */
export function fitsInOneQuery(scope: KeyScope, owners: readonly string[]): boolean {
  return buildUsageQuery(scope, owners).length <= MAX_QUERY_CHARS;
}

/**
 * Logs Insights prints timestamps as "2026-11-30 12:34:56.789" (UTC); aggregates of @timestamp may
 * come back as epoch milliseconds. Both, and ISO 8601, are read; anything else is undefined.
 */
export function parseInsightsTime(value: string | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) {
    const n = Number(value);
    // seconds would be a 1970s date in milliseconds: accept both by magnitude
    return new Date(n < 1e11 ? n * 1000 : n);
  }
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value) ? `${value.replace(' ', 'T')}Z` : value;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : new Date(t);
}

/** One result row, typed. */
export interface UsageRow {
  sourceKey?: string;
  destinationKey?: string;
  eventName: string;
  errorCode?: string;
  recipientAccountId?: string;
  calls: number;
  newest?: Date;
  newestEventId?: string;
  newestErrorMessage?: string;
  principal: string;
  /** the UTC day (YYYY-MM-DD) of the row's events, from bin(1d) */
  day?: string;
}

export function parseUsageRow(row: Record<string, string>): UsageRow {
  const v = (f: string): string | undefined => (row[f] === undefined || row[f] === '' ? undefined : row[f]);
  const issuer = v('userIdentity.sessionContext.sessionIssuer.arn');
  const detail = {
    userIdentity: {
      ...(v('userIdentity.type') ? { type: v('userIdentity.type') } : {}),
      ...(v('userIdentity.accountId') ? { accountId: v('userIdentity.accountId') } : {}),
      ...(v('newestCallerArn') ? { arn: v('newestCallerArn') } : {}),
      ...(v('userIdentity.invokedBy') ? { invokedBy: v('userIdentity.invokedBy') } : {}),
      ...(issuer ? { sessionContext: { sessionIssuer: { arn: issuer } } } : {}),
    },
  };
  const event: TrailEvent = {
    eventId: '',
    eventName: v('eventName') ?? '',
    eventTime: new Date(0),
    eventSource: KMS_EVENT_SOURCE,
    detail,
  };
  const calls = Number(row.calls);
  const day = parseInsightsTime(v('day'))?.toISOString().slice(0, 10);
  return {
    ...(day ? { day } : {}),
    ...(v('resources.0.ARN') ? { sourceKey: v('resources.0.ARN') } : {}),
    ...(v('resources.1.ARN') ? { destinationKey: v('resources.1.ARN') } : {}),
    eventName: v('eventName') ?? '',
    ...(v('errorCode') ? { errorCode: v('errorCode') } : {}),
    ...(v('recipientAccountId') ? { recipientAccountId: v('recipientAccountId') } : {}),
    calls: Number.isFinite(calls) && calls > 0 ? Math.round(calls) : 0,
    ...(parseInsightsTime(v('newest')) ? { newest: parseInsightsTime(v('newest')) } : {}),
    ...(v('newestEventId') ? { newestEventId: v('newestEventId') } : {}),
    ...(v('newestErrorMessage') ? { newestErrorMessage: v('newestErrorMessage') } : {}),
    principal: principalOf(event),
  };
}

/** What the log group says about one key over the searched range. */
export interface KeyUsageSummary {
  operations: Record<string, number>;
  principals: Array<{ principal: string; count: number }>;
  newest?: CloudTrailEventRef;
  failedAttemptCount: number;
  /** the newest failed attempt of each (operation, caller, error), newest first, at most 20 */
  failedAttempts: FailedAttempt[];
  failedErrorCodes: Record<string, number>;
  /** calls per UTC day, oldest first (days with calls only), when every row carried its day */
  daily?: DailyCount[];
}

const emptySummary = (): KeyUsageSummary => ({
  operations: {},
  principals: [],
  failedAttemptCount: 0,
  failedAttempts: [],
  failedErrorCodes: {},
});

/** The newest failed attempt of each (operation, caller, error): rows split by day repeat them. */
function newestPerKind(failed: FailedAttempt[]): FailedAttempt[] {
  const seen = new Set<string>();
  return failed
    .sort((x, y) => y.eventTime.getTime() - x.eventTime.getTime())
    .filter((f) => {
      const k = `${f.eventName}\u0000${f.principal}\u0000${f.errorCode ?? ''}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
}

/**
 * Whether a row counts at all: the key owner's copy of the event, or a denied cross-account call
 * (which exists only in the caller's account). See the file comment.
 */
export function countsForOwner(row: UsageRow, owner: string): boolean {
  if (row.recipientAccountId === undefined || row.recipientAccountId === owner) return true;
  return row.errorCode !== undefined && /AccessDenied/.test(row.errorCode);
}

/**
 * Per key ARN of `keys` (owner account from the ARN), the use and failed attempts the rows show.
 * A row names up to two keys (ReEncrypt): it counts for each of them, once (an event that names the
 * same key twice counts once for it). Keys with no row get an empty summary.
 */
export function summarizeUsageRows(rows: readonly UsageRow[], keys: readonly string[]): Map<string, KeyUsageSummary> {
  const wanted = new Set(keys);
  const acc = new Map<
    string,
    { s: KeyUsageSummary; principals: Map<string, number>; failed: FailedAttempt[]; days: Map<string, DailyCount> }
  >();
  for (const arn of keys) acc.set(arn, { s: emptySummary(), principals: new Map(), failed: [], days: new Map() });
  // a row without its day (an endpoint that ignored the bin) gives no per-day counts at all, never partial ones
  const everyRowDated = rows.every((r) => r.calls === 0 || r.day !== undefined);
  for (const row of rows) {
    if (row.calls === 0) continue;
    for (const arn of new Set([row.sourceKey, row.destinationKey])) {
      if (arn === undefined || !wanted.has(arn)) continue;
      const owner = arn.split(':')[4] ?? '';
      if (!countsForOwner(row, owner)) continue;
      const a = acc.get(arn)!;
      a.principals.set(row.principal, (a.principals.get(row.principal) ?? 0) + row.calls);
      if (row.day !== undefined) {
        const d = a.days.get(row.day) ?? { day: row.day, succeeded: 0, failed: 0 };
        if (row.errorCode === undefined) d.succeeded += row.calls;
        else d.failed += row.calls;
        a.days.set(row.day, d);
      }
      const eventTime = row.newest ?? new Date(0);
      if (row.errorCode === undefined) {
        a.s.operations[row.eventName] = (a.s.operations[row.eventName] ?? 0) + row.calls;
        if (!a.s.newest || eventTime > a.s.newest.eventTime)
          a.s.newest = {
            eventId: row.newestEventId ?? '',
            eventName: row.eventName,
            eventTime,
            principal: row.principal,
          };
      } else {
        a.s.failedAttemptCount += row.calls;
        a.s.failedErrorCodes[row.errorCode] = (a.s.failedErrorCodes[row.errorCode] ?? 0) + row.calls;
        a.failed.push({
          eventId: row.newestEventId ?? '',
          eventName: row.eventName,
          eventTime,
          principal: row.principal,
          errorCode: row.errorCode,
          ...(row.newestErrorMessage ? { errorMessage: row.newestErrorMessage } : {}),
        });
      }
    }
  }
  const out = new Map<string, KeyUsageSummary>();
  for (const [arn, a] of acc) {
    out.set(arn, {
      ...a.s,
      ...(everyRowDated ? { daily: [...a.days.values()].sort((x, y) => compareText(x.day, y.day)) } : {}),
      principals: [...a.principals]
        .map(([principal, count]) => ({ principal, count }))
        .sort((x, y) => y.count - x.count || compareText(x.principal, y.principal)),
      failedAttempts: newestPerKind(a.failed).slice(0, MAX_LISTED_FAILED_ATTEMPTS),
    });
  }
  return out;
}
