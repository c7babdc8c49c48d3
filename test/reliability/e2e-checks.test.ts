/**
 * The end-to-end fault checks judge from the world, not from AWS's refusals (issue 12): these feed
 * them request logs and journals of bugs that a refusal-based check let through, and correct
 * histories that must pass. A journal's times are on kscli's clock, which is the sandbox's when it
 * talks to one (src/aws/account-clock.ts): J3 compares them with the requests' sandbox times.
 */
import { describe, expect, it } from 'vitest';
import type { LoggedRequest } from '../e2e/helpers/index.js';
import { deletesWithKeys, doneButNotDone, type JournalLine } from './helpers/e2e-world.js';

const STORE = 'cks-1234567890abcdef0';
const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
let n = 0;
function req(
  operation: string,
  params: Record<string, unknown>,
  outcome: string,
  sandboxTime: string,
  fault?: string,
): LoggedRequest {
  n += 1;
  return {
    time: `2026-11-30T10:00:0${n % 10}.000Z`,
    sandboxTime,
    requestId: `r${n}`,
    service: 'kms',
    operation,
    params,
    outcome,
    status: outcome === 'ok' ? 200 : 500,
    durationMs: 1,
    mutating: true,
    ...(fault ? { fault } : {}),
  } as LoggedRequest;
}
const advance = {
  from: '2026-12-01T00:00:00.000Z',
  to: '2027-01-01T00:00:00.000Z',
  deletedKeys: [{ keyId: KEY, storeId: STORE }],
};

describe('S2 from the world: a DeleteCustomKeyStore sent while the store held keys, whatever the answer', () => {
  for (const [outcome, fault] of [
    ['CustomKeyStoreHasCMKsException', undefined],
    ['KMSInternalException', 'error'],
    ['dropped', 'drop'],
    ['ThrottlingException', 'throttle'],
  ] as const) {
    it(`caught when AWS answered ${outcome}${fault ? ` (injected ${fault})` : ''}`, () => {
      const early = req(
        'DeleteCustomKeyStore',
        { CustomKeyStoreId: STORE },
        outcome,
        '2026-11-30T12:00:00.000Z',
        fault,
      );
      expect(deletesWithKeys([early], STORE, [advance], 0)).toHaveLength(1);
    });
  }
  it('not after the advance that deleted the last key; always while keys remain', () => {
    const late = req('DeleteCustomKeyStore', { CustomKeyStoreId: STORE }, 'ok', '2027-01-01T00:00:05.000Z');
    expect(deletesWithKeys([late], STORE, [advance], 0)).toEqual([]);
    expect(deletesWithKeys([late], STORE, [advance], 2)).toHaveLength(1);
  });
});

describe('J3 from the world: a journal "ok" needs a call AWS handled', () => {
  const line = (operation: string, target: string, time: string, note?: string): JournalLine => ({
    time,
    operation,
    target,
    phase: 'outcome',
    outcome: 'ok',
    ...(note ? { result: { note } } : {}),
  });
  it('an "ok" after AWS refused is caught, even with an "already" note', () => {
    const refused = req('ScheduleKeyDeletion', { KeyId: KEY }, 'KMSInvalidStateException', '2026-11-30T12:00:00.000Z');
    expect(
      doneButNotDone(
        [refused],
        [line('ScheduleKeyDeletion', KEY, '2026-11-30T12:00:59.000Z', 'already PendingDeletion')],
      ),
    ).toHaveLength(1);
    const notFound = req(
      'DeleteCustomKeyStore',
      { CustomKeyStoreId: STORE },
      'CustomKeyStoreNotFoundException',
      '2026-11-30T12:00:00.000Z',
    );
    expect(
      doneButNotDone(
        [notFound],
        [line('DeleteCustomKeyStore', STORE, '2026-11-30T12:00:59.000Z', 'was already deleted')],
      ),
    ).toHaveLength(1);
  });
  it('an "ok" for a call dropped before AWS handled it, or never sent, is caught', () => {
    const dropped = req('ScheduleKeyDeletion', { KeyId: KEY }, 'dropped', '2026-11-30T12:00:00.000Z', 'drop');
    expect(doneButNotDone([dropped], [line('ScheduleKeyDeletion', KEY, '2026-11-30T12:00:59.000Z')])).toHaveLength(1);
    expect(doneButNotDone([], [line('EnableKey', KEY, '2026-11-30T12:00:59.000Z')])).toHaveLength(1);
  });
  it('an "ok" backed by a handled call passes, also when the answer was lost and a retry met "already"', () => {
    const lost = req(
      'ScheduleKeyDeletion',
      { KeyId: KEY },
      'dropped-after-handling',
      '2026-11-30T12:00:00.000Z',
      'drop-after',
    );
    const retry = req('ScheduleKeyDeletion', { KeyId: KEY }, 'KMSInvalidStateException', '2026-11-30T12:00:01.000Z');
    expect(
      doneButNotDone(
        [lost, retry],
        [line('ScheduleKeyDeletion', KEY, '2026-11-30T12:00:59.000Z', 'already PendingDeletion')],
      ),
    ).toEqual([]);
  });
  it('a handled call AFTER the journal line does not back it', () => {
    const later = req('EnableKey', { KeyId: KEY }, 'ok', '2026-11-30T12:00:00.000Z');
    expect(
      doneButNotDone(
        [{ ...later, sandboxTime: '2026-11-30T13:00:00.000Z' }],
        [line('EnableKey', KEY, '2026-11-30T12:00:59.000Z')],
      ),
    ).toHaveLength(1);
  });
});
