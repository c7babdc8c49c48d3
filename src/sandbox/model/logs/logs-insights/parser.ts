/**
 * The parser of the Logs Insights query language: `command ( '|' command )*` with the commands
 * fields, display, filter, stats (with `by bin(...) offset <duration>`), sort, limit (head), dedup,
 * parse and pattern (A2, and the CWL_QuerySyntax pages of the CloudWatch Logs guide), and expressions with
 * AWS's operators. Errors are QuerySyntaxError with the offending token's offsets, worded like the
 * service's own ANTLR messages ("mismatched input 'count' expecting {K_PARSE, ...}", A1.2).
 *
 * Precedence, loosest first: or, and, not, comparison (= != < <= > >= like =~ in), + -, * / %, ^,
 * unary minus, primary.
 */
import type { BinaryOp, Command, Expr, Projection, Query } from './ast.js';
import { AGGREGATES, SCALARS } from './functions.js';
import { QuerySyntaxError, tokenize, type Token } from './tokenizer.js';

/** The command keywords, as the service lists them in its error messages. */
const COMMANDS = ['fields', 'display', 'filter', 'stats', 'sort', 'limit', 'head', 'dedup', 'parse', 'pattern'];
const EXPECT_COMMAND = '{K_PARSE, K_FIELDS, K_DISPLAY, K_FILTER, K_STATS, K_SORT, K_LIMIT, K_HEAD, K_DEDUP, K_PATTERN}';
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'like', 'as', 'by', 'asc', 'desc']);

/** Parses a query string; throws QuerySyntaxError. */
export function parseQuery(text: string): Query {
  const p = new Parser(text, tokenize(text));
  return { text, commands: p.query() };
}

class Parser {
  private pos = 0;

  constructor(
    private readonly src: string,
    private readonly toks: Token[],
  ) {}

  private peek(k = 0): Token {
    return this.toks[Math.min(this.pos + k, this.toks.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  private isWord(t: Token, word: string): boolean {
    return t.kind === 'ident' && t.text.toLowerCase() === word;
  }

  private isPunct(t: Token, p: string): boolean {
    return t.kind === 'punct' && t.text === p;
  }

  private fail(t: Token, expecting: string): never {
    throw new QuerySyntaxError(`mismatched input '${t.text}' expecting ${expecting}`, t.start, t.end);
  }

  private expectPunct(p: string): Token {
    const t = this.peek();
    if (!this.isPunct(t, p)) this.fail(t, `'${p}'`);
    return this.next();
  }

  query(): Command[] {
    const commands: Command[] = [];
    if (this.peek().kind === 'eof')
      throw new QuerySyntaxError(`mismatched input '<EOF>' expecting ${EXPECT_COMMAND}`, 0, 0);
    let stats = 0;
    for (;;) {
      const at = this.peek();
      const cmd = this.command();
      // "as many as two stats commands" per query (A2)
      if (cmd.kind === 'stats' && ++stats > 2)
        throw new QuerySyntaxError('a query can have at most two stats commands', at.start, at.end);
      commands.push(cmd);
      const t = this.peek();
      if (t.kind === 'eof') break;
      if (!this.isPunct(t, '|')) this.fail(t, "{<EOF>, '|'}");
      this.next();
    }
    return commands;
  }

  private command(): Command {
    const t = this.peek();
    const word = t.kind === 'ident' ? t.text.toLowerCase() : '';
    if (!COMMANDS.includes(word)) this.fail(t, EXPECT_COMMAND);
    this.next();
    const start = t.start;
    switch (word) {
      case 'fields':
        return { kind: 'fields', items: this.projections(false), start };
      case 'display':
        return { kind: 'display', items: this.projections(false), start };
      case 'filter': {
        const cond = this.expr();
        checkAggregates(cond, false);
        return { kind: 'filter', cond, start };
      }
      case 'stats':
        return this.stats(start);
      case 'sort':
        return this.sort(start);
      case 'limit':
      case 'head': {
        // `limit any N`: documented (CWL_QuerySyntax-Limit, "limit any"); `head any` is not
        const any = word === 'limit' && this.isWord(this.peek(), 'any') && this.peek(1).kind === 'number';
        if (any) this.next();
        const n = this.next();
        if (n.kind !== 'number' || !Number.isInteger(n.value) || (n.value as number) < 1)
          this.fail(n, 'a positive integer');
        return any
          ? { kind: 'limit', n: n.value as number, any, start }
          : { kind: 'limit', n: n.value as number, start };
      }
      case 'dedup':
        return { kind: 'dedup', fields: this.projections(false), start };
      case 'pattern': {
        // the input: @message, a field parse extracted, or a string function's result
        const source = this.expr();
        checkAggregates(source, false);
        return { kind: 'pattern', source, start };
      }
      default:
        return this.parse(start);
    }
  }

  /** `expr [as name], ...` */
  private projections(aggregates: boolean): Projection[] {
    const items: Projection[] = [];
    for (;;) {
      const expr = this.expr();
      checkAggregates(expr, aggregates);
      let name = this.src.slice(expr.start, expr.end + 1).trim();
      if (expr.kind === 'field') name = expr.name;
      if (this.isWord(this.peek(), 'as')) {
        this.next();
        name = this.fieldName();
      }
      items.push({ expr, name });
      if (!this.isPunct(this.peek(), ',')) break;
      this.next();
    }
    return items;
  }

  private fieldName(): string {
    const t = this.next();
    if (t.kind === 'quoted') return t.value as string;
    if (t.kind === 'ident' && !KEYWORDS.has(t.text.toLowerCase())) return t.text;
    this.fail(t, 'a field name');
  }

  private stats(start: number): Command {
    const aggs = this.projections(true);
    for (const a of aggs) {
      if (!containsAggregate(a.expr))
        throw new QuerySyntaxError(
          `stats needs an aggregation function such as count(*), got '${a.name}'`,
          a.expr.start,
          a.expr.end,
        );
    }
    let by: Projection[] = [];
    if (this.isWord(this.peek(), 'by')) {
      this.next();
      by = this.projections(false);
    }
    // `stats ... by bin(5m) offset 1h`: "at the end of a stats ... by bin() clause"
    if (this.isWord(this.peek(), 'offset')) {
      const at = this.next();
      if (!by.some((p) => p.expr.kind === 'call' && p.expr.name === 'bin'))
        throw new QuerySyntaxError('offset needs a bin() in the stats by clause', at.start, at.end);
      const d = this.primary();
      if (d.kind !== 'duration')
        throw new QuerySyntaxError(
          `offset expects a duration such as 1h, got '${this.src.slice(d.start, d.end + 1)}'`,
          d.start,
          d.end,
        );
      return { kind: 'stats', aggs, by, offsetMs: d.ms, start };
    }
    return { kind: 'stats', aggs, by, start };
  }

  private sort(start: number): Command {
    const keys: Array<{ expr: Expr; name: string; desc: boolean }> = [];
    for (;;) {
      const expr = this.additive();
      checkAggregates(expr, false);
      const name = expr.kind === 'field' ? expr.name : this.src.slice(expr.start, expr.end + 1).trim();
      let desc = false;
      if (this.isWord(this.peek(), 'desc')) {
        this.next();
        desc = true;
      } else if (this.isWord(this.peek(), 'asc')) this.next();
      keys.push({ expr, name, desc });
      if (!this.isPunct(this.peek(), ',')) break;
      this.next();
    }
    return { kind: 'sort', keys, start };
  }

  /** `parse field "glob with * " as a, b` or `parse field /regex with (?<name>...)/` */
  private parse(start: number): Command {
    const source = this.primary();
    const pat = this.next();
    if (pat.kind === 'string') {
      const stars = (pat.value as string).split('*').length - 1;
      if (!this.isWord(this.peek(), 'as')) this.fail(this.peek(), "'as'");
      this.next();
      const names = [this.fieldName()];
      while (this.isPunct(this.peek(), ',')) {
        this.next();
        names.push(this.fieldName());
      }
      if (names.length !== stars)
        throw new QuerySyntaxError(
          `parse: the pattern has ${stars} '*' but ${names.length} names follow 'as'`,
          pat.start,
          this.toks[this.pos - 1]!.end,
        );
      return { kind: 'parse', source, pattern: { glob: pat.value as string }, names, start };
    }
    if (pat.kind === 'regex') {
      const names = [...(pat.value as string).matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]!);
      if (names.length === 0)
        throw new QuerySyntaxError(
          'parse: the regular expression names no group, e.g. (?<name>\\S+)',
          pat.start,
          pat.end,
        );
      return { kind: 'parse', source, pattern: { regex: pat.value as string, flags: pat.flags ?? '' }, names, start };
    }
    this.fail(pat, 'a "glob * pattern" or a /regex/');
  }

  // ---- expressions ----

  expr(): Expr {
    return this.or();
  }

  private or(): Expr {
    let left = this.and();
    while (this.isWord(this.peek(), 'or')) {
      this.next();
      const right = this.and();
      left = { kind: 'binary', op: 'or', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.isWord(this.peek(), 'and')) {
      this.next();
      const right = this.not();
      left = { kind: 'binary', op: 'and', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private not(): Expr {
    const t = this.peek();
    if (this.isWord(t, 'not') && !this.isPunct(this.peek(1), '|')) {
      this.next();
      const arg = this.not();
      return { kind: 'unary', op: 'not', arg, start: t.start, end: arg.end };
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.additive();
    const t = this.peek();
    let op: BinaryOp | undefined;
    if (t.kind === 'op' && ['=', '!=', '<', '<=', '>', '>=', '=~'].includes(t.text)) op = t.text as BinaryOp;
    else if (this.isWord(t, 'like')) op = 'like';
    else if (this.isWord(t, 'in')) op = 'in';
    else if (this.isWord(t, 'not') && (this.isWord(this.peek(1), 'like') || this.isWord(this.peek(1), 'in'))) {
      this.next();
      op = this.isWord(this.peek(), 'like') ? 'not like' : 'not in';
    }
    if (!op) return left;
    this.next();
    let right: Expr;
    if (op === 'in' || op === 'not in') {
      right = this.list();
    } else if (op === '=~') {
      const r = this.peek();
      if (r.kind !== 'regex' && r.kind !== 'string') this.fail(r, 'a /regex/');
      right = this.primary();
    } else right = this.additive();
    return { kind: 'binary', op, left, right, start: left.start, end: right.end };
  }

  private list(): Expr {
    const open = this.peek();
    if (!this.isPunct(open, '[')) this.fail(open, "'['");
    this.next();
    const items: Expr[] = [];
    if (!this.isPunct(this.peek(), ']')) {
      for (;;) {
        const item = this.additive();
        if (item.kind !== 'literal' && !(item.kind === 'unary' && item.arg.kind === 'literal')) {
          throw new QuerySyntaxError('in [...] takes a list of strings and numbers', item.start, item.end);
        }
        items.push(item);
        if (!this.isPunct(this.peek(), ',')) break;
        this.next();
      }
    }
    const close = this.expectPunct(']');
    return { kind: 'list', items, start: open.start, end: close.end };
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.text !== '+' && t.text !== '-')) return left;
      this.next();
      const right = this.multiplicative();
      left = { kind: 'binary', op: t.text as BinaryOp, left, right, start: left.start, end: right.end };
    }
  }

  private multiplicative(): Expr {
    let left = this.power();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.text !== '*' && t.text !== '/' && t.text !== '%')) return left;
      this.next();
      const right = this.power();
      left = { kind: 'binary', op: t.text as BinaryOp, left, right, start: left.start, end: right.end };
    }
  }

  private power(): Expr {
    const left = this.unary();
    const t = this.peek();
    if (t.kind === 'op' && t.text === '^') {
      this.next();
      const right = this.power();
      return { kind: 'binary', op: '^', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && t.text === '-') {
      this.next();
      const arg = this.unary();
      if (arg.kind === 'literal' && typeof arg.value === 'number')
        return { kind: 'literal', value: -arg.value, start: t.start, end: arg.end };
      return { kind: 'unary', op: '-', arg, start: t.start, end: arg.end };
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'string':
      case 'number':
        return { kind: 'literal', value: t.value, start: t.start, end: t.end };
      case 'duration':
        return { kind: 'duration', ms: t.value as number, text: t.text, start: t.start, end: t.end };
      case 'regex':
        return { kind: 'regex', source: t.value as string, flags: t.flags ?? '', start: t.start, end: t.end };
      case 'quoted':
        return { kind: 'field', name: t.value as string, start: t.start, end: t.end };
      case 'punct':
        if (t.text === '(') {
          const inner = this.expr();
          const close = this.expectPunct(')');
          return { ...inner, start: t.start, end: close.end };
        }
        return this.fail(t, 'an expression');
      case 'ident': {
        const lower = t.text.toLowerCase();
        if (this.isPunct(this.peek(), '(') && !t.text.includes('.')) return this.call(t, lower);
        if (KEYWORDS.has(lower) || COMMANDS.includes(lower)) this.fail(t, 'an expression');
        return { kind: 'field', name: t.text, start: t.start, end: t.end };
      }
      default:
        return this.fail(t, 'an expression');
    }
  }

  private call(nameTok: Token, name: string): Expr {
    if (!AGGREGATES.has(name) && !SCALARS.has(name)) {
      throw new QuerySyntaxError(`unknown function '${nameTok.text}'`, nameTok.start, nameTok.end);
    }
    this.expectPunct('(');
    const args: Expr[] = [];
    if (!this.isPunct(this.peek(), ')')) {
      for (;;) {
        const t = this.peek();
        if (t.kind === 'op' && t.text === '*' && (name === 'count' || name === 'count_distinct')) {
          this.next();
          args.push({ kind: 'star', start: t.start, end: t.end });
        } else args.push(this.expr());
        if (!this.isPunct(this.peek(), ',')) break;
        this.next();
      }
    }
    const close = this.expectPunct(')');
    const spec = AGGREGATES.get(name) ?? SCALARS.get(name)!;
    if (args.length < spec.minArgs || args.length > spec.maxArgs) {
      const want = spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs}`;
      throw new QuerySyntaxError(`${name}() takes ${want} argument(s), got ${args.length}`, nameTok.start, close.end);
    }
    return { kind: 'call', name, args, start: nameTok.start, end: close.end };
  }
}

function containsAggregate(e: Expr): boolean {
  switch (e.kind) {
    case 'call':
      return AGGREGATES.has(e.name) || e.args.some(containsAggregate);
    case 'unary':
      return containsAggregate(e.arg);
    case 'binary':
      return containsAggregate(e.left) || containsAggregate(e.right);
    default:
      return false;
  }
}

/** Aggregations belong in stats only, and are not nested. */
function checkAggregates(e: Expr, allowed: boolean, inside = false): void {
  if (e.kind === 'call') {
    const agg = AGGREGATES.has(e.name);
    if (agg && (!allowed || inside)) {
      throw new QuerySyntaxError(
        inside
          ? `aggregation function ${e.name}() cannot be nested`
          : `aggregation function ${e.name}() is only allowed in stats`,
        e.start,
        e.end,
      );
    }
    for (const a of e.args) checkAggregates(a, allowed, inside || agg);
  } else if (e.kind === 'unary') checkAggregates(e.arg, allowed, inside);
  else if (e.kind === 'binary') {
    checkAggregates(e.left, allowed, inside);
    checkAggregates(e.right, allowed, inside);
  }
}
