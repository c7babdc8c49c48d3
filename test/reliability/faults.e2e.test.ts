/**
 * Issue 6 item 1: faults end to end. The built binary runs the whole delete-store workflow on the
 * demo account against `kscli sandbox serve` while the sandbox injects one kind of fault:
 * throttling bursts, 5xx errors, dropped connections (before the call is handled, and after it is
 * handled with the answer lost), an answer slower than the SDK's request timeout, stale reads after
 * a write. For each:
 *   - every run either completes (exit 0 / 8) or stops with a "kscli: <what happened>" line and a
 *     hint on what to run next (exit 1), never a stack trace;
 *   - after each run: no CloudHSM store is DISCONNECTED(ING) while its keys wait for deletion;
 *   - running again with the faults off (through `sandbox advance --days 31`) finishes the job:
 *     the last delete-store exits 0 and the store is gone;
 *   - across all runs: every mutating request in the sandbox's log is in the journal with its
 *     outcome; no key outside the store was scheduled; no DeleteCustomKeyStore was SENT while the
 *     store held keys, whatever AWS answered (refused, 5xx, dropped); every call the journal reports
 *     done was handled by AWS (an "ok" after a refusal fails); no key's material was orphaned (the
 *     advance reports say SUCCESS for every deleted store key). Judged from the sandbox's request
 *     log (every request, with its answer and injected fault) and state, not from kscli's output;
 *   - the fault really happened (the request log shows injected faults), so the test cannot pass
 *     vacuously.
 */
import { describe, expect, it } from 'vitest';
import type { FaultConfig } from '../../src/sandbox/server/faults.js';
import { expectNoStackTrace, startE2E, type E2E, type RunResult } from '../e2e/helpers/index.js';
import {
  advanceDays,
  deletesWithKeys,
  doneButNotDone,
  HSM_STORE,
  HSM_STORE_KEYS,
  readJournal,
  requestsMissingFromJournal,
  scheduledOutside,
  setFaults,
  status,
  storeStatus,
  waitFor,
} from './helpers/e2e-world.js';

const DELETE_STORE = [
  'delete-store',
  HSM_STORE,
  '--yes',
  '--output',
  'json',
  '--allow-in-use',
  '--allow-data-loss',
  '--wait-timeout',
  '2m',
];

interface Story {
  runs: RunResult[];
  advances: any[];
  injected: number;
}

/** After every run: the exit code is documented and explained; keys never wait on a disconnected store. */
async function checkRun(t: E2E, r: RunResult, allowed: number[]): Promise<void> {
  expect(r.timedOut, r.describe()).toBe(false);
  expect(allowed, `unexpected exit code\n${r.describe()}`).toContain(r.code);
  expectNoStackTrace(r);
  expect(r.stderr, r.describe()).not.toMatch(/unexpected error/);
  if (r.code === 1) {
    // stopped: one line saying what happened, then what to do next
    const i = r.stderrLines.findIndex((l) => l.startsWith('kscli: '));
    expect(i, `exit 1 without a "kscli: ..." line\n${r.describe()}`).toBeGreaterThanOrEqual(0);
    expect(r.stderrLines[i + 1] ?? '', `exit 1 without a hint on what to run next\n${r.describe()}`).toMatch(/^\s+\S/);
  }
  const s = await storeStatus(t, HSM_STORE);
  if (s && (s.keyStates.PendingDeletion ?? 0) > 0) {
    expect(
      s.connectionState,
      `S3: CloudHSM store not CONNECTED while ${s.keyStates.PendingDeletion} key(s) wait for deletion\n${r.describe()}`,
    ).toBe('CONNECTED');
  }
}

async function wholeWorkflow(
  label: string,
  faults: FaultConfig,
  opts: { during?: (t: E2E) => Promise<void>; settleMs?: number; faultyRuns?: number } = {},
): Promise<Story> {
  const t = await startE2E(`faults-${label}`);
  const story: Story = { runs: [], advances: [], injected: 0 };
  try {
    await setFaults(t, faults);
    let done = false;
    // with the faults on: the whole workflow, as far as it gets
    for (let i = 0; i < (opts.faultyRuns ?? 3) && !done; i++) {
      const run = t.kscli(DELETE_STORE, { timeoutMs: 240_000 });
      if (opts.during && i === 0) await opts.during(t);
      const r = await run;
      story.runs.push(r);
      await checkRun(t, r, [0, 8, 1]);
      if (r.code === 0) done = true;
      else if (r.code === 8)
        // `kscli sandbox advance --days 31`, in its own process, as an operator would
        story.advances.push(await t.sandbox.advanceDays(31));
    }
    story.injected = t.sandbox.requests().filter((q) => q.fault && q.fault !== 'quota').length;
    // faults off: running again finishes the job
    await setFaults(t, {});
    if (opts.settleMs) await new Promise((r) => setTimeout(r, opts.settleMs));
    for (let i = 0; i < 4 && !done; i++) {
      const r = await t.kscli(DELETE_STORE, { timeoutMs: 120_000 });
      story.runs.push(r);
      await checkRun(t, r, [0, 8]);
      if (r.code === 0) done = true;
      else story.advances.push(await t.sandbox.advanceDays(31));
    }
    const last = story.runs[story.runs.length - 1]!;
    expect(last.code, `the job did not finish:\n${story.runs.map((r) => r.describe()).join('\n')}`).toBe(0);
    expect(last.json().outcome).toBe('done');
    const stores = (await status(t)).stores as Array<{ id: string }>;
    expect(stores.map((s) => s.id)).not.toContain(HSM_STORE);

    // A slowed answer is logged when it is sent, slowMs after its request arrived: the SDK's retry
    // may have finished the job before then. Judge the log once the held-back answers are in it
    // (with 4 test workers the last run once ended before the 35 s answer was logged, and J3 saw
    // only the retry's KMSInvalidStateException); a journal line AWS never backs still fails below.
    const maxSlowMs = Math.max(0, ...Object.values(faults.slowMs ?? {}));
    if (maxSlowMs > 0)
      await waitFor(
        'the held-back answers to be logged',
        async () => doneButNotDone(t.sandbox.requests(), readJournal(t, HSM_STORE)).length === 0,
        maxSlowMs + 10_000,
        250,
      ).catch(() => undefined);
    const requests = t.sandbox.requests();
    const journal = readJournal(t, HSM_STORE);
    expect(requestsMissingFromJournal(requests, journal), 'J1: mutating requests missing from the journal').toEqual([]);
    expect(scheduledOutside(requests, HSM_STORE_KEYS), 'S1: keys outside the store scheduled').toEqual([]);
    expect(
      deletesWithKeys(
        requests,
        HSM_STORE,
        story.advances,
        Object.values((await storeStatus(t, HSM_STORE))?.keyStates ?? {}).reduce((a, b) => a + b, 0),
      ),
      'S2: DeleteCustomKeyStore sent while the store held keys (whatever the answer)',
    ).toEqual([]);
    expect(doneButNotDone(requests, journal), 'J3: reported done, not done by AWS').toEqual([]);
    const orphaned = story.advances
      .flatMap((a) => a.deletedKeys as Array<{ keyId: string; storeId?: string; backingKeysDeletionStatus?: string }>)
      .filter((k) => k.storeId === HSM_STORE && k.backingKeysDeletionStatus !== 'SUCCESS');
    expect(orphaned, 'S3: key material orphaned (store not connected when a key was deleted)').toEqual([]);
    // every key of the store was scheduled and is gone
    const deleted = new Set(
      story.advances.flatMap((a) => (a.deletedKeys as Array<{ keyId: string }>).map((k) => k.keyId)),
    );
    for (const k of HSM_STORE_KEYS) expect(deleted.has(k), `key ${k} was never deleted`).toBe(true);
    if (process.env.KSCLI_RELIABILITY_VERBOSE) {
      console.info(
        `${label}: exits ${story.runs.map((r) => r.code).join(' ')}; ${story.injected} faults injected\n${story.runs
          .filter((r) => r.code === 1)
          .map((r) => r.stderrLines.join('\n'))
          .join('\n')}`,
      );
    }
    return story;
  } finally {
    await t.stop();
  }
}

// each scenario has its own sandbox: they run side by side
describe.concurrent('faults over the whole delete-store workflow (issue 6 item 1)', () => {
  it('throttling bursts: every operation throttled 40% of the time', { timeout: 300_000 }, async () => {
    const story = await wholeWorkflow('throttle', { seed: 11, throttleRate: { '*': 0.4 } });
    expect(story.injected, 'no throttling was injected').toBeGreaterThan(5);
  });

  it('5xx errors: 30% of all calls, and every second mutating call', { timeout: 300_000 }, async () => {
    const story = await wholeWorkflow('5xx', {
      seed: 12,
      errorRate: {
        '*': 0.3,
        ScheduleKeyDeletion: 0.5,
        DisconnectCustomKeyStore: 0.5,
        DeleteCustomKeyStore: 0.5,
        PutMetricFilter: 0.5,
        PutMetricAlarm: 0.5,
      },
    });
    expect(story.injected).toBeGreaterThan(5);
  });

  it(
    '5xx that outlast the SDK retries on ScheduleKeyDeletion: each run stops saying so, the next run resumes',
    { timeout: 300_000 },
    async () => {
      const story = await wholeWorkflow(
        '5xx-persistent',
        { seed: 18, errorRate: { ScheduleKeyDeletion: 1 } },
        { faultyRuns: 2 },
      );
      const stopped = story.runs.filter((r) => r.code === 1);
      expect(stopped.length, 'no run stopped on the 5xx').toBeGreaterThan(0);
      for (const r of stopped)
        expect(r.stderr).toMatch(/KMSInternalException|InternalFailure|ServiceUnavailable|HTTP 5\d\d/);
    },
  );

  it(
    'a throttling burst that outlasts the SDK retries on ScheduleKeyDeletion: the run stops saying so, the next run resumes',
    { timeout: 300_000 },
    async () => {
      const story = await wholeWorkflow(
        'throttle-persistent',
        { seed: 19, throttleRate: { ScheduleKeyDeletion: 1 } },
        { faultyRuns: 1 },
      );
      const stopped = story.runs.filter((r) => r.code === 1);
      expect(stopped.length, 'no run stopped on the throttling').toBeGreaterThan(0);
      for (const r of stopped) expect(r.stderr).toMatch(/thrott/i);
    },
  );

  it(
    'dropped connections: before the call is handled, and after (the answer is lost)',
    { timeout: 300_000 },
    async () => {
      const story = await wholeWorkflow('drops', {
        seed: 13,
        dropRate: { '*': 0.15 },
        // handled by AWS, answer lost: the retry (or the next run) must see it as done, not do it twice
        dropAfterRate: { ScheduleKeyDeletion: 0.5, DisconnectCustomKeyStore: 1, DeleteCustomKeyStore: 1 },
      });
      expect(story.injected).toBeGreaterThan(3);
    },
  );

  it('an answer slower than the SDK request timeout (30 s) on ScheduleKeyDeletion', { timeout: 300_000 }, async () => {
    const story = await wholeWorkflow(
      'timeout',
      { seed: 14, slowMs: { ScheduleKeyDeletion: 35_000 } },
      {
        // once the first slow ScheduleKeyDeletion is in flight (AWS has scheduled the key, the answer
        // is held back past the SDK timeout), later calls are fast again: the SDK's retry of that call
        // meets a key already pending deletion
        during: async (t) => {
          await waitFor(
            'the first ScheduleKeyDeletion to be handled',
            async () => ((await storeStatus(t, HSM_STORE))?.keyStates.PendingDeletion ?? 0) >= 2,
            120_000,
            100,
          );
          await setFaults(t, {});
        },
      },
    );
    const first = story.runs[0]!;
    expect(first.durationMs, 'the first run should have waited out the SDK timeout').toBeGreaterThan(29_000);
  });

  it(
    'all of them at once (throttling, 5xx, drops before and after handling, stale reads)',
    { timeout: 300_000 },
    async () => {
      const story = await wholeWorkflow(
        'chaos',
        {
          seed: 17,
          throttleRate: { '*': 0.15 },
          errorRate: { '*': 0.15 },
          dropRate: { '*': 0.05 },
          dropAfterRate: { ScheduleKeyDeletion: 0.3, DisconnectCustomKeyStore: 0.5, DeleteCustomKeyStore: 0.5 },
          staleMs: { '*': 1000 },
        },
        { settleMs: 1500 },
      );
      expect(story.injected).toBeGreaterThan(5);
    },
  );

  it(
    'stale reads after a write: DescribeKey and DescribeCustomKeyStores show the old state for 3 s',
    { timeout: 300_000 },
    async () => {
      const story = await wholeWorkflow('stale', { seed: 15, staleMs: { '*': 3000 } }, { settleMs: 3500 });
      expect(story.injected, 'no stale read was served').toBeGreaterThan(0);
    },
  );
});

describe("eventual consistency of kscli's own writes (aws-facts 9)", () => {
  // aws-facts 9: a read right after a write may show the old state for seconds; architecture.md 3:
  // "confirms the effect by reading it back (eventual consistency: retry the read)". A disconnect
  // whose next DescribeCustomKeyStores still says CONNECTED is the normal case, not a colleague.
  it(
    'the disconnect-and-delete phase finishes in one run when reads lag 3 s behind its own writes',
    { timeout: 120_000 },
    async () => {
      const t = await startE2E('faults-stale-disconnect');
      try {
        expect((await t.kscli(DELETE_STORE)).code).toBe(8);
        await advanceDays(t, 31);
        await setFaults(t, { seed: 16, staleMs: { '*': 3000 } });
        const r = await t.kscli(DELETE_STORE, { timeoutMs: 90_000 });
        expect(
          t.sandbox.requests().some((q) => q.fault === 'stale'),
          'no stale read was served',
        ).toBe(true);
        expect(
          r.code,
          `a stale read after kscli's own DisconnectCustomKeyStore stopped the run:\n${r.describe()}`,
        ).toBe(0);
        expect((await status(t)).stores.map((s: { id: string }) => s.id)).not.toContain(HSM_STORE);
      } finally {
        await t.stop();
      }
    },
  );
});
