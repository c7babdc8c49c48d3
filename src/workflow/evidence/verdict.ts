/**
 * The usage verdict (issue 3): a pure function of the evidence and the dates.
 *
 * - in-use:  a successful cryptographic use in the last `unusedDays`, from GetKeyLastUsage or
 *            CloudTrail, or a failed attempt in that period (whoever gets "is disabled" errors
 *            still depends on the key).
 * - unknown: no use found, but the evidence has a gap:
 *            * CloudTrail could not be read: failed attempts are visible only there (GetKeyLastUsage
 *              records successful use only, aws-facts 3.5);
 *            * successful use is not covered back to the start of the period: GetKeyLastUsage
 *              proves "never used" only since TrackingStartDate (a key created before it may have
 *              been used before), and CloudTrail event history reaches back at most 90 days.
 * - unused:  none of the above; the evidence covers the whole period (or the key's whole life).
 *
 * Inactivity is a review signal, not proof: a service holding a plaintext data key keeps working
 * without calling KMS (aws-facts 5), and use outside this region's CloudTrail is not seen.
 */
import type { KeyEvidence, UseVerdict, VerdictResult } from './types.js';

const DAY_MS = 86_400_000;

export const day = (d: Date): string => d.toISOString().slice(0, 10);

export interface VerdictDates {
  now: Date;
  /** a key with no use for this many days is unused */
  unusedDays: number;
}

const sourceGap = (name: string, s: { status: string; error?: string }) =>
  `${name} ${s.status}${s.error ? ` (${s.error})` : ''}`;

/**
 * The name of the CloudTrail evidence in a verdict line: "CloudTrail" for LookupEvents (as before
 * issue 10); the log group and the dates each search covered otherwise, so the line says which
 * source the verdict rests on and never claims more than was searched.
 */
export function cloudTrailLabel(ct: KeyEvidence['cloudTrail']): string {
  const segs = ct.segments ?? [];
  if (segs.length === 0 || segs.every((s) => s.source === 'lookup-events')) return 'CloudTrail';
  const parts = segs.map((s) =>
    s.source === 'logs-insights'
      ? `log group ${s.logGroup ?? '?'} via Logs Insights ${day(s.start)}..${day(s.end)}`
      : `LookupEvents ${day(s.start)}..${day(s.end)}`,
  );
  return `CloudTrail (${parts.join(' + ')})`;
}

/** Since when GetKeyLastUsage proves the absence of successful use (undefined: it proves nothing). */
function lastUsageCoverageStart(ev: KeyEvidence): Date | undefined {
  const lu = ev.lastUsage;
  if (lu.status !== 'ok') return undefined;
  const tracking = lu.trackingStartDate;
  const created = lu.keyCreationDate ?? ev.creationDate;
  // a recorded last use is the newest successful use: nothing newer happened, since the beginning
  if (lu.timestamp) return new Date(0);
  if (!tracking) return undefined;
  // empty answer: never used since tracking started; for a key created after that, never used at all
  return created >= tracking ? created : tracking;
}

/**
 * The stretch no source searched, why, and the runs that would decide the key (issue 23): e.g.
 * "2026-09-08..2026-11-04 not searched (--evidence logs uses log group X alone, and it begins
 * 2026-11-04 (...)); run with --evidence auto (...) or --unused-days 30; ". Empty when the section
 * names no uncovered stretch (the per-key path: GetKeyLastUsage's tracking start bounds it).
 */
function uncoveredText(ct: KeyEvidence['cloudTrail'], from: Date, to: Date, now: Date): string {
  const u = ct.uncovered;
  if (!u) return '';
  // the longest --unused-days that the searched stretch covers (at least 1: the flag's minimum)
  const days = Math.floor((now.getTime() - to.getTime()) / DAY_MS);
  const runs = [u.remedy, days >= 1 ? `--unused-days ${days}` : undefined].filter((x) => x !== undefined);
  return `${day(from)}..${day(to)} not searched (${u.reason})${runs.length ? `; run with ${runs.join(' or ')}` : ''}; `;
}

export function decideVerdict(ev: KeyEvidence, dates: VerdictDates): VerdictResult & { verdict: UseVerdict } {
  const periodStart = new Date(dates.now.getTime() - dates.unusedDays * DAY_MS);
  const range = `${day(periodStart)}..${day(dates.now)}`;
  const lu = ev.lastUsage;
  const ct = ev.cloudTrail;

  // 1. in-use: any use or failed attempt inside the period
  if (lu.status === 'ok' && lu.timestamp && lu.timestamp >= periodStart) {
    return {
      verdict: 'in-use',
      reason: `GetKeyLastUsage: ${lu.operation ?? 'used'} on ${lu.timestamp.toISOString()}, within ${range} (last ${dates.unusedDays} days)`,
    };
  }
  if (ct.status === 'ok' && ct.newest && ct.newest.eventTime >= periodStart) {
    const total = Object.values(ct.operations).reduce((a, b) => a + b, 0);
    return {
      verdict: 'in-use',
      reason: `${cloudTrailLabel(ct)}: ${total} cryptographic call(s) in ${day(ct.window.start)}..${day(ct.window.end)}, newest ${ct.newest.eventName} by ${ct.newest.principal} on ${ct.newest.eventTime.toISOString()}`,
    };
  }
  const recentFailure = ct.status === 'ok' ? ct.failedAttempts.find((f) => f.eventTime >= periodStart) : undefined;
  if (recentFailure) {
    return {
      verdict: 'in-use',
      reason:
        `${cloudTrailLabel(ct)}: ${ct.failedAttemptCount} failed attempt(s) in ${day(ct.window.start)}..${day(ct.window.end)}, newest ${recentFailure.eventName} by ${recentFailure.principal} on ${recentFailure.eventTime.toISOString()} (${recentFailure.errorCode ?? 'error'}: ${recentFailure.errorMessage ?? ''}); the caller still depends on the key`.replace(
          /: \)/,
          ')',
        ),
    };
  }

  // 2. unknown: a gap in the evidence
  if (ct.status !== 'ok') {
    return {
      verdict: 'unknown',
      reason: `no use found, but ${sourceGap(ct.segments?.some((x) => x.source === 'logs-insights') ? 'CloudTrail' : 'CloudTrail LookupEvents', ct)}: failed attempts cannot be ruled out${lu.status !== 'ok' && lu.status !== 'not-asked' ? `; ${sourceGap('GetKeyLastUsage', lu)}` : ''}`,
    };
  }
  const created = lu.keyCreationDate ?? ev.creationDate;
  // the key did not exist before its creation: the period to cover starts then at the earliest
  const mustCoverFrom = created > periodStart ? created : periodStart;
  const luStart = lastUsageCoverageStart(ev);
  const coveredFrom = luStart && luStart < ct.window.start ? luStart : ct.window.start;
  const luText =
    lu.status === 'not-asked'
      ? undefined
      : lu.status !== 'ok'
        ? sourceGap('GetKeyLastUsage', lu)
        : lu.timestamp
          ? `GetKeyLastUsage: last ${lu.operation ?? 'use'} on ${lu.timestamp.toISOString()}`
          : `GetKeyLastUsage: no use since tracking started ${lu.trackingStartDate ? day(lu.trackingStartDate) : '(unknown date)'}`;
  const ctText = `${cloudTrailLabel(ct)}: no cryptographic call or failed attempt in ${day(ct.window.start)}..${day(ct.window.end)}`;
  const evidenceText = luText ? `${luText}; ${ctText}` : ctText;
  if (coveredFrom > mustCoverFrom) {
    return {
      verdict: 'unknown',
      reason: `no use found, but the evidence starts ${day(coveredFrom)} and the key (created ${day(created)}) must be covered from ${day(mustCoverFrom)}: ${uncoveredText(ct, mustCoverFrom, coveredFrom, dates.now)}${evidenceText}`,
    };
  }

  // 3. unused
  return {
    verdict: 'unused',
    reason: `no use in ${day(mustCoverFrom)}..${day(dates.now)}: ${evidenceText}`,
  };
}

export const REVIEW_SIGNAL_NOTE =
  "Inactivity is a review signal, not proof: a service holding a plaintext data key keeps working without calling KMS, and calls in other regions or accounts are not in this region's CloudTrail.";
