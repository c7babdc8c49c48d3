/**
 * Issue 18 (B11): did the evidence kscli READ in a run cover the whole evidence window of a key?
 * Judged from the world: the sandbox's request log (kscli's successful LookupEvents of the key, its
 * Logs Insights queries that the sandbox answered Complete) and the sandbox's own log groups (how
 * far back each one really reaches: created, retention, the trail delivering to it started logging).
 *
 * A log group shorter than the window (recreated last week, or keeping 30 days) answers a query
 * over 90 days with the events it holds, silently: nothing in the answer says the older days are
 * missing. A key whose window is not covered by successful reads is of unknown use, never `unused`,
 * whatever kscli's plan text says (and whatever wording `--evidence logs` uses for the gap: the
 * judge reads only what was asked and what the world held).
 */
import type { SandboxModel } from '../../../src/sandbox/contract.js';
import type { AccountModel } from '../../../src/sandbox/model/index.js';
import { pruneLogGroup, retentionCutoff, storeLogEvent } from '../../../src/sandbox/model/logs/log-store.js';
import type { LoggedRequest } from './in-process-sandbox.js';
import { keyIdOf } from './world.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** the judge's window: kscli reads 90 days; a day of margin keeps it off the boundary */
const WINDOW_MS = 89 * DAY;
/** reads that meet within this are contiguous (LookupEvents ends 1 ms before the query's whole second) */
const SLACK_MS = HOUR;

/** A world whose CloudTrail log group reaches back less than the evidence window (issue 18, B11). */
export interface ShortLogGroup {
  /** created: the trail's group was (re)created `days` ago; retention: it keeps `days` days */
  how: 'created' | 'retention';
  days: number;
}

function accOf(model: SandboxModel) {
  return (model as SandboxModel & AccountModel).acc;
}

/**
 * Makes the trail's log group shorter than the window: its events before the cut are gone (they
 * stay in CloudTrail event history, 90 days, where only LookupEvents finds them). The trail has
 * delivered since the cut (one event of another service a minute after it: the demo's group holds
 * only a Decrypt of 3 days ago, and a group with no events is no source at all), so the group is
 * a usable, partial source whose oldest event is the cut.
 */
export function shortenLogGroup(model: SandboxModel, spec: ShortLogGroup): void {
  const acc = accOf(model);
  const now = model.now().getTime();
  for (const trail of acc.state.trails) {
    const group = acc.state.logGroups.find((g) => g.name === trail.logGroupName);
    if (!group) continue;
    const cut = now - spec.days * DAY;
    if (spec.how === 'retention') {
      group.retentionInDays = spec.days;
      pruneLogGroup(acc, group, now, true);
    } else {
      group.created = cut;
      const events = group.events ?? [];
      const drop = events.findIndex((e) => e.t >= cut);
      const n = drop < 0 ? events.length : drop;
      events.splice(0, n);
      group.firstOrdinal = (group.firstOrdinal ?? 0) + n;
    }
    const t = cut + 60_000;
    const event = {
      eventVersion: '1.11',
      eventTime: new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      eventSource: 'sts.amazonaws.com',
      eventName: 'GetCallerIdentity',
      awsRegion: acc.region,
      readOnly: true,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: acc.accountId,
    };
    storeLogEvent(acc, group, event, JSON.stringify(event), t);
  }
}

/**
 * How far back each log group holds CloudTrail events, from the sandbox's state: the latest of its
 * creation, its retention cut-off and the start of logging of the trail delivering to it. A group
 * no logging trail delivers to holds none (+Infinity).
 */
export function logReach(model: SandboxModel): Record<string, number> {
  const acc = accOf(model);
  const now = model.now().getTime();
  const out: Record<string, number> = {};
  for (const g of acc.state.logGroups) {
    const trails = acc.state.trails.filter((t) => t.logGroupName === g.name && t.logging);
    const trailStart = trails.length ? Math.min(...trails.map((t) => t.startedAt ?? 0)) : Number.POSITIVE_INFINITY;
    out[g.name] = Math.max(g.created, retentionCutoff(g, now), trailStart);
  }
  return out;
}

/**
 * A request's timestamp parameter in epoch ms: the wire's epoch seconds (the JSON protocols; the
 * in-process log carries them too), an ISO string, or a Date.
 */
export const timeOf = (v: unknown): number | undefined => {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number') return v < 1e11 ? v * 1000 : v;
  if (typeof v === 'string') {
    const t = new Date(v).getTime();
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
};

function lookupKey(r: LoggedRequest): string | undefined {
  const attrs = (r.params as { LookupAttributes?: Array<{ AttributeKey?: string; AttributeValue?: string }> })
    .LookupAttributes;
  const v = attrs?.find((a) => a.AttributeKey === 'ResourceName')?.AttributeValue;
  return v ? keyIdOf(v) : undefined;
}

/** `aws-cloudtrail-logs-1111` from a group name or ARN (`arn:aws:logs:r:a:log-group:NAME[:*]`). */
const groupName = (id: string): string => /log-group:([^:]+)/.exec(id)?.[1] ?? id;

type Interval = [number, number];

/** The stretches of time the run's successful reads covered for each key (and for every key: '*'). */
export function coveredIntervals(requests: LoggedRequest[], reach: Record<string, number>): Map<string, Interval[]> {
  const out = new Map<string, Interval[]>();
  const add = (k: string, iv: Interval) => {
    if (iv[1] > iv[0]) out.set(k, [...(out.get(k) ?? []), iv]);
  };
  const mine = requests.filter((r) => r.caller === 'kscli');
  for (const r of mine) {
    if (r.operation !== 'LookupEvents' || r.outcome !== 'ok' || r.fault) continue;
    const p = r.params as { StartTime?: unknown; EndTime?: unknown; NextToken?: unknown };
    if (p.NextToken !== undefined) continue;
    const k = lookupKey(r);
    const s = timeOf(p.StartTime);
    const e = timeOf(p.EndTime) ?? timeOf(r.sandboxTime);
    if (k && s !== undefined && e !== undefined) add(k, [s, e]);
  }
  // a Logs Insights query counts for what its group held, and only when the sandbox answered Complete
  for (const r of mine) {
    if (r.operation !== 'StartQuery' || r.outcome !== 'ok' || !r.answer?.queryId) continue;
    const id = r.answer.queryId;
    const polls = mine.filter(
      (q) => q.operation === 'GetQueryResults' && (q.params as { queryId?: string }).queryId === id,
    );
    const last = polls[polls.length - 1];
    if (!last || last.outcome !== 'ok' || last.answer?.status !== 'Complete') continue;
    const p = r.params as {
      startTime?: number;
      endTime?: number;
      logGroupIdentifiers?: string[];
      logGroupName?: string;
    };
    const groups = p.logGroupIdentifiers ?? (p.logGroupName ? [p.logGroupName] : []);
    const from = Math.max(
      (p.startTime ?? 0) * 1000,
      Math.min(...groups.map((g) => reach[groupName(g)] ?? Number.POSITIVE_INFINITY)),
    );
    add('*', [from, (p.endTime ?? 0) * 1000]);
  }
  return out;
}

/**
 * The part of a key's window [max(now - 89 d, created), now - 1 h] that no successful read
 * covered, as text (undefined: covered). `now` is the sandbox time at the start of the run.
 */
export function windowGap(
  key: string,
  covered: Map<string, Interval[]>,
  now: number,
  created: number | undefined,
): string | undefined {
  const need: Interval = [Math.max(now - WINDOW_MS, created ?? Number.NEGATIVE_INFINITY), now - HOUR];
  if (need[1] <= need[0]) return undefined;
  const ivs = [...(covered.get(key) ?? []), ...(covered.get('*') ?? [])].sort((a, b) => a[0] - b[0]);
  let at = need[0];
  for (const [s, e] of ivs) {
    if (s > at + SLACK_MS) break;
    at = Math.max(at, e);
    if (at >= need[1] - SLACK_MS) return undefined;
  }
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  return `no successful LookupEvents or Complete Logs Insights query over what the log group held covered ${day(at)}..${day(need[1])} of the window`;
}
