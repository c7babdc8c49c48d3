/**
 * The parser of AWS Config's advanced query language:
 *
 *   SELECT (* | item [, item ...]) [WHERE condition] [GROUP BY property [, property [, property]]]
 *     [ORDER BY key [ASC|DESC] [, ...]]
 *   item      := property | COUNT(*) | COUNT|SUM|AVG|MIN|MAX(property)
 *   condition := or;  or := and (OR and)*;  and := not (AND not)*;  not := NOT not | primary
 *   primary   := ( condition ) | property op literal | property [NOT] IN (literal, ...)
 *              | property [NOT] BETWEEN literal AND literal | property [NOT] LIKE 'abc%'
 *   op        := = | != | <> | < | <= | > | >=
 *
 * What AWS documents as unsupported is refused with InvalidExpressionException (aws-facts-data-at-
 * rest A; the Config guide's Limitations): ALL, AS, DISTINCT, FROM, HAVING, JOIN, UNION; NULL
 * tests; LIKE other than a trailing `%` after at least three characters; GROUP BY of more than
 * three properties; properties outside a configuration item's fields; and two properties that
 * differ only in case (`configuration.kmsKeyId` with `configuration.KmsKeyId`: one query per
 * spelling). LIMIT is no part of the language: page size is the request's Limit.
 */
import type { Aggregate, Comparison, Condition, Literal, OrderItem, Query, SelectItem } from './ast.js';
import { selectName } from './ast.js';
import { ConfigQueryError, tokenize, type Token } from './tokenizer.js';

const UNSUPPORTED = new Set(['ALL', 'AS', 'DISTINCT', 'FROM', 'HAVING', 'JOIN', 'UNION', 'LIMIT', 'IS', 'NULL']);
const AGGREGATES = new Set<Aggregate>(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX']);
const RESERVED = new Set([
  'SELECT',
  'WHERE',
  'GROUP',
  'ORDER',
  'BY',
  'AND',
  'OR',
  'NOT',
  'IN',
  'BETWEEN',
  'LIKE',
  'ASC',
  'DESC',
]);

/** The fields of a configuration item a query may name (nested ones under the last four). */
const TOP_LEVEL = new Set([
  'accountId',
  'arn',
  'availabilityZone',
  'awsRegion',
  'configurationItemCaptureTime',
  'configurationItemStatus',
  'configurationStateId',
  'resourceCreationTime',
  'resourceId',
  'resourceName',
  'resourceType',
  'version',
  'tags',
  'relationships',
  'configuration',
  'supplementaryConfiguration',
]);
const NESTED = new Set(['tags', 'relationships', 'configuration', 'supplementaryConfiguration']);

export const MAX_GROUP_BY = 3;

class Parser {
  private pos = 0;
  readonly paths: string[] = [];

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    return this.tokens[this.pos++]!;
  }

  private isKeyword(t: Token, word: string): boolean {
    return t.kind === 'ident' && t.text.toUpperCase() === word;
  }

  private accept(word: string): boolean {
    if (this.isKeyword(this.peek(), word)) {
      this.pos++;
      return true;
    }
    return false;
  }

  private expect(word: string): void {
    if (!this.accept(word)) throw this.unexpected(`expected ${word}`);
  }

  private expectPunct(p: string): void {
    const t = this.next();
    if (t.kind !== 'punct' || t.text !== p) {
      this.pos--;
      throw this.unexpected(`expected '${p}'`);
    }
  }

  private unexpected(what: string): ConfigQueryError {
    const t = this.peek();
    if (t.kind === 'ident' && UNSUPPORTED.has(t.text.toUpperCase()))
      return new ConfigQueryError(`${t.text.toUpperCase()} is not supported in AWS Config advanced queries`);
    return new ConfigQueryError(
      `Invalid expression: ${what} ${t.kind === 'eof' ? 'at the end' : `near '${t.text}' at position ${t.start}`}`,
    );
  }

  private property(): string {
    const t = this.peek();
    if (t.kind !== 'ident' || RESERVED.has(t.text.toUpperCase()) || UNSUPPORTED.has(t.text.toUpperCase()))
      throw this.unexpected('expected a property');
    this.pos++;
    const path = t.text;
    const head = path.split('.')[0]!;
    if (!TOP_LEVEL.has(head) || (path.includes('.') && !NESTED.has(head)))
      throw new ConfigQueryError(`Invalid expression: unknown property ${path}`);
    this.paths.push(path);
    return path;
  }

  private literal(): Literal {
    const t = this.next();
    if (t.kind === 'string' || t.kind === 'number') return t.value;
    if (t.kind === 'ident' && /^(true|false)$/i.test(t.text)) return t.text.toLowerCase() === 'true';
    this.pos--;
    throw this.unexpected('expected a value');
  }

  parse(): Query {
    this.expect('SELECT');
    const query: Query = { star: false, select: [], groupBy: [], orderBy: [] };
    if (this.peek().kind === 'punct' && this.peek().text === '*') {
      this.pos++;
      query.star = true;
    } else {
      do query.select.push(this.selectItem());
      while (this.acceptPunct(','));
    }
    if (this.accept('WHERE')) query.where = this.or();
    if (this.accept('GROUP')) {
      this.expect('BY');
      do query.groupBy.push(this.property());
      while (this.acceptPunct(','));
      if (query.groupBy.length > MAX_GROUP_BY)
        throw new ConfigQueryError(`GROUP BY accepts at most ${MAX_GROUP_BY} properties`);
    }
    if (this.accept('ORDER')) {
      this.expect('BY');
      do query.orderBy.push(this.orderItem());
      while (this.acceptPunct(','));
    }
    if (this.peek().kind !== 'eof') throw this.unexpected('unexpected input');
    this.check(query);
    return query;
  }

  private acceptPunct(p: string): boolean {
    const t = this.peek();
    if (t.kind === 'punct' && t.text === p) {
      this.pos++;
      return true;
    }
    return false;
  }

  private selectItem(): SelectItem {
    const t = this.peek();
    const next = this.tokens[this.pos + 1];
    if (t.kind === 'ident' && AGGREGATES.has(t.text.toUpperCase() as Aggregate) && next?.text === '(') {
      const fn = t.text.toUpperCase() as Aggregate;
      this.pos += 2;
      let path: string | undefined;
      if (this.acceptPunct('*')) {
        if (fn !== 'COUNT') throw new ConfigQueryError(`${fn}(*) is not valid: name a property`);
      } else path = this.property();
      this.expectPunct(')');
      return { kind: 'aggregate', fn, path };
    }
    return { kind: 'property', path: this.property() };
  }

  private orderItem(): OrderItem {
    const item = this.selectItem();
    const key = selectName(item);
    const descending = this.accept('DESC') ? true : (this.accept('ASC'), false);
    return { key, descending };
  }

  private or(): Condition {
    let left = this.and();
    while (this.accept('OR')) left = { kind: 'or', left, right: this.and() };
    return left;
  }

  private and(): Condition {
    let left = this.not();
    while (this.accept('AND')) left = { kind: 'and', left, right: this.not() };
    return left;
  }

  private not(): Condition {
    if (this.accept('NOT')) return { kind: 'not', operand: this.not() };
    return this.primary();
  }

  private primary(): Condition {
    if (this.acceptPunct('(')) {
      const c = this.or();
      this.expectPunct(')');
      return c;
    }
    const path = this.property();
    const negated = this.accept('NOT');
    let c: Condition;
    const t = this.peek();
    if (!negated && t.kind === 'op') {
      this.pos++;
      const op = (t.text === '<>' ? '!=' : t.text) as Comparison;
      return { kind: 'compare', path, op, value: this.literal() };
    }
    if (this.accept('IN')) {
      this.expectPunct('(');
      const values: Literal[] = [];
      do values.push(this.literal());
      while (this.acceptPunct(','));
      this.expectPunct(')');
      c = { kind: 'in', path, values };
    } else if (this.accept('BETWEEN')) {
      const low = this.literal();
      this.expect('AND');
      c = { kind: 'between', path, low, high: this.literal() };
    } else if (this.accept('LIKE')) {
      const pattern = this.literal();
      c = { kind: 'prefix', path, prefix: likePrefix(pattern) };
    } else throw this.unexpected('expected a comparison');
    return negated ? { kind: 'not', operand: c } : c;
  }

  /** Rules that span the whole query. */
  private check(q: Query): void {
    const byLower = new Map<string, string>();
    for (const p of this.paths) {
      const seen = byLower.get(p.toLowerCase());
      if (seen !== undefined && seen !== p)
        throw new ConfigQueryError(
          `Invalid expression: properties ${seen} and ${p} differ only in case; query them separately`,
        );
      byLower.set(p.toLowerCase(), p);
    }
    const aggregates = q.select.filter((s) => s.kind === 'aggregate');
    if (q.groupBy.length > 0 && aggregates.length === 0)
      throw new ConfigQueryError('Invalid expression: GROUP BY needs an aggregate function in SELECT');
    if (aggregates.length > 0) {
      for (const s of q.select)
        if (s.kind === 'property' && !q.groupBy.includes(s.path))
          throw new ConfigQueryError(`Invalid expression: ${s.path} must appear in GROUP BY`);
    }
    if (q.star && q.groupBy.length > 0) throw new ConfigQueryError('Invalid expression: SELECT * cannot be grouped');
  }
}

/** LIKE accepts only `abc%`: a trailing wildcard after at least three literal characters. */
function likePrefix(pattern: Literal): string {
  if (typeof pattern !== 'string') throw new ConfigQueryError('LIKE needs a string pattern');
  const prefix = pattern.slice(0, -1);
  // `_` is taken literally (AWS documents no single-character wildcard)
  if (!pattern.endsWith('%') || prefix.includes('%') || prefix.length < 3)
    throw new ConfigQueryError(
      `Invalid LIKE pattern '${pattern}': only a trailing % after at least 3 characters is supported`,
    );
  return prefix;
}

export function parseQuery(expression: string): Query {
  return new Parser(tokenize(expression)).parse();
}
