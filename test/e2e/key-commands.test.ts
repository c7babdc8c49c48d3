/**
 * The single-step commands through the built binary against the sandbox (issue 2, "Commands" and
 * "Preconditions"): schedule-deletion (window, the alarm requirement, a --key outside the store
 * refuses the whole run, re-runs skip what is pending), cancel-deletion (AWS leaves the key
 * Disabled; --enable re-enables), disconnect-store (blocked with Enabled keys, --force, nothing to do
 * when DISCONNECTED). Steps share one sandbox and run in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, expectExit, expectNoMutatingRequests, startE2E, type E2E, type LoggedRequest } from './helpers/index.js';

const DAY = 86_400_000;
let t: E2E;
let xksKey: string;

beforeAll(async () => {
  t = await startE2E('key-commands');
  xksKey = (await t.kscli(['find-keys', DEMO.xksStore, '--output', 'json'])).json().keys[0].keyId;
});
afterAll(async () => {
  await t?.stop();
});

const scheduledIds = (rs: LoggedRequest[]) =>
  rs.filter((r) => r.operation === 'ScheduleKeyDeletion').map((r) => String(r.params?.KeyId));

async function keyStates(store = DEMO.hsmStore): Promise<Record<string, any>> {
  const r = await t.kscli(['find-keys', store, '--output', 'json']);
  expectExit(r, 0);
  return Object.fromEntries(r.json().keys.map((k: any) => [k.keyId, k]));
}

describe('schedule-deletion', () => {
  it('refuses without the pending-deletion alarm (exit 3) unless --no-alarm, and changes nothing', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli([
      'schedule-deletion',
      DEMO.hsmStore,
      '--key',
      DEMO.keys.unusedA,
      '--yes',
      '--output',
      'json',
    ]);
    expectExit(r, 3);
    expect(r.stdout + r.stderr).toMatch(/alarm/);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark));
  });

  it('a --key outside the store refuses the whole run: not even the good key is scheduled (exit 3)', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli([
      'schedule-deletion',
      DEMO.hsmStore,
      '--key',
      DEMO.keys.unusedA,
      '--key',
      xksKey,
      '--no-alarm',
      '--yes',
      '--output',
      'json',
    ]);
    expectExit(r, 3);
    expect(JSON.stringify(r.json().plan)).toContain(xksKey);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark));
  });

  it('an --exclude-key that matches no key of the store is blocked (a typo would delete the key meant to be kept)', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli([
      'schedule-deletion',
      DEMO.hsmStore,
      '--exclude-key',
      xksKey,
      '--allow-in-use',
      '--allow-data-loss',
      '--no-alarm',
      '--yes',
      '--output',
      'json',
    ]);
    expectExit(r, 3);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark));
  });

  let sandboxNow: number;
  it('--key K --window-days 7 --no-alarm --yes schedules exactly that key, 7 days out, and journals the override', async () => {
    sandboxNow = Date.parse((await t.sandbox.status()).now);
    const mark = t.sandbox.mark();
    const r = await t.kscli([
      'schedule-deletion',
      DEMO.hsmStore,
      '--key',
      DEMO.keys.unusedA,
      '--window-days',
      '7',
      '--no-alarm',
      // alias/reports-archive protects data at rest (issue 19)
      '--allow-data-loss',
      '--yes',
      '--output',
      'json',
    ]);
    expectExit(r, 0);
    const doc = r.json();
    expect(doc.schemaVersion).toBe(1);
    expect(doc.outcome).toBe('done');
    expect(doc.overrides).toContain('--no-alarm');
    const calls = t.sandbox.requestsSince(mark).filter((q) => q.operation === 'ScheduleKeyDeletion');
    expect(calls.map((q) => [q.params?.KeyId, q.params?.PendingWindowInDays, q.outcome])).toEqual([
      [DEMO.keys.unusedA, 7, 'ok'],
    ]);
    const key = (await keyStates())[DEMO.keys.unusedA];
    expect(key.state).toBe('PendingDeletion');
    const days = (Date.parse(key.deletionDate) - sandboxNow) / DAY;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.5);
  });

  it('running it again skips the key already pending, with a reason, and calls nothing', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli([
      'schedule-deletion',
      DEMO.hsmStore,
      '--key',
      DEMO.keys.unusedA,
      '--window-days',
      '7',
      '--no-alarm',
      // alias/reports-archive protects data at rest (issue 19)
      '--allow-data-loss',
      '--yes',
      '--output',
      'json',
    ]);
    expectExit(r, 0);
    const item = r.json().plan.find((p: any) => p.target === DEMO.keys.unusedA);
    expect(item.status).toBe('skip');
    expect(item.reason).toMatch(/PendingDeletion/);
    expect(scheduledIds(t.sandbox.requestsSince(mark))).toEqual([]);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark));
  });
});

describe('cancel-deletion', () => {
  it('cancels one key: AWS leaves it Disabled', async () => {
    const r = await t.kscli([
      'cancel-deletion',
      DEMO.hsmStore,
      '--key',
      DEMO.keys.unusedA,
      '--yes',
      '--output',
      'json',
    ]);
    expectExit(r, 0);
    expect((await keyStates())[DEMO.keys.unusedA]).toMatchObject({ state: 'Disabled', deletionDate: null });
  });

  it('--enable cancels and re-enables the demo key that was pending', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli([
      'cancel-deletion',
      DEMO.hsmStore,
      '--key',
      DEMO.keys.pending,
      '--enable',
      '--yes',
      '--output',
      'json',
    ]);
    expectExit(r, 0);
    const ops = t.sandbox
      .requestsSince(mark)
      .filter((q) => q.mutating)
      .map((q) => q.operation);
    expect(ops).toEqual(['CancelKeyDeletion', 'EnableKey']);
    expect((await keyStates())[DEMO.keys.pending]).toMatchObject({ state: 'Enabled', deletionDate: null });
  });

  it('with nothing pending it has nothing to do and calls nothing (exit 0)', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['cancel-deletion', DEMO.hsmStore, '--yes', '--output', 'json']);
    expectExit(r, 0);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark));
  });
});

describe('disconnect-store', () => {
  it('is blocked while the store holds Enabled keys (exit 3), naming --force', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['disconnect-store', DEMO.hsmStore, '--yes']);
    expectExit(r, 3);
    expect(r.stdout + r.stderr).toContain('--force');
    expectNoMutatingRequests(t.sandbox.requestsSince(mark));
  });

  it('--force disconnects the external store and waits until DISCONNECTED (exit 0)', async () => {
    const r = await t.kscli(['disconnect-store', DEMO.xksStore, '--force', '--yes', '--output', 'json'], {
      timeoutMs: 120_000,
    });
    expectExit(r, 0);
    const store = (await t.kscli(['stores', '--output', 'json']))
      .json()
      .stores.find((s: any) => s.storeId === DEMO.xksStore);
    expect(store.connectionState).toBe('DISCONNECTED');
  });

  it('on a DISCONNECTED store there is nothing to do: exit 0, no mutating request', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['disconnect-store', DEMO.xksStore, '--force', '--yes', '--output', 'json']);
    expectExit(r, 0);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark));
  });
});
