/** The syntax tree of an AWS Config advanced query (parser.ts builds it, evaluate.ts runs it). */

export type Literal = string | number | boolean;

export type Aggregate = 'COUNT' | 'SUM' | 'AVG' | 'MIN' | 'MAX';

export type SelectItem =
  | { kind: 'property'; path: string }
  /** path undefined: COUNT(*) */
  | { kind: 'aggregate'; fn: Aggregate; path?: string };

export type Comparison = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Condition =
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'not'; operand: Condition }
  | { kind: 'compare'; path: string; op: Comparison; value: Literal }
  | { kind: 'in'; path: string; values: Literal[] }
  | { kind: 'between'; path: string; low: Literal; high: Literal }
  /** LIKE 'abc%': a prefix of at least three characters (the only wildcard form AWS allows) */
  | { kind: 'prefix'; path: string; prefix: string };

export interface OrderItem {
  /** a property path, or the text of an aggregate select item (`COUNT(*)`) */
  key: string;
  descending: boolean;
}

export interface Query {
  /** `SELECT *`: the whole configuration item */
  star: boolean;
  select: SelectItem[];
  where?: Condition;
  groupBy: string[];
  orderBy: OrderItem[];
}

/** The name a select item has in QueryInfo.SelectFields and in each result's JSON. */
export function selectName(item: SelectItem): string {
  return item.kind === 'property' ? item.path : `${item.fn}(${item.path ?? '*'})`;
}
