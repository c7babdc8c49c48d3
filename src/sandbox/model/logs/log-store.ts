/**
 * The events stored in a log group (what Logs Insights queries read), and a column cache over them.
 *
 * A log group keeps its events in time order in `LogGroupRecord.events` (persisted with the
 * account): the CloudTrail event JSON as delivered, its time and its log stream. Retention
 * (`retentionInDays`, default never) and the sandbox's cap (`config.logEventCap`, oldest dropped
 * first, so that a long-running sandbox stays bounded) remove events from the front; `firstOrdinal`
 * counts what was removed, so that an @ptr (group + ordinal) stays valid while its event is kept.
 *
 * Queries read fields as columns: the first query that needs `resources.0.ARN` parses each event's
 * JSON once and keeps the field's values (strings interned), so later queries over the same fields
 * scan arrays instead of re-parsing 200,000 messages. Events delivered while a cache exists add
 * their values straight from the event object; so do the last few thousand delivered before it
 * (issue 17: the in-process property test's first query of each schedule parsed every event it
 * had just delivered, 4% of its CPU). Only events restored from a state file are parsed.
 */
import type { Account } from '../account.js';
import type { Value } from './logs-insights/functions.js';
import type { LogEventRecord, LogGroupRecord } from '../state.js';
import { DAY_MS } from '../state.js';

/** Interning stops for a column with more distinct strings than this (ids, times: no gain). */
const INTERN_LIMIT = 50_000;

class Column {
  readonly values: Value[] = [];
  private intern: Map<string, string> | undefined = new Map();
  constructor(readonly path: string[]) {}

  push(v: unknown): void {
    this.values.push(this.leaf(v));
  }

  private leaf(v: unknown): Value {
    if (typeof v === 'string') {
      const map = this.intern;
      if (!map) return v;
      const known = map.get(v);
      if (known !== undefined) return known;
      if (map.size >= INTERN_LIMIT) this.intern = undefined;
      else map.set(v, v);
      return v;
    }
    if (typeof v === 'number') return v;
    // Logs Insights shows JSON booleans as 1 and 0 (functions.ts)
    if (typeof v === 'boolean') return v ? 1 : 0;
    return undefined;
  }
}

/** Reads a flattened field (`resources.0.ARN`) from a parsed event. */
export function readPath(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** Per-group cache of JSON field columns. */
export class LogColumns {
  private readonly columns = new Map<string, Column>();

  constructor(readonly group: LogGroupRecord) {}

  /**
   * The values of JSON paths, filled up to the group's current length. Ask for all the paths a
   * query reads at once: the events are parsed once for all the columns they still lack.
   */
  columnsOf(names: string[], upTo?: number): Value[][] {
    const cols = names.map((name) => {
      let col = this.columns.get(name);
      if (!col) {
        col = new Column(name.split('.'));
        this.columns.set(name, col);
      }
      return col;
    });
    this.fill(upTo);
    return cols.map((c) => c.values);
  }

  /**
   * Parses the events no column has yet (up to index `upTo`, default all), once each, for every
   * column that lacks them. A query fills as it scans, so a first query over 200,000 events spreads
   * its parsing over its polls instead of blocking one of them.
   */
  fill(upTo?: number): void {
    const events = this.group.events ?? [];
    const end = Math.min(events.length, upTo ?? events.length);
    let lo = end;
    for (const c of this.columns.values()) lo = Math.min(lo, c.values.length);
    const cols = [...this.columns.values()];
    for (let i = lo; i < end; i++) {
      let parsed: unknown;
      let done = false;
      for (const c of cols) {
        if (c.values.length !== i) continue;
        if (!done) {
          parsed = objectOf(events[i]!);
          done = true;
        }
        c.push(readPath(parsed, c.path));
      }
    }
  }

  /** A just-delivered event: its values come from the object, no parse. */
  appended(event: unknown): void {
    const n = (this.group.events ?? []).length;
    for (const c of this.columns.values()) if (c.values.length === n - 1) c.push(readPath(event, c.path));
  }
}

const caches = new WeakMap<LogGroupRecord, LogColumns>();

/**
 * The event objects of recent deliveries, by their stored record: a column reads a field from the
 * object instead of parsing the message that was made from it (JSON.stringify of a CloudTrail
 * event, whose members are strings, numbers, booleans, null, arrays and plain objects, parses back
 * to the same values; recording-hot-paths.test.ts compares both). Bounded, so that a sandbox
 * serving for days does not keep every event twice: two generations of MAX_DELIVERED deliveries
 * each, the older dropped when the newer is full (at least the last MAX_DELIVERED are held); what
 * is no longer held is parsed.
 */
const MAX_DELIVERED = 2048;
let recent = new WeakMap<LogEventRecord, unknown>();
let older = new WeakMap<LogEventRecord, unknown>();
let recentCount = 0;

function remember(record: LogEventRecord, event: unknown): void {
  if (recentCount === MAX_DELIVERED) {
    older = recent;
    recent = new WeakMap();
    recentCount = 0;
  }
  recent.set(record, event);
  recentCount++;
}

/** An event's fields: the delivered object when it is still held, else its parsed message (undefined when not JSON). */
function objectOf(record: LogEventRecord): unknown {
  const known = recent.get(record) ?? older.get(record);
  if (known !== undefined) return known;
  try {
    return JSON.parse(record.m) as unknown;
  } catch {
    return undefined;
  }
}

export function columnsOf(group: LogGroupRecord): LogColumns {
  let c = caches.get(group);
  if (!c) caches.set(group, (c = new LogColumns(group)));
  return c;
}

export function logStreamName(acc: Account, region: string): string {
  // CloudTrail's stream naming: <account_ID>_CloudTrail_<trail_region> (A3)
  return `${acc.accountId}_CloudTrail_${region}`;
}

/** The oldest time a group still keeps events from (retention), or -Infinity. */
export function retentionCutoff(group: LogGroupRecord, now: number): number {
  return group.retentionInDays ? now - group.retentionInDays * DAY_MS : Number.NEGATIVE_INFINITY;
}

/** Stores one event in a group (events arrive in time order; a late one is inserted in place). */
export function storeLogEvent(
  acc: Account,
  group: LogGroupRecord,
  event: Record<string, unknown>,
  json: string,
  t: number,
): void {
  const events = (group.events ??= []);
  const record: LogEventRecord = {
    t,
    m: json,
    s: logStreamName(acc, typeof event.awsRegion === 'string' ? event.awsRegion : acc.region),
  };
  remember(record, event);
  if (events.length > 0 && events[events.length - 1]!.t > t) {
    // out of order (a scenario writing history): keep the array sorted; the column cache restarts
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (events[mid]!.t <= t) lo = mid + 1;
      else hi = mid;
    }
    events.splice(lo, 0, record);
    caches.delete(group);
  } else {
    events.push(record);
    caches.get(group)?.appended(event);
  }
  pruneLogGroup(acc, group, acc.nowMs(), false);
}

/**
 * Drops events past retention and beyond the cap. Batched (unless `force`): the front is cut only
 * when it is a day past retention or 1/16 over the cap, so that appends stay O(1).
 */
export function pruneLogGroup(acc: Account, group: LogGroupRecord, now: number, force: boolean): void {
  const events = group.events;
  if (!events || events.length === 0) return;
  const cap = acc.state.config.logEventCap;
  const cutoff = retentionCutoff(group, now);
  const over = events.length - cap;
  const stale = events[0]!.t < cutoff - (force ? 0 : DAY_MS);
  if (!stale && over <= (force ? 0 : Math.max(1, cap >> 4))) return;
  let drop = Math.max(0, over);
  while (drop < events.length && events[drop]!.t < cutoff) drop++;
  if (drop === 0) return;
  events.splice(0, drop);
  group.firstOrdinal = (group.firstOrdinal ?? 0) + drop;
  caches.delete(group);
  acc.dirty = true;
}

/** Index of the first event with t >= time (events are in time order). */
export function lowerBound(events: LogEventRecord[], time: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid]!.t < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
