/**
 * Canonical JSON: object keys sorted (recursively), arrays kept in order, Dates as ISO strings,
 * undefined dropped, two-space indentation. Two plans with the same content serialise to the same
 * bytes, so the digest is stable and `diff plan-a.json plan-b.json` shows only real differences.
 */
import { createHash } from 'node:crypto';

/** The value with every object's keys sorted; Dates become ISO strings, undefined vanishes. */
export function canonicalValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : canonicalValue(v)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined || typeof v === 'function') continue;
      out[key] = canonicalValue(v);
    }
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    // JSON has no NaN or Infinity; a plan never holds one, and if it did the digest must not hide it
    throw new Error(`canonical JSON: ${value} is not a JSON number`);
  }
  return value;
}

/** Pretty, key-sorted JSON with a final newline: the bytes of a plan file. */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(canonicalValue(value), null, 2)}\n`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
