/**
 * Values, comparisons and the functions of the query language (A2): scalar functions usable
 * anywhere, aggregation functions usable in `stats` only.
 *
 * Values are strings, numbers or `undefined` (the field is absent). JSON booleans become 1 and 0:
 * Logs Insights coerces them, so CloudTrail's `readOnly` is matched with `readOnly = 0`, and
 * `readOnly = false` matches nothing (community write-ups of the service; not in the AWS pages we
 * hold). JSON null, objects and arrays are not values: only leaves of the flattened event are fields.
 */

export type Value = string | number | undefined;

export interface FunctionSpec {
  minArgs: number;
  maxArgs: number;
}

const spec = (minArgs: number, maxArgs = minArgs): FunctionSpec => ({ minArgs, maxArgs });

/** Aggregations (stats only). earliest/latest pick by @timestamp. */
export const AGGREGATES: ReadonlyMap<string, FunctionSpec> = new Map([
  ['count', spec(0, 1)],
  ['count_distinct', spec(1)],
  ['min', spec(1)],
  ['max', spec(1)],
  ['sum', spec(1)],
  ['avg', spec(1)],
  ['earliest', spec(1)],
  ['latest', spec(1)],
  ['pct', spec(2)],
  ['stddev', spec(1)],
]);

/** Scalar functions. `bin(period)` rounds @timestamp down to the period. */
export const SCALARS: ReadonlyMap<string, FunctionSpec> = new Map([
  ['ispresent', spec(1)],
  ['isempty', spec(1)],
  ['isblank', spec(1)],
  ['coalesce', spec(1, 100)],
  ['concat', spec(1, 100)],
  ['strlen', spec(1)],
  ['tolower', spec(1)],
  ['toupper', spec(1)],
  ['trim', spec(1)],
  ['ltrim', spec(1)],
  ['rtrim', spec(1)],
  ['strcontains', spec(2)],
  ['substr', spec(2, 3)],
  ['replace', spec(3)],
  ['abs', spec(1)],
  ['ceil', spec(1)],
  ['floor', spec(1)],
  ['greatest', spec(1, 100)],
  ['least', spec(1, 100)],
  ['bin', spec(1)],
  ['datefloor', spec(2)],
  ['dateceil', spec(2)],
  ['frommillis', spec(1)],
  ['tomillis', spec(1)],
]);

/** A number when the value is one or reads as one (a numeric string), else undefined. */
export function asNumber(v: Value): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v.trim()))
    return Number(v);
  return undefined;
}

/**
 * Ordering of two present values: numerically when both are numbers (or numeric strings),
 * else as strings. Used by comparisons, sort, min and max.
 */
export function compareValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' || typeof b === 'number') {
    const x = asNumber(a);
    const y = asNumber(b);
    if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  }
  const s = String(a);
  const t = String(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

/** `=`: a string and a number are equal when the string reads as that number. */
export function valuesEqual(a: string | number, b: string | number): boolean {
  if (typeof a === typeof b) return a === b;
  const x = asNumber(a);
  const y = asNumber(b);
  return x !== undefined && x === y;
}

/** Calls a scalar function other than bin (which the evaluator handles: it reads @timestamp). */
export function callScalar(name: string, args: Value[]): Value {
  const a0 = args[0];
  switch (name) {
    case 'ispresent':
      return a0 !== undefined ? 1 : 0;
    case 'isempty':
      return a0 === undefined || a0 === '' ? 1 : 0;
    case 'isblank':
      return a0 === undefined || String(a0).trim() === '' ? 1 : 0;
    case 'coalesce':
      return args.find((v) => v !== undefined);
    case 'concat':
      return args.map((v) => (v === undefined ? '' : String(v))).join('');
    case 'strlen':
      return a0 === undefined ? undefined : String(a0).length;
    case 'tolower':
      return a0 === undefined ? undefined : String(a0).toLowerCase();
    case 'toupper':
      return a0 === undefined ? undefined : String(a0).toUpperCase();
    case 'trim':
      return a0 === undefined ? undefined : String(a0).trim();
    case 'ltrim':
      return a0 === undefined ? undefined : String(a0).trimStart();
    case 'rtrim':
      return a0 === undefined ? undefined : String(a0).trimEnd();
    case 'strcontains':
      return a0 === undefined || args[1] === undefined ? undefined : String(a0).includes(String(args[1])) ? 1 : 0;
    case 'substr': {
      if (a0 === undefined) return undefined;
      const from = asNumber(args[1]) ?? 0;
      const len = args[2] === undefined ? undefined : asNumber(args[2]);
      const s = String(a0);
      return len === undefined ? s.slice(from) : s.slice(from, from + len);
    }
    case 'replace':
      return a0 === undefined
        ? undefined
        : String(a0)
            .split(String(args[1] ?? ''))
            .join(String(args[2] ?? ''));
    case 'abs':
    case 'ceil':
    case 'floor': {
      const n = asNumber(a0);
      return n === undefined ? undefined : Math[name](n);
    }
    case 'greatest':
    case 'least': {
      const nums = args.map(asNumber).filter((n): n is number => n !== undefined);
      if (nums.length === 0) return undefined;
      return name === 'greatest' ? Math.max(...nums) : Math.min(...nums);
    }
    case 'datefloor':
    case 'dateceil': {
      const t = asNumber(a0);
      const p = asNumber(args[1]);
      if (t === undefined || p === undefined || p <= 0) return undefined;
      return name === 'datefloor' ? Math.floor(t / p) * p : Math.ceil(t / p) * p;
    }
    case 'frommillis':
    case 'tomillis':
      return asNumber(a0);
    default:
      throw new Error(`no scalar function ${name}`);
  }
}

/** Scalar functions whose result is a time (shown as `YYYY-MM-DD HH:MM:SS.mmm`). */
export const TIME_SCALARS = new Set(['bin', 'datefloor', 'dateceil', 'frommillis']);

/** How Logs Insights shows a time: `2026-11-30 19:49:00.000` (UTC). */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** How a value goes out in a ResultField (all strings). */
export function formatValue(v: string | number, time: boolean): string {
  if (typeof v === 'number') {
    if (time) return formatTime(v);
    return Number.isInteger(v) ? String(v) : String(Math.round(v * 1e6) / 1e6);
  }
  return v;
}

/** One running aggregation: add() per record, result() at any time (partial results). */
export interface Aggregator {
  add(v: Value, t: number): void;
  result(): Value;
}

export function makeAggregator(name: string, star: boolean, param?: number): Aggregator {
  switch (name) {
    case 'count': {
      let n = 0;
      return { add: (v) => void (star || v !== undefined ? n++ : 0), result: () => n };
    }
    case 'count_distinct': {
      // AWS estimates at high cardinality (A2); the sandbox counts exactly
      const seen = new Set<string | number>();
      return { add: (v) => void (v !== undefined && seen.add(v)), result: () => seen.size };
    }
    case 'min':
    case 'max': {
      let best: string | number | undefined;
      const sign = name === 'min' ? -1 : 1;
      return {
        add: (v) => {
          if (v !== undefined && (best === undefined || sign * compareValues(v, best) > 0)) best = v;
        },
        result: () => best,
      };
    }
    case 'sum':
    case 'avg': {
      let sum = 0;
      let n = 0;
      return {
        add: (v) => {
          const x = asNumber(v);
          if (x !== undefined) {
            sum += x;
            n++;
          }
        },
        result: () => (n === 0 ? undefined : name === 'sum' ? sum : sum / n),
      };
    }
    case 'stddev': {
      let n = 0;
      let mean = 0;
      let m2 = 0;
      return {
        add: (v) => {
          const x = asNumber(v);
          if (x === undefined) return;
          n++;
          const d = x - mean;
          mean += d / n;
          m2 += d * (x - mean);
        },
        result: () => (n < 2 ? (n === 1 ? 0 : undefined) : Math.sqrt(m2 / (n - 1))),
      };
    }
    case 'pct': {
      const xs: number[] = [];
      return {
        add: (v) => {
          const x = asNumber(v);
          if (x !== undefined) xs.push(x);
        },
        result: () => {
          if (xs.length === 0) return undefined;
          const sorted = [...xs].sort((a, b) => a - b);
          const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(((param ?? 50) / 100) * sorted.length) - 1));
          return sorted[rank];
        },
      };
    }
    case 'earliest':
    case 'latest': {
      let bestT = name === 'earliest' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
      let best: Value;
      const later = name === 'latest';
      return {
        add: (v, t) => {
          if (v === undefined) return;
          if (later ? t >= bestT : t < bestT) {
            bestT = t;
            best = v;
          }
        },
        result: () => best,
      };
    }
    default:
      throw new Error(`no aggregation ${name}`);
  }
}
