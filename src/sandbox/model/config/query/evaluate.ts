/**
 * Runs a parsed advanced query over configuration items (plain JSON objects).
 *
 * Semantics (the Config guide, "Query components", "Limitations", "Multiple properties within an
 * array"):
 * - a path through an array reaches every element: a condition holds when ANY value at the path
 *   satisfies it, and two conditions on one array may be met by different elements (what AWS
 *   documents for arrays of objects);
 * - a missing property satisfies no comparison; `!=` and NOT are the negation of the positive
 *   test, so they hold for items that lack the property (no NULL tests exist to ask otherwise);
 * - numbers compare as numbers when the literal is a number and the value is numeric, everything
 *   else as case-sensitive text (dates are ISO-8601 text, so text order is time order);
 * - GROUP BY puts an item in the group of each value it holds at the path and leaves out items
 *   without one (a terms aggregation); aggregates without GROUP BY make one row, even over none;
 * - a result is the item projected on the selected paths, nested as in the item (arrays kept).
 */
import type { Condition, Literal, Query, SelectItem } from './ast.js';
import { selectName } from './ast.js';

export type Item = Record<string, unknown>;

const splitCache = new Map<string, string[]>();

function segments(path: string): string[] {
  let segs = splitCache.get(path);
  if (!segs) {
    if (splitCache.size > 10_000) splitCache.clear();
    splitCache.set(path, (segs = path.split('.')));
  }
  return segs;
}

function walk(node: unknown, segs: string[], i: number, out: unknown[]): void {
  if (node === undefined || node === null) return;
  if (Array.isArray(node)) {
    for (const e of node) walk(e, segs, i, out);
    return;
  }
  if (i === segs.length) {
    if (typeof node !== 'object') out.push(node);
    return;
  }
  if (typeof node !== 'object') return;
  walk((node as Record<string, unknown>)[segs[i]!], segs, i + 1, out);
}

/** The scalar values at a dotted path (arrays flattened at every level). */
export function valuesAt(item: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  walk(item, segments(path), 0, out);
  return out;
}

function isNumeric(v: unknown): boolean {
  return typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));
}

/** <0, 0, >0; undefined when the value cannot be compared with the literal. */
function order(v: unknown, lit: Literal): number | undefined {
  if (typeof lit === 'number') {
    if (!isNumeric(v)) return undefined;
    return Number(v) - lit;
  }
  const a = String(v);
  const b = String(lit);
  return a < b ? -1 : a > b ? 1 : 0;
}

function equal(v: unknown, lit: Literal): boolean {
  if (typeof lit === 'number') return isNumeric(v) && Number(v) === lit;
  return String(v) === String(lit);
}

export type Predicate = (item: Item) => boolean;

export function compileCondition(c: Condition): Predicate {
  switch (c.kind) {
    case 'and': {
      const l = compileCondition(c.left);
      const r = compileCondition(c.right);
      return (it) => l(it) && r(it);
    }
    case 'or': {
      const l = compileCondition(c.left);
      const r = compileCondition(c.right);
      return (it) => l(it) || r(it);
    }
    case 'not': {
      const o = compileCondition(c.operand);
      return (it) => !o(it);
    }
    case 'compare': {
      const { path, value } = c;
      if (c.op === '=') return (it) => valuesAt(it, path).some((v) => equal(v, value));
      if (c.op === '!=') return (it) => !valuesAt(it, path).some((v) => equal(v, value));
      const test: (n: number) => boolean =
        c.op === '<' ? (n) => n < 0 : c.op === '<=' ? (n) => n <= 0 : c.op === '>' ? (n) => n > 0 : (n) => n >= 0;
      return (it) =>
        valuesAt(it, path).some((v) => {
          const o = order(v, value);
          return o !== undefined && test(o);
        });
    }
    case 'in': {
      // one Set lookup per value: an IN list of hundreds of key ARNs stays cheap over 50,000 items
      const texts = new Set(c.values.filter((x) => typeof x !== 'number').map(String));
      const numbers = new Set(c.values.filter((x): x is number => typeof x === 'number'));
      const { path } = c;
      return (it) =>
        valuesAt(it, path).some(
          (v) => texts.has(String(v)) || (numbers.size > 0 && isNumeric(v) && numbers.has(Number(v))),
        );
    }
    case 'between': {
      const { path, low, high } = c;
      return (it) =>
        valuesAt(it, path).some((v) => {
          const a = order(v, low);
          const b = order(v, high);
          return a !== undefined && b !== undefined && a >= 0 && b <= 0;
        });
    }
    case 'prefix': {
      const { path, prefix } = c;
      return (it) => valuesAt(it, path).some((v) => typeof v === 'string' && v.startsWith(prefix));
    }
  }
}

/** The item reduced to one path, nested as in the item; undefined when nothing is there. */
function project(node: unknown, segs: string[], i = 0): unknown {
  if (node === undefined || node === null) return undefined;
  if (i === segs.length) return node;
  if (Array.isArray(node)) {
    const parts = node.map((e) => project(e, segs, i)).filter((e) => e !== undefined);
    return parts.length > 0 ? parts : undefined;
  }
  if (typeof node !== 'object') return undefined;
  const v = project((node as Record<string, unknown>)[segs[i]!], segs, i + 1);
  return v === undefined ? undefined : { [segs[i]!]: v };
}

function merge(a: unknown, b: unknown): unknown {
  if (Array.isArray(a) && Array.isArray(b)) return a.map((x, i) => (i < b.length ? merge(x, b[i]) : x));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b as Record<string, unknown>)) out[k] = k in out ? merge(out[k], v) : v;
    return out;
  }
  return b;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const segs = path.split('.');
  let node = obj;
  for (let i = 0; i < segs.length - 1; i++) {
    const next = node[segs[i]!];
    if (typeof next !== 'object' || next === null) node[segs[i]!] = {};
    node = node[segs[i]!] as Record<string, unknown>;
  }
  node[segs[segs.length - 1]!] = value;
}

function compareValues(a: unknown, b: unknown): number {
  if (a === undefined) return b === undefined ? 0 : 1;
  if (b === undefined) return -1;
  if (isNumeric(a) && isNumeric(b)) return Number(a) - Number(b);
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export interface QueryResult {
  fields: string[];
  rows: Item[];
}

function aggregate(fn: SelectItem & { kind: 'aggregate' }, items: Item[]): number | undefined {
  if (fn.fn === 'COUNT')
    return fn.path === undefined ? items.length : items.filter((it) => valuesAt(it, fn.path!).length > 0).length;
  const nums: number[] = [];
  for (const it of items) for (const v of valuesAt(it, fn.path!)) if (isNumeric(v)) nums.push(Number(v));
  if (nums.length === 0) return undefined;
  switch (fn.fn) {
    case 'SUM':
      return nums.reduce((s, n) => s + n, 0);
    case 'AVG':
      return nums.reduce((s, n) => s + n, 0) / nums.length;
    case 'MIN':
      return Math.min(...nums);
    default:
      return Math.max(...nums);
  }
}

export function isAggregateQuery(q: Query): boolean {
  return q.select.some((s) => s.kind === 'aggregate');
}

/** Positions of the items holding each value at a path (text of the value), built once per data version. */
export type ValueIndex = (path: string) => Map<string, number[]>;

export function buildIndex(items: Item[], path: string): Map<string, number[]> {
  const index = new Map<string, number[]>();
  for (let i = 0; i < items.length; i++)
    for (const v of new Set(valuesAt(items[i], path).map(String))) {
      let list = index.get(v);
      if (!list) index.set(v, (list = []));
      list.push(i);
    }
  return index;
}

function conjuncts(c: Condition): Condition[] {
  return c.kind === 'and' ? [...conjuncts(c.left), ...conjuncts(c.right)] : [c];
}

/**
 * The items a WHERE can only match, from the index of its most selective `path = 'text'` or
 * `path IN ('text', ...)` conjunct (the query kscli sends: key ARNs in an IN list), in item order;
 * undefined when no conjunct can use an index. The full condition still runs on each candidate.
 */
function candidates(where: Condition, items: Item[], index: ValueIndex): Item[] | undefined {
  let best: Set<number> | undefined;
  for (const c of conjuncts(where)) {
    let path: string;
    let values: Literal[];
    if (c.kind === 'in') [path, values] = [c.path, c.values];
    else if (c.kind === 'compare' && c.op === '=') [path, values] = [c.path, [c.value]];
    else continue;
    // numbers compare numerically ('5.0' = 5): only text literals match the index's text exactly
    if (values.some((v) => typeof v !== 'string')) continue;
    const idx = index(path);
    const hits = new Set<number>();
    for (const v of values) for (const i of idx.get(v as string) ?? []) hits.add(i);
    if (!best || hits.size < best.size) best = hits;
  }
  return best ? [...best].sort((a, b) => a - b).map((i) => items[i]!) : undefined;
}

export function runQuery(q: Query, all: Item[], index?: ValueIndex): QueryResult {
  const where = q.where ? compileCondition(q.where) : undefined;
  const items = (q.where && index && candidates(q.where, all, index)) || all;
  const matched: Item[] = [];
  for (const it of items) if (!where || where(it)) matched.push(it);
  const fields = q.star ? ['*'] : q.select.map(selectName);

  if (isAggregateQuery(q)) {
    const groups = new Map<string, { key: unknown[]; items: Item[] }>();
    if (q.groupBy.length === 0) groups.set('', { key: [], items: matched });
    else
      for (const it of matched) {
        // every combination of the values the item holds at the grouped paths
        let combos: unknown[][] = [[]];
        for (const path of q.groupBy) {
          const vals = [...new Set(valuesAt(it, path))];
          combos = combos.flatMap((c) => vals.map((v) => [...c, v]));
        }
        for (const key of combos) {
          const id = JSON.stringify(key);
          let g = groups.get(id);
          if (!g) groups.set(id, (g = { key, items: [] }));
          g.items.push(it);
        }
      }
    const rows: Item[] = [];
    for (const g of groups.values()) {
      const row: Item = {};
      q.groupBy.forEach((path, i) => setPath(row, path, g.key[i]));
      for (const s of q.select) {
        if (s.kind !== 'aggregate') continue;
        const v = aggregate(s, g.items);
        if (v !== undefined) row[selectName(s)] = v;
      }
      rows.push(row);
    }
    if (q.orderBy.length > 0)
      rows.sort((a, b) => {
        for (const o of q.orderBy) {
          const av = o.key in a ? a[o.key] : valuesAt(a, o.key)[0];
          const bv = o.key in b ? b[o.key] : valuesAt(b, o.key)[0];
          const c = compareValues(av, bv);
          if (c !== 0) return o.descending ? -c : c;
        }
        return 0;
      });
    return { fields, rows };
  }

  if (q.orderBy.length > 0) {
    const keyed = matched.map((it) => ({ it, keys: q.orderBy.map((o) => valuesAt(it, o.key)[0]) }));
    keyed.sort((a, b) => {
      for (let i = 0; i < q.orderBy.length; i++) {
        const c = compareValues(a.keys[i], b.keys[i]);
        if (c !== 0) return q.orderBy[i]!.descending ? -c : c;
      }
      return 0;
    });
    keyed.forEach((k, i) => (matched[i] = k.it));
  }
  if (q.star) return { fields, rows: matched };
  const segs = q.select.map((s) => (s as { path: string }).path.split('.'));
  const rows = matched.map((it) => {
    let row: unknown = {};
    for (const s of segs) {
      const part = project(it, s);
      if (part !== undefined) row = merge(row, part);
    }
    return row as Item;
  });
  return { fields, rows };
}
