/**
 * The sandbox's seeded ids, its ISO-to-the-second times and CloudTrail's camelCase rendering are on
 * every recorded call's path, so they were made cheaper (issue 17). A seed must still name the same
 * ids, a time the same text, an input the same requestParameters, as before: these pin them to the
 * plain formulations they replaced.
 */
import { describe, expect, it, vi } from 'vitest';
import { idSource, seededIds } from '../../../../src/sandbox/model/ids.js';
import { seededRandom } from '../../../../src/sandbox/model/seeded-random.js';
import { isoSeconds } from '../../../../src/sandbox/model/iso-seconds.js';
import {
  eventSource,
  isReadOnly,
  toTrailShape,
  trailDate,
} from '../../../../src/sandbox/model/cloudtrail/trail-events.js';
import { LogColumns } from '../../../../src/sandbox/model/logs/log-store.js';
import { eventJson, fixedMember } from '../../../../src/sandbox/model/cloudtrail/event-json.js';
import { identityFor, userIdentity, userIdentityBlock } from '../../../../src/sandbox/model/sts/identity.js';
import type { Account } from '../../../../src/sandbox/model/account.js';
import {
  createModel,
  scenario,
  DEMO_KEYS,
  DEMO_LOG_GROUP,
  DEMO_STORE_ID,
  type AccountState,
} from '../../../../src/sandbox/model/index.js';
import { call } from './helpers.js';

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

describe('Logs Insights columns of events delivered in this process', () => {
  /** the fields queries read, at every depth an event has them */
  const FIELDS = [
    'eventName',
    'eventSource',
    'errorCode',
    'errorMessage',
    'readOnly',
    'managementEvent',
    'userIdentity.arn',
    'userIdentity.sessionContext.sessionIssuer.arn',
    'userIdentity.sessionContext.attributes.creationDate',
    'resources.0.ARN',
    'resources.1.ARN',
    'requestParameters.keyId',
    'requestParameters.pendingWindowInDays',
    'requestParameters.encryptionContext.Department',
    'requestParameters.tags.0.tagKey',
    'responseElements.keyMetadata.keyId',
    'responseElements.keyMetadata.enabled',
    'responseElements',
    'additionalEventData.customKeyStoreId',
    'nothing.here',
  ];

  /** The columns as parsing each stored message gives them: a copy of the group holds no event object. */
  const parsedColumns = (group: unknown) =>
    new LogColumns(JSON.parse(JSON.stringify(group)) as AccountState['logGroups'][number]).columnsOf(FIELDS);

  /** Counts the parses of CloudTrail messages while `fn` runs. */
  function parses<T>(fn: () => T): { value: T; parsed: number } {
    const parse = JSON.parse;
    let parsed = 0;
    const spy = vi.spyOn(JSON, 'parse').mockImplementation((text: string, reviver?: Parameters<typeof parse>[1]) => {
      if (typeof text === 'string' && text.startsWith('{"eventVersion"')) parsed++;
      return parse(text, reviver);
    });
    try {
      return { value: fn(), parsed };
    } finally {
      spy.mockRestore();
    }
  }

  function demoWithCalls(describes: number) {
    const m = createModel(scenario('demo'));
    const kms = (op: string, input: Record<string, unknown>) => {
      try {
        call(m, 'kms', op, input);
      } catch {
        /* a refused call is an event too (errorCode, errorMessage) */
      }
    };
    kms('CreateKey', {
      CustomKeyStoreId: DEMO_STORE_ID,
      Origin: 'AWS_CLOUDHSM',
      Tags: [{ TagKey: 'T', TagValue: 'v' }],
    });
    kms('Encrypt', { KeyId: DEMO_KEYS.used, Plaintext: Buffer.from('x'), EncryptionContext: { Department: 'A' } });
    kms('ScheduleKeyDeletion', { KeyId: DEMO_KEYS.unusedA, PendingWindowInDays: 7 });
    kms('ScheduleKeyDeletion', { KeyId: 'no-such-key', PendingWindowInDays: 3 });
    kms('ListKeys', {});
    for (let i = 0; i < describes; i++) kms('DescribeKey', { KeyId: i % 2 ? DEMO_KEYS.used : DEMO_KEYS.unusedA });
    const group = (m.toJSON() as AccountState).logGroups.find((g) => g.name === DEMO_LOG_GROUP)!;
    return { m, group };
  }

  it('hold what parsing the stored messages gives, and the events just delivered are not parsed again', () => {
    const { group } = demoWithCalls(20);
    const delivered = group.events!.length;
    expect(delivered).toBeGreaterThan(25);
    const fromObjects = parses(() => new LogColumns(group).columnsOf(FIELDS));
    expect(fromObjects.value).toStrictEqual(parsedColumns(group));
    expect(fromObjects.parsed).toBe(0);
    // the values are really there (the comparison is not between two empty columns)
    const names = fromObjects.value[0]!;
    expect(names).toContain('CreateKey');
    expect(fromObjects.value[FIELDS.indexOf('errorCode')]).toContain('NotFoundException');
    expect(fromObjects.value[FIELDS.indexOf('requestParameters.encryptionContext.Department')]).toContain('A');
  });

  it('hold only the last few thousand deliveries (two generations of 2,048): older events are parsed, with the same values', () => {
    const { group } = demoWithCalls(4500);
    const fromObjects = parses(() => new LogColumns(group).columnsOf(FIELDS));
    expect(fromObjects.value).toStrictEqual(parsedColumns(group));
    expect(fromObjects.parsed).toBeGreaterThan(0);
    expect(fromObjects.parsed).toBeLessThan(group.events!.length);
  });
});

describe('CloudTrail event text and userIdentity blocks (kept per caller and second)', () => {
  it('eventJson is JSON.stringify, fixed members included', () => {
    const identity = fixedMember({ type: 'AssumedRole', arn: 'a"rn\\x', sessionContext: { attributes: { n: 1 } } });
    const events: Array<Record<string, unknown>> = [
      {},
      { eventVersion: '1.11', userIdentity: identity, eventTime: 't', readOnly: true, n: 0, z: null },
      { userIdentity: identity, requestParameters: { keyId: 'k', tags: [{ tagKey: 'é"\n' }, null] } },
      { skipped: undefined, fn: () => 1, sym: Symbol('s'), kept: [undefined, 1], '': 'empty name', 'quo"te': 2 },
      { responseElements: { results: ['{"resourceId":"x"}'] }, resources: [], errorMessage: 'line\nbreak \u2028' },
      { userIdentity: identity, same: identity },
    ];
    for (const e of events) expect(eventJson(e)).toBe(JSON.stringify(e));
  });

  it('a fixed member is frozen all the way down: its kept text cannot go stale', () => {
    const block = fixedMember({ a: { b: { c: 1 } }, list: [{ d: 2 }] });
    expect(() => {
      (block.a.b as { c: number }).c = 2;
    }).toThrow(TypeError);
    expect(() => {
      block.list.push({ d: 3 });
    }).toThrow(TypeError);
  });

  it('userIdentity gives the block made afresh, the same object while nothing it depends on changes', () => {
    const m = createModel(scenario('demo'));
    const acc = (m as unknown as { acc: Account }).acc;
    const fresh = (id: ReturnType<typeof identityFor>, key: string | undefined) =>
      userIdentityBlock(acc.accountId, id, key, isoSeconds(acc.nowMs()));
    const cases: Array<[string | undefined, Parameters<typeof identityFor>[2]?]> = [
      ['ASIAKSCLIINPROCESS01'],
      ['AKIAUSERKEY000000001'],
      [undefined],
      [
        'ASIAORGSESSION000001',
        {
          type: 'AssumedRole',
          arn: 'arn:aws:sts::222233334444:assumed-role/Org/s',
          principalId: 'AROAORG:s',
          userName: 's',
        },
      ],
    ];
    for (const [key, principal] of cases) {
      const id = identityFor(acc, key, principal);
      const first = userIdentity(acc, id, key);
      expect(first).toStrictEqual(fresh(id, key));
      // the same caller again: the same block (its text is kept)
      if (!principal) expect(userIdentity(acc, identityFor(acc, key), key)).toBe(first);
      // another access key id for the same identity: its own block
      expect(userIdentity(acc, id, 'ASIAOTHERKEY00000001')).toStrictEqual(fresh(id, 'ASIAOTHERKEY00000001'));
    }
    // a second later the session's creationDate moves (the block is made again)
    const id = identityFor(acc, 'ASIAKSCLIINPROCESS01');
    const before = userIdentity(acc, id, 'ASIAKSCLIINPROCESS01');
    m.advance(1000);
    const after = userIdentity(acc, id, 'ASIAKSCLIINPROCESS01');
    expect(after).not.toBe(before);
    expect(after).toStrictEqual(fresh(id, 'ASIAKSCLIINPROCESS01'));
    expect(after).not.toStrictEqual(before);
    // a registered identity edited in place: the block follows it
    const known = {
      type: 'AssumedRole' as const,
      arn: 'arn:aws:sts::111122223333:assumed-role/Ops/a',
      principalId: 'AROAOPS:a',
      userName: 'a',
    };
    acc.state.identities['ASIAKNOWN00000000001'] = known;
    const knownBefore = userIdentity(acc, identityFor(acc, 'ASIAKNOWN00000000001'), 'ASIAKNOWN00000000001');
    known.arn = 'arn:aws:sts::111122223333:assumed-role/Audit/a';
    const knownAfter = userIdentity(acc, identityFor(acc, 'ASIAKNOWN00000000001'), 'ASIAKNOWN00000000001');
    expect(knownAfter).not.toStrictEqual(knownBefore);
    expect(knownAfter).toStrictEqual(fresh(known, 'ASIAKNOWN00000000001'));
  });
});
