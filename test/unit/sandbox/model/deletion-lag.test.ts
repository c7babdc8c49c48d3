/**
 * AWS deletes a key up to 24 h after its DeletionDate (aws-facts 3.1, 9); the sandbox draws the
 * moment from its deletionLagSeed, the key and the date, and writes the DeleteKey event then.
 */
import { describe, expect, it } from 'vitest';
import { createModel, scenario, DEMO_KEYS } from '../../../../src/sandbox/model/index.js';
import { deletionLag } from '../../../../src/sandbox/model/deletion-lag.js';
import { call, callError, kms } from './helpers.js';

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00Z');

function deleteKeyEventTimes(m: ReturnType<typeof createModel>): string[] {
  const out = call(m, 'cloudtrail', 'LookupEvents', {
    LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'DeleteKey' }],
  });
  return out.Events.map((e: any) => JSON.parse(e.CloudTrailEvent).eventTime as string);
}

describe('deletion lag', () => {
  it("the default is AWS's: up to 24 h, seeded", () => {
    const m = createModel(scenario('demo', { now: NOW }), { now: NOW });
    expect(m.acc.state.config.deletionLagMs).toBe(DAY);
  });

  it('a key stays PendingDeletion (DeletionDate in the past) until its drawn moment, then goes with a DeleteKey event at that moment', () => {
    for (const seed of [1, 2, 3, 42, 977]) {
      const m = createModel(scenario('demo', { now: NOW }), {
        now: NOW,
        config: { deletionLagSeed: seed },
        wallClock: () => NOW.getTime(),
      });
      const date = NOW.getTime() + 5 * DAY; // the demo's pending key
      const lag = deletionLag(seed, DEMO_KEYS.pending, date, DAY);
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThan(DAY);
      m.advance(5 * DAY + lag - 1);
      const md = kms(m, 'DescribeKey', { KeyId: DEMO_KEYS.pending }).KeyMetadata;
      expect(md.KeyState).toBe('PendingDeletion');
      expect(md.DeletionDate.getTime()).toBe(date);
      const report = m.advance(1);
      expect(report.deletedKeys.map((k) => k.keyId)).toEqual([DEMO_KEYS.pending]);
      expect(callError(m, 'kms', 'DescribeKey', { KeyId: DEMO_KEYS.pending }).code).toBe('NotFoundException');
      expect(deleteKeyEventTimes(m)).toEqual([
        new Date(Math.floor((date + lag) / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
      ]);
    }
  });

  it('the lags spread over the whole window, repeat for the same seed, key and date, and differ with the seed', () => {
    const lags = Array.from({ length: 400 }, (_, i) => deletionLag(7, `key-${i}`, NOW.getTime(), DAY));
    expect(Math.min(...lags)).toBeLessThan(DAY / 10);
    expect(Math.max(...lags)).toBeGreaterThan(DAY * 0.9);
    expect(new Set(lags).size).toBeGreaterThan(390);
    expect(lags.map((_, i) => deletionLag(7, `key-${i}`, NOW.getTime(), DAY))).toEqual(lags);
    const other = lags.map((_, i) => deletionLag(8, `key-${i}`, NOW.getTime(), DAY));
    expect(other.filter((l, i) => l !== lags[i]).length).toBeGreaterThan(390);
  });

  it('deletionLagMs 0 deletes exactly at DeletionDate', () => {
    const m = createModel(scenario('demo', { now: NOW }), {
      now: NOW,
      config: { deletionLagMs: 0 },
      wallClock: () => NOW.getTime(),
    });
    m.advance(5 * DAY - 1);
    expect(kms(m, 'DescribeKey', { KeyId: DEMO_KEYS.pending }).KeyMetadata.KeyState).toBe('PendingDeletion');
    expect(m.advance(1).deletedKeys.map((k) => k.keyId)).toEqual([DEMO_KEYS.pending]);
  });

  it('a deletion cancelled during the lag keeps the key (UNCONFIRMED for AWS: the key is still PendingDeletion then)', () => {
    const seed = [...Array(50).keys()].find(
      (s) => deletionLag(s, DEMO_KEYS.pending, NOW.getTime() + 5 * DAY, DAY) > 3_600_000,
    )!;
    const m = createModel(scenario('demo', { now: NOW }), {
      now: NOW,
      config: { deletionLagSeed: seed },
      wallClock: () => NOW.getTime(),
    });
    m.advance(5 * DAY + 1000);
    kms(m, 'CancelKeyDeletion', { KeyId: DEMO_KEYS.pending });
    m.advance(2 * DAY);
    expect(kms(m, 'DescribeKey', { KeyId: DEMO_KEYS.pending }).KeyMetadata.KeyState).toBe('Disabled');
  });
});
