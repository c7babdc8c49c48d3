/** A clock that only moves when told to (sleep moves it instantly), for tests. */
import type { Clock } from '../../../src/workflow/clock.js';

export class FakeClock implements Clock {
  private t: number;
  /** every sleep asked for, in ms */
  readonly sleeps: number[] = [];
  /** called after time moved (the fake account uses it to delete keys whose date passed) */
  onAdvance?: (now: Date) => void;
  constructor(start = '2026-11-23T12:00:00.000Z') {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.advance(ms);
  }
  advance(ms: number): void {
    this.t += ms;
    this.onAdvance?.(this.now());
  }
  advanceDays(days: number): void {
    this.advance(days * 24 * 3600 * 1000);
  }
}
