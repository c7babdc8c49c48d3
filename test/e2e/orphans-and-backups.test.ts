/**
 * What KMS leaves behind, end to end (issue 2 "backups" / "orphans"; issue 4: a key deleted while its
 * CloudHSM store is disconnected leaves its material in the cluster, CloudTrail DeleteKey with
 * backingKeysDeletionStatus FAILURE). The wrong order, taken on purpose with the explicit flag:
 * schedule the keys, disconnect the store anyway (blocked without --allow-orphaned-material), let
 * the waiting period pass; then `orphans` lists the orphaned material with the clean-up steps,
 * `backups` tells the backups taken after the first key from the older ones, `backups --delete`
 * deletes exactly those, and `delete-store` finishes the job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, expectExit, expectNoMutatingRequests, startE2E, type E2E } from './helpers/index.js';

const STORE_KEYS = Object.values(DEMO.keys);
let t: E2E;
beforeAll(async () => {
  t = await startE2E('orphans');
});
afterAll(async () => {
  await t?.stop();
});

describe('orphaned key material and backups', () => {
  it('schedules every key of the store (7 days)', async () => {
    const r = await t.kscli([
      'schedule-deletion',
      DEMO.hsmStore,
      '--allow-in-use',
      '--allow-data-loss',
      '--no-alarm',
      '--window-days',
      '7',
      '--yes',
      '--output',
      'json',
    ]);
    expectExit(r, 0);
  });

  it('disconnect-store is blocked while keys wait for deletion (their material would be orphaned), naming the flag', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['disconnect-store', DEMO.hsmStore, '--yes']);
    expectExit(r, 3);
    expect(r.stdout + r.stderr).toContain('--allow-orphaned-material');
    expectNoMutatingRequests(t.sandbox.requestsSince(mark));
  });

  it('with --allow-orphaned-material it disconnects (exit 0); the waiting period ends with FAILURE for every key', async () => {
    const r = await t.kscli(
      ['disconnect-store', DEMO.hsmStore, '--allow-orphaned-material', '--yes', '--output', 'json'],
      { timeoutMs: 120_000 },
    );
    expectExit(r, 0);
    const report = await t.sandbox.advanceDays(31);
    expect(report.deletedKeys.map((k: any) => k.keyId).sort()).toEqual([...STORE_KEYS].sort());
    for (const k of report.deletedKeys) expect(k.backingKeysDeletionStatus).toBe('FAILURE');
  });

  it('orphans lists each key whose material was left in the cluster, with the clean-up steps, and changes nothing', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['orphans', DEMO.hsmStore, '--output', 'json']);
    expectExit(r, 0);
    const doc = r.json();
    expect(doc.schemaVersion).toBe(1);
    const text = JSON.stringify(doc.orphans);
    for (const id of STORE_KEYS) expect(text, `orphan ${id}`).toContain(id);
    expect(doc.orphans).toHaveLength(5);
    // issue 2: "with the key handle and the manual clean-up steps"
    for (const o of doc.orphans) expect(o.keyHandles?.length, JSON.stringify(o)).toBeGreaterThan(0);
    expect(doc.cleanupSteps.length).toBeGreaterThan(0);
    const table = await t.kscli(['orphans', DEMO.hsmStore, '--output', 'table']);
    expectExit(table, 0);
    expect(table.stdout).toContain('FAILURE');
    expectNoMutatingRequests(t.sandbox.requestsSince(mark));
  });

  let mayHold: string[];
  it('backups tells the three backups taken after the first key from the two older ones', async () => {
    const r = await t.kscli(['backups', DEMO.hsmStore, '--output', 'json']);
    expectExit(r, 0);
    const doc = r.json();
    expect(doc.schemaVersion).toBe(1);
    const text = JSON.stringify(doc);
    const ids = [...new Set(text.match(/backup-[a-z0-9]+/g) ?? [])];
    expect(ids).toHaveLength(5);
    const rows: any[] = doc.backups;
    mayHold = rows.filter((b) => b.mayHoldKeyMaterial === true).map((b) => b.backupId);
    expect(mayHold, JSON.stringify(rows, null, 1)).toHaveLength(3);
  });

  it('backups --delete --yes deletes exactly those three and says they stay restorable for 7 days', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['backups', DEMO.hsmStore, '--delete', '--yes', '--output', 'table']);
    expectExit(r, 0);
    expect(r.stdout + r.stderr).toMatch(/7 days/);
    const deleted = t.sandbox
      .requestsSince(mark)
      .filter((q) => q.operation === 'DeleteBackup' && q.outcome === 'ok')
      .map((q) => q.params?.BackupId);
    expect([...deleted].sort()).toEqual([...mayHold].sort());
  });

  it('delete-store then deletes the DISCONNECTED, empty store at once and reports the orphans (exit 0)', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['delete-store', DEMO.hsmStore, '--yes', '--output', 'table']);
    expectExit(r, 0);
    for (const id of STORE_KEYS) expect(r.stdout).toContain(id);
    const mutating = t.sandbox
      .requestsSince(mark)
      .filter((q) => q.mutating)
      .map((q) => q.operation);
    expect(mutating).toEqual(['DeleteCustomKeyStore']);
  });
});
