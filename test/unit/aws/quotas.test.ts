import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  OPERATION_QUOTAS,
  QUOTA_SAFETY_FACTOR,
  RegionPacer,
  paceForQuota,
  pacedOperationName,
} from '../../../src/aws/quotas.js';
import { TokenBucket, type Clock } from '../../../src/aws/rate-limiter.js';

const fakeClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Most grants inside any closed one-second window. */
function busiestSecond(times: number[]): number {
  let most = 0;
  let first = 0;
  for (let last = 0; last < times.length; last += 1) {
    while (times[last]! - times[first]! > 1000) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

describe('quota table', () => {
  it('holds the AWS quotas of aws-facts.md section 6', () => {
    expect(OPERATION_QUOTAS).toMatchObject({
      DescribeKey: 2000,
      ListKeys: 500,
      ScheduleKeyDeletion: 15,
      CancelKeyDeletion: 5,
      DescribeCustomKeyStores: 5,
      ConnectCustomKeyStore: 5,
      DisconnectCustomKeyStore: 5,
      DeleteCustomKeyStore: 5,
      EnableKey: 5,
      DisableKey: 5,
      GetKeyPolicy: 1000,
      ListGrants: 100,
      ListAliases: 500,
      ListResourceTags: 2000,
      GetKeyLastUsage: 5,
      LookupEvents: 2,
    });
  });

  it('paces at 95% of the quota or more', () => {
    expect(QUOTA_SAFETY_FACTOR).toBeGreaterThanOrEqual(0.95);
    expect(paceForQuota(2000)).toEqual({ rate: 1900, burst: 100 });
    expect(paceForQuota(5)).toEqual({ rate: 4.75, burst: 1 });
  });

  it('finds operations case-insensitively', () => {
    expect(pacedOperationName('describekey')).toBe('DescribeKey');
    expect(pacedOperationName('constructor')).toBeUndefined();
  });
});

describe('pace for a quota', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 5_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  // a caller that always has work never sends more than the quota in any second, bursts included
  for (const quota of [2, 5, 15, 100, 2000]) {
    it(`never exceeds ${quota} requests in any second, and sustains at least 95% of it`, async () => {
      const bucket = new TokenBucket({ ...paceForQuota(quota), clock: fakeClock });
      const seconds = 3;
      const times: number[] = [];
      const n = Math.ceil(quota * seconds);
      for (let i = 0; i < n; i += 1) void bucket.take().then(() => times.push(Date.now()));
      await vi.advanceTimersByTimeAsync(seconds * 1000 + 2000);
      expect(busiestSecond(times)).toBeLessThanOrEqual(quota);
      const span = (times[times.length - 1]! - times[0]!) / 1000;
      expect((times.length - 1) / span).toBeGreaterThanOrEqual(quota * 0.95 - 0.01);
    });
  }
});

describe('RegionPacer', () => {
  it('gives each paced operation its own bucket and leaves others unpaced', () => {
    const pacer = new RegionPacer();
    const describe1 = pacer.bucket('DescribeKey');
    expect(describe1).toBeDefined();
    expect(pacer.bucket('DescribeKey')).toBe(describe1);
    expect(pacer.bucket('ListKeys')).not.toBe(describe1);
    expect(describe1!.ceiling).toBe(1900);
    expect(pacer.bucket('PutMetricAlarm')).toBeUndefined();
    expect(pacer.bucket('toString')).toBeUndefined();
  });

  it('takes --max-rps as the quota of an operation', () => {
    const pacer = new RegionPacer({ DescribeKey: 500 });
    expect(pacer.bucket('DescribeKey')!.ceiling).toBe(475);
    expect(pacer.bucket('ListKeys')!.ceiling).toBe(475);
  });
});
