/**
 * CloudWatch Logs Insights over the sandbox's log groups: StartQuery, GetQueryResults, StopQuery,
 * DescribeQueries and GetLogRecord (aws-facts-estate-and-scale A1), evaluated by the query engine
 * of ./logs-insights/ over the CloudTrail events the log groups hold (log-store.ts).
 *
 * Time: a query is Scheduled for `insightsScheduledMs`, then Running while it "scans" its time
 * range at `insightsScanBytesPerSec` (at least `insightsMinRunMs`), then Complete. Progress counts
 * real time since StartQuery plus any `sandbox advance` meanwhile. The scan is real: each poll
 * evaluates the records scanned since the last one, so partial results and `statistics` grow as
 * on AWS. A query that would run past `insightsTimeoutMs` ends as Timeout at that point.
 *
 * Queries live in memory (not in the state file), like AWS's 7-day result store but shorter: a
 * restart or a reload of the state file forgets them (GetQueryResults then answers
 * ResourceNotFoundException). The newest MAX_QUERIES are kept.
 *
 * Each query sees the events in its range when it started (later deliveries are not added).
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import type { Handler } from '../handler.js';
import { identityFor } from '../sts/identity.js';
import { columnsOf, lowerBound, retentionCutoff } from './log-store.js';
import type { Query } from './logs-insights/ast.js';
import { Execution, type RecordSource, type ResultField } from './logs-insights/evaluate.js';
import type { Value } from './logs-insights/functions.js';
import { parseQuery } from './logs-insights/parser.js';
import { QuerySyntaxError } from './logs-insights/tokenizer.js';
import { decodeToken, encodeToken } from '../paging.js';
import type { LogGroupRecord, SandboxConfig } from '../state.js';

export type QueryStatus = 'Scheduled' | 'Running' | 'Complete' | 'Failed' | 'Cancelled' | 'Timeout' | 'Unknown';
const STATUSES: QueryStatus[] = ['Scheduled', 'Running', 'Complete', 'Failed', 'Cancelled', 'Timeout', 'Unknown'];

/** StartQuery limits (A1.1): query string length, log groups per query. */
export const MAX_QUERY_CHARS = 10_000;
export const MAX_LOG_GROUPS = 50;
const MAX_QUERIES = 1_000;

interface GroupView {
  group: LogGroupRecord;
  /** group.firstOrdinal when the query started: index i of the query is ordinal base + i */
  base: number;
  /** how many events were pruned from the front since the query started */
  shift: number;
  lo: number;
  hi: number;
  columns: Map<string, { values: Value[] }>;
}

interface QueryRun {
  id: string;
  queryString: string;
  groupNames: string[];
  views: GroupView[];
  exec: Execution | undefined;
  limit: number;
  createTime: number;
  startedReal: number;
  startOffset: number;
  /** timing fixed at start */
  scheduledMs: number;
  runMs: number;
  timeoutMs: number;
  total: number;
  totalBytes: number;
  scanned: number;
  scannedBytes: number;
  /** next record to scan: view index and position */
  cursor: { v: number; i: number };
  status: QueryStatus;
  endedAfterMs?: number;
  rows?: ResultField[][];
  matched: number;
  userArn: string;
}

interface Runtime {
  queries: Map<string, QueryRun>;
}

const runtimes = new WeakMap<Account, Runtime>();

function runtime(acc: Account): Runtime {
  let r = runtimes.get(acc);
  if (!r) runtimes.set(acc, (r = { queries: new Map() }));
  return r;
}

function invalidParam(message: string): SandboxError {
  return new SandboxError('InvalidParameterException', message);
}

function notFound(message: string): SandboxError {
  return new SandboxError('ResourceNotFoundException', message);
}

/** A log group from a name or an ARN (`arn:aws:logs:REGION:ACCOUNT:log-group:NAME`, no `:*`). */
function resolveGroup(acc: Account, ref: unknown): LogGroupRecord {
  if (typeof ref !== 'string' || ref.length === 0)
    throw invalidParam('A log group name or ARN must be a non-empty string.');
  let name = ref;
  if (ref.startsWith('arn:')) {
    if (ref.endsWith('*')) throw invalidParam(`The log group ARN ${ref} must not end with '*'.`);
    const m = /^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:(.+)$/.exec(ref);
    if (!m) throw invalidParam(`Invalid log group ARN: ${ref}`);
    // the sandbox is one account in one Region: a group elsewhere does not exist here
    if (m[1] !== acc.region || m[2] !== acc.accountId) throw notFound(`Log group ${ref} does not exist.`);
    name = m[3]!;
  } else if (!/^[.\-_/#A-Za-z0-9]{1,512}$/.test(ref)) {
    throw invalidParam(`Invalid log group name: ${ref}`);
  }
  const group = acc.state.logGroups.find((g) => g.name === name);
  if (!group) throw notFound(`Log group ${ref} does not exist.`);
  return group;
}

function epochSeconds(value: unknown, member: string): number {
  if (value === undefined || value === null)
    throw invalidParam(
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw invalidParam(
      `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: Member must have value greater than or equal to 0`,
    );
  return Math.floor(n);
}

/** The record source of one query over its groups (GroupView keeps it valid across pruning). */
function sourceFor(acc: Account, views: GroupView[]): RecordSource {
  const rec = (g: number, i: number) => {
    const v = views[g]!;
    return v.group.events?.[i - v.shift];
  };
  return {
    field(g, name) {
      const v = views[g]!;
      switch (name) {
        case '@timestamp':
        case '@ingestionTime':
          return (i) => rec(g, i)?.t;
        case '@message':
          return (i) => rec(g, i)?.m;
        case '@logStream':
          return (i) => rec(g, i)?.s;
        case '@log': {
          // `account-id:log-group-name` (A2)
          const log = `${acc.accountId}:${v.group.name}`;
          return () => log;
        }
        case '@ptr':
          return (i) => ptrOf(v, i);
        default: {
          let holder = v.columns.get(name);
          if (!holder) v.columns.set(name, (holder = { values: [] }));
          const h = holder;
          return (i) => h.values[i - v.shift];
        }
      }
    },
    time: (g, i) => rec(g, i)?.t ?? 0,
    ptr: (g, i) => ptrOf(views[g]!, i),
  };
}

function ptrOf(v: GroupView, i: number): string {
  return encodeToken({ p: v.base + i, f: v.group.name });
}

/** Before scanning group view v up to query index `to`: follow pruning, fill the columns the query reads. */
function prepare(v: GroupView, to: number): void {
  v.shift = (v.group.firstOrdinal ?? 0) - v.base;
  if (v.columns.size === 0) return;
  const names = [...v.columns.keys()];
  const values = columnsOf(v.group).columnsOf(names, to - v.shift);
  names.forEach((name, k) => (v.columns.get(name)!.values = values[k]!));
}

/**
 * Elapsed query time: real time since start plus any clock advance meanwhile. "Real" time is the
 * account's wall clock (Date.now when served; constant in tests that replay from a seed).
 */
function elapsed(acc: Account, q: QueryRun): number {
  return acc.wallClock() - q.startedReal + (acc.state.clockOffsetMs - q.startOffset);
}

function isActive(s: QueryStatus): boolean {
  return s === 'Scheduled' || s === 'Running';
}

/** Scans up to `target` records. */
function scanTo(q: QueryRun, target: number): void {
  const exec = q.exec;
  if (!exec) return;
  while (q.scanned < target && q.cursor.v < q.views.length) {
    const v = q.views[q.cursor.v]!;
    const from = Math.max(v.lo + q.cursor.i, v.lo);
    const to = Math.min(v.hi, from + (target - q.scanned));
    prepare(v, to);
    // records pruned since the start are gone (retention passed during a long query)
    const first = Math.max(from, v.shift);
    if (to > first) exec.feed(q.cursor.v, first, to);
    const events = v.group.events ?? [];
    for (let i = Math.max(from, v.shift); i < to; i++) q.scannedBytes += events[i - v.shift]?.m.length ?? 0;
    q.scanned += to - from;
    q.cursor.i += to - from;
    if (v.lo + q.cursor.i >= v.hi) q.cursor = { v: q.cursor.v + 1, i: 0 };
  }
  q.matched = exec.matched;
}

function finish(q: QueryRun, status: QueryStatus, afterMs: number): void {
  q.status = status;
  q.endedAfterMs = afterMs;
  q.rows = q.exec ? q.exec.results(q.limit) : [];
  q.matched = q.exec?.matched ?? q.matched;
  // the rows are final: drop the evaluation state
  q.exec = undefined;
  for (const v of q.views) v.columns.clear();
}

/** Moves a query along its timeline up to now. */
function advanceQuery(acc: Account, q: QueryRun): void {
  if (!isActive(q.status)) return;
  const t = elapsed(acc, q);
  if (t < q.scheduledMs) {
    q.status = 'Scheduled';
    return;
  }
  const end = q.scheduledMs + q.runMs;
  if (end > q.timeoutMs && t >= q.timeoutMs) {
    scanTo(q, Math.floor(((q.timeoutMs - q.scheduledMs) / q.runMs) * q.total));
    finish(q, 'Timeout', q.timeoutMs);
    return;
  }
  const progress = q.runMs <= 0 ? 1 : Math.min(1, (t - q.scheduledMs) / q.runMs);
  if (progress >= 1) {
    scanTo(q, q.total);
    finish(q, 'Complete', end);
    return;
  }
  q.status = 'Running';
  scanTo(q, Math.floor(progress * q.total));
}

function activeCount(acc: Account): number {
  let n = 0;
  for (const q of runtime(acc).queries.values()) {
    advanceQuery(acc, q);
    if (isActive(q.status)) n++;
  }
  return n;
}

function compile(queryString: string): Query {
  try {
    return parseQuery(queryString);
  } catch (e) {
    if (e instanceof QuerySyntaxError) {
      const location = { startCharOffset: e.start, endCharOffset: e.end };
      throw new SandboxError('MalformedQueryException', e.message, 400, {
        queryCompileError: { location, message: e.message },
      });
    }
    throw e;
  }
}

const startQuery: Handler = (acc, input, ctx) => {
  const cfg: SandboxConfig = acc.state.config;
  if (input.queryLanguage !== undefined && input.queryLanguage !== 'CWLI') {
    throw invalidParam(
      `The sandbox runs only the Logs Insights query language (CWLI), not ${String(input.queryLanguage)}.`,
    );
  }
  const given = ['logGroupName', 'logGroupNames', 'logGroupIdentifiers'].filter(
    (m) => input[m] !== undefined && input[m] !== null,
  );
  if (given.length === 0)
    throw invalidParam('Specify exactly one of logGroupName, logGroupNames or logGroupIdentifiers.');
  if (given.length > 1)
    throw invalidParam(
      `Specify only one of logGroupName, logGroupNames or logGroupIdentifiers (got ${given.join(', ')}).`,
    );
  const refs: unknown[] = input.logGroupName !== undefined ? [input.logGroupName] : (input[given[0]!] as unknown[]);
  if (!Array.isArray(refs) || refs.length === 0) throw invalidParam(`${given[0]} must list at least one log group.`);
  if (refs.length > MAX_LOG_GROUPS)
    throw invalidParam(`A query can search at most ${MAX_LOG_GROUPS} log groups; got ${refs.length}.`);
  const queryString = input.queryString;
  if (typeof queryString !== 'string')
    throw invalidParam(
      "1 validation error detected: Value null at 'queryString' failed to satisfy constraint: Member must not be null",
    );
  if (queryString.length > MAX_QUERY_CHARS) {
    throw invalidParam(
      `1 validation error detected: Value at 'queryString' failed to satisfy constraint: Member must have length less than or equal to ${MAX_QUERY_CHARS}`,
    );
  }
  const startTime = epochSeconds(input.startTime, 'startTime');
  const endTime = epochSeconds(input.endTime, 'endTime');
  if (endTime < startTime) throw invalidParam('The end time (endTime) must not be before the start time (startTime).');
  let limit = cfg.insightsDefaultLimit;
  if (input.limit !== undefined && input.limit !== null) {
    const n = Number(input.limit);
    if (!Number.isInteger(n) || n < 1 || n > cfg.insightsMaxLimit) {
      throw invalidParam(
        `1 validation error detected: Value '${String(input.limit)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${cfg.insightsMaxLimit}`,
      );
    }
    limit = n;
  }
  const groups = [...new Set(refs.map((r) => resolveGroup(acc, r)))];
  const query = compile(queryString);
  const max = cfg.insightsMaxConcurrent;
  // the observed wording (A1.2), with today's default
  if (activeCount(acc) >= max)
    throw new SandboxError('LimitExceededException', `Account maximum query concurrency limit of [${max}] reached.`);

  const now = acc.nowMs();
  const views: GroupView[] = groups.map((group) => {
    const events = group.events ?? [];
    const from = Math.max(startTime * 1000, retentionCutoff(group, now));
    // both ends are inclusive, to the second
    const lo = lowerBound(events, from);
    const hi = lowerBound(events, endTime * 1000 + 1000);
    return { group, base: group.firstOrdinal ?? 0, shift: 0, lo, hi: Math.max(lo, hi), columns: new Map() };
  });
  let total = 0;
  let totalBytes = 0;
  for (const v of views) {
    total += v.hi - v.lo;
    const events = v.group.events ?? [];
    for (let i = v.lo; i < v.hi; i++) totalBytes += events[i]!.m.length;
  }
  const exec = new Execution(query, sourceFor(acc, views), views.length);
  const rate = cfg.insightsScanBytesPerSec;
  const runMs = Math.max(cfg.insightsMinRunMs, rate > 0 && Number.isFinite(rate) ? (totalBytes / rate) * 1000 : 0);
  const q: QueryRun = {
    id: acc.ids.uuid(),
    queryString,
    groupNames: groups.map((g) => g.name),
    views,
    exec,
    limit,
    createTime: now,
    startedReal: acc.wallClock(),
    startOffset: acc.state.clockOffsetMs,
    scheduledMs: cfg.insightsScheduledMs,
    runMs,
    timeoutMs: cfg.insightsTimeoutMs,
    total,
    totalBytes,
    scanned: 0,
    scannedBytes: 0,
    cursor: { v: 0, i: 0 },
    status: 'Scheduled',
    matched: 0,
    userArn: identityFor(acc, ctx.accessKeyId).arn,
  };
  const queries = runtime(acc).queries;
  queries.set(q.id, q);
  if (queries.size > MAX_QUERIES) {
    for (const [id, old] of queries) {
      if (queries.size <= MAX_QUERIES) break;
      if (!isActive(old.status)) queries.delete(id);
    }
  }
  return { queryId: q.id };
};

function findQuery(acc: Account, id: unknown): QueryRun {
  if (typeof id !== 'string' || id.length === 0 || id.length > 256)
    throw invalidParam(
      "1 validation error detected: Value at 'queryId' failed to satisfy constraint: Member must have length between 1 and 256",
    );
  const q = runtime(acc).queries.get(id);
  if (!q) throw notFound(`Query ${id} does not exist.`);
  return q;
}

function statistics(q: QueryRun): Record<string, number> {
  return {
    recordsMatched: q.matched,
    recordsScanned: q.scanned,
    estimatedRecordsSkipped: 0,
    bytesScanned: q.scannedBytes,
    estimatedBytesSkipped: 0,
    logGroupsScanned: q.views.length,
  };
}

const getQueryResults: Handler = (acc, input) => {
  const q = findQuery(acc, input.queryId);
  const cfg = acc.state.config;
  let pageSize = cfg.insightsPageSize;
  if (input.maxItems !== undefined && input.maxItems !== null) {
    const n = Number(input.maxItems);
    if (!Number.isInteger(n) || n < 0 || n > cfg.insightsPageSize) {
      throw invalidParam(
        `1 validation error detected: Value '${String(input.maxItems)}' at 'maxItems' failed to satisfy constraint: Member must have value between 0 and ${cfg.insightsPageSize}`,
      );
    }
    if (n > 0) pageSize = n;
  }
  let offset = 0;
  if (input.nextToken !== undefined && input.nextToken !== null) {
    const body = decodeToken(input.nextToken, q.id);
    if (!body || typeof body.p !== 'number') throw invalidParam('The specified nextToken is invalid.');
    offset = body.p;
  }
  advanceQuery(acc, q);
  // while Scheduled or Running the rows are partial (A1.2); paging applies to final rows only
  const rows = q.rows ?? (q.status === 'Scheduled' || !q.exec ? [] : q.exec.results(q.limit));
  const page = rows.slice(offset, offset + pageSize);
  const more = q.rows !== undefined && offset + page.length < rows.length;
  return {
    queryLanguage: 'CWLI',
    results: page,
    statistics: statistics(q),
    status: q.status,
    ...(more ? { nextToken: encodeToken({ p: offset + page.length, f: q.id }) } : {}),
  };
};

const stopQuery: Handler = (acc, input) => {
  const q = findQuery(acc, input.queryId);
  advanceQuery(acc, q);
  // AWS: "an error indicating that the specified query is not running"; which code is
  // UNCONFIRMED (A1.2): the sandbox answers InvalidParameterException
  if (!isActive(q.status)) throw invalidParam(`Query ${q.id} is not running (status ${q.status}).`);
  finish(q, 'Cancelled', elapsed(acc, q));
  return { success: true };
};

const describeQueries: Handler = (acc, input) => {
  const status = input.status;
  if (status !== undefined && !STATUSES.includes(status as QueryStatus)) {
    throw invalidParam(
      `1 validation error detected: Value '${String(status)}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [${STATUSES.join(', ')}]`,
    );
  }
  let max = 1000;
  if (input.maxResults !== undefined && input.maxResults !== null) {
    max = Number(input.maxResults);
    if (!Number.isInteger(max) || max < 1 || max > 1000)
      throw invalidParam(
        `1 validation error detected: Value '${String(input.maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 1000`,
      );
  }
  const groupName = input.logGroupName;
  if (groupName !== undefined) resolveGroup(acc, groupName);
  const all = [...runtime(acc).queries.values()].reverse().filter((q) => {
    advanceQuery(acc, q);
    return (
      (status === undefined || q.status === status) &&
      (groupName === undefined || q.groupNames.includes(String(groupName)))
    );
  });
  const fp = `${String(groupName)}|${String(status)}`;
  let start = 0;
  if (input.nextToken !== undefined && input.nextToken !== null) {
    const body = decodeToken(input.nextToken, fp);
    if (!body || typeof body.p !== 'number') throw invalidParam('The specified nextToken is invalid.');
    start = body.p;
  }
  const page = all.slice(start, start + max);
  return {
    queries: page.map((q) => ({
      queryLanguage: 'CWLI',
      queryId: q.id,
      queryString: q.queryString,
      status: q.status,
      createTime: q.createTime,
      ...(q.endedAfterMs !== undefined ? { queryDuration: Math.round(q.endedAfterMs) } : {}),
      logGroupName: q.groupNames[0],
      bytesScanned: q.scannedBytes,
      userIdentity: q.userArn,
    })),
    ...(start + page.length < all.length ? { nextToken: encodeToken({ p: start + page.length, f: fp }) } : {}),
  };
};

/** GetLogRecord(@ptr): the whole event behind a result row (A1.2). */
const getLogRecord: Handler = (acc, input) => {
  const ptr = input.logRecordPointer;
  let body: { p: number; f: string } | undefined;
  if (typeof ptr === 'string') {
    try {
      const b = JSON.parse(Buffer.from(ptr, 'base64url').toString('utf8')) as { p?: unknown; f?: unknown };
      if (typeof b.p === 'number' && typeof b.f === 'string') body = { p: b.p, f: b.f };
    } catch {
      body = undefined;
    }
  }
  if (!body) throw invalidParam('The specified logRecordPointer is invalid.');
  const group = acc.state.logGroups.find((g) => g.name === body.f);
  const rec = group?.events?.[body.p - (group.firstOrdinal ?? 0)];
  if (!group || !rec || body.p < (group.firstOrdinal ?? 0))
    throw notFound('The log record does not exist (expired or never stored).');
  return {
    logRecord: {
      '@timestamp': String(rec.t),
      '@ingestionTime': String(rec.t),
      '@logStream': rec.s,
      '@log': `${acc.accountId}:${group.name}`,
      '@message': rec.m,
    },
  };
};

export const insightsHandlers: Record<string, Handler> = {
  StartQuery: startQuery,
  GetQueryResults: getQueryResults,
  StopQuery: stopQuery,
  DescribeQueries: describeQueries,
  GetLogRecord: getLogRecord,
};
