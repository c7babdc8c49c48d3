/** The syntax tree of a Logs Insights query: a pipeline of commands separated by `|`. */

export type Expr =
  | { kind: 'field'; name: string; start: number; end: number }
  | { kind: 'literal'; value: string | number; start: number; end: number }
  | { kind: 'duration'; ms: number; text: string; start: number; end: number }
  | { kind: 'regex'; source: string; flags: string; start: number; end: number }
  | { kind: 'list'; items: Expr[]; start: number; end: number }
  | { kind: 'star'; start: number; end: number }
  | { kind: 'call'; name: string; args: Expr[]; start: number; end: number }
  | { kind: 'unary'; op: 'not' | '-'; arg: Expr; start: number; end: number }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; start: number; end: number };

export type BinaryOp =
  | 'and'
  | 'or'
  | '='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'like'
  | 'not like'
  | '=~'
  | 'in'
  | 'not in'
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '^';

/** An expression with its output name: `expr as alias`, else the expression's own text. */
export interface Projection {
  expr: Expr;
  name: string;
}

export type Command =
  | { kind: 'fields'; items: Projection[]; start: number }
  | { kind: 'display'; items: Projection[]; start: number }
  | { kind: 'filter'; cond: Expr; start: number }
  /** offsetMs: `by bin(period) offset <duration>` shifts the bins (A2; see evaluate.ts) */
  | { kind: 'stats'; aggs: Projection[]; by: Projection[]; offsetMs?: number; start: number }
  /** `pattern <expr>`: clusters the values into patterns (rows @pattern, @ratio, @sampleCount, @severityLabel) */
  | { kind: 'pattern'; source: Expr; start: number }
  | { kind: 'sort'; keys: Array<{ expr: Expr; name: string; desc: boolean }>; start: number }
  /** any: `limit any N` stops at the first N events found, in no order (not after `head`) */
  | { kind: 'limit'; n: number; any?: boolean; start: number }
  | { kind: 'dedup'; fields: Projection[]; start: number }
  | {
      kind: 'parse';
      source: Expr;
      pattern: { glob: string } | { regex: string; flags: string };
      names: string[];
      start: number;
    };

export interface Query {
  text: string;
  commands: Command[];
}
