/**
 * The sandbox's seeded ids, its ISO-to-the-second times and CloudTrail's camelCase rendering are on
 * every recorded call's path, so they were made cheaper (issue 17). A seed must still name the same
 * ids, a time the same text, an input the same requestParameters, as before: these pin them to the
 * plain formulations they replaced.
 */
import { describe, expect, it } from 'vitest';
import { idSource, seededIds } from '../../../../src/sandbox/model/ids.js';
import { seededRandom } from '../../../../src/sandbox/model/seeded-random.js';
import { isoSeconds } from '../../../../src/sandbox/model/iso-seconds.js';
import {
  eventSource,
  isReadOnly,
  toTrailShape,
  trailDate,
} from '../../../../src/sandbox/model/cloudtrail/trail-events.js';

/** seededIds as it was: idSource over a Buffer of seeded bytes */
function plainSeededIds(seed: number) {
  const next = seededRandom(seed);
  return idSource((n) => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(next() * 256);
    return b;
  });
}

describe('seeded ids', () => {
  it('give the same uuids, interleaved with the other kinds of ids, as idSource over the same bytes', () => {
    for (const seed of [0, 1, 0x5eed, 2 ** 31 - 1]) {
      const fast = seededIds(seed);
      const plain = plainSeededIds(seed);
      for (let i = 0; i < 500; i++) {
        expect(fast.uuid()).toBe(plain.uuid());
        if (i % 7 === 0) expect(fast.customKeyStoreId()).toBe(plain.customKeyStoreId());
        if (i % 11 === 0) expect(fast.grantId()).toBe(plain.grantId());
      }
    }
  });

  it('are RFC 4122 version 4 uuids', () => {
    const ids = seededIds(42);
    for (let i = 0; i < 200; i++)
      expect(ids.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('isoSeconds', () => {
  it('is toISOString without the milliseconds, for repeated and changing times', () => {
    const times = [0, 0, 1_790_000_000_123, 1_790_000_000_123, 1_790_000_000_999, 1_790_000_001_000, 0];
    for (const t of times) expect(isoSeconds(t)).toBe(new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  });

  it('throws for an invalid time, also right after a valid one', () => {
    isoSeconds(1000);
    expect(() => isoSeconds(Number.NaN)).toThrow(RangeError);
    expect(isoSeconds(1000)).toBe('1970-01-01T00:00:01Z');
  });
});

describe('CloudTrail event classification (kept per service and operation)', () => {
  it('answers the same when asked again', () => {
    for (const op of ['DescribeKey', 'ScheduleKeyDeletion', 'Decrypt', 'GenerateDataKeyPair', 'LookupEvents']) {
      const first = isReadOnly(op);
      expect(isReadOnly(op)).toBe(first);
    }
    expect(isReadOnly('DescribeKey')).toBe(true);
    expect(isReadOnly('Decrypt')).toBe(true);
    expect(isReadOnly('ScheduleKeyDeletion')).toBe(false);
    expect(eventSource('kms')).toBe('kms.amazonaws.com');
    expect(eventSource('kms')).toBe('kms.amazonaws.com');
    expect(eventSource('logs')).toBe('logs.amazonaws.com');
  });
});

/** toTrailShape as it was (Object.entries, camelCase computed each time) */
function plainTrailShape(value: unknown, depth = 0): unknown {
  const redacted = new Set([
    'Plaintext',
    'CiphertextBlob',
    'KeyStorePassword',
    'XksProxyAuthenticationCredential',
    'SecretAccessKey',
    'SessionToken',
    'GrantToken',
    'GrantTokens',
  ]);
  const maps = new Set(['EncryptionContext', 'EncryptionContextSubset', 'EncryptionContextEquals']);
  if (value instanceof Date) return trailDate(value);
  if (Array.isArray(value)) return value.map((v) => plainTrailShape(v, depth + 1));
  if (value instanceof Uint8Array) return undefined;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (redacted.has(k) || v === undefined) continue;
      out[k.length > 0 ? k.charAt(0).toLowerCase() + k.slice(1) : k] =
        depth > 8 || maps.has(k) ? v : plainTrailShape(v, depth + 1);
    }
    return out;
  }
  return value;
}

describe('toTrailShape', () => {
  it('renders inputs and outputs as before: camelCase, payloads and secrets left out, encryption contexts as sent', () => {
    let deep: Record<string, unknown> = { Leaf: 'x' };
    for (let i = 0; i < 12; i++) deep = { Level: deep, N: i };
    const samples: unknown[] = [
      null,
      undefined,
      0,
      '',
      false,
      'text',
      { KeyId: 'k', PendingWindowInDays: 7 },
      { KeyId: 'k', Plaintext: new Uint8Array([1]), CiphertextBlob: Buffer.from('x'), Missing: undefined },
      { EncryptionContext: { Department: 'A', 'aws:x': 'b' }, GrantTokens: [] },
      { KeyMetadata: { KeyId: 'k', CreationDate: new Date(Date.UTC(2026, 11, 3, 13, 5, 9)), Enabled: true } },
      { Keys: [{ KeyId: 'a' }, { KeyId: 'b', Tags: [{ TagKey: 'T', TagValue: 'v' }] }], '': 1, x: 2 },
      [{ A: [new Date(0)] }, 3],
      deep,
    ];
    for (const s of samples) {
      expect(toTrailShape(s)).toStrictEqual(plainTrailShape(s));
      expect(toTrailShape(s)).toStrictEqual(plainTrailShape(s));
    }
  });
});
