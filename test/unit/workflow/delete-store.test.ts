import { describe, expect, it } from 'vitest';
import { makeWorld, runCli, type World } from '../fakes/harness.js';
import { stubEvidence } from '../fakes/evidence.js';
import { AwsCallError, ExitCode, KscliError } from '../../../src/errors.js';
import { evaluateDeleteStore } from '../../../src/workflow/delete-store.js';
import type { KeyState, StoreInfo } from '../../../src/aws/ports.js';

const del = (w: World, id: string, ...flags: string[]) =>
  runCli(['delete-store', id, '--yes', '--output', 'json', ...flags], w);

describe('delete-store: the five cases', () => {
  it('1. keys not yet scheduled: alarm first, then schedule them, exit 8 with the latest DeletionDate + 24 h', async () => {
    const w = makeWorld();
    const ev = stubEvidence({ alarmInPlace: false });
    w.evidence = ev;
    const s = w.account.addStore();
    const k1 = w.account.addKey({ store: s });
    const k2 = w.account.addKey({ store: s, state: 'PendingDeletion', deletionDate: new Date('2026-11-30T00:00:00Z') });
    const r = await del(w, s.id);
    expect(r.code, r.stderr).toBe(8);
    const doc = r.json();
    expect(doc.outcome).toBe('pending');
    expect(doc.phase).toBe('schedule-keys');
    expect(doc.plan.map((p: any) => p.action)).toEqual([
      'PutMetricAlarm',
      'ScheduleKeyDeletion',
      'ScheduleKeyDeletion',
    ]);
    expect(ev.alarmCreated).toBe(true);
    expect(w.account.callsOf('ScheduleKeyDeletion').map((c) => c.args[0])).toEqual([k1.keyId]);
    // k1: now + 30 d = 2026-12-23T12:00Z; + 24 h
    expect(doc.nextRunAfter).toBe('2026-12-24T12:00:00.000Z');
    expect(doc.keysLeft.map((k: any) => k.keyId).sort()).toEqual([k1.keyId, k2.keyId].sort());
  });

  it('1. a blocked key (in use) blocks the whole run: no alarm, nothing scheduled', async () => {
    const w = makeWorld();
    const s = w.account.addStore();
    const k = w.account.addKey({ store: s });
    const ev = stubEvidence({ alarmInPlace: false, verdicts: { [k.keyId]: 'in-use' } });
    w.evidence = ev;
    const r = await del(w, s.id);
    expect(r.code).toBe(3);
    expect(ev.alarmCreated).toBe(false);
    expect(w.account.mutatingCalls()).toEqual([]);
  });

  it('2. keys still pending: nothing to do today, exit 8 with the date and the keys left, no prompt', async () => {
    const w = makeWorld();
    const s = w.account.addStore();
    w.account.addKey({ store: s, state: 'PendingDeletion', deletionDate: new Date('2026-12-01T00:00:00Z') });
    w.account.addKey({ store: s, state: 'PendingDeletion', deletionDate: new Date('2026-12-05T00:00:00Z') });
    const r = await runCli(['delete-store', s.id, '--output', 'json'], w); // no --yes, no TTY: still fine
    expect(r.code, r.stderr).toBe(8);
    expect(r.json()).toMatchObject({
      outcome: 'pending',
      phase: 'keys-pending',
      nextRunAfter: '2026-12-06T00:00:00.000Z',
    });
    expect(r.json().keysLeft).toHaveLength(2);
    expect(w.account.mutatingCalls()).toEqual([]);
  });

  it('2. in table form it says "pending: run again after <date>"', async () => {
    const w = makeWorld();
    const s = w.account.addStore();
    w.account.addKey({ store: s, state: 'PendingDeletion', deletionDate: new Date('2026-12-01T00:00:00Z') });
    const r = await runCli(['delete-store', s.id, '--output', 'table'], w);
    expect(r.code).toBe(8);
    expect(r.stdout).toMatch(/pending: run again after 2026-12-02T00:00:00.000Z/);
  });

  it('3. no keys, store connected: orphans checked, disconnect, wait, delete, exit 0', async () => {
    const w = makeWorld();
    const s = w.account.addStore();
    const r = await del(w, s.id);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().phase).toBe('disconnect-and-delete');
    expect(w.account.mutatingCalls().map((c) => c.operation)).toEqual([
      'DisconnectCustomKeyStore',
      'DeleteCustomKeyStore',
    ]);
    expect(w.account.callsOf('LookupEvents').length).toBeGreaterThan(0);
    expect(w.account.stores.has(s.id)).toBe(false);
  });

  it('4. no keys, store disconnected: delete, exit 0', async () => {
    const w = makeWorld();
    const s = w.account.addStore({ connectionState: 'DISCONNECTED' });
    const r = await del(w, s.id);
    expect(r.code).toBe(0);
    expect(r.json().phase).toBe('delete');
    expect(w.account.mutatingCalls().map((c) => c.operation)).toEqual(['DeleteCustomKeyStore']);
  });

  it('5. after deleting a CloudHSM store: the backups and orphans reports', async () => {
    const w = makeWorld();
    const s = w.account.addStore({ connectionState: 'DISCONNECTED' });
    w.account.addBackup({ clusterId: s.clusterId!, createTimestamp: new Date('2025-03-01T00:00:00Z') });
    let r = await del(w, s.id);
    expect(r.code).toBe(0);
    expect(r.json().backups.backups).toHaveLength(1);
    expect(r.json().backups.backups[0].mayHoldKeyMaterial).toBe(true);
    expect(r.json().orphans).toMatchObject({ orphans: [] });
    const s2 = w.account.addStore({ connectionState: 'DISCONNECTED' });
    r = await runCli(['delete-store', s2.id, '--yes', '--output', 'table'], w);
    expect(r.stdout).toMatch(/Backups of cluster/);
    expect(r.stdout).toMatch(/No orphaned key material/);
  });

  it('external store: no backups or orphans report', async () => {
    const w = makeWorld();
    const s = w.account.addStore({ type: 'EXTERNAL_KEY_STORE', connectionState: 'DISCONNECTED' });
    const r = await del(w, s.id);
    expect(r.code).toBe(0);
    expect(r.json().backups).toBeUndefined();
  });
});

describe('delete-store --dry-run makes zero mutating calls in every phase', () => {
  it.each([
    ['schedule-keys', 'Enabled', 'CONNECTED', 0],
    ['keys-pending', 'PendingDeletion', 'CONNECTED', 0],
    ['disconnect-and-delete', undefined, 'CONNECTED', 0],
    ['delete', undefined, 'DISCONNECTED', 0],
  ] as const)('%s', async (phase, keyState, conn, code) => {
    const w = makeWorld();
    w.evidence = stubEvidence({ alarmInPlace: false });
    const s = w.account.addStore({ connectionState: conn });
    if (keyState) w.account.addKey({ store: s, state: keyState });
    const r = await runCli(['delete-store', s.id, '--dry-run', '--output', 'json'], w);
    expect(r.code, r.stderr).toBe(code);
    expect(r.json()).toMatchObject({ outcome: 'dry-run' });
    expect(w.account.mutatingCalls()).toEqual([]);
    expect((w.evidence as any).alarmCreated).toBe(false);
    expect(phase).toBeTruthy();
  });
});

describe('delete-store: the delete call preconditions', () => {
  it('a key created in the store between plan and delete blocks the delete (keys listed again right before)', async () => {
    const w = makeWorld();
    const s = w.account.addStore({ connectionState: 'DISCONNECTED' });
    w.account.before('ListKeys', () => {}); // plan's scan
    w.account.before(
      'ListKeys',
      () => void w.account.addKey({ store: w.account.stores.get(s.id)!, state: 'Unavailable' }),
    );
    const r = await del(w, s.id);
    expect(r.code).toBe(3);
    expect(w.account.callsOf('DeleteCustomKeyStore')).toHaveLength(0);
    expect(r.stderr).toMatch(/holds 1 key/);
  });

  it('CustomKeyStoreNotFoundException on the delete (a retried call whose first attempt succeeded) counts as deleted', async () => {
    const w = makeWorld();
    const s = w.account.addStore({ connectionState: 'DISCONNECTED' });
    w.account.before('DeleteCustomKeyStore', () => void w.account.stores.delete(s.id));
    w.account.failNext(
      'DeleteCustomKeyStore',
      new AwsCallError('DeleteCustomKeyStore', 'CustomKeyStoreNotFoundException', 'not found'),
    );
    const r = await del(w, s.id);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().plan.at(-1).note).toMatch(/already deleted/);
  });

  it('running it again after the store is gone: the journal says it was deleted, exit 0', async () => {
    const w = makeWorld();
    const s = w.account.addStore({ connectionState: 'DISCONNECTED' });
    expect((await del(w, s.id)).code).toBe(0);
    const again = await del(w, s.id);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json()).toMatchObject({ outcome: 'nothing-to-do', phase: 'already-deleted' });
    expect(w.account.callsOf('DeleteCustomKeyStore')).toHaveLength(1);
  });

  it('an unknown store without a journal record is still exit 3', async () => {
    const w = makeWorld();
    const r = await del(w, 'cks-0123456789abcdef0');
    expect(r.code).toBe(3);
  });
});

describe('delete-store: the whole multi-week job, re-run at every point', () => {
  it('converges, never repeats a finished step, never fails because a step was done', async () => {
    const w = makeWorld();
    const a = w.account;
    const s = a.addStore();
    const keys = [a.addKey({ store: s }), a.addKey({ store: s, state: 'Disabled' }), a.addKey({ store: s })];
    w.evidence = stubEvidence({ alarmInPlace: false });

    let r = await del(w, s.id, '--window-days', '7');
    expect(r.code).toBe(8);
    expect(a.callsOf('ScheduleKeyDeletion')).toHaveLength(3);
    // the same day again: nothing is repeated
    r = await del(w, s.id, '--window-days', '7');
    expect(r.code).toBe(8);
    expect(r.json().phase).toBe('keys-pending');
    expect(a.callsOf('ScheduleKeyDeletion')).toHaveLength(3);
    expect(a.callsOf('PutMetricAlarm')).toHaveLength(0); // the stub's alarm is not an AWS call
    // a week later, before AWS really deleted them (up to 24 h late): still pending
    a.clock.advanceDays(7);
    a.clock.advance(30 * 60 * 1000);
    r = await del(w, s.id);
    expect(r.code).toBe(8);
    // after nextRunAfter: keys are gone -> disconnect, delete
    a.clock.advanceDays(1);
    r = await del(w, s.id);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().orphans.orphans).toEqual([]); // the store stayed CONNECTED while the keys waited
    expect(a.stores.has(s.id)).toBe(false);
    r = await del(w, s.id);
    expect(r.code).toBe(0);
    expect(a.callsOf('DisconnectCustomKeyStore')).toHaveLength(1);
    expect(a.callsOf('DeleteCustomKeyStore')).toHaveLength(1);
    expect(keys).toHaveLength(3);
  });

  it('interrupted during the disconnect: the wait is abandoned (exit 130); the next run waits and deletes', async () => {
    const w = makeWorld();
    const s = w.account.addStore();
    w.account.disconnectPolls = 10;
    w.account.before('DisconnectCustomKeyStore', () => w.system.interrupt());
    let r = await del(w, s.id);
    expect(r.code).toBe(130);
    expect(r.json().outcome).toBe('interrupted');
    expect(w.account.stores.get(s.id)!.connectionState).toBe('DISCONNECTING');
    r = await del(w, s.id);
    expect(r.json().plan.map((p: any) => [p.action, p.status])).toEqual([
      ['WaitForDisconnected', 'apply'],
      ['DeleteCustomKeyStore', 'apply'],
    ]);
    expect(r.code).toBe(0);
    expect(w.account.callsOf('DisconnectCustomKeyStore')).toHaveLength(1);
    expect(w.account.callsOf('DeleteCustomKeyStore')).toHaveLength(1);
  });
});

describe('DeleteCustomKeyStore preconditions (one row per state)', () => {
  const key = (state: KeyState) => ({
    keyId: 'k',
    arn: 'a',
    accountId: '1',
    state,
    keyManager: 'CUSTOMER' as const,
    origin: 'AWS_CLOUDHSM',
    creationDate: new Date(0),
  });
  const rows: Array<[string, boolean, string, KeyState[], string]> = [
    ['gone already', false, 'DISCONNECTED', [], 'skip'],
    ['DISCONNECTED, no keys', true, 'DISCONNECTED', [], 'apply'],
    [
      'DISCONNECTED, a key PendingDeletion (still blocks AWS: aws-facts 2.3)',
      true,
      'DISCONNECTED',
      ['PendingDeletion'],
      'blocked',
    ],
    ['DISCONNECTED, an Unavailable key', true, 'DISCONNECTED', ['Unavailable'], 'blocked'],
    ['CONNECTED, no keys', true, 'CONNECTED', [], 'blocked'],
    ['DISCONNECTING, no keys', true, 'DISCONNECTING', [], 'blocked'],
    ['FAILED, no keys', true, 'FAILED', [], 'blocked'],
  ];
  it.each(rows)('%s -> %s', (_name, exists, state, keys, status) => {
    expect(evaluateDeleteStore('cks-0123456789abcdef0', exists, state, keys.map(key), false).status).toBe(status);
  });
});

describe('delete-store: what it reports after scheduling comes from AWS, not from the plan', () => {
  it('a deletion cancelled by a colleague during the apply is not in keysLeft, and is in changedSincePlan', async () => {
    const w = makeWorld();
    const a = w.account;
    const s = a.addStore();
    const k1 = a.addKey({ store: s });
    const cancelled = a.addKey({ store: s, state: 'PendingDeletion', deletionDate: new Date('2026-11-30T00:00:00Z') });
    a.before('ScheduleKeyDeletion', () => {
      const k = a.keys.get(cancelled.keyId)!;
      k.state = 'Disabled';
      delete k.deletionDate;
    });
    const r = await del(w, s.id);
    expect(r.code, r.stderr).toBe(8);
    expect(r.json().keysLeft.map((k: any) => k.keyId)).toEqual([k1.keyId]);
    expect(r.json().changedSincePlan).toEqual([
      expect.objectContaining({ keyId: cancelled.keyId, change: 'deletion-cancelled' }),
    ]);
    // k1 only: now + 30 d + 24 h (the cancelled key's earlier date no longer counts)
    expect(r.json().nextRunAfter).toBe('2026-12-24T12:00:00.000Z');
  });
});

describe('delete-store: a DeleteCustomKeyStore that was not confirmed', () => {
  it('the answer was lost after AWS deleted the store (exit 1); the next run finds it gone and ends done', async () => {
    const w = makeWorld();
    const s = w.account.addStore({ connectionState: 'DISCONNECTED' });
    w.account.before('DeleteCustomKeyStore', () => void w.account.stores.delete(s.id));
    w.account.failNext(
      'DeleteCustomKeyStore',
      new KscliError(ExitCode.Failure, 'cannot reach kms for kms:DeleteCustomKeyStore (ECONNRESET)'),
    );
    const first = await del(w, s.id);
    expect(first.code).toBe(1);
    const again = await del(w, s.id);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json()).toMatchObject({ outcome: 'nothing-to-do', phase: 'already-deleted' });
    const table = await runCli(['delete-store', s.id, '--yes', '--output', 'table'], w);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/was not confirmed then, but the store no longer exists/);
    expect(w.account.callsOf('DeleteCustomKeyStore')).toHaveLength(1);
  });

  it('the store stayed visible longer than the read-back (exit 1); the next run finds it gone and ends done', async () => {
    const w = makeWorld();
    const a = w.account;
    const s = a.addStore({ connectionState: 'DISCONNECTED' });
    // AWS deleted it, but every read of this run still shows it (eventual consistency, aws-facts 9)
    const kms = a.kms.bind(a);
    let staleStore: StoreInfo | undefined;
    a.kms = () => ({
      ...kms(),
      deleteStore: async (id: string) => {
        staleStore = { ...a.stores.get(id)! };
        await kms().deleteStore(id);
      },
      describeStore: async (id: string) => staleStore ?? kms().describeStore(id),
    });
    const first = await del(w, s.id);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/still listed.*\n.*run the same command again/);
    staleStore = undefined;
    const again = await del(w, s.id);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().phase).toBe('already-deleted');
  });

  it('a journal line for another store does not make an unknown store "already deleted"', async () => {
    const w = makeWorld();
    const s = w.account.addStore({ connectionState: 'DISCONNECTED' });
    expect((await del(w, s.id, '--journal', `${w.home}/shared.jsonl`)).code).toBe(0);
    const other = await del(w, 'cks-0123456789abcdef0', '--journal', `${w.home}/shared.jsonl`);
    expect(other.code).toBe(3);
  });
});

describe('delete-store --exclude-key / --key (issue 2: narrowing a blocked plan)', () => {
  function blockedWorld() {
    const w = makeWorld();
    const a = w.account;
    const s = a.addStore();
    const unused = a.addKey({ store: s });
    const used = a.addKey({ store: s });
    const pending = a.addKey({ store: s, state: 'PendingDeletion', deletionDate: new Date('2026-12-01T00:00:00Z') });
    w.evidence = stubEvidence({ alarmInPlace: true, verdicts: { [used.keyId]: 'in-use' } });
    return { w, a, s, unused, used, pending };
  }

  it('--exclude-key <used key> schedules the others and leaves it alone: skip line, exit 8 saying the store stays', async () => {
    const { w, a, s, unused, used } = blockedWorld();
    expect((await del(w, s.id)).code).toBe(3);
    const r = await del(w, s.id, '--exclude-key', used.keyId);
    expect(r.code, r.stderr).toBe(8);
    expect(a.callsOf('ScheduleKeyDeletion').map((c) => c.args[0])).toEqual([unused.keyId]);
    const line = r.json().plan.find((p: any) => p.target === used.keyId);
    expect(line).toMatchObject({ status: 'skip', action: 'ScheduleKeyDeletion' });
    expect(line.reason).toMatch(/^excluded by --exclude-key: .*cannot be deleted while it exists/);
    expect(r.json().warnings.join(' ')).toMatch(new RegExp(`left out .*${used.keyId}.*cannot be deleted`));
    expect(r.json().keysLeftOut).toEqual([{ keyId: used.keyId, state: 'Enabled' }]);
    const table = await runCli(['delete-store', s.id, '--yes', '--exclude-key', used.keyId, '--output', 'table'], w);
    expect(table.code).toBe(8);
    expect(table.stdout).toMatch(
      /left out with --exclude-key\/--key stay in the store .*cannot be deleted while they exist/,
    );
  });

  it('an --exclude-key that matches no key of the store blocks (exit 3), nothing scheduled', async () => {
    const { w, a, s } = blockedWorld();
    const r = await del(w, s.id, '--exclude-key', '99999999-1111-4222-8333-999999999999', '--allow-in-use');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/matches no key of store/);
    expect(a.mutatingCalls()).toEqual([]);
  });

  it('--key schedules only the named key; the others are not-named skip lines', async () => {
    const { w, a, s, unused, used } = blockedWorld();
    const r = await del(w, s.id, '--key', unused.keyId);
    expect(r.code, r.stderr).toBe(8);
    expect(a.callsOf('ScheduleKeyDeletion').map((c) => c.args[0])).toEqual([unused.keyId]);
    expect(r.json().plan.find((p: any) => p.target === used.keyId).reason).toMatch(/not named with --key/);
  });

  it('once only excluded keys remain, the delete line is blocked naming them (no disconnect, exit 3)', async () => {
    const { w, a, s, used } = blockedWorld();
    expect((await del(w, s.id, '--exclude-key', used.keyId)).code).toBe(8);
    a.clock.advanceDays(32);
    const r = await del(w, s.id, '--exclude-key', used.keyId);
    expect(r.code, r.stderr).toBe(3);
    const last = r.json().plan.at(-1);
    expect(last).toMatchObject({ action: 'DeleteCustomKeyStore', status: 'blocked' });
    expect(last.reason).toMatch(new RegExp(`${used.keyId}.*cannot be deleted while they exist`));
    expect(a.callsOf('DisconnectCustomKeyStore')).toHaveLength(0);
    // without the exclusion the key is planned again (and its evidence blocks it, naming the override)
    const again = await del(w, s.id);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/--allow-in-use/);
  });

  it('--exclude-key on a key already PendingDeletion says it does not cancel its deletion', async () => {
    const { w, s, pending, used } = blockedWorld();
    const r = await del(w, s.id, '--exclude-key', pending.keyId, '--exclude-key', used.keyId);
    expect(r.code, r.stderr).toBe(8);
    expect(r.json().plan.find((p: any) => p.target === pending.keyId).reason).toMatch(/does not cancel its deletion/);
  });
});
