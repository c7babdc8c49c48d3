import { describe, expect, it } from 'vitest';
import { makeWorld, runCli } from '../fakes/harness.js';
import type { KeyState, StoreInfo } from '../../../src/aws/ports.js';

describe('disconnect-store preconditions (one row per state)', () => {
  const rows: Array<{
    name: string;
    store: Partial<StoreInfo>;
    keys: KeyState[];
    flags?: string[];
    code: number;
    action: string;
    status: string;
    disconnectCalls: number;
    reason: RegExp;
  }> = [
    {
      name: 'DISCONNECTED already: nothing to do',
      store: { connectionState: 'DISCONNECTED' },
      keys: ['Unavailable'],
      code: 0,
      action: 'DisconnectCustomKeyStore',
      status: 'skip',
      disconnectCalls: 0,
      reason: /already DISCONNECTED/,
    },
    {
      name: 'DISCONNECTING: just wait',
      store: { connectionState: 'DISCONNECTING' },
      keys: [],
      code: 0,
      action: 'WaitForDisconnected',
      status: 'apply',
      disconnectCalls: 0,
      reason: /wait until DISCONNECTED/,
    },
    {
      name: 'CONNECTED, no keys',
      store: {},
      keys: [],
      code: 0,
      action: 'DisconnectCustomKeyStore',
      status: 'apply',
      disconnectCalls: 1,
      reason: /disconnect/,
    },
    {
      name: 'CONNECTED, Disabled keys only',
      store: {},
      keys: ['Disabled'],
      code: 0,
      action: 'DisconnectCustomKeyStore',
      status: 'apply',
      disconnectCalls: 1,
      reason: /disconnect/,
    },
    {
      name: 'CloudHSM with keys PendingDeletion: blocked',
      store: {},
      keys: ['PendingDeletion'],
      code: 3,
      action: 'DisconnectCustomKeyStore',
      status: 'blocked',
      disconnectCalls: 0,
      reason: /orphaned.*--allow-orphaned-material/,
    },
    {
      name: 'CloudHSM with keys PendingDeletion + --allow-orphaned-material',
      store: {},
      keys: ['PendingDeletion'],
      flags: ['--allow-orphaned-material'],
      code: 0,
      action: 'DisconnectCustomKeyStore',
      status: 'apply',
      disconnectCalls: 1,
      reason: /--allow-orphaned-material/,
    },
    {
      name: 'external store with keys PendingDeletion: nothing to orphan',
      store: { type: 'EXTERNAL_KEY_STORE' },
      keys: ['PendingDeletion'],
      code: 0,
      action: 'DisconnectCustomKeyStore',
      status: 'apply',
      disconnectCalls: 1,
      reason: /disconnect/,
    },
    {
      name: 'Enabled keys: blocked',
      store: {},
      keys: ['Enabled'],
      code: 3,
      action: 'DisconnectCustomKeyStore',
      status: 'blocked',
      disconnectCalls: 0,
      reason: /Enabled.*--force/,
    },
    {
      name: 'Enabled keys + --force',
      store: {},
      keys: ['Enabled'],
      flags: ['--force'],
      code: 0,
      action: 'DisconnectCustomKeyStore',
      status: 'apply',
      disconnectCalls: 1,
      reason: /--force/,
    },
    {
      name: 'FAILED store can be disconnected',
      store: { connectionState: 'FAILED', connectionErrorCode: 'NETWORK_ERRORS' },
      keys: [],
      code: 0,
      action: 'DisconnectCustomKeyStore',
      status: 'apply',
      disconnectCalls: 1,
      reason: /FAILED now/,
    },
  ];
  for (const row of rows) {
    it(row.name, async () => {
      const w = makeWorld();
      const s = w.account.addStore(row.store);
      for (const state of row.keys) w.account.addKey({ store: s, state });
      const r = await runCli(['disconnect-store', s.id, '--yes', '--output', 'json', ...(row.flags ?? [])], w);
      expect(r.code, r.stderr).toBe(row.code);
      const line = r.json().plan[0];
      expect(line).toMatchObject({ action: row.action, status: row.status });
      expect(line.reason).toMatch(row.reason);
      expect(w.account.callsOf('DisconnectCustomKeyStore')).toHaveLength(row.disconnectCalls);
      if (row.code === 0 && row.status === 'apply')
        expect(w.account.stores.get(s.id)!.connectionState).toBe('DISCONNECTED');
    });
  }

  it('waits, polling DescribeCustomKeyStores, until DISCONNECTED', async () => {
    const w = makeWorld();
    w.account.disconnectPolls = 5;
    const s = w.account.addStore();
    const r = await runCli(['disconnect-store', s.id, '--yes', '--output', 'json'], w);
    expect(r.code).toBe(0);
    expect(w.account.clock.sleeps.length).toBeGreaterThanOrEqual(5);
    expect(r.json().outcome).toBe('done');
  });

  it('--wait-timeout passes while still DISCONNECTING: exit 8, run again to keep waiting', async () => {
    const w = makeWorld();
    w.account.disconnectPolls = 1000;
    const s = w.account.addStore();
    const r = await runCli(['disconnect-store', s.id, '--yes', '--wait-timeout', '30s', '--output', 'json'], w);
    expect(r.code).toBe(8);
    expect(r.stderr).toMatch(/still DISCONNECTING/);
    w.account.disconnectPolls = 0;
    w.account.setConnection(w.account.stores.get(s.id)!, 'DISCONNECTING'); // AWS finishes soon now
    const again = await runCli(['disconnect-store', s.id, '--yes', '--output', 'json'], w);
    expect(again.code).toBe(0);
    expect(w.account.callsOf('DisconnectCustomKeyStore')).toHaveLength(1);
  });

  it.each(['0s', 'abc', '10', '-5m', ''])('--wait-timeout %j is bad input', async (v) => {
    const w = makeWorld();
    const s = w.account.addStore();
    const r = await runCli(['disconnect-store', s.id, '--yes', '--wait-timeout', v], w);
    expect(r.code).toBe(2);
    expect(w.account.calls).toEqual([]);
  });

  it('re-check: a key scheduled by a colleague since the plan blocks the disconnect', async () => {
    const w = makeWorld();
    const s = w.account.addStore();
    const k = w.account.addKey({ store: s, state: 'Disabled' });
    w.account.before('ListKeys', () => {}); // the plan's scan
    w.account.before('ListKeys', () => {
      w.account.keys.get(k.keyId)!.state = 'PendingDeletion';
      w.account.keys.get(k.keyId)!.deletionDate = new Date('2026-12-30T00:00:00Z');
    });
    const r = await runCli(['disconnect-store', s.id, '--yes', '--output', 'json'], w);
    expect(r.code).toBe(3);
    expect(w.account.callsOf('DisconnectCustomKeyStore')).toHaveLength(0);
    expect(r.stderr).toMatch(/changed since the plan/);
  });

  it('CustomKeyStoreInvalidStateException because someone disconnected it meanwhile counts as done', async () => {
    const w = makeWorld();
    const s = w.account.addStore();
    w.account.before('DisconnectCustomKeyStore', () =>
      w.account.setConnection(w.account.stores.get(s.id)!, 'DISCONNECTING'),
    );
    const r = await runCli(['disconnect-store', s.id, '--yes', '--output', 'json'], w);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().plan[0].note).toMatch(/already DISCONNECTING/);
  });
});

describe('disconnect-store: stale reads after its own disconnect (eventual consistency, aws-facts 9)', () => {
  /** Reads of the store answer CONNECTED for `staleReads` reads after each Disconnect call (whatever AWS did with it). */
  function staleAfterDisconnect(w: ReturnType<typeof makeWorld>, staleReads: number) {
    const a = w.account;
    const kms = a.kms.bind(a);
    let left = 0;
    a.kms = () => ({
      ...kms(),
      disconnectStore: async (id: string) => {
        left = staleReads;
        await kms().disconnectStore(id);
      },
      describeStore: async (id: string) => {
        const real = await kms().describeStore(id);
        if (real && left > 0) {
          left -= 1;
          return { ...real, connectionState: 'CONNECTED' as const };
        }
        return real;
      },
    });
  }

  it('a CONNECTED read right after its own DisconnectCustomKeyStore is waited out, not taken for a reconnect', async () => {
    const w = makeWorld();
    const s = w.account.addStore();
    staleAfterDisconnect(w, 3);
    const r = await runCli(['disconnect-store', s.id, '--yes', '--output', 'json'], w);
    expect(r.code, r.stderr).toBe(0);
    expect(w.account.callsOf('DisconnectCustomKeyStore')).toHaveLength(1);
    expect(w.account.stores.get(s.id)!.connectionState).toBe('DISCONNECTED');
  });

  it('a re-run inside the stale window: Disconnect answers InvalidState (it is DISCONNECTING), reads still say CONNECTED: it waits, exit 0', async () => {
    const w = makeWorld();
    w.account.disconnectPolls = 4;
    const s = w.account.addStore();
    w.account.setConnection(w.account.stores.get(s.id)!, 'DISCONNECTING'); // the earlier run's disconnect
    const a = w.account;
    const kms = a.kms.bind(a);
    let stale = 4; // the plan's read, the re-check's, the apply's, the one after InvalidState
    a.kms = () => ({
      ...kms(),
      describeStore: async (id: string) => {
        const real = await kms().describeStore(id);
        return real && stale-- > 0 ? { ...real, connectionState: 'CONNECTED' as const } : real;
      },
    });
    const r = await runCli(['disconnect-store', s.id, '--yes', '--output', 'json'], w);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().plan[0].note).toMatch(/already disconnecting .*reads lag behind writes/);
    expect(a.stores.get(s.id)!.connectionState).toBe('DISCONNECTED');
  });

  it('a store that still reads CONNECTED past the grace period is reported as maybe reconnected (exit 1)', async () => {
    const w = makeWorld();
    const s = w.account.addStore();
    staleAfterDisconnect(w, 10_000);
    const r = await runCli(['disconnect-store', s.id, '--yes', '--wait-timeout', '30m', '--output', 'json'], w);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/still reads as CONNECTED 12\d s after the disconnect/);
    expect(r.stderr).toMatch(/someone may have reconnected it/);
  });
});
