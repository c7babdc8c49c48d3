/**
 * wireCopy (helpers/wire-copy.ts) replaced structuredClone on the in-process harness's wire
 * (issue 17). It must give what structuredClone gives for what crosses it, and share nothing with
 * the original.
 */
import { describe, expect, it } from 'vitest';
import { wireCopy } from './helpers/wire-copy.js';

class Shaped {
  constructor(readonly x = 1) {}
}

const samples: unknown[] = [
  null,
  undefined,
  0,
  'text',
  true,
  {},
  [],
  { KeyMetadata: { KeyId: 'k', CreationDate: new Date(1_790_000_000_000), Enabled: true, Missing: undefined } },
  { Keys: [{ KeyId: 'a' }, { KeyId: 'b' }], Truncated: false, NextMarker: undefined },
  { Plaintext: new Uint8Array([1, 2, 3]), Blob: Buffer.from('abc'), nested: [[1, [2, { d: new Date(0) }]]] },
  Object.assign(Object.create(null) as object, { a: 1, b: { c: 'x' } }),
  { shaped: new Shaped(3), map: new Map([['k', { v: 1 }]]), set: new Set([1]) },
  // eslint-disable-next-line no-sparse-arrays
  [1, , 3],
];

describe('wireCopy', () => {
  it('gives what structuredClone gives', () => {
    for (const s of samples) {
      const copy = wireCopy(s);
      expect(copy).toStrictEqual(structuredClone(s));
      if (s && typeof s === 'object')
        expect(Object.getPrototypeOf(copy)).toBe(Object.getPrototypeOf(structuredClone(s)));
    }
  });

  it('shares no object with the original', () => {
    const original = { a: { b: [{ c: new Date(5) }] }, bytes: new Uint8Array([9]) };
    const copy = wireCopy(original);
    copy.a.b[0]!.c.setTime(6);
    copy.a.b.push({ c: new Date(7) });
    copy.bytes[0] = 1;
    expect(original).toStrictEqual({ a: { b: [{ c: new Date(5) }] }, bytes: new Uint8Array([9]) });
  });

  it('refuses what cannot cross a wire, as structuredClone does', () => {
    expect(() => wireCopy({ f: () => 1 })).toThrow();
    expect(() => wireCopy([Symbol('s')])).toThrow();
  });
});
