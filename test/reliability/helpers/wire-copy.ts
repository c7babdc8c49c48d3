/**
 * A deep copy of what crosses the in-process "wire" (in-process-sandbox.ts): kscli's inputs on the
 * way in, the model's answers on the way out, so that neither side ever holds the other's objects,
 * as with bytes on a socket.
 *
 * `structuredClone` did this, and it was the single largest cost of the harness's `call` (issue 17:
 * about a tenth of the property test's CPU, most calls carrying a few small objects). This copies
 * plain objects, arrays and Dates itself and hands everything else (Uint8Array and Buffer payloads,
 * Maps, class instances) to `structuredClone`, so the result is what `structuredClone` gives, with
 * one difference that brings it closer to the wire: an object referenced twice is copied twice (a
 * decoded JSON answer never shares objects either). The model's answers are JSON-shaped (the HTTP
 * sandbox serializes them), so there are no cycles to preserve.
 */
export function wireCopy<T>(value: T): T {
  return copy(value) as T;
}

function copy(v: unknown): unknown {
  if (typeof v !== 'object' || v === null)
    // functions and symbols cannot cross a wire: structuredClone throws for them
    return typeof v === 'function' || typeof v === 'symbol' ? structuredClone(v) : v;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto === Array.prototype) {
    const a = v as unknown[];
    const out = new Array<unknown>(a.length);
    // holes stay holes, as structuredClone keeps them
    for (let i = 0; i < a.length; i++) if (i in a) out[i] = copy(a[i]);
    return out;
  }
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = copy((v as Record<string, unknown>)[k]);
    return out;
  }
  if (v instanceof Date) return new Date(v.getTime());
  return structuredClone(v);
}
