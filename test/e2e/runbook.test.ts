/**
 * The whole runbook on the demo account, through the built binary against `kscli sandbox serve`
 * over HTTP (issue 4 "Done when"; issue 2 "delete-store: one command for the whole multi-week
 * job"): find the keys; delete-store is blocked by the evidence on the used key and changes
 * nothing; narrowed with --exclude-key, then with the named override, it schedules the keys and
 * exits 8 with the date to come back; `sandbox advance --days 31`; delete-store disconnects and
 * deletes the store (exit 0) and prints the backups and orphans reports; the idle CloudHSM store
 * is deleted at once; re-running on a finished store is a no-op.
 *
 * The steps share one sandbox and run in order: each one starts from the state the previous one
 * left, as an operator's weeks do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeCustomKeyStoresCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  DEMO,
  expectExit,
  expectNoMutatingRequests,
  isMutatingRequest,
  readJournalDir,
  sdkClientConfig,
  startE2E,
  unjournaledRequests,
  type E2E,
  type LoggedRequest,
} from './helpers/index.js';

const STORE_KEYS = Object.values(DEMO.keys);
/** the keys delete-store must schedule: every key of the store but the one already pending */
const TO_SCHEDULE = [DEMO.keys.unusedA, DEMO.keys.unusedB, DEMO.keys.disabled, DEMO.keys.used];
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/;
const DAY = 86_400_000;

let t: E2E;
beforeAll(async () => {
  // the sandbox's own timing (Logs Insights takes about a second, a disconnect 2 s, polled every
  // 5 s): the runbook as an operator lives it, while the other files run with the waits at 0
  t = await startE2E('runbook', { timing: 'aws' });
});
afterAll(async () => {
  await t?.stop();
});

const scheduled = (requests: LoggedRequest[]) =>
  requests
    .filter((r) => r.operation === 'ScheduleKeyDeletion' && r.outcome === 'ok')
    .map((r) => String(r.params?.KeyId));
const ops = (requests: LoggedRequest[]) => requests.filter(isMutatingRequest).map((r) => `${r.operation}:${r.outcome}`);

describe('the runbook on the demo account', () => {
  let sandboxNowAtStart: number;

  it('find-keys prints every key of the store in the documented JSON shape, and changes nothing', async () => {
    sandboxNowAtStart = Date.parse((await t.sandbox.status()).now);
    const mark = t.sandbox.mark();
    const r = await t.kscli(['find-keys', DEMO.hsmStore, '--output', 'json']);
    expectExit(r, 0);
    const doc = r.json();
    expect(doc.schemaVersion).toBe(1);
    expect(doc.store).toMatchObject({ storeId: DEMO.hsmStore, type: 'AWS_CLOUDHSM', connectionState: 'CONNECTED' });
    expect(doc.keys).toHaveLength(5);
    for (const k of doc.keys) {
      expect(Object.keys(k).sort()).toEqual(
        expect.arrayContaining(['aliases', 'arn', 'creationDate', 'deletionDate', 'keyId', 'state']),
      );
      expect(k.arn).toBe(DEMO.keyArn(k.keyId));
      expect(Array.isArray(k.aliases)).toBe(true);
      expect(k.creationDate).toMatch(ISO);
    }
    const byId = Object.fromEntries(doc.keys.map((k: any) => [k.keyId, k]));
    expect(Object.keys(byId).sort()).toEqual([...STORE_KEYS].sort());
    expect(byId[DEMO.keys.used]).toMatchObject({
      state: 'Enabled',
      aliases: ['alias/payments-legacy'],
      deletionDate: null,
    });
    expect(byId[DEMO.keys.unusedA]).toMatchObject({
      state: 'Enabled',
      aliases: ['alias/reports-archive'],
      deletionDate: null,
    });
    expect(byId[DEMO.keys.unusedB]).toMatchObject({ state: 'Enabled', deletionDate: null });
    expect(byId[DEMO.keys.disabled]).toMatchObject({ state: 'Disabled', deletionDate: null });
    expect(byId[DEMO.keys.pending].state).toBe('PendingDeletion');
    // the demo's pending key deletes in 5 days (sandbox clock)
    const inDays = (Date.parse(byId[DEMO.keys.pending].deletionDate) - sandboxNowAtStart) / DAY;
    expect(inDays).toBeGreaterThan(4);
    expect(inDays).toBeLessThan(6);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark), 'from find-keys');
  });

  it('find-keys in a table lists the same five keys', async () => {
    const r = await t.kscli(['find-keys', DEMO.hsmStore, '--output', 'table']);
    expectExit(r, 0);
    for (const id of STORE_KEYS) expect(r.stdout).toContain(id);
    expect(r.stdout).toContain('PendingDeletion');
  });

  it('stores lists the three demo stores with their key counts', async () => {
    const r = await t.kscli(['stores', '--output', 'json']);
    expectExit(r, 0);
    const doc = r.json();
    expect(doc.schemaVersion).toBe(1);
    const ids = doc.stores.map((s: any) => s.storeId).sort();
    expect(ids).toEqual([DEMO.idleStore, DEMO.hsmStore, DEMO.xksStore].sort());
    const hsm = doc.stores.find((s: any) => s.storeId === DEMO.hsmStore);
    expect(hsm).toMatchObject({ type: 'AWS_CLOUDHSM', connectionState: 'CONNECTED', clusterId: DEMO.hsmCluster });
  });

  it('delete-store --yes is blocked by the evidence on the used key: exit 3, names the override, nothing mutated', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['delete-store', DEMO.hsmStore, '--yes', '--output', 'json']);
    expectExit(r, 3);
    const doc = r.json();
    expect(doc.schemaVersion).toBe(1);
    expect(doc.outcome).toBe('blocked');
    const usedItem = doc.plan.find((p: any) => p.target === DEMO.keys.used);
    expect(usedItem?.status, JSON.stringify(doc.plan, null, 1)).toBe('blocked');
    expect(JSON.stringify(usedItem)).toContain('--allow-in-use');
    // every key of the store has a line (a planner never drops a key silently)
    for (const id of STORE_KEYS)
      expect(
        doc.plan.some((p: any) => p.target === id),
        `no plan line for ${id}`,
      ).toBe(true);
    expect(r.stderr).toContain('--allow-in-use');
    expectNoMutatingRequests(t.sandbox.requestsSince(mark), 'from a blocked delete-store');
  });

  it('the same blocked run in a table says blocked and nothing was changed', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['delete-store', DEMO.hsmStore, '--yes', '--output', 'table']);
    expectExit(r, 3);
    expect(r.stdout).toContain(DEMO.keys.used);
    expect(r.stdout.toLowerCase()).toContain('blocked');
    expectNoMutatingRequests(t.sandbox.requestsSince(mark), 'from a blocked delete-store');
  });

  it('delete-store --yes --exclude-key <used key> schedules the other keys and leaves the used one alone (exit 8)', async () => {
    // issue 2: "the operator narrows the plan (--key, --exclude-key) or overrides the precondition"
    const mark = t.sandbox.mark();
    const r = await t.kscli([
      'delete-store',
      DEMO.hsmStore,
      '--yes',
      '--exclude-key',
      DEMO.keys.used,
      // alias/reports-archive protects an S3 bucket and EBS snapshots (issue 19)
      '--allow-data-loss',
      '--output',
      'json',
    ]);
    expectExit(r, 8);
    const after = t.sandbox.requestsSince(mark);
    expect(scheduled(after).sort()).toEqual([DEMO.keys.unusedA, DEMO.keys.unusedB, DEMO.keys.disabled].sort());
    expect(r.json().nextRunAfter).toMatch(ISO);
  });

  let nextRunAfter: string;
  it('delete-store --yes --allow-in-use schedules what is left and exits 8 with nextRunAfter = latest deletion date + 24 h', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli([
      'delete-store',
      DEMO.hsmStore,
      '--yes',
      '--allow-in-use',
      '--allow-data-loss',
      '--output',
      'json',
    ]);
    expectExit(r, 8);
    const doc = r.json();
    expect(doc.schemaVersion).toBe(1);
    expect(doc.outcome).toBe('pending');
    expect(doc.nextRunAfter).toMatch(ISO);
    nextRunAfter = doc.nextRunAfter;

    const after = t.sandbox.requestsSince(mark);
    // nothing outside the store, and the key already pending is never scheduled again
    for (const id of scheduled(after)) expect(TO_SCHEDULE).toContain(id);
    expect(scheduled(after)).toContain(DEMO.keys.used);
    expect(scheduled(after)).not.toContain(DEMO.keys.pending);
    for (const r2 of after.filter((x) => x.operation === 'ScheduleKeyDeletion'))
      expect(r2.params?.PendingWindowInDays ?? 30).toBe(30);

    // AWS's state now: every key of the store pending deletion
    const keys = (await t.kscli(['find-keys', DEMO.hsmStore, '--output', 'json'])).json().keys;
    expect(keys.map((k: any) => k.state)).toEqual(Array(5).fill('PendingDeletion'));
    const latest = Math.max(...keys.map((k: any) => Date.parse(k.deletionDate)));
    expect(Date.parse(nextRunAfter)).toBe(latest + DAY);
    // a 30-day window, counted on the sandbox clock
    expect((latest - sandboxNowAtStart) / DAY).toBeGreaterThan(29.9);
    expect((latest - sandboxNowAtStart) / DAY).toBeLessThan(30.5);
  });

  it('every key of the store was scheduled exactly once, and nothing else was', () => {
    const all = scheduled(t.sandbox.requests());
    expect([...all].sort()).toEqual([...TO_SCHEDULE].sort());
  });

  it('kscli never left a call behind: every request of the runbook so far got its answer read (none clientGone)', () => {
    // issue 17: a `usage` once closed connections with DescribeKey answers still in flight; with
    // the sandbox's latencies on, an abandoned call shows in the log as clientGone
    const all = t.sandbox.requests();
    expect(all.length).toBeGreaterThan(50);
    expect(all.filter((r) => r.clientGone).map((r) => `${r.operation} ${r.time}`)).toEqual([]);
  });

  it('the pending-deletion alarm was created as a step of delete-store', async () => {
    const mutating = ops(t.sandbox.requests());
    expect(mutating).toContain('PutMetricFilter:ok');
    expect(mutating).toContain('PutMetricAlarm:ok');
    const status = await t.sandbox.status();
    expect(status.alarms.length).toBeGreaterThanOrEqual(1);
  });

  it('running delete-store again while the keys wait does nothing and prints "run again after" (exit 8)', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['delete-store', DEMO.hsmStore, '--yes', '--output', 'table']);
    expectExit(r, 8);
    expect(r.stdout).toContain('run again after');
    expect(r.stdout).toContain(nextRunAfter);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark), 'from delete-store while keys wait');
  });

  it('the journal records each ScheduleKeyDeletion with its outcome, in a 0600 file', () => {
    const file = join(t.ws.journalDir, `${DEMO.account}-${DEMO.region}-${DEMO.hsmStore}.jsonl`);
    expect(existsSync(file), `journal ${file}`).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const entries = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    for (const keyId of TO_SCHEDULE) {
      const mine = entries.filter((e) => e.operation === 'ScheduleKeyDeletion' && JSON.stringify(e).includes(keyId));
      expect(mine.length, `journal entries for ${keyId}`).toBeGreaterThan(0);
      expect(
        mine.some((e) => e.outcome === 'ok'),
        `an ok outcome for ${keyId}: ${JSON.stringify(mine)}`,
      ).toBe(true);
      for (const e of mine) expect(e).toMatchObject({ account: DEMO.account, region: DEMO.region });
      expect(mine.some((e) => typeof e.callerArn === 'string' && e.callerArn.startsWith('arn:aws:'))).toBe(true);
    }
    // issue 2: the override used is recorded in the journal
    expect(
      entries.some((e) => JSON.stringify(e.overrides ?? []).includes('--allow-in-use')),
      'a journal line recording --allow-in-use',
    ).toBe(true);
    // issue 2: "the first time kscli sees a key it records its id and creation date there too"
    for (const keyId of STORE_KEYS) {
      const seen = entries.find((e) => e.keyId === keyId && typeof e.creationDate === 'string');
      expect(seen, `a key-seen line with the creation date of ${keyId}`).toBeDefined();
    }
  });

  it('kscli sandbox advance --days 31, while serve runs, deletes the keys (their material with them: the store was connected)', async () => {
    const report = await t.sandbox.advanceDays(31);
    const deleted = report.deletedKeys.map((k: any) => k.keyId).sort();
    expect(deleted).toEqual([...STORE_KEYS].sort());
    for (const k of report.deletedKeys) expect(k.backingKeysDeletionStatus).toBe('SUCCESS');
    // the running server sees the new state
    const r = await t.kscli(['find-keys', DEMO.hsmStore, '--output', 'json']);
    expectExit(r, 0);
    expect(r.json().keys).toEqual([]);
  });

  it('delete-store --yes disconnects and deletes the store (exit 0) and prints the backups and orphans reports', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['delete-store', DEMO.hsmStore, '--yes', '--output', 'table'], { timeoutMs: 120_000 });
    expectExit(r, 0);
    expect(r.stdout).toContain(`store ${DEMO.hsmStore} deleted`);
    // the backups report names the cluster's backups; the orphans report says what it found
    expect(r.stdout).toContain(DEMO.hsmCluster);
    expect(r.stdout).toMatch(/backup-[a-z0-9]+/);
    expect(r.stdout.toLowerCase()).toContain('orphan');
    // disconnect strictly before delete, each once and successful
    const mutating = ops(t.sandbox.requestsSince(mark));
    expect(mutating).toEqual(['DisconnectCustomKeyStore:ok', 'DeleteCustomKeyStore:ok']);
  });

  it('the store is gone: stores no longer lists it and DescribeCustomKeyStores says CustomKeyStoreNotFoundException', async () => {
    const r = await t.kscli(['stores', '--output', 'json']);
    expectExit(r, 0);
    expect(r.json().stores.map((s: any) => s.storeId)).not.toContain(DEMO.hsmStore);
    const kms = new KMSClient(sdkClientConfig(t.sandbox.url));
    try {
      await expect(
        kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: DEMO.hsmStore })),
      ).rejects.toMatchObject({ name: 'CustomKeyStoreNotFoundException' });
    } finally {
      kms.destroy();
    }
  });

  it('delete-store on the finished store is a no-op: exit 0, "already deleted", no mutating request', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['delete-store', DEMO.hsmStore, '--yes', '--output', 'table']);
    expectExit(r, 0);
    expect(r.stdout).toMatch(/already deleted/);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark), 'from delete-store on a deleted store');
  });

  it('the DISCONNECTED CloudHSM store without keys is deleted at once (exit 0): no disconnect, one delete, reports in JSON', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['delete-store', DEMO.idleStore, '--yes', '--output', 'json']);
    expectExit(r, 0);
    const doc = r.json();
    expect(doc.schemaVersion).toBe(1);
    expect(doc.outcome).toBe('done');
    expect(doc.nextRunAfter).toBeUndefined();
    expect(doc).toHaveProperty('backups');
    expect(doc).toHaveProperty('orphans');
    expect(ops(t.sandbox.requestsSince(mark))).toEqual(['DeleteCustomKeyStore:ok']);
    const stores = (await t.kscli(['stores', '--output', 'json'])).json().stores.map((s: any) => s.storeId);
    expect(stores).toEqual([DEMO.xksStore]);
  });

  it('nothing outside the two stores was touched: the external store keeps its 2 Enabled keys, no other key was scheduled', async () => {
    const status = await t.sandbox.status();
    const xks = status.stores.find((s: any) => s.id === DEMO.xksStore);
    expect(xks).toMatchObject({ connectionState: 'CONNECTED', keyStates: { Enabled: 2 } });
    expect([...scheduled(t.sandbox.requests())].sort()).toEqual([...TO_SCHEDULE].sort());
    const deletes = t.sandbox.requests().filter((r) => r.operation === 'DeleteCustomKeyStore' && r.outcome === 'ok');
    expect(deletes.map((r) => r.params?.CustomKeyStoreId).sort()).toEqual([DEMO.idleStore, DEMO.hsmStore].sort());
  });

  it('every mutating request AWS accepted is in a journal with its outcome', () => {
    const requests = t.sandbox.requests();
    expect(requests.filter(isMutatingRequest).length).toBeGreaterThan(5);
    expect(unjournaledRequests(requests, readJournalDir(t.ws.journalDir))).toEqual([]);
  });

  it('without --output, a non-TTY run prints JSON (the documented default off a terminal)', async () => {
    const r = await t.kscli(['stores']);
    expectExit(r, 0);
    expect(r.json().schemaVersion).toBe(1);
  });
});
