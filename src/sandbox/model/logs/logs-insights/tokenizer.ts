/**
 * The tokenizer of the Logs Insights query language (aws-facts-estate-and-scale A2).
 *
 * Every token keeps its character offsets, because MalformedQueryException reports the compile
 * error's location as `startCharOffset` / `endCharOffset` into the query string (A1.2).
 *
 * `/` is a regex delimiter where an operand may start (after `like`, `=~`, `(`, `,`, `[`, an
 * operator or the start of a command) and a division sign after a value, the usual rule of
 * languages that have both.
 */

export type TokenKind =
  | 'ident' // field names incl. dotted paths (resources.0.ARN) and @fields, keywords, function names
  | 'quoted' // `backtick quoted` field name
  | 'string'
  | 'number'
  | 'duration' // 1h, 5m, 30s, 1d: bin() periods
  | 'regex'
  | 'op' // = != < <= > >= =~ + - * / % ^
  | 'punct' // ( ) [ ] , |
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** the text as written (for strings and regexes: the decoded value, see `value`) */
  text: string;
  /** decoded value of a string / quoted name / regex body, or the number */
  value: string | number;
  /** for regexes: the flags (only `i`, from a leading `(?i)` or a trailing /i) */
  flags?: string;
  start: number;
  /** offset of the last character (inclusive), as AWS's endCharOffset */
  end: number;
}

/** A syntax error at [start, end] of the query string. */
export class QuerySyntaxError extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
    this.name = 'QuerySyntaxError';
  }
}

const IDENT_START = /[A-Za-z_@$]/;
const IDENT_PART = /[A-Za-z0-9_@$.]/;
const DURATION_UNITS = ['ms', 'mon', 'mo', 'min', 'sec', 'hr', 's', 'm', 'h', 'd', 'w', 'q', 'y'];

/** Tokens after which a `/` is a division: the ones that end a value. */
function endsValue(t: Token | undefined): boolean {
  if (!t) return false;
  if (t.kind === 'number' || t.kind === 'string' || t.kind === 'quoted' || t.kind === 'regex' || t.kind === 'duration')
    return true;
  if (t.kind === 'punct') return t.text === ')' || t.text === ']';
  if (t.kind === 'ident')
    return ![
      'like',
      'and',
      'or',
      'not',
      'in',
      'by',
      'as',
      'filter',
      'fields',
      'display',
      'stats',
      'sort',
      'parse',
      'limit',
      'head',
      'dedup',
    ].includes(t.text.toLowerCase());
  return false;
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  const push = (kind: TokenKind, text: string, value: string | number, start: number, flags?: string): void => {
    out.push({ kind, text, value, start, end: Math.max(start, i - 1), ...(flags !== undefined ? { flags } : {}) });
  };
  while (i < n) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    // `#` starts a comment to the end of the line (A2)
    if (c === '#') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (c === '"' || c === "'") {
      i++;
      let value = '';
      while (i < n && src[i] !== c) {
        if (src[i] === '\\' && i + 1 < n) {
          const e = src[i + 1]!;
          value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
          i += 2;
        } else value += src[i++];
      }
      if (i >= n) throw new QuerySyntaxError(`unterminated string starting at ${start}`, start, n - 1);
      i++;
      push('string', src.slice(start, i), value, start);
      continue;
    }
    if (c === '`') {
      const close = src.indexOf('`', i + 1);
      if (close < 0) throw new QuerySyntaxError('unterminated `quoted` field name', start, n - 1);
      i = close + 1;
      const name = src.slice(start + 1, close);
      if (name === '') throw new QuerySyntaxError('empty `quoted` field name', start, close);
      push('quoted', src.slice(start, i), name, start);
      continue;
    }
    // `parse @message /regex/`: after the parsed field comes a pattern, not a division
    const afterParseField =
      out.length >= 2 && out[out.length - 2]!.kind === 'ident' && out[out.length - 2]!.text.toLowerCase() === 'parse';
    if (c === '/' && (!endsValue(out[out.length - 1]) || afterParseField)) {
      i++;
      let body = '';
      // a `/` inside a character class ([^/]) does not end the regex
      let inClass = false;
      while (i < n && (src[i] !== '/' || inClass)) {
        if (src[i] === '[') inClass = true;
        else if (src[i] === ']') inClass = false;
        if (src[i] === '\\' && i + 1 < n) {
          // keep the escape for the regex engine, except an escaped delimiter
          body += src[i + 1] === '/' ? '/' : src.slice(i, i + 2);
          i += 2;
        } else if (src[i] === '\n') {
          throw new QuerySyntaxError('unterminated /regex/', start, i);
        } else body += src[i++];
      }
      if (i >= n) throw new QuerySyntaxError('unterminated /regex/', start, n - 1);
      i++;
      let flags = '';
      // Hyperscan's inline (?i) for case-insensitive matching (A2); JavaScript wants a flag
      if (body.startsWith('(?i)')) {
        body = body.slice(4);
        flags = 'i';
      }
      if (src[i] === 'i' && !IDENT_PART.test(src[i + 1] ?? ' ')) {
        flags = 'i';
        i++;
      }
      try {
        new RegExp(body, flags);
      } catch (e) {
        throw new QuerySyntaxError(`invalid regular expression: ${(e as Error).message}`, start, i - 1);
      }
      push('regex', src.slice(start, i), body, start, flags);
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      while (i < n && /[0-9]/.test(src[i]!)) i++;
      if (src[i] === '.' && /[0-9]/.test(src[i + 1] ?? '')) {
        i++;
        while (i < n && /[0-9]/.test(src[i]!)) i++;
      }
      if (/[eE]/.test(src[i] ?? '') && /[0-9+-]/.test(src[i + 1] ?? '')) {
        i += 2;
        while (i < n && /[0-9]/.test(src[i]!)) i++;
      }
      const numText = src.slice(start, i);
      // a number followed directly by a unit is a period: bin(1h), bin(30s)
      const rest = src.slice(i);
      const unit = DURATION_UNITS.find((u) => rest.startsWith(u) && !/[A-Za-z0-9_]/.test(rest[u.length] ?? ''));
      if (unit) {
        i += unit.length;
        push('duration', src.slice(start, i), durationMs(Number(numText), unit), start);
        continue;
      }
      if (/[A-Za-z_]/.test(src[i] ?? '')) {
        while (i < n && /[A-Za-z0-9_]/.test(src[i]!)) i++;
        throw new QuerySyntaxError(`invalid number or period '${src.slice(start, i)}'`, start, i - 1);
      }
      push('number', numText, Number(numText), start);
      continue;
    }
    if (IDENT_START.test(c)) {
      i++;
      while (i < n && IDENT_PART.test(src[i]!)) i++;
      // a path does not end in a dot
      while (src[i - 1] === '.') i--;
      push('ident', src.slice(start, i), src.slice(start, i), start);
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '!=' || two === '<=' || two === '>=' || two === '=~' || two === '==') {
      i += 2;
      push('op', two === '==' ? '=' : two, two, start);
      continue;
    }
    if ('=<>+-*/%^'.includes(c)) {
      i++;
      push('op', c, c, start);
      continue;
    }
    if ('()[],|'.includes(c)) {
      i++;
      push('punct', c, c, start);
      continue;
    }
    i++;
    throw new QuerySyntaxError(`unexpected character '${c}'`, start, start);
  }
  out.push({ kind: 'eof', text: '<EOF>', value: '', start: n, end: n });
  return out;
}

/** Milliseconds in `n` units (month 30 days, quarter 90 days, year 365 days). */
export function durationMs(n: number, unit: string): number {
  const ms: Record<string, number> = {
    ms: 1,
    s: 1000,
    sec: 1000,
    m: 60_000,
    min: 60_000,
    h: 3_600_000,
    hr: 3_600_000,
    d: 86_400_000,
    w: 7 * 86_400_000,
    mo: 30 * 86_400_000,
    mon: 30 * 86_400_000,
    q: 90 * 86_400_000,
    y: 365 * 86_400_000,
  };
  return n * ms[unit]!;
}
