/**
 * The tokenizer of AWS Config's advanced query language (a subset of SQL SELECT; the AWS Config
 * developer guide, "Query components" and "Limitations"). Keywords are case-insensitive; property
 * paths (`configuration.kmsKeyId`) and string values are case-sensitive.
 */

export type TokenKind = 'ident' | 'string' | 'number' | 'op' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  /** decoded string value, or the number */
  value: string | number;
  start: number;
}

/** What AWS answers for an expression it cannot run: InvalidExpressionException (config/handlers.ts). */
export class ConfigQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigQueryError';
  }
}

const IDENT_START = /[A-Za-z_]/;
// property names hold letters, digits, `_`, `-` and `:` (tags.key, `aws:cloudformation:stack-name`)
const IDENT_PART = /[A-Za-z0-9_.:-]/;

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"') {
      // SQL strings: a doubled quote stands for one
      let value = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new ConfigQueryError(`Unterminated string starting at position ${start}`);
        if (src[i] === c) {
          if (src[i + 1] === c) {
            value += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += src[i++];
      }
      out.push({ kind: 'string', text: src.slice(start, i), value, start });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(src[i + 1] ?? ''))) {
      i++;
      while (i < src.length && /[0-9.]/.test(src[i]!)) i++;
      const text = src.slice(start, i);
      const n = Number(text);
      if (!Number.isFinite(n)) throw new ConfigQueryError(`Invalid number ${text} at position ${start}`);
      out.push({ kind: 'number', text, value: n, start });
      continue;
    }
    if (IDENT_START.test(c)) {
      i++;
      while (i < src.length && IDENT_PART.test(src[i]!)) i++;
      const text = src.slice(start, i);
      if (text.endsWith('.') || text.includes('..'))
        throw new ConfigQueryError(`Invalid property name ${text} at position ${start}`);
      out.push({ kind: 'ident', text, value: text, start });
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '!=' || two === '<>' || two === '<=' || two === '>=') {
      out.push({ kind: 'op', text: two, value: two, start });
      i += 2;
      continue;
    }
    if (c === '=' || c === '<' || c === '>') {
      out.push({ kind: 'op', text: c, value: c, start });
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',' || c === '*') {
      out.push({ kind: 'punct', text: c, value: c, start });
      i++;
      continue;
    }
    throw new ConfigQueryError(`Unexpected character '${c}' at position ${start}`);
  }
  out.push({ kind: 'eof', text: '', value: '', start: src.length });
  return out;
}
