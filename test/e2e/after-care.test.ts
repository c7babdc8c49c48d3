/**
 * After-care outlives the store (issue 23, "Done when": after the store is deleted, `backups` lists
 * and deletes the backups that still hold its keys). Through the built binary against a served
 * sandbox: the demo store's keys are scheduled and deleted, one backup that may hold them is copied
 * to eu-west-1 with the AWS CLI (CopyBackupToRegion), and delete-store deletes the store. Then:
 * - delete-store's last phase names the backups (the copy too) and the exact command to delete them;
 * - `usage` says "was deleted on DATE", not "not found";
 * - `backups` and `orphans` report from the journal; the copy is found by its source in eu-west-1;
 * - the printed command, pasted, deletes the at-risk backups, the copy in its own Region;
 * - in a fresh home (no journal), CloudTrail's DeleteCustomKeyStore says when; with no record of the
 *   cluster, `--cluster` names it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO,
  expectExit,
  expectNoMutatingRequests,
  startAwsCli,
  startE2E,
  type AwsCli,
  type E2E,
} from './helpers/index.js';

let t: E2E;
let cli: AwsCli;
let freshHome: string;
beforeAll(async () => {
  t = await startE2E('after-care');
  cli = await startAwsCli(t.ws, t.sandbox.url);
  freshHome = mkdtempSync(join(tmpdir(), 'kscli-after-care-home-'));
});
afterAll(async () => {
  await cli?.stop();
  await t?.stop();
  rmSync(freshHome, { recursive: true, force: true });
});

/** `aws <args>` against the served sandbox (the second client), parsed JSON. */
const aws = (...args: string[]) => cli.ok(args);

let atRisk: string[];
let copyId: string;
let nextStep: string;

describe('after-care after the store is deleted', () => {
  it('sets up: every key scheduled, one backup that may hold them copied to eu-west-1, the keys deleted', async () => {
    expectExit(
      await t.kscli([
        'schedule-deletion',
        DEMO.hsmStore,
        '--allow-in-use',
        '--allow-data-loss',
        '--no-alarm',
        '--window-days',
        '7',
        '--yes',
      ]),
      0,
    );
    const b = await t.kscli(['backups', DEMO.hsmStore, '--output', 'json']);
    expectExit(b, 0);
    atRisk = b
      .json()
      .backups.filter((x: any) => x.mayHoldKeyMaterial)
      .map((x: any) => x.backupId);
    expect(atRisk.length).toBeGreaterThan(0);
    const copied = await aws(
      'cloudhsmv2',
      'copy-backup-to-region',
      '--destination-region',
      'eu-west-1',
      '--backup-id',
      atRisk.at(-1)!,
    );
    expect(copied.DestinationBackup).toMatchObject({ SourceBackup: atRisk.at(-1), SourceRegion: 'us-east-1' });
    await t.sandbox.advanceDays(9);
  });

  it('delete-store deletes the store, then names the backups that hold its key material (the copy too) and the exact command to delete them', async () => {
    const r = await t.kscli(['delete-store', DEMO.hsmStore, '--yes', '--output', 'table'], { timeoutMs: 120_000 });
    expectExit(r, 0);
    expect(r.stdout).toContain(`store ${DEMO.hsmStore} deleted`);
    const copies = (await aws('cloudhsmv2', 'describe-backups', '--region', 'eu-west-1')).Backups;
    copyId = copies.find((c: any) => c.SourceBackup === atRisk.at(-1)).BackupId;
    expect(r.stdout).toContain(copyId);
    expect(r.stdout).toMatch(/backup\(s\) \(1 cross-Region copy\) may still hold the store's key material/);
    const line = r.stdout.split('\n').find((l) => l.trim().startsWith(`kscli backups ${DEMO.hsmStore} --delete`));
    expect(line, r.stdout).toBeDefined();
    nextStep = line!.trim();
    // it carries this run's context: pasted elsewhere it acts on the same endpoint and Region
    expect(nextStep).toContain(`--endpoint-url ${t.sandbox.url}`);
    expect(nextStep).toContain('--region us-east-1');
  });

  it('usage on the deleted store says when it was deleted, not "not found", and names the after-care commands', async () => {
    const r = await t.kscli(['usage', DEMO.hsmStore, '--output', 'json']);
    expectExit(r, 3);
    expect(r.stderr).toMatch(new RegExp(`${DEMO.hsmStore} was deleted on \\d{4}-\\d\\d-\\d\\dT[^ ]+ \\(journal\\)`));
    expect(r.stderr).not.toContain('not found');
    expect(r.stderr).toContain(`kscli backups ${DEMO.hsmStore} --region us-east-1 --endpoint-url ${t.sandbox.url}`);
  });

  it('backups reports from the journal: the cluster, the at-risk backups and the copy in eu-west-1, found by its source', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['backups', DEMO.hsmStore, '--output', 'json']);
    expectExit(r, 0);
    const doc = r.json();
    expect(doc.storeDeleted).toMatchObject({ source: 'journal' });
    expect(doc.storeDeleted.deletedOn).toMatch(/^\d{4}-/);
    expect(doc.clusterIds).toEqual([DEMO.hsmCluster]);
    const held = doc.backups.filter((b: any) => b.mayHoldKeyMaterial).map((b: any) => b.backupId);
    expect(held.sort()).toEqual([...atRisk, copyId].sort());
    const copy = doc.backups.find((b: any) => b.backupId === copyId);
    expect(copy).toMatchObject({ region: 'eu-west-1', sourceBackup: atRisk.at(-1), sourceRegion: 'us-east-1' });
    expect(doc.copyRegions).toContain('eu-west-1');
    const requests = t.sandbox.requestsSince(mark);
    expect(
      requests.some((q) => q.operation === 'DescribeBackups' && q.region === 'eu-west-1'),
      'DescribeBackups in eu-west-1',
    ).toBe(true);
    expectNoMutatingRequests(requests);
  });

  it('orphans works on the deleted store (its DeleteKey events outlive it)', async () => {
    const r = await t.kscli(['orphans', DEMO.hsmStore, '--output', 'json']);
    expectExit(r, 0);
    expect(r.json().storeDeleted).toMatchObject({ source: 'journal' });
    expect(Array.isArray(r.json().orphans)).toBe(true);
  });

  it('the printed command, pasted (with --yes), deletes exactly those backups, the copy in its own Region', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli([...nextStep.split(' ').slice(1), '--yes'], { endpoint: false });
    expectExit(r, 0);
    const deleted = t.sandbox
      .requestsSince(mark)
      .filter((q) => q.operation === 'DeleteBackup' && q.outcome === 'ok')
      .map((q) => ({ id: q.params?.BackupId, region: q.region }));
    expect(deleted.map((d) => d.id).sort()).toEqual([...atRisk, copyId].sort());
    expect(deleted.find((d) => d.id === copyId)?.region).toBe('eu-west-1');
  });

  it('in a fresh home (no journal) CloudTrail says when it was deleted; with no record of the cluster, --cluster names it', async () => {
    const extra = { HOME: freshHome };
    const r = await t.kscli(['backups', DEMO.hsmStore, '--output', 'json'], { extra });
    // the demo's keys were made before CloudTrail's 90 days: nothing names the cluster
    expectExit(r, 3);
    expect(r.stderr).toMatch(/was deleted on \d{4}-[^ ]+ \(CloudTrail DeleteCustomKeyStore\)/);
    expect(r.stderr).toContain('--cluster');
    const c = await t.kscli(['backups', DEMO.hsmStore, '--cluster', DEMO.hsmCluster, '--output', 'json'], { extra });
    expectExit(c, 0);
    const doc = c.json();
    expect(doc.storeDeleted).toMatchObject({ source: 'cloudtrail' });
    expect(doc.clusterIds).toEqual([DEMO.hsmCluster]);
    // no key creation date known: every backup of the cluster counts (the safe side)
    expect(doc.backups.every((b: any) => b.mayHoldKeyMaterial)).toBe(true);
  });

  it('a store with no record at all stays "not found" (exit 3), naming --cluster for a store deleted long ago', async () => {
    const r = await t.kscli(['backups', 'cks-00000000000000000', '--output', 'json']);
    expectExit(r, 3);
    expect(r.stderr).toContain('not found');
    expect(r.stderr).toContain('--cluster');
  });
});
