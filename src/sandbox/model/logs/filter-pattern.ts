/**
 * CloudWatch Logs filter patterns, the subset kscli's alarm and common CloudTrail recipes use
 * (aws-facts 4.1):
 * - JSON patterns `{ <expr> }` with `$.a.b` selectors (array indexes `$.resources[0].ARN`),
 *   `=` / `!=` against quoted or bare values with `*` wildcards anywhere (`kms*`,
 *   `"* is pending deletion."`), numeric `= != < <= > >=`, `IS NULL`, `NOT EXISTS`, `IS TRUE`,
 *   `IS FALSE`, combined with `&&`, `||` and parentheses (`&&` binds tighter).
 * - The empty pattern matches every event; other text patterns match when every term (quoted or
 *   bare) occurs in the raw message.
 * A selector that does not exist in the event never matches (except `NOT EXISTS`).
 */

export type Matcher = (event: unknown, raw: string) => boolean;

export class FilterPatternError extends Error {}

type Token = { kind: 'sym' | 'str' | 'word'; text: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '&&' || two === '||' || two === '!=' || two === '<=' || two === '>=') {
      out.push({ kind: 'sym', text: two });
      i += 2;
      continue;
    }
    if ('(){}=<>'.includes(c)) {
      out.push({ kind: 'sym', text: c });
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let text = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        text += src[j];
        j++;
      }
      if (j >= src.length) throw new FilterPatternError('Unterminated quoted string');
      out.push({ kind: 'str', text });
      i = j + 1;
      continue;
    }
    let j = i;
    while (
      j < src.length &&
      !/\s/.test(src[j]!) &&
      !'(){}=<>"'.includes(src[j]!) &&
      src.slice(j, j + 2) !== '&&' &&
      src.slice(j, j + 2) !== '||' &&
      src.slice(j, j + 2) !== '!='
    )
      j++;
    out.push({ kind: 'word', text: src.slice(i, j) });
    i = j;
  }
  return out;
}

type Path = Array<string | number>;

function parseSelector(text: string): Path {
  if (!text.startsWith('$')) throw new FilterPatternError(`Selector must start with $: ${text}`);
  const path: Path = [];
  const re = /\.([A-Za-z0-9_@-]+)|\[(\d+)\]/y;
  let pos = 1;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw new FilterPatternError(`Invalid selector ${text}`);
    path.push(m[1] !== undefined ? m[1] : Number(m[2]));
    pos = re.lastIndex;
  }
  if (path.length === 0) throw new FilterPatternError(`Invalid selector ${text}`);
  return path;
}

const MISSING = Symbol('missing');

function select(event: unknown, path: Path): unknown {
  let cur: unknown = event;
  for (const step of path) {
    if (cur === null || typeof cur !== 'object') return MISSING;
    if (typeof step === 'number') {
      if (!Array.isArray(cur) || step >= cur.length) return MISSING;
      cur = cur[step];
    } else {
      if (!Object.prototype.hasOwnProperty.call(cur, step)) return MISSING;
      cur = (cur as Record<string, unknown>)[step];
    }
  }
  return cur;
}

function wildcardRegex(value: string): RegExp {
  const body = value
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 's');
}

type Node = (event: unknown) => boolean;

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  peek(): Token | undefined {
    return this.toks[this.i];
  }

  next(): Token {
    const t = this.toks[this.i++];
    if (!t) throw new FilterPatternError('Unexpected end of pattern');
    return t;
  }

  expectSym(text: string): void {
    const t = this.next();
    if (t.kind !== 'sym' || t.text !== text) throw new FilterPatternError(`Expected ${text} but found ${t.text}`);
  }

  done(): boolean {
    return this.i >= this.toks.length;
  }

  or(): Node {
    const parts = [this.and()];
    while (this.peek()?.text === '||' && this.peek()?.kind === 'sym') {
      this.i++;
      parts.push(this.and());
    }
    return parts.length === 1 ? parts[0]! : (e) => parts.some((p) => p(e));
  }

  and(): Node {
    const parts = [this.primary()];
    while (this.peek()?.text === '&&' && this.peek()?.kind === 'sym') {
      this.i++;
      parts.push(this.primary());
    }
    return parts.length === 1 ? parts[0]! : (e) => parts.every((p) => p(e));
  }

  primary(): Node {
    const t = this.next();
    if (t.kind === 'sym' && t.text === '(') {
      const inner = this.or();
      this.expectSym(')');
      return inner;
    }
    if (t.kind !== 'word') throw new FilterPatternError(`Expected a selector but found ${t.text}`);
    const path = parseSelector(t.text);
    const op = this.next();
    if (op.kind === 'word') {
      const a = op.text.toUpperCase();
      const b = this.next().text.toUpperCase();
      if (a === 'IS' && b === 'NULL') return (e) => select(e, path) === null;
      if (a === 'IS' && b === 'TRUE') return (e) => select(e, path) === true;
      if (a === 'IS' && b === 'FALSE') return (e) => select(e, path) === false;
      if (a === 'NOT' && b === 'EXISTS') return (e) => select(e, path) === MISSING;
      throw new FilterPatternError(`Unknown operator ${op.text} ${b}`);
    }
    if (op.kind !== 'sym' || !['=', '!=', '<', '<=', '>', '>='].includes(op.text))
      throw new FilterPatternError(`Expected an operator but found ${op.text}`);
    const v = this.next();
    if (v.kind === 'sym') throw new FilterPatternError(`Expected a value but found ${v.text}`);
    return comparison(path, op.text, v);
  }
}

function comparison(path: Path, op: string, v: Token): Node {
  const num = v.kind === 'word' && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(v.text) ? Number(v.text) : undefined;
  if (op !== '=' && op !== '!=') {
    if (num === undefined) throw new FilterPatternError(`Operator ${op} needs a number`);
    return (e) => {
      const x = select(e, path);
      if (typeof x !== 'number') return false;
      return op === '<' ? x < num : op === '<=' ? x <= num : op === '>' ? x > num : x >= num;
    };
  }
  const re = v.text.includes('*') ? wildcardRegex(v.text) : undefined;
  const equals = (x: unknown): boolean => {
    if (num !== undefined && typeof x === 'number') return x === num;
    if (typeof x === 'string') return re ? re.test(x) : x === v.text;
    if (typeof x === 'boolean' || typeof x === 'number') return String(x) === v.text;
    return false;
  };
  return (e) => {
    const x = select(e, path);
    if (x === MISSING) return false;
    return op === '=' ? equals(x) : !equals(x);
  };
}

function textMatcher(pattern: string): Matcher {
  const terms = tokenize(pattern)
    .map((t) => t.text)
    .filter((t) => t.length > 0);
  return (_event, raw) => terms.every((t) => raw.includes(t));
}

/** Compiles a filter pattern; throws FilterPatternError when it is not valid. */
export function compileFilterPattern(pattern: string): Matcher {
  const trimmed = pattern.trim();
  if (trimmed === '') return () => true;
  if (!trimmed.startsWith('{')) return textMatcher(trimmed);
  const p = new Parser(tokenize(trimmed));
  p.expectSym('{');
  const node = p.or();
  p.expectSym('}');
  if (!p.done()) throw new FilterPatternError('Unexpected text after }');
  return (event) => node(event);
}

const cache = new Map<string, Matcher>();

/** compileFilterPattern with a small cache (the same few patterns run on every event). */
export function matcherFor(pattern: string): Matcher {
  let m = cache.get(pattern);
  if (!m) {
    m = compileFilterPattern(pattern);
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, m);
  }
  return m;
}
