/**
 * The evaluator: compiles a parsed query into an Execution that consumes log records in chunks
 * (so that a query can progress while the sandbox "scans", with partial results at any time) and
 * produces result rows on demand.
 *
 * The commands before the first barrier (filter, fields, parse, display) run per record as it is
 * scanned. The first barrier decides what is kept: `stats` keeps one aggregator set per group
 * (memory in groups, not records); otherwise the matching records are kept as references and the
 * rest of the pipeline (sort, limit, dedup, a stats after them, ...) runs when results are asked
 * for. Queries without stats and without sort come out newest first (`@timestamp desc`), as the
 * console shows them (the API's order for that case is not documented: UNCONFIRMED).
 */
import type { Command, Expr, Projection, Query } from './ast.js';
import {
  AGGREGATES,
  asNumber,
  callScalar,
  compareValues,
  formatValue,
  makeAggregator,
  TIME_SCALARS,
  valuesEqual,
  type Aggregator,
  type Value,
} from './functions.js';
import { compareText } from '../../../../util/text-order.js';

/** Where the records come from: log group `g`, record `i` of that group. */
export interface RecordSource {
  /** a reader of field `name` (a JSON path like `resources.0.ARN`, or a system field) over group g */
  field(g: number, name: string): (i: number) => Value;
  /** @timestamp, epoch ms */
  time(g: number, i: number): number;
  /** the @ptr of a record */
  ptr(g: number, i: number): string;
}

/** A record (i >= 0) with the fields commands computed for it, or a stats row (i = -1, all in x). */
interface Item {
  g: number;
  i: number;
  x?: Record<string, Value>;
}

type Getter = (it: Item) => Value;

export interface ResultField {
  field: string;
  value: string;
}

/** Names given to the aggregation slots of a stats item while it is computed. */
const SLOT = '\u0000agg';

class Compiler {
  /** names set by earlier commands (fields ... as, parse, stats): read from Item.x */
  readonly defined = new Set<string>();
  /** names whose values are times */
  readonly timeNames = new Set<string>(['@timestamp', '@ingestionTime']);
  /** after a stats, every name lives in Item.x */
  rowsOnly = false;

  constructor(
    private readonly source: RecordSource,
    private readonly groups: number,
  ) {}

  isTime(e: Expr): boolean {
    if (e.kind === 'field') return this.timeNames.has(e.name);
    if (e.kind === 'call') {
      if (TIME_SCALARS.has(e.name)) return true;
      if (['min', 'max', 'earliest', 'latest', 'coalesce', 'greatest', 'least'].includes(e.name))
        return e.args.length > 0 && e.args.every((a) => this.isTime(a));
    }
    return false;
  }

  field(name: string): Getter {
    // after a stats, and for names computed by earlier commands (set on every item they pass), x
    // holds the value
    if (this.rowsOnly || this.defined.has(name)) return (it) => it.x?.[name];
    const readers: Array<(i: number) => Value> = [];
    for (let g = 0; g < this.groups; g++) readers.push(this.source.field(g, name));
    if (this.groups === 1) {
      const r = readers[0]!;
      return (it) => (it.i < 0 ? undefined : r(it.i));
    }
    return (it) => (it.i < 0 ? undefined : readers[it.g]!(it.i));
  }

  expr(e: Expr, slots?: Map<Expr, string>): Getter {
    switch (e.kind) {
      case 'field':
        return this.field(e.name);
      case 'literal': {
        const v = e.value;
        return () => v;
      }
      case 'duration': {
        const v = e.ms;
        return () => v;
      }
      case 'regex':
        return () => e.source;
      case 'star':
        return () => 1;
      case 'list':
        return () => undefined;
      case 'unary': {
        const a = this.expr(e.arg, slots);
        if (e.op === '-') {
          return (it) => {
            const n = asNumber(a(it));
            return n === undefined ? undefined : -n;
          };
        }
        return (it) => (truthy(a(it)) ? 0 : 1);
      }
      case 'call':
        return this.call(e, slots);
      case 'binary':
        return this.binary(e, slots);
    }
  }

  private call(e: Extract<Expr, { kind: 'call' }>, slots?: Map<Expr, string>): Getter {
    if (AGGREGATES.has(e.name)) {
      const slot = slots?.get(e);
      if (slot === undefined) throw new Error(`aggregation ${e.name} outside stats`);
      return (it) => it.x?.[slot];
    }
    if (e.name === 'bin') {
      const period = this.expr(e.args[0]!, slots);
      const ts = this.field('@timestamp');
      return (it) => {
        const p = asNumber(period(it));
        const t = asNumber(ts(it));
        return p === undefined || p <= 0 || t === undefined ? undefined : Math.floor(t / p) * p;
      };
    }
    if (e.name === 'ispresent') {
      const a = this.expr(e.args[0]!, slots);
      return (it) => (a(it) !== undefined ? 1 : 0);
    }
    const args = e.args.map((a) => this.expr(a, slots));
    const name = e.name;
    if (args.length === 1) {
      const a = args[0]!;
      return (it) => callScalar(name, [a(it)]);
    }
    return (it) =>
      callScalar(
        name,
        args.map((a) => a(it)),
      );
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>, slots?: Map<Expr, string>): Getter {
    const l = this.expr(e.left, slots);
    switch (e.op) {
      case 'and': {
        const r = this.expr(e.right, slots);
        return (it) => (truthy(l(it)) && truthy(r(it)) ? 1 : 0);
      }
      case 'or': {
        const r = this.expr(e.right, slots);
        return (it) => (truthy(l(it)) || truthy(r(it)) ? 1 : 0);
      }
      case 'in':
      case 'not in': {
        const list = (e.right as Extract<Expr, { kind: 'list' }>).items.map((item) =>
          item.kind === 'literal' ? item.value : -(item as { arg: { value: number } }).arg.value,
        );
        // sets, not a scan of the list: kscli puts thousands of key ARNs in one list
        const strings = new Set(list.map(String));
        const numbers = new Set(list.map((x) => asNumber(x)).filter((n): n is number => n !== undefined));
        const neg = e.op === 'not in' ? 1 : 0;
        // complete-string match (A2), or the same number; a missing field is in no list and
        // "not in" every list
        return (it) => {
          const v = l(it);
          if (v === undefined) return neg;
          if (strings.has(String(v))) return 1 ^ neg;
          if (numbers.size === 0) return neg;
          const n = asNumber(v);
          return (n !== undefined && numbers.has(n) ? 1 : 0) ^ neg;
        };
      }
      case 'like':
      case 'not like':
      case '=~': {
        const neg = e.op === 'not like' ? 1 : 0;
        if (e.right.kind === 'regex') {
          const re = new RegExp(e.right.source, e.right.flags);
          return (it) => {
            const v = l(it);
            if (v === undefined) return neg;
            return (re.test(String(v)) ? 1 : 0) ^ neg;
          };
        }
        const r = this.expr(e.right, slots);
        // like "text": a substring match
        return (it) => {
          const v = l(it);
          const s = r(it);
          if (v === undefined || s === undefined) return neg;
          return (String(v).includes(String(s)) ? 1 : 0) ^ neg;
        };
      }
      case '=':
      case '!=': {
        const r = this.expr(e.right, slots);
        const want = e.op === '=';
        // a comparison with a missing field is false either way (UNCONFIRMED: SQL-like; use
        // ispresent() or not (...) to be explicit)
        return (it) => {
          const a = l(it);
          const b = r(it);
          if (a === undefined || b === undefined) return 0;
          return valuesEqual(a, b) === want ? 1 : 0;
        };
      }
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const r = this.expr(e.right, slots);
        const op = e.op;
        return (it) => {
          const a = l(it);
          const b = r(it);
          if (a === undefined || b === undefined) return 0;
          const c = compareValues(a, b);
          return (op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0) ? 1 : 0;
        };
      }
      default: {
        const r = this.expr(e.right, slots);
        const op = e.op;
        return (it) => {
          const a = asNumber(l(it));
          const b = asNumber(r(it));
          if (a === undefined || b === undefined) return undefined;
          switch (op) {
            case '+':
              return a + b;
            case '-':
              return a - b;
            case '*':
              return a * b;
            case '/':
              return b === 0 ? undefined : a / b;
            case '%':
              return b === 0 ? undefined : a % b;
            default:
              return a ** b;
          }
        };
      }
    }
  }
}

/** A condition holds when its value is present and neither 0 nor the empty string. */
function truthy(v: Value): boolean {
  return v !== undefined && v !== 0 && v !== '';
}

/** Per-record step of the streaming prefix: false drops the record. */
type Step = (it: Item) => boolean;

function projectionStep(c: Compiler, items: Projection[]): Step | undefined {
  // plain field references need no work: they are read when the row is output
  const computed = items.filter((p) => !(p.expr.kind === 'field' && p.expr.name === p.name));
  if (computed.length === 0) return undefined;
  const getters = computed.map((p) => c.expr(p.expr));
  const names = computed.map((p) => p.name);
  for (const p of computed) {
    if (c.isTime(p.expr)) c.timeNames.add(p.name);
    else c.timeNames.delete(p.name);
  }
  for (const n of names) c.defined.add(n);
  return (it) => {
    const values = getters.map((g) => g(it));
    const x = (it.x ??= {});
    for (let k = 0; k < names.length; k++) x[names[k]!] = values[k];
    return true;
  };
}

function parseStep(c: Compiler, cmd: Extract<Command, { kind: 'parse' }>): Step {
  const src = c.expr(cmd.source);
  let re: RegExp;
  if ('glob' in cmd.pattern) {
    const parts = cmd.pattern.glob.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    re = new RegExp(parts.join('(.*?)').replace(/\(\.\*\?\)$/, '(.*)'), 's');
  } else re = new RegExp(cmd.pattern.regex, cmd.pattern.flags);
  const names = cmd.names;
  const glob = 'glob' in cmd.pattern;
  for (const n of names) {
    c.defined.add(n);
    c.timeNames.delete(n);
  }
  return (it) => {
    const v = src(it);
    const m = v === undefined ? null : re.exec(String(v));
    const x = (it.x ??= {});
    for (let k = 0; k < names.length; k++) x[names[k]!] = m ? (glob ? m[k + 1] : m.groups?.[names[k]!]) : undefined;
    return true;
  };
}

/** A stats command: aggregators per group of `by` values. */
class StatsStage {
  private readonly groups = new Map<string, { by: Value[]; aggs: Aggregator[] }>();
  private readonly byGetters: Getter[];
  private readonly aggArgs: Array<{ name: string; arg: Getter; star: boolean; param?: number }> = [];
  private readonly outputs: Array<{ name: string; get: Getter }>;
  readonly byNames: string[];
  private readonly time: (it: Item) => number;

  constructor(c: Compiler, cmd: Extract<Command, { kind: 'stats' }>, time: (it: Item) => number) {
    this.time = time;
    // `by bin(p) offset d`: "shift time-series bins by a specified duration" (the CWL guide's
    // time-series page). Read here as each bin's label moved by d (events in [t, t+p) are shown
    // at t+d); whether AWS also moves the scanned range is UNCONFIRMED, and the sandbox does not
    const offset = cmd.offsetMs ?? 0;
    this.byGetters = cmd.by.map((p) => {
      const get = c.expr(p.expr);
      if (!offset || p.expr.kind !== 'call' || p.expr.name !== 'bin') return get;
      return (it) => {
        const v = asNumber(get(it));
        return v === undefined ? undefined : v + offset;
      };
    });
    this.byNames = cmd.by.map((p) => p.name);
    const slots = new Map<Expr, string>();
    const visit = (e: Expr): void => {
      if (e.kind === 'call' && AGGREGATES.has(e.name)) {
        const slot = `${SLOT}${this.aggArgs.length}`;
        slots.set(e, slot);
        const a0 = e.args[0];
        const star = a0 === undefined || a0.kind === 'star';
        const param = e.name === 'pct' && e.args[1]?.kind === 'literal' ? asNumber(e.args[1].value) : undefined;
        this.aggArgs.push({
          name: e.name,
          arg: star ? () => 1 : c.expr(a0),
          star,
          ...(param !== undefined ? { param } : {}),
        });
        return;
      }
      if (e.kind === 'call') e.args.forEach(visit);
      else if (e.kind === 'unary') visit(e.arg);
      else if (e.kind === 'binary') {
        visit(e.left);
        visit(e.right);
      }
    };
    cmd.aggs.forEach((a) => visit(a.expr));
    const timeOut = new Set<string>();
    cmd.by.forEach((p) => c.isTime(p.expr) && timeOut.add(p.name));
    cmd.aggs.forEach((p) => c.isTime(p.expr) && timeOut.add(p.name));
    // from here on every name lives in the stats rows
    c.rowsOnly = true;
    c.defined.clear();
    c.timeNames.clear();
    for (const n of timeOut) c.timeNames.add(n);
    this.outputs = cmd.aggs.map((p) => ({ name: p.name, get: c.expr(p.expr, slots) }));
  }

  add(it: Item): void {
    const by = this.byGetters.map((g) => g(it));
    let key = '';
    for (const v of by) key += (typeof v === 'number' ? `n${v}` : v === undefined ? '-' : `s${v}`) + '\u0001';
    let group = this.groups.get(key);
    if (!group) {
      group = { by, aggs: this.aggArgs.map((a) => makeAggregator(a.name, a.star, a.param)) };
      this.groups.set(key, group);
    }
    const t = this.time(it);
    for (let k = 0; k < this.aggArgs.length; k++) group.aggs[k]!.add(this.aggArgs[k]!.arg(it), t);
  }

  rows(): Item[] {
    const out: Item[] = [];
    for (const group of this.groups.values()) {
      const x: Record<string, Value> = {};
      group.aggs.forEach((a, k) => (x[`${SLOT}${k}`] = a.result()));
      const row: Record<string, Value> = {};
      this.byNames.forEach((n, k) => (row[n] = group.by[k]));
      const tmp: Item = { g: 0, i: -1, x };
      for (const o of this.outputs) row[o.name] = o.get(tmp);
      out.push({ g: 0, i: -1, x: row });
    }
    return out;
  }

  get names(): string[] {
    return [...this.byNames, ...this.outputs.map((o) => o.name)];
  }
}

/** A command after the first barrier, applied to the whole list of items. */
type ListStage = (items: Item[]) => Item[];

export class Execution {
  private readonly steps: Step[] = [];
  private readonly stats: StatsStage | undefined;
  private readonly kept: Item[] = [];
  private readonly later: ListStage[] = [];
  private readonly output: Array<{ name: string; get: Getter }>;
  private readonly outputTime: Set<string>;
  /** rows come from stats: no @ptr */
  readonly aggregated: boolean;
  /** records that passed the per-record commands */
  matched = 0;

  constructor(
    readonly query: Query,
    private readonly source: RecordSource,
    groups: number,
  ) {
    const c = new Compiler(source, groups);
    const time = (it: Item): number => (it.i >= 0 ? source.time(it.g, it.i) : (asNumber(it.x?.['@timestamp']) ?? 0));
    const cmds = query.commands;
    let k = 0;
    // the streaming prefix
    for (; k < cmds.length; k++) {
      const cmd = cmds[k]!;
      if (cmd.kind === 'filter') {
        const cond = c.expr(cmd.cond);
        this.steps.push((it) => truthy(cond(it)));
      } else if (cmd.kind === 'fields' || cmd.kind === 'display') {
        const step = projectionStep(c, cmd.items);
        if (step) this.steps.push(step);
      } else if (cmd.kind === 'parse') this.steps.push(parseStep(c, cmd));
      else break;
    }
    let projection: Projection[] | undefined;
    let fieldsSeen: Projection[] = [];
    for (const cmd of cmds.slice(0, k)) {
      if (cmd.kind === 'display') projection = cmd.items;
      if (cmd.kind === 'fields') fieldsSeen = fieldsSeen.concat(cmd.items);
    }
    const first = cmds[k];
    let statsNames: string[] | undefined;
    if (first?.kind === 'stats') {
      this.stats = new StatsStage(c, first, time);
      statsNames = this.stats.names;
      fieldsSeen = [];
      k++;
    }
    // stats and pattern both turn records into rows (no @ptr, no default newest-first order)
    const hasStats = cmds.some((cmd) => cmd.kind === 'stats' || cmd.kind === 'pattern');
    // a limit or dedup with no sort before it works on the default order, newest first: `limit 3 |
    // sort x` sorts the 3 newest events (a sort later in the query does not choose what limit kept)
    let sorted = false;
    for (; k < cmds.length; k++) {
      const cmd = cmds[k]!;
      // `limit any N` takes the first N events the scan finds: no order is promised, so none is made
      const anyOrder = cmd.kind === 'limit' && cmd.any === true;
      if (!sorted && !hasStats && !anyOrder && (cmd.kind === 'limit' || cmd.kind === 'dedup')) {
        this.later.push(
          sortStage(c, [
            { expr: { kind: 'field', name: '@timestamp', start: 0, end: 0 }, name: '@timestamp', desc: true },
          ]),
        );
        sorted = true;
      }
      switch (cmd.kind) {
        case 'filter': {
          const cond = c.expr(cmd.cond);
          this.later.push((items) => items.filter((it) => truthy(cond(it))));
          break;
        }
        case 'fields':
        case 'display': {
          const step = projectionStep(c, cmd.items);
          if (step) this.later.push((items) => items.map((it) => (step(it), it)));
          if (cmd.kind === 'display') projection = cmd.items;
          else fieldsSeen = fieldsSeen.concat(cmd.items);
          break;
        }
        case 'parse': {
          const step = parseStep(c, cmd);
          this.later.push((items) => items.map((it) => (step(it), it)));
          break;
        }
        case 'sort': {
          sorted = true;
          // after stats, a key written as a stats column's expression (`sort bin(1d) desc` after
          // `stats ... by bin(1d)`) names that column: recomputing it from the row, which has no
          // @timestamp, gave every row the same (missing) key, and the sort was silently a no-op
          const names = statsNames;
          const keys = names
            ? cmd.keys.map((k) =>
                k.expr.kind !== 'field' && names.includes(k.name)
                  ? { ...k, expr: { kind: 'field' as const, name: k.name, start: k.expr.start, end: k.expr.end } }
                  : k,
              )
            : cmd.keys;
          this.later.push(sortStage(c, keys));
          break;
        }
        case 'pattern': {
          const stage = patternStage(c, cmd.source);
          statsNames = [...PATTERN_FIELDS];
          fieldsSeen = [];
          projection = undefined;
          this.later.push(stage);
          break;
        }
        case 'limit': {
          const n = cmd.n;
          this.later.push((items) => items.slice(0, n));
          break;
        }
        case 'dedup': {
          const getters = cmd.fields.map((p) => c.expr(p.expr));
          this.later.push((items) => {
            const seen = new Set<string>();
            return items.filter((it) => {
              const vs = getters.map((g) => g(it));
              // NULLs are never duplicates (A2)
              if (vs.some((v) => v === undefined)) return true;
              const key = vs.map((v) => `${typeof v}:${String(v)}`).join('\u0001');
              if (seen.has(key)) return false;
              seen.add(key);
              return true;
            });
          });
          break;
        }
        case 'stats': {
          const stage = new StatsStage(c, cmd, time);
          statsNames = stage.names;
          fieldsSeen = [];
          projection = undefined;
          this.later.push((items) => {
            for (const it of items) stage.add(it);
            return stage.rows();
          });
          break;
        }
      }
    }
    if (!hasStats && !sorted)
      this.later.push(
        sortStage(c, [
          { expr: { kind: 'field', name: '@timestamp', start: 0, end: 0 }, name: '@timestamp', desc: true },
        ]),
      );
    this.aggregated = hasStats;

    // what a result row shows: the last display, else the fields listed (after the last stats: its
    // columns and the fields added after it), else @timestamp and @message
    let names: Projection[];
    if (projection) names = projection;
    else if (statsNames)
      names = [
        ...statsNames.map((n) => ({ expr: { kind: 'field', name: n, start: 0, end: 0 } as Expr, name: n })),
        ...fieldsSeen.filter((p) => !statsNames!.includes(p.name)),
      ];
    else if (fieldsSeen.length > 0) names = dedupeByName(fieldsSeen);
    else
      names = ['@timestamp', '@message'].map((n) => ({
        expr: { kind: 'field', name: n, start: 0, end: 0 } as Expr,
        name: n,
      }));
    // output reads names as they stand at the end (computed ones from x)
    this.output = dedupeByName(names).map((p) => ({ name: p.name, get: c.field(p.name) }));
    this.outputTime = new Set([...c.timeNames]);
  }

  /** Consumes records [from, to) of group g. */
  feed(g: number, from: number, to: number): void {
    const steps = this.steps;
    const ns = steps.length;
    for (let i = from; i < to; i++) {
      const it: Item = { g, i };
      let pass = true;
      for (let s = 0; s < ns; s++) {
        if (!steps[s]!(it)) {
          pass = false;
          break;
        }
      }
      if (!pass) continue;
      this.matched++;
      if (this.stats) this.stats.add(it);
      else this.kept.push(it);
    }
  }

  /** The result rows so far (partial while records remain), at most `limit`. */
  results(limit: number): ResultField[][] {
    let items: Item[] = this.stats ? this.stats.rows() : this.kept.slice();
    for (const stage of this.later) items = stage(items);
    if (items.length > limit) items = items.slice(0, limit);
    return items.map((it) => {
      const row: ResultField[] = [];
      for (const o of this.output) {
        const v = o.get(it);
        if (v !== undefined) row.push({ field: o.name, value: formatValue(v, this.outputTime.has(o.name)) });
      }
      if (!this.aggregated && it.i >= 0 && !this.output.some((o) => o.name === '@ptr'))
        row.push({ field: '@ptr', value: this.source.ptr(it.g, it.i) });
      return row;
    });
  }
}

/** The rows `pattern` makes, in the order AWS lists them. */
const PATTERN_FIELDS = ['@pattern', '@ratio', '@sampleCount', '@severityLabel'] as const;

/**
 * `pattern <expr>` (CWL_QuerySyntax-Pattern): clusters the values into shared text structures.
 * AWS's clustering is machine learning; the sandbox's is a fixed rule that gives the documented
 * shape: the value is cut into words at spaces and punctuation, a word holding a digit (an ID, a
 * count, a time, an address) is a dynamic token shown as `<Token-N>` (N its place among the
 * dynamic tokens: the documented form when the token's type is not inferred), and values with the
 * same structure share a row: @sampleCount events, @ratio of all the events the pattern command
 * saw, @severityLabel from a level word (Error, Warning, Info, Debug; absent when none: the
 * documented labels have no "none", UNCONFIRMED). Rows come most frequent first (the console's
 * order; the API's is UNCONFIRMED); a later sort, filter or limit works on them like on stats rows.
 */
function patternStage(c: Compiler, source: Expr): ListStage {
  const get = c.expr(source);
  // from here on the rows hold every name
  c.rowsOnly = true;
  c.defined.clear();
  c.timeNames.clear();
  return (items) => {
    const groups = new Map<string, { count: number; severity?: string }>();
    let total = 0;
    for (const it of items) {
      const v = get(it);
      if (v === undefined) continue;
      total++;
      const text = String(v);
      const pattern = patternOf(text);
      const g = groups.get(pattern);
      if (g) g.count++;
      else {
        const severity = severityOf(text);
        groups.set(pattern, { count: 1, ...(severity ? { severity } : {}) });
      }
    }
    return [...groups.entries()]
      .sort((a, b) => b[1].count - a[1].count || compareText(a[0], b[0]))
      .map(([pattern, g]) => ({
        g: 0,
        i: -1,
        x: {
          '@pattern': pattern,
          '@ratio': Math.round((g.count / total) * 100) / 100,
          '@sampleCount': g.count,
          ...(g.severity ? { '@severityLabel': g.severity } : {}),
        },
      }));
  };
}

export function patternOf(text: string): string {
  let n = 0;
  return text
    .split(/([\s=:,;()[\]{}"'<>]+)/)
    .map((part, k) => (k % 2 === 0 && /\d/.test(part) ? `<Token-${++n}>` : part))
    .join('');
}

function severityOf(text: string): string | undefined {
  if (/\b(ERROR|ERR|FATAL|CRITICAL|SEVERE)\b/i.test(text)) return 'Error';
  if (/\bWARN(ING)?\b/i.test(text)) return 'Warning';
  if (/\bINFO\b/i.test(text)) return 'Info';
  if (/\b(DEBUG|TRACE)\b/i.test(text)) return 'Debug';
  return undefined;
}

function dedupeByName(items: Projection[]): Projection[] {
  const seen = new Set<string>();
  return items.filter((p) => (seen.has(p.name) ? false : (seen.add(p.name), true)));
}

function sortStage(c: Compiler, keys: Array<{ expr: Expr; name?: string; desc: boolean }>): ListStage {
  const getters = keys.map((k) => ({ get: c.expr(k.expr), sign: k.desc ? -1 : 1 }));
  return (items) => {
    const decorated = items.map((it) => ({ it, vs: getters.map((g) => g.get(it)) }));
    decorated.sort((a, b) => {
      for (let k = 0; k < getters.length; k++) {
        const x = a.vs[k];
        const y = b.vs[k];
        // missing values sort last either way
        if (x === undefined || y === undefined) {
          if (x === y) continue;
          return x === undefined ? 1 : -1;
        }
        const cmp = compareValues(x, y);
        if (cmp !== 0) return cmp * getters[k]!.sign;
      }
      return 0;
    });
    return decorated.map((d) => d.it);
  };
}
