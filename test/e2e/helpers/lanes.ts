/**
 * Lanes: a few served sandboxes that the tests of one file share, so that tests which each need
 * the demo account to themselves (they change it) can still run side by side. A test takes a free
 * lane, the lane is reset to the demo account (POST /__sandbox/reset, faults cleared, the HOME's
 * journals and locks removed: as fresh as a sandbox of its own), the test runs, the lane is free
 * again. Use it with `describe.concurrent` (vitest runs up to maxConcurrency tests of a file at
 * once; the others wait for a lane):
 *
 *   const lanes = startLanes('plan-files', 3, (t) => ({ kms: new KMSClient(sdkClientConfig(t.sandbox.url)) }));
 *   afterAll(() => lanes.stop());
 *   describe.concurrent('...', () => {
 *     it('...', () => lanes.run(async ({ t, kms }) => { ... }));
 *   });
 *
 * Each kscli run mostly waits (on its sandbox, on kscli's own pacing and polls), so a file of
 * sequential runs leaves the CPU idle; three lanes keep it busy without starting a sandbox per test.
 */
import { rmSync } from 'node:fs';
import { startE2E, type E2E } from './e2e.js';
import type { ServeOptions } from './sandbox-serve.js';

export interface Lanes<X> {
  /** runs `fn` on a free lane, reset to the demo account first */
  run<T>(fn: (lane: { t: E2E } & X) => Promise<T>): Promise<T>;
  /** stops every lane's sandbox (and whatever `extras` returned, through its `destroy`) */
  stop(): Promise<void>;
}

export function startLanes<X extends object>(
  label: string,
  count: number,
  extras: (t: E2E) => X,
  serve: ServeOptions = {},
): Lanes<X> {
  // started lazily, one at a time as tests need them: a file whose tests run one by one starts one
  const all: Array<Promise<{ t: E2E } & X>> = [];
  const free: Array<{ t: E2E } & X> = [];
  const waiting: Array<(lane: { t: E2E } & X) => void> = [];

  const acquire = async (): Promise<{ t: E2E } & X> => {
    const idle = free.pop();
    if (idle) return idle;
    if (all.length < count) {
      const started = startE2E(`${label}-${all.length + 1}`, serve).then((t) => ({ t, ...extras(t) }));
      all.push(started);
      return started;
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (lane: { t: E2E } & X) => {
    const next = waiting.shift();
    if (next) next(lane);
    else free.push(lane);
  };

  return {
    async run(fn) {
      const lane = await acquire();
      try {
        await lane.t.sandbox.setFaults({});
        await lane.t.sandbox.reset();
        rmSync(lane.t.ws.journalDir, { recursive: true, force: true });
        rmSync(lane.t.ws.lockDir, { recursive: true, force: true });
        return await fn(lane);
      } finally {
        release(lane);
      }
    },
    async stop() {
      const lanes = await Promise.allSettled(all);
      await Promise.all(
        lanes.map(async (s) => {
          if (s.status !== 'fulfilled') return;
          for (const v of Object.values(s.value))
            if (v && typeof v === 'object' && 'destroy' in v && typeof v.destroy === 'function') v.destroy();
          await s.value.t.stop();
        }),
      );
    },
  };
}
