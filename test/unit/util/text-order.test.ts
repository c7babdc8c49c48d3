import { describe, expect, it } from 'vitest';
import { compareText, thousands } from '../../../src/util/text-order.js';

describe('text order without ICU', () => {
  it('compareText sorts by code point, whatever the locale', () => {
    const ids = ['b', 'B', 'a-1', 'a1', '2026-12-01', '2026-11-30', 'A'];
    expect([...ids].sort(compareText)).toEqual(['2026-11-30', '2026-12-01', 'A', 'B', 'a-1', 'a1', 'b']);
    expect(compareText('x', 'x')).toBe(0);
  });

  it('thousands rounds and groups digits by three, as en-US does', () => {
    for (const n of [0, 7, 999, 1000, 12_345, 1_234_567, 1_000_000_000, -4_321, 2336.4, 2336.5])
      expect(thousands(n)).toBe(Math.round(n).toLocaleString('en-US'));
  });
});
