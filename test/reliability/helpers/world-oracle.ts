/**
 * The sandbox-side oracle (issue 18): what the WORLD says about a run, computed from the sandbox's
 * own record (its request log, with the faults it actually injected, and its account state at the
 * start of the run), never from kscli's plan text, journal or lists. The invariants that used to
 * lean on kscli's words (O1's unknown half, B1, I1, N2, E1's "faulted", R1's prompt) read this.
 *
 * A judge that shares the defendant's eyes cannot see the defendant's blind spots: a CloudTrail
 * outage that kscli misreads as "no events" would make both kscli's plan and an invariant reading
 * that plan say "unused". Here "unknown" is a fault the sandbox injected into an evidence read.
 */
import type { LoggedRequest } from './in-process-sandbox.js';
import type { RunStart } from './world.js';
import { keyIdOf } from './world.js';
import { coveredIntervals, timeOf, windowGap } from './evidence-coverage.js';

/** kscli's default evidence period is 90 days; a margin of a day keeps the judge off the boundary. */
export const EVIDENCE_WINDOW_MS = 89 * 86_400_000;

/** The faults that make an answer unusable (a stale read is an answer: it is not a failure). */
const FAILED = new Set(['drop', 'error', 'throttle', 'drop-after']);

/** A fault the sandbox injected into this request (read from the request log, not the configuration). */
export const injected = (r: LoggedRequest): boolean => r.fault !== undefined && r.fault !== null;

/** A Logs Insights query the sandbox ended without a usable answer (a Timeout is split and asked again: not a gap by itself). */
const ENDED_BADLY = new Set(['Cancelled', 'Failed', 'Unknown']);

/**
 * The request failed as kscli saw it: a fault the sandbox injected, an error answer, or (applied to
 * the LAST poll of a query) a query the sandbox never answered Complete: it ended badly, or kscli
 * stopped polling while it was still Scheduled or Running (its rows were partial). A Timeout is
 * split and asked again by kscli, so it is not a gap by itself.
 */
const failed = (r: LoggedRequest): boolean =>
  (r.fault !== undefined && FAILED.has(r.fault)) ||
  r.outcome !== 'ok' ||
  (r.operation === 'GetQueryResults' && r.answer?.status !== 'Complete' && r.answer?.status !== 'Timeout');

/** The key id a CloudTrail LookupEvents request asks about (ResourceName = the key's ARN). */
function lookupKey(r: LoggedRequest): string | undefined {
  const attrs = (r.params as { LookupAttributes?: Array<{ AttributeKey?: string; AttributeValue?: string }> })
    .LookupAttributes;
  const v = attrs?.find((a) => a.AttributeKey === 'ResourceName')?.AttributeValue;
  return v ? keyIdOf(v) : undefined;
}

/**
 * The evidence sources of one run that the sandbox failed for good: a request whose LAST attempt
 * (same operation, same parameters: a retry repeats them) was faulted or refused. Returns the keys
 * whose LookupEvents failed, and the account-wide sources (Logs Insights queries) that failed, with
 * the position of the failure: a key read afterwards through a successful LookupEvents (kscli's
 * fallback to the per-key APIs) is covered again.
 */
export function failedEvidence(
  requests: LoggedRequest[],
  /** issue 18 (B11): the world at the start; given, the reads must also COVER each key's window (evidence-coverage.ts) */
  start?: RunStart,
): {
  keys: Set<string>;
  accountWide: string[];
  /** keys with a successful LookupEvents after the first account-wide failure */
  readAfter: Set<string>;
  /** keys of the store whose window no successful read covered, and the gap */
  uncovered: Map<string, string>;
} {
  const last = new Map<string, { r: LoggedRequest; i: number }>();
  requests.forEach((r, i) => {
    if (r.caller !== 'kscli') return;
    if (r.operation !== 'LookupEvents' && r.operation !== 'StartQuery' && r.operation !== 'GetQueryResults') return;
    last.set(`${r.operation} ${JSON.stringify(r.params)}`, { r, i });
  });
  // a query the sandbox ended Cancelled/Failed/Unknown stays failed, whatever kscli polled after it
  requests.forEach((r, i) => {
    if (r.caller === 'kscli' && r.operation === 'GetQueryResults' && ENDED_BADLY.has(r.answer?.status ?? ''))
      last.set(`${r.operation} ${JSON.stringify(r.params)}`, { r, i });
  });
  const keys = new Set<string>();
  const accountWide: string[] = [];
  let firstWide = Infinity;
  for (const { r, i } of last.values()) {
    if (!failed(r)) continue;
    if (r.operation === 'LookupEvents') {
      const k = lookupKey(r);
      if (k) keys.add(k);
    } else {
      accountWide.push(`${r.operation} ${r.fault ?? (r.outcome !== 'ok' ? r.outcome : `query ${r.answer?.status}`)}`);
      firstWide = Math.min(firstWide, i);
    }
  }
  // A key's failed LookupEvents is covered again by a later successful read of the same key over a
  // range that holds it: kscli's fallback to the per-key APIs after a failed Logs Insights query
  // re-reads the key's whole window up to now (StartTime, no EndTime). The segment read that failed
  // before it (the older days beside the log group) is then superseded, not dropped.
  for (const { r, i } of last.values()) {
    if (r.operation !== 'LookupEvents' || !failed(r)) continue;
    const k = lookupKey(r);
    if (!k || !keys.has(k)) continue;
    const p = r.params as { StartTime?: unknown; EndTime?: unknown };
    const covered = requests.some((q, j) => {
      if (j <= i || q.caller !== 'kscli' || q.operation !== 'LookupEvents' || failed(q) || lookupKey(q) !== k)
        return false;
      const qp = q.params as { StartTime?: unknown; EndTime?: unknown; NextToken?: unknown };
      if (qp.NextToken !== undefined || qp.EndTime !== undefined) return false;
      const qs = timeOf(qp.StartTime);
      const ps = timeOf(p.StartTime);
      return qs === undefined || ps === undefined || Number.isNaN(qs) || Number.isNaN(ps) || qs <= ps;
    });
    const failedAgain = [...last.values()].some(
      (o) => o.i > i && o.r.operation === 'LookupEvents' && failed(o.r) && lookupKey(o.r) === k,
    );
    if (covered && !failedAgain) keys.delete(k);
  }
  const readAfter = new Set<string>();
  requests.forEach((r, i) => {
    if (i > firstWide && r.caller === 'kscli' && r.operation === 'LookupEvents' && !failed(r)) {
      const k = lookupKey(r);
      if (k) readAfter.add(k);
    }
  });
  const uncovered = new Map<string, string>();
  if (start) {
    const covered = coveredIntervals(requests, start.logReach);
    for (const key of Object.keys(start.storeKeyStates)) {
      const gap = windowGap(key, covered, start.nowMs, start.keyCreated[key]);
      if (gap) uncovered.set(key, gap);
    }
  }
  return { keys, accountWide, readAfter, uncovered };
}

/** Why the world says a key needs an override to be scheduled at time `t` (none: it may go). */
export function keyNeeds(
  key: string,
  t: number,
  start: RunStart,
  ev: ReturnType<typeof failedEvidence>,
): Array<{ flag: '--allow-in-use' | '--allow-unknown-usage'; why: string }> {
  const used = start.lastUsed[key];
  if (used !== undefined && t - used < EVIDENCE_WINDOW_MS)
    return [{ flag: '--allow-in-use', why: `AWS recorded a use on ${new Date(used).toISOString()}` }];
  if (ev.keys.has(key))
    return [{ flag: '--allow-unknown-usage', why: 'the sandbox failed its CloudTrail LookupEvents (injected fault)' }];
  const gap = ev.uncovered.get(key);
  if (gap) return [{ flag: '--allow-unknown-usage', why: gap }];
  if (ev.accountWide.length && !ev.readAfter.has(key))
    return [
      {
        flag: '--allow-unknown-usage',
        why: `the sandbox failed an account-wide evidence read (${ev.accountWide.join(', ')})`,
      },
    ];
  return [];
}

/** The keys of the store a key-scoped command would take from the world at the start (its flags applied). */
export function worldSelection(
  start: RunStart,
  named: Set<string>,
  excluded: Set<string>,
  want: (state: string) => boolean,
): string[] {
  return Object.entries(start.storeKeyStates)
    .filter(([id, st]) => want(st) && (named.size === 0 || named.has(id)) && !excluded.has(id))
    .map(([id]) => id);
}

/** Keys kscli cancelled in any run so far, from the sandbox's request log (handled CancelKeyDeletion). */
export function cancelledByKscli(requests: LoggedRequest[]): Set<string> {
  const out = new Set<string>();
  for (const r of requests)
    if (r.caller === 'kscli' && r.operation === 'CancelKeyDeletion' && r.handled && r.fault !== 'error') {
      const k = keyIdOf((r.params as { KeyId?: string }).KeyId);
      if (k && (r.outcome === 'ok' || r.fault === 'drop-after')) out.add(k);
    }
  return out;
}

/**
 * The plan the WORLD derives for a run of schedule-deletion or delete-store (issue 18, B1): the keys
 * of the store the command would schedule (from the world at the start, its --key / --exclude-key
 * applied), and for each the override the sandbox itself says it needs: in use (its usage records),
 * unknown (an evidence read it failed), or a CloudHSM store that is not CONNECTED. A key that needs a
 * flag the run lacks blocks the whole plan: then no mutating request at all. Conservative: only
 * what the world shows for certain (a named key outside the store, an AWS-managed key, data at rest
 * also block in kscli, but B1 does not need them to judge).
 */
export function worldBlocks(
  argv: string[],
  start: RunStart,
  named: Set<string>,
  excluded: Set<string>,
  ev: ReturnType<typeof failedEvidence>,
  /** keys and stores a colleague changed in this run before kscli's first mutating request (kscli may have planned after it) */
  touched: Set<string> = new Set(),
): string[] {
  const cmd = argv[0];
  if (cmd !== 'schedule-deletion' && cmd !== 'delete-store') return [];
  if (argv.includes('--dry-run')) return [];
  const keys = worldSelection(start, named, excluded, (st) => st !== 'PendingDeletion').filter((k) => !touched.has(k));
  const why: string[] = [];
  const disconnected = start.storeType === 'AWS_CLOUDHSM' && start.storeState !== 'CONNECTED' && !touched.has('store');
  for (const key of keys) {
    for (const need of keyNeeds(key, start.nowMs, start, ev))
      if (!argv.includes(need.flag)) why.push(`${key} needs ${need.flag} (${need.why})`);
    if (disconnected && !argv.includes('--allow-disconnected'))
      why.push(`${key}: the CloudHSM store is ${start.storeState}, and --allow-disconnected is absent`);
  }
  return why;
}

/**
 * I1 from the world (issue 18): what a run interrupted by SIGINT left undone, judged from the sandbox
 * (the world at the start, the world now, and the run's requests), never from kscli's "not-run" items.
 * The keys the command had to act on (its flags applied to the world at the start) that kscli never
 * asked about in this run and that AWS does not show done now.
 */
export function leftUndone(
  argv: string[],
  start: RunStart,
  named: Set<string>,
  excluded: Set<string>,
  requests: LoggedRequest[],
  keyStateNow: (id: string) => string | undefined,
): string[] {
  const asked = new Set(
    requests
      .filter((r) => r.caller === 'kscli' && r.mutating)
      .map((r) => keyIdOf((r.params as { KeyId?: string }).KeyId))
      .filter((k): k is string => !!k),
  );
  const cmd = argv[0];
  if (cmd === 'schedule-deletion' || cmd === 'delete-store') {
    const keys = worldSelection(start, named, excluded, (st) => st !== 'PendingDeletion');
    return keys.filter((k) => !asked.has(k) && (keyStateNow(k) ?? 'PendingDeletion') !== 'PendingDeletion');
  }
  if (cmd === 'cancel-deletion') {
    const keys = worldSelection(start, named, excluded, (st) => st === 'PendingDeletion');
    return keys.filter((k) => !asked.has(k) && keyStateNow(k) === 'PendingDeletion');
  }
  return [];
}

/**
 * What a colleague changed in a run before kscli's first mutating request: the keys it acted on, and
 * 'store' when it acted on the store (connected, disconnected, created a key in it). kscli may have
 * made its plan after these changes, so the world at the start no longer says what it planned from.
 */
export function touchedBeforeFirstMutation(requests: LoggedRequest[]): Set<string> {
  const out = new Set<string>();
  for (const r of requests) {
    if (r.caller === 'kscli' && r.mutating) break;
    if (r.caller !== 'actor' || !r.mutating) continue;
    const p = r.params as { KeyId?: string; CustomKeyStoreId?: string };
    const k = keyIdOf(p.KeyId);
    if (k) out.add(k);
    if (p.CustomKeyStoreId) out.add('store');
  }
  return out;
}
