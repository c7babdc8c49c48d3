/**
 * The trial as AWS records it (index.ts, DESIGN): the tags on each key, then, for trial keys, the
 * calls that failed since the trial started (CloudTrail LookupEvents by the key's ARN; the same
 * lookup returns the DisableKey record, which says who disabled the key and when).
 *
 * What a failed call is: a cryptographic operation on the key with an errorCode. Any errorCode
 * counts (DisabledException is the expected one; AccessDenied from a caller that lost access
 * meanwhile still shows a dependent caller). Not seen here (said in the README): a cross-account
 * call denied for access is logged only in the caller's account, and a caller that never retries
 * during the trial cannot fail.
 */
import type { AwsPorts, KeyInfo, TrailEvent } from '../../aws/ports.js';
import { CRYPTOGRAPHIC_EVENT_NAMES } from '../evidence/cloudtrail-classify.js';
import { sourceGapOf } from '../evidence/source-errors.js';
import { parseTrialTags, trialDays, type TrialWindow } from './tags.js';

export interface FailedCall {
  time: string;
  operation: string;
  /** the caller: the role (for an assumed-role session, the role ARN) or user ARN */
  principal: string;
  /** the session's ARN as CloudTrail names it */
  sessionArn?: string;
  account?: string;
  region?: string;
  errorCode: string;
  sourceIp?: string;
}

export type TrialPhase = 'running' | 'ended' | 'failed' | 'unknown';

export interface TrialReport {
  keyId: string;
  start: string;
  end: string;
  days: number;
  phase: TrialPhase;
  failures: FailedCall[];
  /** the failed calls could not be read: the outcome is unknown (never "0 failed calls") */
  gap?: string;
  /** the DisableKey record in CloudTrail, when event history still has it */
  disabledBy?: { principal: string; time: string };
}

/** A key's trial as read from its tags: the window, or an error when the tags could not be read. */
export interface TagRead {
  window?: TrialWindow;
  error?: string;
}

/** Keys that may carry trial tags: a trial key is Disabled (Unavailable while its store is down; PendingDeletion once scheduled). */
export const mayBeInTrial = (k: KeyInfo): boolean => k.state !== 'Enabled';

export async function readTrialTags(aws: AwsPorts, keys: KeyInfo[]): Promise<Map<string, TagRead>> {
  const out = new Map<string, TagRead>();
  await Promise.all(
    keys.filter(mayBeInTrial).map(async (k) => {
      try {
        const window = parseTrialTags(await aws.kms().listResourceTags(k.keyId));
        out.set(k.keyId, window ? { window } : {});
      } catch (err) {
        out.set(k.keyId, { error: sourceGapOf(err).error });
      }
    }),
  );
  return out;
}

function principalOf(detail: Record<string, unknown>): { principal: string; sessionArn?: string; account?: string } {
  const id = (detail.userIdentity ?? {}) as Record<string, unknown>;
  const issuer = ((id.sessionContext ?? {}) as Record<string, unknown>).sessionIssuer as
    Record<string, unknown> | undefined;
  const arn = typeof id.arn === 'string' ? id.arn : undefined;
  const principal =
    (typeof issuer?.arn === 'string' ? issuer.arn : undefined) ??
    arn ??
    (typeof id.invokedBy === 'string' ? id.invokedBy : 'unknown');
  return {
    principal,
    ...(arn && arn !== principal ? { sessionArn: arn } : {}),
    ...(typeof id.accountId === 'string' ? { account: id.accountId } : {}),
  };
}

/** The failed cryptographic calls and the DisableKey record among a key's events. Pure. */
export function classifyTrialEvents(
  events: TrailEvent[],
  since: Date,
): { failures: FailedCall[]; disabledBy?: { principal: string; time: string } } {
  const failures: FailedCall[] = [];
  let disabledBy: { principal: string; time: string } | undefined;
  for (const e of [...events].sort((a, b) => a.eventTime.getTime() - b.eventTime.getTime())) {
    if (e.eventTime < since) continue;
    const d = e.detail ?? {};
    const errorCode = typeof d.errorCode === 'string' ? d.errorCode : undefined;
    if (CRYPTOGRAPHIC_EVENT_NAMES.has(e.eventName) && errorCode) {
      const who = principalOf(d);
      failures.push({
        time: e.eventTime.toISOString(),
        operation: e.eventName,
        principal: who.principal,
        ...(who.sessionArn ? { sessionArn: who.sessionArn } : {}),
        ...(who.account ? { account: who.account } : {}),
        ...(typeof d.awsRegion === 'string' ? { region: d.awsRegion } : {}),
        errorCode,
        ...(typeof d.sourceIPAddress === 'string' ? { sourceIp: d.sourceIPAddress } : {}),
      });
    } else if (e.eventName === 'DisableKey' && !errorCode && !disabledBy) {
      disabledBy = {
        principal: principalOf(d).sessionArn ?? principalOf(d).principal,
        time: e.eventTime.toISOString(),
      };
    }
  }
  return { failures, ...(disabledBy ? { disabledBy } : {}) };
}

/**
 * AWS's "now", as well as kscli can tell: the local clock, or the newest CloudTrail event kscli just
 * read, whichever is later. On AWS the two agree (events reach LookupEvents minutes late, so the
 * local clock wins); a clock that AWS moved (the sandbox's `advance`, a skewed laptop behind AWS)
 * must not keep a trial running forever, nor end it before AWS's time says so. Every operator
 * judges the same tags against AWS's time, never against their own laptop's alone.
 */
export function awsNow(local: Date, events: TrailEvent[]): Date {
  let t = local.getTime();
  for (const e of events) if (e.eventTime.getTime() > t) t = e.eventTime.getTime();
  return new Date(t);
}

/** The phase of a trial from its window, its failures and whether they could be read. Pure. */
export function trialPhase(window: TrialWindow, failures: number, gap: boolean, now: Date): TrialPhase {
  if (failures > 0) return 'failed';
  if (gap) return 'unknown';
  return now < window.end ? 'running' : 'ended';
}

/**
 * The report of one trial key: its failed calls from the trial start to now. The lookup starts
 * a minute before the start: the DisableKey call precedes the tag that records its time.
 */
export async function readTrialReport(
  aws: AwsPorts,
  key: KeyInfo,
  window: TrialWindow,
  now: Date,
): Promise<TrialReport> {
  const base = {
    keyId: key.keyId,
    start: window.start.toISOString(),
    end: window.end.toISOString(),
    days: trialDays(window),
  };
  try {
    const events = await aws.cloudtrail().lookupEvents({
      attributeKey: 'ResourceName',
      attributeValue: key.arn,
      startTime: new Date(window.start.getTime() - 60_000),
    });
    const { failures, disabledBy } = classifyTrialEvents(events, new Date(window.start.getTime() - 60_000));
    return {
      ...base,
      phase: trialPhase(window, failures.length, false, awsNow(now, events)),
      failures,
      ...(disabledBy ? { disabledBy } : {}),
    };
  } catch (err) {
    const gap = sourceGapOf(err);
    return { ...base, phase: 'unknown', failures: [], gap: `CloudTrail LookupEvents: ${gap.error}` };
  }
}

/**
 * AWS's time right now, for the start of a new trial: the newest event of the key in the last
 * minutes (kscli's own DescribeKey of the re-check is one of them where CloudTrail shows calls at
 * once, as the sandbox does), else the local clock. A lookup that fails leaves the local clock.
 */
export async function awsNowForKey(aws: AwsPorts, key: { arn: string }, local: Date): Promise<Date> {
  try {
    const events = await aws.cloudtrail().lookupEvents({
      attributeKey: 'ResourceName',
      attributeValue: key.arn,
      startTime: new Date(local.getTime() - 5 * 60_000),
    });
    return awsNow(local, events);
  } catch {
    return local;
  }
}

/** Reports of every trial key among `keys` (tags first, then one lookup per trial key). */
export async function readTrials(
  aws: AwsPorts,
  keys: KeyInfo[],
  now: Date,
): Promise<{ reports: Map<string, TrialReport>; tagErrors: Map<string, string> }> {
  const tags = await readTrialTags(aws, keys);
  const reports = new Map<string, TrialReport>();
  const tagErrors = new Map<string, string>();
  for (const k of keys) {
    const t = tags.get(k.keyId);
    if (t?.error) tagErrors.set(k.keyId, t.error);
  }
  // LookupEvents is paced at 2/s by the port: sequential is as fast and keeps the order stable
  for (const k of keys) {
    const w = tags.get(k.keyId)?.window;
    if (w) reports.set(k.keyId, await readTrialReport(aws, k, w, now));
  }
  return { reports, tagErrors };
}

/** "disabled for 14 days from 2026-12-07T03:00:00.000Z, 0 failed calls": a key's trial in one line. */
export function trialSentence(r: TrialReport, now: Date): string {
  const n = r.failures.length;
  const calls = `${n} failed call${n === 1 ? '' : 's'}`;
  if (r.phase === 'unknown') return `in a trial from ${r.start} to ${r.end}; failed calls unknown (${r.gap})`;
  const lastFailure = r.failures.at(-1)?.time;
  const stillRunning = r.phase === 'failed' && (lastFailure ? lastFailure < r.end : now < new Date(r.end));
  if (r.phase === 'running' || stillRunning)
    return `in a ${r.days}-day trial from ${r.start} until ${r.end}, ${calls} so far`;
  return `disabled for ${r.days} days from ${r.start}, ${calls}`;
}

/** "arn:aws:iam::111122223333:role/app-backend: Decrypt x3 (last 2026-12-10T…, account 1111…, us-east-1)" per caller. */
export function callerLines(failures: FailedCall[]): string[] {
  const by = new Map<string, FailedCall[]>();
  for (const f of failures) {
    const k = `${f.principal}\u0000${f.operation}\u0000${f.account ?? ''}\u0000${f.region ?? ''}`;
    by.set(k, [...(by.get(k) ?? []), f]);
  }
  return [...by.values()].map((fs) => {
    const f = fs[fs.length - 1]!;
    return `${f.principal}: ${f.operation} x${fs.length} (${f.errorCode}; last ${f.time}; account ${f.account ?? '?'}, ${f.region ?? '?'})`;
  });
}
