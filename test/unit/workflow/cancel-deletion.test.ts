import { describe, expect, it } from 'vitest';
import { makeWorld, runCli } from '../fakes/harness.js';
import type { KeyState } from '../../../src/aws/ports.js';

describe('cancel-deletion preconditions (one row per state)', () => {
  const rows: Array<{ state: KeyState; status: string; after: KeyState; reason: RegExp }> = [
    { state: 'PendingDeletion', status: 'apply', after: 'Disabled', reason: /cancel the deletion/ },
    { state: 'Enabled', status: 'skip', after: 'Enabled', reason: /not pending deletion \(Enabled\)/ },
    { state: 'Disabled', status: 'skip', after: 'Disabled', reason: /not pending deletion \(Disabled\)/ },
    { state: 'Unavailable', status: 'skip', after: 'Unavailable', reason: /not pending deletion \(Unavailable\)/ },
  ];
  for (const row of rows) {
    it(`${row.state} -> ${row.status}`, async () => {
      const w = makeWorld();
      const s = w.account.addStore({ connectionState: row.state === 'Unavailable' ? 'DISCONNECTED' : 'CONNECTED' });
      const k = w.account.addKey({ store: s, state: row.state });
      const r = await runCli(['cancel-deletion', s.id, '--yes', '--output', 'json'], w);
      expect(r.code, r.stderr).toBe(0);
      const line = r.json().plan[0];
      expect(line.status).toBe(row.status);
      expect(line.reason).toMatch(row.reason);
      expect(w.account.keys.get(k.keyId)!.state).toBe(row.after);
      expect(w.account.callsOf('CancelKeyDeletion')).toHaveLength(row.status === 'apply' ? 1 : 0);
    });
  }

  it('AWS leaves a cancelled key Disabled and says so; --enable re-enables it', async () => {
    const w = makeWorld();
    const s = w.account.addStore();
    const k = w.account.addKey({ store: s, state: 'PendingDeletion' });
    let r = await runCli(['cancel-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(r.json().warnings.join(' ')).toMatch(/--enable/);
    expect(w.account.keys.get(k.keyId)!.state).toBe('Disabled');
    const k2 = w.account.addKey({ store: s, state: 'PendingDeletion' });
    r = await runCli(['cancel-deletion', s.id, '--key', k2.keyId, '--enable', '--yes', '--output', 'json'], w);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().plan.map((p: any) => p.action)).toEqual(['CancelKeyDeletion', 'EnableKey']);
    expect(w.account.keys.get(k2.keyId)!.state).toBe('Enabled');
  });

  it('on a disconnected store, --enable takes effect when the store is connected again (and the plan says so)', async () => {
    const w = makeWorld();
    const s = w.account.addStore({ connectionState: 'DISCONNECTED' });
    const k = w.account.addKey({ store: s, state: 'PendingDeletion' });
    const r = await runCli(['cancel-deletion', s.id, '--enable', '--yes', '--output', 'json'], w);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().plan[1].reason).toMatch(/takes effect when the store is connected again/);
    w.account.setConnection(w.account.stores.get(s.id)!, 'CONNECTED');
    expect(w.account.keys.get(k.keyId)!.state).toBe('Enabled');
  });

  it('a key cancelled by someone else meanwhile is skipped on the re-check and said so', async () => {
    const w = makeWorld();
    const s = w.account.addStore();
    const k = w.account.addKey({ store: s, state: 'PendingDeletion' });
    w.account.before('DescribeKey', () => {
      const key = w.account.keys.get(k.keyId)!;
      key.state = 'Disabled';
      delete key.deletionDate;
    });
    const r = await runCli(['cancel-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/changed since the plan: not pending deletion/);
    expect(w.account.callsOf('CancelKeyDeletion')).toHaveLength(0);
  });

  it('KMSInvalidStateException "is not pending deletion" on the call counts as done', async () => {
    const w = makeWorld();
    const s = w.account.addStore();
    const k = w.account.addKey({ store: s, state: 'PendingDeletion' });
    w.account.before('CancelKeyDeletion', () => {
      const key = w.account.keys.get(k.keyId)!;
      key.state = 'Disabled';
      delete key.deletionDate;
    });
    const r = await runCli(['cancel-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().plan[0].note).toMatch(/no longer pending deletion/);
  });

  it('a key whose waiting period ended before the cancel is skipped', async () => {
    const w = makeWorld();
    const s = w.account.addStore();
    const k = w.account.addKey({ store: s, state: 'PendingDeletion' });
    w.account.before('DescribeKey', () => void w.account.keys.delete(k.keyId));
    const r = await runCli(['cancel-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/no longer exists/);
  });

  it('--enable finishes the job of a run interrupted between cancel and enable (journal), never enables other Disabled keys', async () => {
    const w = makeWorld();
    const s = w.account.addStore();
    const k = w.account.addKey({ store: s, state: 'PendingDeletion' });
    const other = w.account.addKey({ store: s, state: 'Disabled' });
    w.account.before('CancelKeyDeletion', () => w.system.interrupt());
    // the interrupt lands during the cancel: the run stops before EnableKey
    let r = await runCli(['cancel-deletion', s.id, '--enable', '--yes', '--output', 'json'], w);
    expect(r.code).toBe(130);
    expect(w.account.keys.get(k.keyId)!.state).toBe('Disabled');
    r = await runCli(['cancel-deletion', s.id, '--enable', '--yes', '--output', 'json'], w);
    expect(r.code, r.stderr).toBe(0);
    expect(w.account.keys.get(k.keyId)!.state).toBe('Enabled');
    expect(w.account.keys.get(other.keyId)!.state).toBe('Disabled');
    expect(w.account.callsOf('EnableKey').map((c) => c.args[0])).toEqual([k.keyId]);
    // and once enabled, nothing more to do
    r = await runCli(['cancel-deletion', s.id, '--enable', '--yes', '--output', 'json'], w);
    expect(r.json().outcome).toBe('nothing-to-do');
  });
});
