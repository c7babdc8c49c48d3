/**
 * "The key belongs to this store" is checked twice, independently: when --key names are resolved
 * (selectKeys) and on every plan line and re-check (evaluateScheduleKey). Each layer is tested on
 * its own, so that neither can be dropped because the other still catches the case.
 */
import { describe, expect, it } from 'vitest';
import { FakeAccount } from '../fakes/fake-aws.js';
import { selectKeys } from '../../../src/workflow/key-selection.js';
import { evaluateScheduleKey } from '../../../src/workflow/schedule-deletion.js';
import { parseKeyRef } from '../../../src/input/validate.js';

describe('selectKeys', () => {
  it('refuses a --key of another store, of no store, or that does not exist, with a reason each', async () => {
    const a = new FakeAccount();
    const s = a.addStore();
    const mine = a.addKey({ store: s });
    const other = a.addKey({ store: a.addStore() });
    const plain = a.addKey({ store: null });
    const storeKeys = [{ ...mine }];
    const refs = [mine.keyId, other.keyId, plain.keyId, '99999999-1111-4222-8333-999999999999'].map((k) =>
      parseKeyRef(k, a.region),
    );
    const sel = await selectKeys(a.ports(), s.id, storeKeys, refs, [], 'ScheduleKeyDeletion');
    expect(sel.selected.map((k) => k.keyId)).toEqual([mine.keyId]);
    expect(sel.refused.map((r) => [r.target, r.status, r.checks[0]!.name])).toEqual([
      [other.keyId, 'blocked', 'key-in-store'],
      [plain.keyId, 'blocked', 'key-in-store'],
      ['99999999-1111-4222-8333-999999999999', 'blocked', 'key-exists'],
    ]);
    expect(sel.refused[1]!.reason).toMatch(/no custom key store/);
  });

  it('no --key: every key of the store, minus --exclude-key', async () => {
    const a = new FakeAccount();
    const s = a.addStore();
    const k1 = a.addKey({ store: s });
    const k2 = a.addKey({ store: s, aliases: ['alias/keep'] });
    const sel = await selectKeys(a.ports(), s.id, [k1, k2], [], [parseKeyRef('alias/keep', a.region)], 'X');
    expect(sel.selected.map((k) => k.keyId)).toEqual([k1.keyId]);
    expect(sel.excluded.map((k) => k.keyId)).toEqual([k2.keyId]);
  });
});

describe('evaluateScheduleKey', () => {
  it('blocks a key of another store even if it reached the plan', () => {
    const a = new FakeAccount();
    const s = a.addStore();
    const other = a.addKey({ store: a.addStore() });
    const item = evaluateScheduleKey(other, s, { windowDays: 30, allowDisconnected: false });
    expect(item.status).toBe('blocked');
    expect(item.checks[0]).toMatchObject({ name: 'key-in-store', ok: false });
  });
});
