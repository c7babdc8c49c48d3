/**
 * Read-back (src/workflow/readback.ts): a write is confirmed by reading it back; KMS is eventually
 * consistent, so a read that still shows the old state is retried with a growing pause (doubling,
 * at most 8 s) before kscli says the effect was not seen.
 */
import { describe, expect, it } from 'vitest';
import { readBack } from '../../../src/workflow/readback.js';
import { FakeClock } from '../fakes/clock.js';

/** A read that answers `values` in turn (the last one forever). */
function reads<T>(values: T[]) {
  let i = 0;
  const read = async () => values[Math.min(i++, values.length - 1)]!;
  return { read, count: () => i };
}

describe('readBack', () => {
  it('seen on the first read: confirmed at once, no pause', async () => {
    const clock = new FakeClock();
    const r = reads(['PendingDeletion']);
    expect(await readBack(r.read, (v) => v === 'PendingDeletion', clock)).toEqual({
      confirmed: true,
      value: 'PendingDeletion',
      attempts: 5,
    });
    expect(r.count()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('a stale read is retried after a pause that doubles, until the effect shows', async () => {
    const clock = new FakeClock();
    const r = reads(['Enabled', 'Enabled', 'PendingDeletion']);
    const res = await readBack(r.read, (v) => v === 'PendingDeletion', clock);
    expect(res).toMatchObject({ confirmed: true, value: 'PendingDeletion' });
    expect(r.count()).toBe(3);
    expect(clock.sleeps).toEqual([500, 1000]);
  });

  it('never seen: not confirmed, with the last value read, after the given number of reads; the pause is capped at 8 s', async () => {
    const clock = new FakeClock();
    const r = reads(['Enabled']);
    const res = await readBack(r.read, (v) => v === 'PendingDeletion', clock, { attempts: 7, firstDelayMs: 2000 });
    expect(res).toEqual({ confirmed: false, value: 'Enabled', attempts: 7 });
    expect(r.count()).toBe(7);
    expect(clock.sleeps).toEqual([2000, 4000, 8000, 8000, 8000, 8000]);
  });

  it("an error while reading is the caller's to handle (not swallowed)", async () => {
    const clock = new FakeClock();
    await expect(
      readBack(
        async () => Promise.reject(new Error('throttled')),
        () => true,
        clock,
      ),
    ).rejects.toThrow('throttled');
  });
});
