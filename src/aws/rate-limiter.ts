/**
 * A token bucket that paces one AWS operation, with AIMD back-off when AWS throttles anyway.
 *
 * `take()` resolves when a token is free: immediately while tokens are saved up (at most `burst`),
 * otherwise after a timer that fires when the next token has accrued. Waiters are served first in,
 * first out, and a single timer serves them all (no busy loops, no timer per waiter).
 *
 * When a call is throttled although we paced under the quota, someone else shares that quota
 * (another tool, a service acting for the account, a "hot key"). `onThrottle()` then halves the
 * rate (multiplicative decrease) and the rate climbs back linearly to its ceiling (additive
 * increase), the classic AIMD that lets several clients share one quota without starving anyone.
 * The rate is a pure function of time since the last decrease, so a fake clock makes it exact.
 */

/** Time source and timers; injectable so tests run on simulated time. */
export interface Clock {
  /** milliseconds, monotonic */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface TokenBucketOptions {
  /** steady requests per second: the ceiling the rate returns to after a throttle */
  rate: number;
  /** tokens saved up while idle; default one second of `rate` (at least 1) */
  burst?: number;
  /** tokens available at creation; default `burst` */
  initialTokens?: number;
  /** multiplicative decrease on a throttle; default 0.5 */
  decreaseFactor?: number;
  /** lowest rate a throttle can bring us to; default rate / 20 */
  minRate?: number;
  /** additive increase, requests per second gained per second; default rate / 10 (back from half in 5 s) */
  recoveryPerSecond?: number;
  /**
   * Throttles within this many ms of the last decrease count as the same signal: every request in
   * flight during one quota window (KMS counts per second) is answered ThrottlingException together,
   * and halving once per answer would collapse the rate to its floor. Default 1000.
   */
  throttleCooldownMs?: number;
  clock?: Clock;
}

/** Float slack so that a token that accrued to 0.9999999 counts as one. */
const EPSILON = 1e-9;

/** What a caller of a bucket uses: a token per request, and a throttle lowers the rate. */
export type Pacing = Pick<TokenBucket, 'take' | 'onThrottle' | 'currentRate'>;

export class TokenBucket {
  readonly ceiling: number;
  readonly burst: number;
  private readonly decreaseFactor: number;
  private readonly minRate: number;
  private readonly recoveryPerSecond: number;
  private readonly throttleCooldownMs: number;
  private readonly clock: Clock;

  private tokens: number;
  private lastRefill: number;
  /** set while the rate is below the ceiling: the rate right after the last decrease, and when */
  private reduced: { rate: number; at: number } | undefined;
  private readonly waiters: Array<() => void> = [];
  private timer: unknown;
  private timerSet = false;

  constructor(options: TokenBucketOptions) {
    if (!(options.rate > 0) || !Number.isFinite(options.rate))
      throw new RangeError(`rate must be a positive number, got ${options.rate}`);
    this.ceiling = options.rate;
    this.burst = Math.max(1, options.burst ?? options.rate);
    this.decreaseFactor = options.decreaseFactor ?? 0.5;
    this.minRate = Math.min(this.ceiling, options.minRate ?? this.ceiling / 20);
    this.recoveryPerSecond = options.recoveryPerSecond ?? this.ceiling / 10;
    this.throttleCooldownMs = options.throttleCooldownMs ?? 1000;
    this.clock = options.clock ?? realClock;
    this.tokens = Math.min(this.burst, options.initialTokens ?? this.burst);
    this.lastRefill = this.clock.now();
  }

  /** Resolves when the caller may send one request. */
  take(): Promise<void> {
    this.refill();
    if (this.waiters.length === 0 && this.tokens >= 1 - EPSILON) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.waiters.push(resolve);
      this.schedule();
    });
  }

  /** AWS throttled a paced call: lower the rate now, recover it gradually. */
  onThrottle(): void {
    const now = this.clock.now();
    if (this.reduced && now - this.reduced.at < this.throttleCooldownMs) return;
    this.refill();
    this.reduced = { rate: Math.max(this.minRate, this.rateAt(now) * this.decreaseFactor), at: now };
    // no saved-up burst right after a throttle: the next request waits one interval of the new rate
    this.tokens = Math.min(this.tokens, 0);
    this.reschedule();
  }

  /** The rate in force now (requests per second). */
  currentRate(): number {
    return this.rateAt(this.clock.now());
  }

  /** How many callers are waiting for a token. */
  get waiting(): number {
    return this.waiters.length;
  }

  private rateAt(t: number): number {
    if (!this.reduced) return this.ceiling;
    const recovered = this.reduced.rate + (this.recoveryPerSecond * (t - this.reduced.at)) / 1000;
    return Math.min(this.ceiling, recovered);
  }

  /** Tokens accrued between t0 and t1: the integral of the (piecewise linear) rate. */
  private accrued(t0: number, t1: number): number {
    if (t1 <= t0) return 0;
    if (!this.reduced) return (this.ceiling * (t1 - t0)) / 1000;
    const recoveredAt = this.reduced.at + ((this.ceiling - this.reduced.rate) / this.recoveryPerSecond) * 1000;
    const linearEnd = Math.min(t1, Math.max(t0, recoveredAt));
    const linear = ((this.rateAt(t0) + this.rateAt(linearEnd)) / 2) * ((linearEnd - t0) / 1000);
    const flat = (this.ceiling * (t1 - linearEnd)) / 1000;
    return linear + flat;
  }

  private refill(): void {
    const now = this.clock.now();
    // Timers fire on whole milliseconds, up to 1 ms after the token accrued. While callers wait,
    // keep that sliver (at most 1 ms of rate) for the next one, or the rounding eats up to 2% of
    // the rate at 20/s. It moves the one-second bound of quotas.ts by less than one request.
    const cap = this.waiters.length > 0 ? Math.max(this.burst, 1 + this.rateAt(now) / 1000) : this.burst;
    this.tokens = Math.min(cap, this.tokens + this.accrued(this.lastRefill, now));
    this.lastRefill = now;
    if (this.reduced && this.rateAt(now) >= this.ceiling) this.reduced = undefined;
  }

  private schedule(): void {
    if (this.timerSet || this.waiters.length === 0) return;
    const missing = 1 - this.tokens;
    // the rate only rises until the next throttle, so this never fires later than needed; at
    // high rates several tokens accrue per millisecond and one firing releases several waiters
    const delayMs = Math.max(1, Math.ceil((missing / this.currentRate()) * 1000));
    this.timerSet = true;
    this.timer = this.clock.setTimeout(() => {
      this.timerSet = false;
      this.release();
    }, delayMs);
  }

  private reschedule(): void {
    if (this.timerSet) {
      this.clock.clearTimeout(this.timer);
      this.timerSet = false;
    }
    this.schedule();
  }

  private release(): void {
    this.refill();
    while (this.waiters.length > 0 && this.tokens >= 1 - EPSILON) {
      this.tokens -= 1;
      this.waiters.shift()!();
    }
    this.schedule();
  }
}
