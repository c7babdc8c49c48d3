import { describe, expect, it } from 'vitest';
import { frozenText, keptText } from '../../../src/util/frozen-text.js';

describe('frozenText', () => {
  it('is JSON.stringify, kept: the same text again without serializing again', () => {
    const obj = { a: 1, b: { c: [1, 'x'] } };
    expect(keptText(obj)).toBeUndefined();
    expect(frozenText(obj)).toBe(JSON.stringify({ a: 1, b: { c: [1, 'x'] } }));
    expect(keptText(obj)).toBe(frozenText(obj));
  });

  it('freezes the object and everything in it, so the kept text cannot go stale', () => {
    const obj = { a: 1, b: { c: [1] } };
    frozenText(obj);
    expect(() => {
      obj.a = 2;
    }).toThrow(TypeError);
    expect(() => obj.b.c.push(2)).toThrow(TypeError);
  });
});
