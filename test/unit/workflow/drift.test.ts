/**
 * Drift detection (src/workflow/drift.ts): what changed in the store between the plan and the end
 * of the apply. Keys created meanwhile and deletions someone cancelled meanwhile are reported (and
 * not acted on); other changes are not drift.
 */
import { describe, expect, it } from 'vitest';
import type { KeyInfo } from '../../../src/aws/ports.js';
import type { StepContext } from '../../../src/workflow/context.js';
import { compareKeys, keyDriftSince, storeKeysAfterApply } from '../../../src/workflow/drift.js';
import { FakeAccount } from '../fakes/fake-aws.js';

const key = (keyId: string, state: KeyInfo['state']): KeyInfo =>
  ({
    keyId,
    arn: `arn:aws:kms:eu-west-1:111122223333:key/${keyId}`,
    state,
    creationDate: new Date('2025-01-01'),
  }) as KeyInfo;

describe('compareKeys', () => {
  it('nothing changed: no drift', () => {
    const keys = [key('a', 'Enabled'), key('b', 'PendingDeletion')];
    expect(compareKeys(keys, keys)).toEqual([]);
  });

  it('a key that appeared since the plan is reported as created, with its state', () => {
    expect(compareKeys([key('a', 'Enabled')], [key('a', 'Enabled'), key('n', 'Enabled')])).toEqual([
      {
        keyId: 'n',
        state: 'Enabled',
        change: 'created',
        note: 'key n appeared in the store since the plan (Enabled): not acted on in this run; run again to plan it',
      },
    ]);
  });

  it('a deletion cancelled since the plan is reported with the state the key is in now', () => {
    expect(compareKeys([key('a', 'PendingDeletion')], [key('a', 'Disabled')])).toEqual([
      {
        keyId: 'a',
        state: 'Disabled',
        change: 'deletion-cancelled',
        note: 'key a: someone cancelled its deletion since the plan (now Disabled); not scheduled again in this run',
      },
    ]);
  });

  it("the run's own changes, keys gone, and other state changes are not drift", () => {
    const before = [key('scheduled', 'Enabled'), key('gone', 'PendingDeletion'), key('disabled', 'Enabled')];
    const after = [key('scheduled', 'PendingDeletion'), key('disabled', 'Disabled')];
    expect(compareKeys(before, after)).toEqual([]);
  });
});

describe('storeKeysAfterApply / keyDriftSince', () => {
  it("lists the store's keys again from AWS (only this store's) and compares them with the plan's", async () => {
    const acct = new FakeAccount();
    const store = acct.addStore();
    const other = acct.addStore();
    const planned = acct.addKey({ store, state: 'PendingDeletion' });
    const before: KeyInfo[] = [{ ...planned }];
    // meanwhile: a colleague cancels the deletion, and creates a key in the store and one elsewhere
    planned.state = 'Disabled';
    delete planned.deletionDate;
    const created = acct.addKey({ store });
    acct.addKey({ store: other });
    const ctx = { aws: acct, store } as unknown as StepContext;
    const after = await storeKeysAfterApply(ctx, before);
    expect(after.keys.map((k) => k.keyId).sort()).toEqual([planned.keyId, created.keyId].sort());
    expect(after.drift.map((d) => [d.keyId, d.change])).toEqual(
      expect.arrayContaining([
        [planned.keyId, 'deletion-cancelled'],
        [created.keyId, 'created'],
      ]),
    );
    expect(after.drift).toHaveLength(2);
    expect(await keyDriftSince(ctx, before)).toEqual(after.drift);
  });
});
