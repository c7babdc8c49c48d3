/**
 * AWS deletes a key up to 24 h after its DeletionDate (aws-facts 3.1, 9), and so does the served
 * sandbox by default. kscli's answer: delete-store's "pending, run again after" is the latest
 * DeletionDate + 24 h. End to end, with the built binary: at the latest DeletionDate itself a key
 * is still there (the lag is real), and at the time kscli named the next run finishes the job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startE2E, type E2E } from './helpers/index.js';
import { status, storeStatus } from '../reliability/helpers/e2e-world.js';

const DELETE_STORE = [
  'delete-store',
  DEMO.hsmStore,
  '--yes',
  '--output',
  'json',
  '--allow-in-use',
  '--allow-data-loss',
  '--window-days',
  '7',
];

async function advanceTo(t: E2E, iso: string): Promise<void> {
  const now = Date.parse((await status(t)).now as string);
  const res = await fetch(`${t.sandbox.url}/__sandbox/advance`, {
    method: 'POST',
    body: JSON.stringify({ ms: Math.max(0, Date.parse(iso) - now) }),
  });
  expect(res.status).toBe(200);
}

describe("delete-store against AWS's deletion lag (issue 12)", () => {
  let t: E2E;
  beforeAll(async () => {
    t = await startE2E('deletion-lag');
  });
  afterAll(async () => {
    await t?.stop();
  });

  it(
    'pending until DeletionDate + 24 h; at the DeletionDate a key is still there; at the time kscli named, the job finishes',
    { timeout: 120_000 },
    async () => {
      const first = await t.kscli(DELETE_STORE);
      expect(first.code, first.describe()).toBe(8);
      const doc = first.json();
      const latest = Math.max(
        ...(doc.keysLeft as Array<{ deletionDate: string }>).map((k) => Date.parse(k.deletionDate)),
      );
      expect(Date.parse(doc.nextRunAfter)).toBe(latest + 24 * 3_600_000);

      // at the latest DeletionDate AWS has not (necessarily) deleted the keys: the sandbox has not
      await advanceTo(t, new Date(latest).toISOString());
      expect(
        (await storeStatus(t, DEMO.hsmStore))?.keyStates.PendingDeletion ?? 0,
        'no key outlived its DeletionDate: the lag is off',
      ).toBeGreaterThan(0);
      const early = await t.kscli(DELETE_STORE);
      expect(early.code, `kscli acted before AWS deleted the keys\n${early.describe()}`).toBe(8);
      expect(
        t.sandbox
          .requests()
          .filter((q) => q.operation === 'DisconnectCustomKeyStore' || q.operation === 'DeleteCustomKeyStore'),
      ).toEqual([]);

      await advanceTo(t, doc.nextRunAfter);
      const last = await t.kscli(DELETE_STORE);
      expect(last.code, last.describe()).toBe(0);
      expect(last.json().outcome).toBe('done');
    },
  );
});
