/**
 * NextToken paging for the organization services: the token is opaque to callers (base64 JSON of
 * the offset). Organizations "can occasionally return an empty set of results even when more
 * results are available" (aws-facts-estate-and-scale.md B1): the sandbox does so once per listing,
 * at its third page, so that a client that stops at the first empty page misses accounts.
 */
import { SandboxError } from '../../contract.js';

interface Cursor {
  o: number;
  /** the empty page was already served at this offset */
  e?: 1;
}

export function encodeToken(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64');
}

export function decodeToken(token: unknown, invalid: () => SandboxError): Cursor {
  if (token === undefined || token === null || token === '') return { o: 0 };
  try {
    const c = JSON.parse(Buffer.from(String(token), 'base64').toString('utf8')) as Cursor;
    if (!Number.isInteger(c.o) || c.o < 0) throw new Error('bad offset');
    return c;
  } catch {
    throw invalid();
  }
}

export interface PageOptions {
  max: number;
  /** serve one empty page (with a NextToken) at the third page, as Organizations may */
  emptyPageOnce?: boolean;
  invalidToken: () => SandboxError;
  badMaxResults: (value: unknown) => SandboxError;
}

/** One page of `items` from `NextToken`/`MaxResults`. */
export function page<T>(
  items: readonly T[],
  input: Record<string, unknown>,
  opts: PageOptions,
): { items: T[]; nextToken?: string } {
  const raw = input.MaxResults;
  let size = opts.max;
  if (raw !== undefined && raw !== null) {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > opts.max) throw opts.badMaxResults(raw);
    size = n;
  }
  const cursor = decodeToken(input.NextToken, opts.invalidToken);
  if (opts.emptyPageOnce && !cursor.e && cursor.o > 0 && cursor.o === 2 * size && cursor.o < items.length) {
    return { items: [], nextToken: encodeToken({ o: cursor.o, e: 1 }) };
  }
  const slice = items.slice(cursor.o, cursor.o + size);
  const next = cursor.o + size;
  return { items: slice, ...(next < items.length ? { nextToken: encodeToken({ o: next }) } : {}) };
}
