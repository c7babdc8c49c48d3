/**
 * Issue 6 item 2 with the built binary: a colleague disconnects the CloudHSM store, with a direct
 * SDK call to `kscli sandbox serve`, while kscli's delete-store is between its plan and its
 * ScheduleKeyDeletion calls, and while it is in the middle of them. The window is held open with the
 * sandbox's --slow-ms on one operation, and found by watching the account (not by sleeping):
 *   - plan -> apply: PutMetricFilter (the alarm, applied before any key) answers 1.5 s late; the
 *     colleague acts once the filter exists;
 *   - mid-batch: ScheduleKeyDeletion answers 1.5 s late; the colleague acts once the first key is
 *     PendingDeletion.
 * kscli must re-check before each key, stop with exit 3 and say why, and schedule nothing on the
 * disconnected store (the key material would be orphaned: aws-facts 2.4). The job then finishes
 * once the store is connected again.
 */
import { describe, expect, it } from 'vitest';
import { CloudWatchLogsClient, DescribeMetricFiltersCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ConnectCustomKeyStoreCommand, DisconnectCustomKeyStoreCommand } from '@aws-sdk/client-kms';
import { DEMO, sdkClientConfig, startE2E, type E2E } from '../e2e/helpers/index.js';
import {
  advanceDays,
  colleagueKms,
  HSM_STORE,
  readJournal,
  requestsMissingFromJournal,
  setFaults,
  storeStatus,
  waitFor,
} from './helpers/e2e-world.js';

const DELETE_STORE = ['delete-store', HSM_STORE, '--yes', '--output', 'json', '--allow-in-use', '--allow-data-loss'];

// each test has a sandbox of its own: the two run side by side
describe.concurrent('a colleague disconnects the store during delete-store (issue 6 item 2, end to end)', () => {
  async function onOwnSandbox(fn: (t: E2E, colleague: Colleague) => Promise<void>): Promise<void> {
    const t = await startE2E('races', {}, { runner: 'child' });
    try {
      await fn(t, colleagueOn(t));
    } finally {
      await t.stop();
    }
  }

  type Colleague = ReturnType<typeof colleagueOn>;
  /** the colleague's own calls on `t`'s account, kept apart from kscli's in the journal check */
  function colleagueOn(t: E2E) {
    const colleagueRequests = new Set<string>();
    async function colleagueDisconnects(): Promise<string> {
      const out = await colleagueKms(t).send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: HSM_STORE }));
      colleagueRequests.add(out.$metadata.requestId!);
      return new Date().toISOString();
    }

    async function reconnectAndFinish(): Promise<void> {
      await setFaults(t, {});
      await waitFor(
        'DISCONNECTED',
        async () => (await storeStatus(t, HSM_STORE))?.connectionState === 'DISCONNECTED',
        20_000,
        100,
      );
      // the world as it is: the store is disconnected, so scheduling is blocked, naming the override
      const blocked = await t.kscli(DELETE_STORE);
      expect(blocked.code, blocked.describe()).toBe(3);
      expect(blocked.stderr).toMatch(/--allow-disconnected/);
      const out = await colleagueKms(t).send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: HSM_STORE }));
      colleagueRequests.add(out.$metadata.requestId!);
      await waitFor(
        'CONNECTED',
        async () => (await storeStatus(t, HSM_STORE))?.connectionState === 'CONNECTED',
        20_000,
        100,
      );
      const scheduleRest = await t.kscli(DELETE_STORE);
      expect(scheduleRest.code, scheduleRest.describe()).toBe(8);
      await advanceDays(t, 31);
      const last = await t.kscli(DELETE_STORE);
      expect(last.code, last.describe()).toBe(0);
      expect(requestsMissingFromJournal(t.sandbox.requests(), readJournal(t, HSM_STORE), colleagueRequests)).toEqual(
        [],
      );
    }
    return { colleagueDisconnects, reconnectAndFinish };
  }

  it(
    'between the plan and the first ScheduleKeyDeletion: nothing is scheduled, exit 3, and the job finishes after a reconnect',
    { timeout: 120_000 },
    () =>
      onOwnSandbox(async (t, { colleagueDisconnects, reconnectAndFinish }) => {
        await setFaults(t, { slowMs: { PutMetricFilter: 1500 } });
        const logs = new CloudWatchLogsClient(sdkClientConfig(t.sandbox.url));
        const run = t.kscli(DELETE_STORE, { timeoutMs: 60_000 });
        await waitFor(
          'kscli to create its metric filter (its apply has begun)',
          async () =>
            ((await logs.send(new DescribeMetricFiltersCommand({ logGroupName: DEMO.logGroup }))).metricFilters ?? [])
              .length > 0,
          30_000,
          20,
        );
        await colleagueDisconnects();
        const r = await run;
        expect(r.code, r.describe()).toBe(3);
        expect(r.stderr).toMatch(/stopped/);
        expect(r.stderr).toMatch(/DISCONNECT/);
        expect(
          t.sandbox.requests().filter((q) => q.operation === 'ScheduleKeyDeletion'),
          'a key was scheduled on a store being disconnected',
        ).toEqual([]);
        await reconnectAndFinish();
      }),
  );

  it(
    'between two ScheduleKeyDeletion calls: no key is scheduled after the disconnect, exit 3',
    { timeout: 120_000 },
    () =>
      onOwnSandbox(async (t, { colleagueDisconnects, reconnectAndFinish }) => {
        await setFaults(t, { slowMs: { ScheduleKeyDeletion: 1500 } });
        const run = t.kscli(DELETE_STORE, { timeoutMs: 60_000 });
        await waitFor(
          'the first ScheduleKeyDeletion to be handled',
          async () => ((await storeStatus(t, HSM_STORE))?.keyStates.PendingDeletion ?? 0) >= 2,
          30_000,
          20,
        );
        const disconnectedAt = await colleagueDisconnects();
        const r = await run;
        const after = t.sandbox
          .requests()
          .filter((q) => q.operation === 'ScheduleKeyDeletion' && q.time > disconnectedAt);
        expect(
          after.map((q) => `${String(q.params?.KeyId)} at ${q.time} -> ${q.outcome}`),
          `ScheduleKeyDeletion sent after the store was disconnected at ${disconnectedAt} (no --allow-disconnected)\n${r.describe()}`,
        ).toEqual([]);
        expect(r.code, r.describe()).toBe(3);
        await reconnectAndFinish();
      }),
  );
});
