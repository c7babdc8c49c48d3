/**
 * The use evidence of many keys, from the CloudTrail log group when it can be trusted (issue 10).
 *
 * --evidence api   the per-key APIs exactly as before: GetKeyLastUsage (5/s) and LookupEvents (2/s)
 *                  for every key, over at most CloudTrail's 90-day event history.
 * --evidence auto  (default) survey the trails and their log groups (logs-coverage.ts):
 *   - the log group covers the whole window: one Logs Insights query answers for every key, and no
 *     per-key GetKeyLastUsage or LookupEvents call is made (key policy, grants and aliases are still
 *     read per key: they are not in CloudTrail);
 *   - it covers only the recent part: the query for that part, and the per-key APIs for the rest
 *     (LookupEvents ends where the log group starts; GetKeyLastUsage as before);
 *   - no trusted log group, or the query fails, times out or is cancelled by someone else: the
 *     per-key APIs, unchanged, with a warning that says why. Never "unused" for lack of an answer.
 * --evidence logs  the log group alone (issue 23): refuses (exit 3) when no log group can be
 *                  trusted, fails (exit 1) when the query fails, and where the group covers only
 *                  the recent part, the rest is a gap (keys that must be covered there are
 *                  `unknown`, the stretch and the way out named): no per-key use call is made.
 * Which source answers for which stretch: source-plan.ts. When auto joins two, it says so (`note`,
 * the summary's `joined`).
 *
 * --days may exceed 90 only where a log group reaches back that far; the verdict line states what
 * was searched, never more (verdict.ts cloudTrailLabel). Ctrl-C stops the running queries.
 */
import type { AwsPorts, KeyInfo, Progress } from '../../aws/ports.js';
import { AwsCallError, ExitCode, KscliError } from '../../errors.js';
import type { LookupPrefetch } from './lookup-prefetch.js';
import { gatherEvidence, MAX_CLOUDTRAIL_DAYS } from './gather.js';
import { surveyLogCoverage, type LogCoverage } from './logs-coverage.js';
import {
  fitsInOneQuery,
  keyArnPrefixOf,
  summarizeUsageRows,
  type KeyScope,
  type KeyUsageSummary,
} from './logs-insights-query.js';
import {
  LogsQueryFailed,
  runUsageQueries,
  type QueryProgress,
  type QueryRecord,
  type RunnerResult,
} from './logs-insights-runner.js';
import { MAX_LISTED_FAILED_ATTEMPTS } from './cloudtrail-classify.js';
import { cloudTrailSection } from './cloudtrail-section.js';
import type {
  CloudTrailEvidence,
  CoverageSegment,
  DailyCount,
  EvidenceMode,
  EvidenceSource,
  KeyEvidence,
  UncoveredSpan,
} from './types.js';
import { day } from './verdict.js';
import { coverageStart, planSources } from './source-plan.js';
import { compareText } from '../../util/text-order.js';

const DAY_MS = 86_400_000;

export interface UsageEvidenceOptions {
  mode: EvidenceMode;
  /** the window, in days back from `now` (above 90 only through a log group) */
  days: number;
  now: Date;
  /** the keys' region */
  region: string;
  /** --log-group NAME / --log-group-arn ARN: query this group (its trail must vouch for it) */
  logGroup?: string;
  /** keys whose evidence is complete so far */
  onProgress?: Progress;
  /** the running queries (status, records scanned) */
  onQueryProgress?: (p: QueryProgress & { logGroup: string; done: boolean }) => void;
  /** a fallback or a limit the operator should know about */
  warn?: (line: string) => void;
  /** what the run did that is not a problem but must be said: auto joined two sources (issue 23) */
  note?: (line: string) => void;
  /** Ctrl-C: stop the queries (StopQuery) and start no further call */
  signal?: AbortSignal;
  /** polls' waits (tests) */
  sleep?: (ms: number) => Promise<void>;
  /** the survey and query started before the keys were known (prefetchLogEvidence) */
  prefetch?: LogPrefetch;
  /** LookupEvents started while the keys were scanned: the per-key path over the whole window uses them */
  lookups?: LookupPrefetch;
}

/** What one query run gave: rows, or why it failed (an interrupt rejects instead). */
interface QueryOutcome {
  result?: RunnerResult;
  failure?: unknown;
}

/**
 * The log-group survey and query, started while the command still scans the store's keys (the
 * query needs only the account and region: it asks for every key of the account by ARN prefix and
 * the rows of other keys are dropped). `cancel()` stops a query nobody will read (the command
 * failed before the evidence step); it is a no-op once the query is done.
 */
export interface LogPrefetch {
  owner: string;
  coverage: LogCoverage;
  outcome?: Promise<QueryOutcome>;
  cancel(): void;
}

/** The partition of a region: aws-cn for China, aws-us-gov for GovCloud, aws elsewhere. */
const partitionOf = (region: string): string =>
  region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';

export async function prefetchLogEvidence(
  aws: AwsPorts,
  opts: Pick<
    UsageEvidenceOptions,
    'mode' | 'days' | 'now' | 'region' | 'logGroup' | 'onQueryProgress' | 'signal' | 'sleep'
  > & { owner: string },
): Promise<LogPrefetch | undefined> {
  if (opts.mode === 'api') return undefined;
  const windowStart = new Date(opts.now.getTime() - opts.days * DAY_MS);
  const coverage = await surveyLogCoverage(aws, {
    region: opts.region,
    owners: [opts.owner],
    windowStart,
    now: opts.now,
    logGroup: opts.logGroup,
  });
  const abort = new AbortController();
  const follow = () => abort.abort();
  opts.signal?.addEventListener('abort', follow, { once: true });
  const prefetch: LogPrefetch = { owner: opts.owner, coverage, cancel: () => abort.abort() };
  if (coverage.extent === 'none') return prefetch;
  const scope: KeyScope = {
    kind: 'prefix',
    keyArnPrefix: `arn:${partitionOf(opts.region)}:kms:${opts.region}:${opts.owner}:key/`,
    idPrefix: '',
  };
  prefetch.outcome = queryOutcome(aws, coverage, scope, [opts.owner], { ...opts, signal: abort.signal }).finally(() =>
    opts.signal?.removeEventListener('abort', follow),
  );
  // read later (or never, when the command fails first): a rejection must not go unhandled
  prefetch.outcome.catch(() => undefined);
  return prefetch;
}

function queryOutcome(
  aws: AwsPorts,
  coverage: LogCoverage,
  scope: KeyScope,
  owners: string[],
  opts: Pick<UsageEvidenceOptions, 'now' | 'onQueryProgress' | 'signal' | 'sleep'>,
): Promise<QueryOutcome> {
  const lg = coverage.logGroup!;
  let last: QueryProgress | undefined;
  const report = (p: QueryProgress, done: boolean) => opts.onQueryProgress?.({ ...p, logGroup: lg.name, done });
  return runUsageQueries(scope, coverageStart(coverage), opts.now, {
    logs: aws.logs(lg.region),
    logGroupIdentifiers: [coverage.queryIdentifier!],
    owners,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onProgress: (p) => report((last = p), false),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
  })
    .then(
      (result): QueryOutcome => ({ result }),
      (err: unknown): QueryOutcome => {
        if (isInterrupt(err)) throw err;
        return { failure: err };
      },
    )
    .finally(() => {
      if (last) report(last, true);
    });
}

/** What the whole run rested on: `kscli usage --output json` prints it as "evidence". */
export interface EvidenceRunSummary {
  mode: EvidenceMode;
  source: EvidenceSource;
  window: { start: Date; end: Date; days: number };
  /** the stretches searched, and by what */
  segments: CoverageSegment[];
  logGroup?: { name: string; region: string; accountId: string; arn: string; trail: string };
  /** what bounds the log group's coverage (trail start, retention, oldest event) */
  limits: string[];
  /** why no log group was used (source api) */
  logGroupProblems: string[];
  /** the stretches of the window no source searched, and why (issue 23) */
  uncovered: UncoveredSpan[];
  /** why --evidence auto joined the log group and LookupEvents (absent: one source answered) */
  joined?: string;
  queries: QueryRecord[];
  warnings: string[];
}

export interface UsageEvidence {
  evidence: Map<string, KeyEvidence>;
  summary: EvidenceRunSummary;
}

function logsEvidence(
  s: KeyUsageSummary,
  window: { start: Date; end: Date },
  segments: CoverageSegment[],
): CloudTrailEvidence {
  // Logs Insights returns only the use events: what else referenced the key is never fetched
  return cloudTrailSection(s, window, {
    ignoredEventCount: 0,
    ...(s.daily ? { daily: s.daily } : {}),
    segments,
    failedErrorCodes: s.failedErrorCodes,
  });
}

/** LookupEvents for the older part + the log group for the recent part, as one CloudTrail section. */
export function mergeCloudTrail(older: CloudTrailEvidence, recent: CloudTrailEvidence): CloudTrailEvidence {
  const operations = { ...older.operations };
  for (const [op, n] of Object.entries(recent.operations)) operations[op] = (operations[op] ?? 0) + n;
  const principals = new Map<string, number>();
  for (const p of [...older.principals, ...recent.principals])
    principals.set(p.principal, (principals.get(p.principal) ?? 0) + p.count);
  const newest = [older.newest, recent.newest]
    .filter((x) => x !== undefined)
    .sort((a, b) => b.eventTime.getTime() - a.eventTime.getTime())[0];
  const failedErrorCodes: Record<string, number> = { ...(recent.failedErrorCodes ?? {}) };
  for (const f of older.failedAttempts)
    if (f.errorCode) failedErrorCodes[f.errorCode] = (failedErrorCodes[f.errorCode] ?? 0) + 1;
  return {
    status: 'ok',
    window: { start: older.window.start, end: recent.window.end },
    operations,
    principals: [...principals]
      .map(([principal, count]) => ({ principal, count }))
      .sort((a, b) => b.count - a.count || compareText(a.principal, b.principal)),
    ...(newest ? { newest } : {}),
    failedAttemptCount: older.failedAttemptCount + recent.failedAttemptCount,
    failedAttempts: [...older.failedAttempts, ...recent.failedAttempts]
      .sort((a, b) => b.eventTime.getTime() - a.eventTime.getTime())
      .slice(0, MAX_LISTED_FAILED_ATTEMPTS),
    ignoredEventCount: older.ignoredEventCount,
    segments: [
      { source: 'lookup-events', start: older.window.start, end: older.window.end },
      ...(recent.segments ?? []),
    ],
    failedErrorCodes,
    ...(older.daily && recent.daily ? { daily: mergeDaily(older.daily, recent.daily) } : {}),
  };
}

/** Per-day counts of two stretches: a day both touch (the boundary day) adds up. */
function mergeDaily(a: DailyCount[], b: DailyCount[]): DailyCount[] {
  const days = new Map<string, DailyCount>();
  for (const d of [...a, ...b]) {
    const c = days.get(d.day) ?? { day: d.day, succeeded: 0, failed: 0 };
    days.set(d.day, { day: d.day, succeeded: c.succeeded + d.succeeded, failed: c.failed + d.failed });
  }
  return [...days.values()].sort((x, y) => compareText(x.day, y.day));
}

/** The scope of the query: the keys' ARNs when they fit in one query string, else every key of the account and region. */
export function scopeFor(keys: KeyInfo[], owners: string[]): KeyScope {
  const arns: KeyScope = { kind: 'arns', arns: keys.map((k) => k.arn) };
  const prefixes = new Set(keys.map((k) => keyArnPrefixOf(k.arn)));
  if (fitsInOneQuery(arns, owners) || prefixes.size !== 1) return arns;
  return { kind: 'prefix', keyArnPrefix: [...prefixes][0]!, idPrefix: '' };
}

function failureText(err: unknown): string {
  if (err instanceof LogsQueryFailed) return err.message;
  if (err instanceof AwsCallError) return `${err.operation}: ${err.code}${err.message ? `: ${err.message}` : ''}`;
  if (err instanceof KscliError) return err.message;
  return String(err);
}

const isInterrupt = (err: unknown) => err instanceof KscliError && err.exitCode === ExitCode.Interrupted;

export async function gatherUsageEvidence(
  aws: AwsPorts,
  keys: KeyInfo[],
  opts: UsageEvidenceOptions,
): Promise<UsageEvidence> {
  const now = opts.now;
  const window = { start: new Date(now.getTime() - opts.days * DAY_MS), end: now, days: opts.days };
  const apiDays = Math.min(opts.days, MAX_CLOUDTRAIL_DAYS);
  const apiStart = new Date(now.getTime() - apiDays * DAY_MS);
  const warnings: string[] = [];
  const warn = (line: string) => {
    warnings.push(line);
    opts.warn?.(line);
  };
  const summary: EvidenceRunSummary = {
    mode: opts.mode,
    source: 'api',
    window,
    segments: [{ source: 'lookup-events', start: apiStart, end: now }],
    limits: [],
    logGroupProblems: [],
    uncovered: [],
    queries: [],
    warnings,
  };
  const apiPath = async (): Promise<UsageEvidence> => {
    const evidence = await gatherEvidence(aws, keys, {
      days: apiDays,
      now,
      onProgress: opts.onProgress,
      signal: opts.signal,
      ...(opts.lookups ? { lookups: opts.lookups } : {}),
    });
    for (const ev of evidence.values()) ev.source = 'api';
    return { evidence, summary };
  };
  const beyondApi = () => {
    if (opts.days > MAX_CLOUDTRAIL_DAYS) {
      warn(
        `--days ${opts.days}: CloudTrail event history reaches back ${MAX_CLOUDTRAIL_DAYS} days, so the evidence covers ${day(apiStart)}..${day(now)} only`,
      );
    }
  };

  if (opts.mode === 'api' || keys.length === 0) return apiPath();

  const owners = [...new Set(keys.map((k) => k.accountId))];
  // the prefetched survey and query serve when the keys are the account's it asked about
  const prefetch =
    opts.prefetch && owners.length === 1 && owners[0] === opts.prefetch.owner ? opts.prefetch : undefined;
  if (opts.prefetch && !prefetch) opts.prefetch.cancel();
  const coverage: LogCoverage =
    prefetch?.coverage ??
    (await surveyLogCoverage(aws, {
      region: opts.region,
      owners,
      windowStart: window.start,
      now,
      logGroup: opts.logGroup,
    }));
  if (coverage.extent === 'none') {
    summary.logGroupProblems = coverage.problems;
    if (opts.mode === 'logs') {
      throw new KscliError(
        ExitCode.Blocked,
        `--evidence logs: no CloudTrail log group can be trusted for ${day(window.start)}..${day(now)}: ${coverage.problems.join('; ')}`,
        'fix the trail or log group as said, or run with --evidence auto (falls back to the per-key APIs)',
      );
    }
    if (opts.days > MAX_CLOUDTRAIL_DAYS || opts.logGroup)
      warn(`no CloudTrail log group can be used (${coverage.problems.join('; ')}): using the per-key APIs`);
    beyondApi();
    return apiPath();
  }

  const lg = coverage.logGroup!;
  // which source answers for which stretch (source-plan.ts): `logs` the log group alone, `auto` joins
  const plan = planSources({ mode: opts.mode, coverage, window, apiStart });
  const from = plan.logsFrom;
  summary.logGroup = { ...lg, trail: coverage.trail! };
  summary.limits = coverage.limits;
  const logsSegment: CoverageSegment = {
    source: 'logs-insights',
    start: from,
    end: now,
    logGroup: coverage.queryIdentifier!,
  };
  const lookupNeeded = plan.lookup !== undefined;
  const perKey = gatherEvidence(aws, keys, {
    days: apiDays,
    now,
    onProgress: opts.onProgress,
    signal: opts.signal,
    lastUsage: plan.lastUsage,
    lookupEvents: lookupNeeded,
    ...(plan.lookup ? { lookupEnd: plan.lookup.end } : {}),
    ...(plan.uncovered && opts.mode === 'logs'
      ? { notAskedReason: 'not asked: --evidence logs uses the CloudTrail log group alone' }
      : {}),
  });
  // a rejection of perKey is awaited below; until then it must not count as unhandled
  perKey.catch(() => undefined);

  const { result, failure } = await (prefetch?.outcome ??
    queryOutcome(aws, coverage, scopeFor(keys, owners), owners, opts));
  if (result) summary.queries = result.queries;
  const base = await perKey;

  if (failure !== undefined) {
    const why = failureText(failure);
    if (opts.mode === 'logs') {
      throw new KscliError(
        ExitCode.Failure,
        `--evidence logs: the Logs Insights query over ${lg.name} did not complete: ${why}`,
        'run again, or with --evidence auto to fall back to the per-key APIs',
      );
    }
    warn(
      `the Logs Insights query over log group ${lg.name} did not complete (${why}): falling back to the per-key APIs (GetKeyLastUsage, LookupEvents)`,
    );
    beyondApi();
    summary.segments = [{ source: 'lookup-events', start: apiStart, end: now }];
    // the use sources the first pass left out, for every key
    const use = await gatherEvidence(aws, keys, {
      days: apiDays,
      now,
      signal: opts.signal,
      access: false,
      lastUsage: !plan.lastUsage,
    });
    for (const [keyId, ev] of base) {
      const u = use.get(keyId)!;
      ev.cloudTrail = u.cloudTrail;
      if (!plan.lastUsage) ev.lastUsage = u.lastUsage;
      ev.source = 'api';
    }
    return { evidence: base, summary };
  }

  const perArn = summarizeUsageRows(
    result!.rows,
    keys.map((k) => k.arn),
  );
  const source: EvidenceSource = plan.lastUsage ? 'logs-insights+api' : 'logs-insights';
  summary.source = source;
  summary.segments = plan.lookup
    ? [{ source: 'lookup-events', start: plan.lookup.start, end: plan.lookup.end }, logsSegment]
    : [logsSegment];
  if (plan.uncovered) summary.uncovered = [plan.uncovered];
  if (plan.joined) {
    summary.joined = plan.joined;
    opts.note?.(plan.joined);
  }
  if (plan.uncovered && opts.mode === 'logs') {
    const u = plan.uncovered;
    warn(
      `${day(u.start)}..${day(u.end)} of the window is not searched: ${u.reason}; a key that must be covered there is unknown${u.remedy ? `: run with ${u.remedy}` : ''}, or with a shorter --unused-days`,
    );
  } else if (plan.uncovered && opts.days > MAX_CLOUDTRAIL_DAYS && !lookupNeeded) {
    warn(
      `--days ${opts.days}: log group ${lg.name} covers ${day(from)}..${day(now)} (${coverage.limits.join('; ')}); nothing searchable reaches further back`,
    );
  }
  for (const key of keys) {
    const ev = base.get(key.keyId)!;
    const fromLogs = logsEvidence(perArn.get(key.arn)!, { start: from, end: now }, [logsSegment]);
    // A failed LookupEvents for the older stretch is a gap, never "no events" (issue 18): failed
    // attempts are visible only in CloudTrail (GetKeyLastUsage records successful use only), so the
    // section keeps the failure and the verdict says unknown, naming the stretch that was not read.
    // (Dropping the older stretch and keeping the log group's part read a CloudTrail outage as unused.)
    const older = ev.cloudTrail;
    const joinedCt = !lookupNeeded
      ? fromLogs
      : older.status === 'ok'
        ? mergeCloudTrail(older, fromLogs)
        : {
            ...fromLogs,
            status: older.status,
            error: `LookupEvents for ${day(apiStart)}..${day(from)} not read: ${older.error ?? older.status}`,
          };
    ev.cloudTrail = plan.uncovered ? { ...joinedCt, uncovered: plan.uncovered } : joinedCt;
    ev.source = source;
  }
  return { evidence: base, summary };
}
