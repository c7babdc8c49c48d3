import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenBucket, type Clock } from '../../../src/aws/rate-limiter.js';

/** Simulated time: vitest's fake timers drive both the clock and the bucket's timer. */
const fakeClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Starts `n` takes at once and records, in simulated ms since the start, when each one resolved. */
function takeMany(bucket: TokenBucket, n: number): number[] {
  const start = Date.now();
  const times: number[] = [];
  for (let i = 0; i < n; i += 1) void bucket.take().then(() => times.push(Date.now() - start));
  return times;
}

describe('TokenBucket', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('spreads N takes at rate R over (N - burst) / R seconds', async () => {
    const bucket = new TokenBucket({ rate: 50, burst: 1, clock: fakeClock });
    const times = takeMany(bucket, 200);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(times).toHaveLength(200);
    // one immediately, then one every 20 ms: the last at 199 * 20 ms
    expect(times[0]).toBe(0);
    expect(times[199]).toBeGreaterThanOrEqual(3980);
    expect(times[199]).toBeLessThanOrEqual(3990);
    // never faster than the rate: any 50 consecutive grants span at least 49 intervals
    for (let i = 49; i < times.length; i += 1) expect(times[i]! - times[i - 49]!).toBeGreaterThanOrEqual(49 * 20 - 1);
  });

  it('holds the callers until a token is free (nothing resolves early)', async () => {
    const bucket = new TokenBucket({ rate: 10, burst: 1, clock: fakeClock });
    const times = takeMany(bucket, 3);
    await vi.advanceTimersByTimeAsync(99);
    expect(times).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(times).toEqual([0, 100]);
    await vi.advanceTimersByTimeAsync(100);
    expect(times).toEqual([0, 100, 200]);
  });

  it('lets a saved-up burst through at once, then paces', async () => {
    const bucket = new TokenBucket({ rate: 10, burst: 5, clock: fakeClock });
    const times = takeMany(bucket, 8);
    await vi.advanceTimersByTimeAsync(1000);
    expect(times).toEqual([0, 0, 0, 0, 0, 100, 200, 300]);
  });

  it('defaults the burst to one second of rate', async () => {
    const bucket = new TokenBucket({ rate: 4, clock: fakeClock });
    expect(bucket.burst).toBe(4);
    const times = takeMany(bucket, 5);
    await vi.advanceTimersByTimeAsync(1000);
    expect(times).toEqual([0, 0, 0, 0, 250]);
  });

  it('saves up no more than the burst while idle', async () => {
    const bucket = new TokenBucket({ rate: 10, burst: 3, initialTokens: 0, clock: fakeClock });
    await vi.advanceTimersByTimeAsync(60_000);
    const times = takeMany(bucket, 5);
    await vi.advanceTimersByTimeAsync(1000);
    expect(times).toEqual([0, 0, 0, 100, 200]);
  });

  it('halves the rate on a throttle, counts a volley of throttles once, and recovers linearly', async () => {
    const bucket = new TokenBucket({
      rate: 100,
      burst: 1,
      recoveryPerSecond: 10,
      throttleCooldownMs: 1000,
      clock: fakeClock,
    });
    bucket.onThrottle();
    expect(bucket.currentRate()).toBe(50);
    // the other calls of the same window answered ThrottlingException too: one signal
    bucket.onThrottle();
    bucket.onThrottle();
    expect(bucket.currentRate()).toBe(50);
    await vi.advanceTimersByTimeAsync(1000);
    expect(bucket.currentRate()).toBe(60);
    bucket.onThrottle();
    expect(bucket.currentRate()).toBe(30);
    await vi.advanceTimersByTimeAsync(3000);
    expect(bucket.currentRate()).toBe(60);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(bucket.currentRate()).toBe(100);
  });

  it('paces at the reduced rate after a throttle', async () => {
    const bucket = new TokenBucket({ rate: 100, burst: 1, recoveryPerSecond: 0.000001, clock: fakeClock });
    bucket.onThrottle();
    const times = takeMany(bucket, 11);
    await vi.advanceTimersByTimeAsync(1000);
    // 50/s: one every 20 ms, and the saved-up token was dropped, so the first waits too
    expect(times[0]).toBe(20);
    expect(times[10]).toBeGreaterThanOrEqual(219);
    expect(times[10]).toBeLessThanOrEqual(221);
  });

  it('re-plans waiting callers when a throttle lowers the rate', async () => {
    const bucket = new TokenBucket({ rate: 10, burst: 1, recoveryPerSecond: 0.000001, clock: fakeClock });
    const times = takeMany(bucket, 3);
    await vi.advanceTimersByTimeAsync(50);
    bucket.onThrottle();
    await vi.advanceTimersByTimeAsync(1000);
    // the second caller no longer gets its token at 100 ms but one interval of 5/s later
    expect(times[0]).toBe(0);
    expect(times[1]).toBe(250);
    expect(times[2]).toBe(450);
  });

  it('never lowers the rate below its floor', () => {
    const bucket = new TokenBucket({
      rate: 2,
      minRate: 0.5,
      throttleCooldownMs: 0,
      recoveryPerSecond: 0.000001,
      clock: fakeClock,
    });
    for (let i = 0; i < 20; i += 1) bucket.onThrottle();
    expect(bucket.currentRate()).toBe(0.5);
  });

  it('refuses a rate that is not a positive number', () => {
    expect(() => new TokenBucket({ rate: 0 })).toThrow(RangeError);
    expect(() => new TokenBucket({ rate: Number.NaN })).toThrow(RangeError);
  });
});
