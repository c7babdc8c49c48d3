/**
 * Bounded concurrency with back-pressure: `submit` waits for a free slot before it starts the task,
 * so a producer (ListKeys pages) never runs more than `limit` tasks (DescribeKey calls) ahead and
 * memory stays flat however many keys the account holds.
 *
 * The first task failure fails the pool: later `submit` calls reject with it (the producer stops),
 * and `drain` waits for the tasks still running before rejecting with it, so no call is left
 * running unobserved and no rejection goes unhandled.
 */
export class TaskPool {
  private running = 0;
  private readonly slotWaiters: Array<() => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  private failure: { error: unknown } | undefined;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`pool limit must be a positive integer, got ${limit}`);
  }

  /** Starts `task` as soon as fewer than `limit` tasks run; resolves once it has started. */
  async submit(task: () => Promise<void>): Promise<void> {
    while (this.running >= this.limit && !this.failure) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    }
    if (this.failure) throw this.failure.error;
    this.running += 1;
    Promise.resolve()
      .then(task)
      .catch((error: unknown) => {
        if (!this.failure) {
          this.failure = { error };
          // wake every blocked producer so it sees the failure
          for (const wake of this.slotWaiters.splice(0)) wake();
        }
      })
      .finally(() => {
        this.running -= 1;
        this.slotWaiters.shift()?.();
        if (this.running === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      });
  }

  /** Waits until no task runs; rejects with the first failure, if any. */
  async drain(): Promise<void> {
    while (this.running > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    if (this.failure) throw this.failure.error;
  }

  /** Waits until no task runs, ignoring failures (used when the producer itself failed). */
  async settle(): Promise<void> {
    while (this.running > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }
}
