/**
 * Paging shared by every sandboxed service. Opaque pagination tokens: a token records where the
 * next page starts and a fingerprint of the request's filters, so a token reused with other
 * parameters is refused as AWS does (CloudTrail: "resend it with the same parameters", aws-facts
 * section 5). And KMS-style Marker/NextMarker/Truncated paging over an array.
 */
import { SandboxError } from '../contract.js';

export interface TokenBody {
  /** where the next page starts: an index, a sequence number or an id, per operation */
  p: number | string;
  /** fingerprint of the filters of the first call */
  f?: string;
}

export function encodeToken(body: TokenBody): string {
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** undefined when the token is malformed or made for other filters */
export function decodeToken(token: unknown, fingerprint?: string): TokenBody | undefined {
  if (typeof token !== 'string' || token.length === 0 || token.length > 4096) return undefined;
  try {
    const body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as TokenBody;
    if (typeof body !== 'object' || body === null) return undefined;
    if (typeof body.p !== 'number' && typeof body.p !== 'string') return undefined;
    if ((body.f ?? '') !== (fingerprint ?? '')) return undefined;
    return body;
  } catch {
    return undefined;
  }
}

/** A short stable fingerprint of a value (FNV-1a over its JSON). */
export function fingerprint(value: unknown): string {
  const text = JSON.stringify(value ?? null);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/** Marker-based paging over an array (KMS's Marker/NextMarker/Truncated). */
export function pageArray<T>(items: T[], marker: unknown, limit: number): { page: T[]; next?: string } {
  let start = 0;
  if (marker !== undefined && marker !== null) {
    const body = decodeToken(marker, 'arr');
    if (!body || typeof body.p !== 'number' || body.p < 0 || body.p > items.length) throw invalidMarker();
    start = body.p;
  }
  const page = items.slice(start, start + limit);
  const end = start + page.length;
  return { page, next: end < items.length ? encodeToken({ p: end, f: 'arr' }) : undefined };
}

export function invalidMarker(): SandboxError {
  return new SandboxError('InvalidMarkerException', 'Invalid marker');
}

/** KMS's Truncated/NextMarker answer fields. */
export function truncation(next: string | undefined): Record<string, unknown> {
  return next ? { NextMarker: next, Truncated: true } : { Truncated: false };
}
