import { describe, expect, it } from 'vitest';
import { TaskPool } from '../../../src/aws/pool.js';

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('TaskPool', () => {
  it('runs at most `limit` tasks at once and makes the producer wait for a slot', async () => {
    const pool = new TaskPool(2);
    const gates = [deferred(), deferred(), deferred()];
    let running = 0;
    let peak = 0;
    const task = (i: number) => async () => {
      running += 1;
      peak = Math.max(peak, running);
      await gates[i]!.promise;
      running -= 1;
    };
    await pool.submit(task(0));
    await pool.submit(task(1));
    let thirdStarted = false;
    const third = pool.submit(task(2)).then(() => {
      thirdStarted = true;
    });
    await tick();
    expect(thirdStarted).toBe(false);
    gates[0]!.resolve();
    await third;
    expect(thirdStarted).toBe(true);
    gates[1]!.resolve();
    gates[2]!.resolve();
    await pool.drain();
    expect(peak).toBe(2);
    expect(running).toBe(0);
  });

  it('stops the producer at the first failure and reports it after the running tasks end', async () => {
    const pool = new TaskPool(2);
    const slow = deferred();
    let slowDone = false;
    await pool.submit(async () => {
      await slow.promise;
      slowDone = true;
    });
    await pool.submit(async () => {
      throw new Error('boom');
    });
    await tick();
    await expect(pool.submit(async () => {})).rejects.toThrow('boom');
    const drained = pool.drain();
    slow.resolve();
    await expect(drained).rejects.toThrow('boom');
    expect(slowDone).toBe(true);
  });

  it('wakes a producer blocked on a full pool when a task fails', async () => {
    const pool = new TaskPool(1);
    const gate = deferred();
    await pool.submit(() => gate.promise);
    const blocked = pool.submit(async () => {});
    gate.reject(new Error('denied'));
    await expect(blocked).rejects.toThrow('denied');
    await expect(pool.drain()).rejects.toThrow('denied');
  });

  it('refuses a limit below 1', () => {
    expect(() => new TaskPool(0)).toThrow(RangeError);
  });
});
