/**
 * kscli lives on the sandbox's day (src/aws/account-clock.ts): after `sandbox advance`, a kscli
 * talking to the sandbox reads its clock offset before its first AWS call, so the evidence window
 * ends at the sandbox's now and sees the calls made in the days the clock moved. On this machine's
 * clock it ended today and missed them (a call after the advance showed as "in 7 days"). Through the
 * built binary (a child process, as a user runs it) against `kscli sandbox serve`, judged against the
 * sandbox's own clock and CloudTrail record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, expectExit, startE2E, type E2E } from './helpers/index.js';

const DAY = 86_400_000;
let t: E2E;
beforeAll(async () => {
  t = await startE2E('account-clock', {}, { runner: 'child' });
});
afterAll(async () => {
  await t?.stop();
});

describe("kscli's clock is the sandbox's", () => {
  it('after sandbox advance --days 10, usage reads the evidence up to the sandbox’s now and sees the calls since', async () => {
    await t.sandbox.advanceDays(10);
    const sandboxNow = Date.parse((await t.sandbox.status()).now);
    expect(sandboxNow - Date.now()).toBeGreaterThan(9 * DAY);
    const r = await t.kscli([
      'usage',
      DEMO.hsmStore,
      '--key',
      'alias/payments-legacy',
      '--dependents',
      'off',
      '--output',
      'json',
    ]);
    expectExit(r, 0);
    const doc = r.json();
    // the window ends at the sandbox's now (seconds apart: the run itself), not this machine's
    expect(Math.abs(Date.parse(doc.window.cloudTrailEnd) - sandboxNow)).toBeLessThan(60_000);
    // the app role decrypts every 3-4 days: the calls of the ten days are counted, the newest after today
    const key = doc.keys[0];
    expect(Date.parse(key.cloudTrail.window.end)).toBeGreaterThan(Date.now() + 9 * DAY);
    expect(Date.parse(key.cloudTrail.newest.eventTime)).toBeGreaterThan(Date.now());
    expect(key.cloudTrail.operations.Decrypt).toBeGreaterThan(1);
  }, 60_000);
});
