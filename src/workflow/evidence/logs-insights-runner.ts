/**
 * Running the usage query under Logs Insights' limits (aws-facts-estate-and-scale A1):
 * - a query moves Scheduled -> Running -> Complete; kscli polls GetQueryResults, with the status
 *   and records scanned reported to the progress line;
 * - a query times out after 60 minutes (15 in older accounts): a Timeout splits the time range in
 *   two and asks again, down to MAX_TIME_SPLITS levels;
 * - a result may hold at most ROW_LIMIT rows: a full result splits the keys and asks again;
 * - at most 100 concurrent queries per account and region (10-30 in older accounts), dashboards
 *   included: kscli runs at most MAX_CONCURRENT of its own, and a LimitExceededException at
 *   StartQuery waits and tries again;
 * - Ctrl-C (the abort signal) stops every running query with StopQuery, so none is left running
 *   and billing; Failed, Cancelled (by someone else), Timeout at the last split and Unknown end the
 *   source with an error: the caller falls back to the per-key APIs, never to "unused".
 * - the rows must account for every matched event (see logs-insights-query.ts): otherwise the
 *   result is refused.
 */
import type { LogsPort, LogsQueryStatistics, LogsQueryStatus } from '../../aws/ports.js';
import { AwsCallError, ExitCode, KscliError } from '../../errors.js';
import { buildUsageQuery, parseUsageRow, ROW_LIMIT, type KeyScope, type UsageRow } from './logs-insights-query.js';

export const MAX_CONCURRENT = 4;
export const MAX_TIME_SPLITS = 3;
/** Key-ID prefix characters: UUID hex digits, and "m" for multi-Region keys (mrk-...). */
const ID_CHARS = '0123456789abcdefm'.split('');

/** A query that did not complete: the evidence source is unusable for this run. */
export class LogsQueryFailed extends Error {
  constructor(
    readonly status: LogsQueryStatus | 'Rejected',
    message: string,
  ) {
    super(message);
    this.name = 'LogsQueryFailed';
  }
}

/** One query kscli ran (for the JSON document and the bill: bytesScanned is what AWS charges). */
export interface QueryRecord {
  queryId: string;
  status: LogsQueryStatus;
  start: Date;
  end: Date;
  rows: number;
  statistics: LogsQueryStatistics;
}

export interface QueryProgress {
  /** queries started so far, finished so far */
  started: number;
  finished: number;
  /** the status of the query polled last */
  status: LogsQueryStatus;
  recordsScanned: number;
  bytesScanned: number;
}

export interface RunnerOptions {
  logs: LogsPort;
  /** names, or ARNs for another account's group */
  logGroupIdentifiers: string[];
  owners: string[];
  signal?: AbortSignal;
  onProgress?: (p: QueryProgress) => void;
  /** waits between polls (tests replace it) */
  sleep?: (ms: number) => Promise<void>;
  rowLimit?: number;
}

export interface RunnerResult {
  rows: UsageRow[];
  queries: QueryRecord[];
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const interrupted = () =>
  new KscliError(ExitCode.Interrupted, 'interrupted: the Logs Insights queries were stopped (StopQuery)');

/** A tiny semaphore: at most `n` holders. */
function limiter(n: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/**
 * Splits a scope in parts that each may return fewer rows: the `in` list in halves, a key-ID
 * prefix into its 17 one-character extensions. null when it cannot be split further.
 */
export function splitScope(scope: KeyScope): KeyScope[] | null {
  if (scope.kind === 'arns') {
    if (scope.arns.length < 2) return null;
    const mid = Math.ceil(scope.arns.length / 2);
    return [
      { kind: 'arns', arns: scope.arns.slice(0, mid) },
      { kind: 'arns', arns: scope.arns.slice(mid) },
    ];
  }
  if (scope.idPrefix.length >= 4) return null;
  return ID_CHARS.map((c) => ({ ...scope, idPrefix: scope.idPrefix + c }));
}

/** Runs the usage query over [start, end] for `scope`, splitting as AWS's limits demand. */
export async function runUsageQueries(
  scope: KeyScope,
  start: Date,
  end: Date,
  opts: RunnerOptions,
): Promise<RunnerResult> {
  const sleep = opts.sleep ?? realSleep;
  const rowLimit = opts.rowLimit ?? ROW_LIMIT;
  const slot = limiter(MAX_CONCURRENT);
  const queries: QueryRecord[] = [];
  const running = new Set<string>();
  const scanned = new Map<string, LogsQueryStatistics>();
  let started = 0;
  let finished = 0;

  const report = (status: LogsQueryStatus) => {
    let recordsScanned = 0;
    let bytesScanned = 0;
    for (const s of scanned.values()) {
      recordsScanned += s.recordsScanned;
      bytesScanned += s.bytesScanned;
    }
    opts.onProgress?.({ started, finished, status, recordsScanned, bytesScanned });
  };

  const stopAll = async () => {
    // every query still running is stopped, whatever else fails
    await Promise.all([...running].map((id) => opts.logs.stopQuery(id).catch(() => false)));
    running.clear();
  };

  const startQuery = async (queryString: string, s: Date, e: Date): Promise<string> => {
    for (let attempt = 0; ; attempt++) {
      if (opts.signal?.aborted) throw interrupted();
      try {
        return await opts.logs.startQuery({
          logGroupIdentifiers: opts.logGroupIdentifiers,
          startTime: s,
          endTime: e,
          queryString,
          limit: rowLimit,
        });
      } catch (err) {
        // the account's concurrency limit (other users' queries, dashboards): wait for a slot
        if (err instanceof AwsCallError && err.code === 'LimitExceededException' && attempt < 8) {
          await sleep(Math.min(30_000, 1000 * 2 ** attempt));
          continue;
        }
        if (err instanceof AwsCallError && err.code === 'MalformedQueryException') {
          throw new LogsQueryFailed(
            'Rejected',
            `Logs Insights rejected kscli's query (MalformedQueryException: ${err.message})`,
          );
        }
        throw err;
      }
    }
  };

  /** One query to its end: the rows, or LogsQueryFailed. */
  const runOne = (sc: KeyScope, s: Date, e: Date): Promise<{ rows: UsageRow[]; statistics: LogsQueryStatistics }> =>
    slot(async () => {
      const queryId = await startQuery(buildUsageQuery(sc, opts.owners), s, e);
      running.add(queryId);
      started++;
      report('Scheduled');
      let pollMs = 250;
      try {
        for (;;) {
          if (opts.signal?.aborted) throw interrupted();
          const r = await opts.logs.getQueryResults(queryId);
          scanned.set(queryId, r.statistics);
          report(r.status);
          if (r.status === 'Complete') {
            running.delete(queryId);
            finished++;
            queries.push({
              queryId,
              status: r.status,
              start: s,
              end: e,
              rows: r.rows.length,
              statistics: r.statistics,
            });
            return { rows: r.rows.map(parseUsageRow), statistics: r.statistics };
          }
          if (r.status !== 'Scheduled' && r.status !== 'Running') {
            running.delete(queryId);
            finished++;
            queries.push({ queryId, status: r.status, start: s, end: e, rows: 0, statistics: r.statistics });
            throw new LogsQueryFailed(r.status, `Logs Insights query ${queryId} ended ${r.status}`);
          }
          await waitOrAbort(sleep, pollMs, opts.signal);
          pollMs = Math.min(2000, Math.round(pollMs * 1.5));
        }
      } finally {
        if (running.has(queryId)) {
          running.delete(queryId);
          await opts.logs.stopQuery(queryId).catch(() => false);
        }
      }
    });

  const run = async (sc: KeyScope, s: Date, e: Date, timeSplits: number): Promise<UsageRow[]> => {
    let result: { rows: UsageRow[]; statistics: LogsQueryStatistics };
    try {
      result = await runOne(sc, s, e);
    } catch (err) {
      if (
        err instanceof LogsQueryFailed &&
        err.status === 'Timeout' &&
        timeSplits < MAX_TIME_SPLITS &&
        e.getTime() - s.getTime() > 2000
      ) {
        const mid = new Date(Math.floor((s.getTime() + (e.getTime() - s.getTime()) / 2) / 1000) * 1000);
        // the halves share no second: StartQuery's ends are inclusive, in whole seconds
        const parts = await Promise.all([
          run(sc, s, new Date(mid.getTime() - 1000), timeSplits + 1),
          run(sc, mid, e, timeSplits + 1),
        ]);
        return parts.flat();
      }
      throw err;
    }
    if (result.rows.length >= rowLimit) {
      const parts = splitScope(sc);
      if (!parts)
        throw new LogsQueryFailed(
          'Rejected',
          `a Logs Insights result reached the ${rowLimit}-row limit and the keys cannot be split further`,
        );
      return (await Promise.all(parts.map((p) => run(p, s, e, timeSplits)))).flat();
    }
    const counted = result.rows.reduce((n, r) => n + r.calls, 0);
    if (counted < result.statistics.recordsMatched) {
      throw new LogsQueryFailed(
        'Rejected',
        `the Logs Insights result accounts for ${counted} of ${result.statistics.recordsMatched} matched events (groups with an absent field were dropped?): refusing it rather than missing use`,
      );
    }
    return result.rows;
  };

  const onAbort = () => void stopAll();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const rows = await run(scope, start, end, 0);
    return { rows, queries };
  } catch (err) {
    await stopAll();
    if (opts.signal?.aborted) throw interrupted();
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

async function waitOrAbort(sleep: (ms: number) => Promise<void>, ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return sleep(ms);
  await Promise.race([
    sleep(ms),
    new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })),
  ]);
}
