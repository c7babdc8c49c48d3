/**
 * Issue 6 item 4: Ctrl-C (SIGINT) during apply. The built binary runs delete-store against
 * `kscli sandbox serve` with a slow ScheduleKeyDeletion (2.5 s per answer), and the test signals it
 * while a call is in flight (AWS has handled it, the answer is on its way).
 *   - one SIGINT: the call in flight finishes, is journalled (intent and outcome), nothing after it
 *     starts, exit 130 with a message; the next run picks up and the job finishes;
 *   - one SIGINT while delete-store waits for DISCONNECTED: the delete does not start; exit 130;
 *     the next run deletes the store without disconnecting it again;
 *   - two SIGINTs: kscli exits at once (130), abandoning the call in flight; the journal holds its
 *     intent; the next run takes over the lock left behind, finds the key already pending and
 *     finishes the job.
 */
import { describe, expect, it } from 'vitest';
import { startE2E, type E2E } from '../e2e/helpers/index.js';
import {
  advanceDays,
  expectOnlyTheCallInFlight,
  firstScheduleHandled,
  HSM_STORE,
  readJournal,
  requestsMissingFromJournal,
  setFaults,
  storeStatus,
  waitFor,
} from './helpers/e2e-world.js';

const DELETE_STORE = ['delete-store', HSM_STORE, '--yes', '--output', 'json', '--allow-in-use', '--allow-data-loss'];

async function finishJob(t: E2E): Promise<void> {
  const again = await t.kscli(DELETE_STORE);
  expect(again.code, again.describe()).toBe(8);
  await advanceDays(t, 31);
  const last = await t.kscli(DELETE_STORE);
  expect(last.code, last.describe()).toBe(0);
  expect(last.json().outcome).toBe('done');
}

// one test at a time, each on a sandbox of its own: the signals are timed against calls in flight,
// which a loaded machine (three runs side by side) delays past the tests' waits
describe('SIGINT during apply (issue 6 item 4)', () => {
  async function onOwnSandbox(fn: (t: E2E) => Promise<void>, timing: 'fast' | 'aws' = 'fast'): Promise<void> {
    const t = await startE2E('interrupt', { timing }, { runner: 'child' });
    try {
      await setFaults(t, { slowMs: { ScheduleKeyDeletion: 2500 } });
      await fn(t);
    } finally {
      await t.stop();
    }
  }

  it(
    'one Ctrl-C: the call in flight finishes and is journalled, nothing more starts, exit 130; the next run finishes the job',
    { timeout: 120_000 },
    () =>
      onOwnSandbox(async (t) => {
        let pid = 0;
        const run = t.kscli(DELETE_STORE, { timeoutMs: 60_000, onSpawn: (p) => (pid = p) });
        await waitFor('the first ScheduleKeyDeletion to be in flight', firstScheduleHandled(t), 30_000, 20);
        process.kill(pid, 'SIGINT');
        const r = await run;
        expect(r.code, r.describe()).toBe(130);
        expect(r.stderr).toMatch(/interrupted/);
        expect(r.stderr).toMatch(/run the same command again/);

        expectOnlyTheCallInFlight(t);
        const doc = r.json();
        expect(doc.outcome).toBe('interrupted');
        expect((doc.plan as Array<{ result?: string }>).filter((p) => p.result === 'not-run').length).toBeGreaterThan(
          0,
        );

        await setFaults(t, {});
        await finishJob(t);
      }),
  );

  it(
    'one Ctrl-C while delete-store waits for DISCONNECTED: no DeleteCustomKeyStore starts, exit 130; the next run deletes the store',
    { timeout: 120_000 },
    () =>
      onOwnSandbox(async (t) => {
        await setFaults(t, {});
        expect((await t.kscli(DELETE_STORE)).code).toBe(8);
        await advanceDays(t, 31);
        let pid = 0;
        const run = t.kscli(DELETE_STORE, { timeoutMs: 60_000, onSpawn: (p) => (pid = p) });
        await waitFor(
          'kscli to disconnect the store',
          async () =>
            ['DISCONNECTING', 'DISCONNECTED'].includes((await storeStatus(t, HSM_STORE))?.connectionState ?? ''),
          30_000,
          20,
        );
        process.kill(pid, 'SIGINT');
        const r = await run;
        expect(r.code, r.describe()).toBe(130);
        expect(
          t.sandbox.requests().filter((q) => q.operation === 'DeleteCustomKeyStore'),
          'the delete started after Ctrl-C',
        ).toEqual([]);
        const journal = readJournal(t, HSM_STORE);
        expect(journal.filter((l) => l.operation === 'DisconnectCustomKeyStore').map((l) => l.phase)).toEqual([
          'intent',
          'outcome',
        ]);
        expect(requestsMissingFromJournal(t.sandbox.requests(), journal)).toEqual([]);
        const last = await t.kscli(DELETE_STORE);
        expect(last.code, last.describe()).toBe(0);
        expect(
          t.sandbox.requests().filter((q) => q.operation === 'DisconnectCustomKeyStore'),
          'disconnected twice',
        ).toHaveLength(1);
        // the sandbox's own timing: the store takes 2 s to disconnect and kscli polls it every
        // 5 s; Ctrl-C comes during that wait
      }, 'aws'),
  );

  it(
    'two Ctrl-Cs: exit 130 at once; the abandoned call is in the journal as an intent; the next run takes over the lock and finishes',
    { timeout: 120_000 },
    () =>
      onOwnSandbox(async (t) => {
        let pid = 0;
        const run = t.kscli(DELETE_STORE, { timeoutMs: 60_000, onSpawn: (p) => (pid = p) });
        await waitFor('the first ScheduleKeyDeletion to be in flight', firstScheduleHandled(t), 30_000, 20);
        process.kill(pid, 'SIGINT');
        await new Promise((r) => setTimeout(r, 50));
        process.kill(pid, 'SIGINT');
        const r = await run;
        expect(r.code, r.describe()).toBe(130);

        const journal = readJournal(t, HSM_STORE);
        const intents = journal.filter((l) => l.operation === 'ScheduleKeyDeletion' && l.phase === 'intent');
        expect(intents, 'the abandoned call must be journalled before it was sent').toHaveLength(1);

        await setFaults(t, {});
        const again = await t.kscli(DELETE_STORE);
        expect(again.code, again.describe()).toBe(8);
        expect(again.stderr).toMatch(/took over the lock/);
        // the abandoned key was scheduled by AWS: the next run skips it, it does not schedule it twice
        const schedules = t.sandbox
          .requests()
          .filter((q) => q.operation === 'ScheduleKeyDeletion')
          .map((q) => String(q.params?.KeyId));
        expect(new Set(schedules).size, `a key was scheduled twice: ${schedules.join(', ')}`).toBe(schedules.length);
        await advanceDays(t, 31);
        const last = await t.kscli(DELETE_STORE);
        expect(last.code, last.describe()).toBe(0);
      }),
  );
});
