import { describe, expect, it } from 'vitest';
import { AwsCallError } from '../../../src/errors.js';
import { makeWorld, runCli } from '../fakes/harness.js';

describe('stores', () => {
  it('JSON: every store with type, state (+ error code when FAILED), cluster, creation date and key counts per state', async () => {
    const w = makeWorld();
    const a = w.account;
    const hsm = a.addStore({ name: 'prod' });
    const xks = a.addStore({
      type: 'EXTERNAL_KEY_STORE',
      connectionState: 'FAILED',
      connectionErrorCode: 'XKS_PROXY_TIMED_OUT',
    });
    a.addKey({ store: hsm });
    a.addKey({ store: hsm });
    a.addKey({ store: hsm, state: 'PendingDeletion' });
    a.addKey({ store: null }); // a plain KMS key: not counted
    const r = await runCli(['stores', '--output', 'json'], w);
    expect(r.code).toBe(0);
    const doc = r.json();
    expect(doc.schemaVersion).toBe(1);
    expect(doc.stores).toHaveLength(2);
    expect(doc.stores.find((s: any) => s.storeId === hsm.id)).toEqual({
      storeId: hsm.id,
      name: 'prod',
      type: 'AWS_CLOUDHSM',
      connectionState: 'CONNECTED',
      clusterId: hsm.clusterId,
      creationDate: '2025-01-01T00:00:00.000Z',
      keyCount: 3,
      keyCounts: { Enabled: 2, PendingDeletion: 1 },
      keysInTrial: 0,
    });
    expect(doc.stores.find((s: any) => s.storeId === xks.id)).toMatchObject({
      type: 'EXTERNAL_KEY_STORE',
      connectionState: 'FAILED',
      connectionErrorCode: 'XKS_PROXY_TIMED_OUT',
      clusterId: null,
      keyCount: 0,
    });
  });

  it('table', async () => {
    const w = makeWorld();
    const s = w.account.addStore({ connectionState: 'FAILED', connectionErrorCode: 'NETWORK_ERRORS' });
    w.account.addKey({ store: s, state: 'Disabled' });
    const r = await runCli(['stores', '--output', 'table'], w);
    expect(r.stdout).toMatch(/^STORE\s+NAME\s+TYPE\s+STATE\s+CLUSTER\s+CREATED\s+KEYS/);
    expect(r.stdout).toMatch(/FAILED \(NETWORK_ERRORS\)/);
    expect(r.stdout).toMatch(/1: Disabled 1/);
    expect(r.stdout).not.toMatch(/in a trial/);
  });

  it('counts the keys in a kscli trial (Disabled and tagged), never a key Disabled without the tags nor a tagged Enabled one', async () => {
    const w = makeWorld();
    const s = w.account.addStore();
    const tags = { 'kscli:trial-start': '2026-12-01T00:00:00.000Z', 'kscli:trial-end': '2026-12-15T00:00:00.000Z' };
    w.account.addKey({ store: s, state: 'Disabled' }).tags = tags;
    w.account.addKey({ store: s, state: 'Disabled' }).tags = tags;
    w.account.addKey({ store: s, state: 'Disabled' });
    w.account.addKey({ store: s, state: 'Enabled' }).tags = tags;
    const json = await runCli(['stores', '--output', 'json'], w);
    expect(json.json().stores[0]).toMatchObject({ keyCount: 4, keysInTrial: 2 });
    expect(json.json().stores[0].keysInTrialError).toBeUndefined();
    const table = await runCli(['stores', '--output', 'table'], w);
    expect(table.stdout).toMatch(/4: (Enabled 1, Disabled 3|Disabled 3, Enabled 1); 2 in a trial/);
    // only Disabled/Unavailable keys are asked for their tags
    expect(w.account.callsOf('ListResourceTags').length).toBe(2 * 3);
  });

  it('a key whose tags cannot be read makes the count unknown (null, the error named), never a smaller number', async () => {
    const w = makeWorld();
    const s = w.account.addStore();
    w.account.addKey({ store: s, state: 'Disabled' });
    w.account.failNext(
      'ListResourceTags',
      new AwsCallError('ListResourceTags', 'AccessDeniedException', 'not allowed', 400),
    );
    const r = await runCli(['stores', '--output', 'json'], w);
    expect(r.json().stores[0].keysInTrial).toBeNull();
    expect(r.json().stores[0].keysInTrialError).toMatch(/ListResourceTags on .*not allowed/);
  });
});

describe('find-keys', () => {
  it('JSON exactly {schemaVersion, store, keys[{keyId, arn, state, aliases, creationDate, deletionDate}]}', async () => {
    const w = makeWorld();
    const s = w.account.addStore();
    const k1 = w.account.addKey({
      store: s,
      aliases: ['alias/app', 'alias/app2'],
      creationDate: new Date('2025-01-02T00:00:00Z'),
    });
    const k2 = w.account.addKey({
      store: s,
      state: 'PendingDeletion',
      deletionDate: new Date('2026-12-01T00:00:00Z'),
      creationDate: new Date('2025-01-03T00:00:00Z'),
    });
    w.account.addKey({ store: w.account.addStore() });
    const r = await runCli(['find-keys', s.id, '--output', 'json'], w);
    expect(r.code).toBe(0);
    const doc = r.json();
    expect(Object.keys(doc)).toEqual(['schemaVersion', 'store', 'keys']);
    expect(doc.store).toMatchObject({ storeId: s.id, type: 'AWS_CLOUDHSM', connectionState: 'CONNECTED' });
    expect(doc.keys).toEqual([
      {
        keyId: k1.keyId,
        arn: k1.arn,
        state: 'Enabled',
        aliases: ['alias/app', 'alias/app2'],
        creationDate: '2025-01-02T00:00:00.000Z',
        deletionDate: null,
      },
      {
        keyId: k2.keyId,
        arn: k2.arn,
        state: 'PendingDeletion',
        aliases: [],
        creationDate: '2025-01-03T00:00:00.000Z',
        deletionDate: '2026-12-01T00:00:00.000Z',
      },
    ]);
  });

  it('a store that does not exist: exit 3 naming store, region and account', async () => {
    const w = makeWorld();
    const r = await runCli(['find-keys', 'cks-0123456789abcdef0'], w);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cks-0123456789abcdef0 was not found in account 111122223333, region eu-west-1/);
  });

  it('makes no mutating call', async () => {
    const w = makeWorld();
    const s = w.account.addStore();
    w.account.addKey({ store: s });
    await runCli(['find-keys', s.id, '--output', 'table'], w);
    expect(w.account.mutatingCalls()).toEqual([]);
  });
});

describe('orphans', () => {
  it('lists DeleteKey events whose backing key deletion FAILED, with handle, cluster and clean-up steps', async () => {
    const w = makeWorld();
    const a = w.account;
    const s = a.addStore();
    const k = a.addKey({ store: s, state: 'PendingDeletion', deletionDate: new Date('2026-11-25T00:00:00Z') });
    const ok = a.addKey({ store: s, state: 'PendingDeletion', deletionDate: new Date('2026-11-24T00:00:00Z') });
    a.clock.advanceDays(0.6); // ok's deletion passes while CONNECTED: SUCCESS
    a.setConnection(a.stores.get(s.id)!, 'DISCONNECTED');
    a.clock.advanceDays(3); // k's deletion while DISCONNECTED: FAILURE
    const r = await runCli(['orphans', s.id, '--output', 'json'], w);
    expect(r.code).toBe(0);
    const doc = r.json();
    expect(doc.orphans).toHaveLength(1);
    expect(doc.orphans[0]).toMatchObject({ keyArn: k.arn, clusterId: s.clusterId });
    expect(doc.orphans[0].keyHandles).toHaveLength(1);
    expect(doc.cleanupSteps.join(' ')).toMatch(/changePswd.*deleteKey/);
    expect(ok.keyId).toBeTruthy();
    const t = await runCli(['orphans', s.id, '--output', 'table'], w);
    expect(t.stdout).toMatch(/1 deleted key\(s\)/);
    expect(t.stdout).toMatch(/deleteKey -k <handle>/);
  });

  it('events of other stores are ignored; an external store never orphans', async () => {
    const w = makeWorld();
    const s = w.account.addStore();
    const x = w.account.addStore({ type: 'EXTERNAL_KEY_STORE' });
    const r = await runCli(['orphans', s.id, '--output', 'json'], w);
    expect(r.json().orphans).toEqual([]);
    const rx = await runCli(['orphans', x.id, '--output', 'table'], w);
    expect(rx.stdout).toMatch(/external key store/);
    expect(w.account.callsOf('LookupEvents')).toHaveLength(1);
  });
});

describe('backups', () => {
  it('backups of the store cluster and of clusters restored from them, on/after the earliest key creation, may hold key material', async () => {
    const w = makeWorld();
    const a = w.account;
    const s = a.addStore();
    a.addKey({ store: s, creationDate: new Date('2025-03-01T00:00:00Z') });
    const old = a.addBackup({ clusterId: s.clusterId!, createTimestamp: new Date('2025-02-01T00:00:00Z') });
    const recent = a.addBackup({ clusterId: s.clusterId!, createTimestamp: new Date('2025-04-01T00:00:00Z') });
    a.clusters.set('cluster-restored1', {
      clusterId: 'cluster-restored1',
      state: 'ACTIVE',
      hsmCount: 1,
      activeHsmCount: 1,
      hsms: [{ hsmId: 'hsm-restored0001', state: 'ACTIVE' }],
      sourceBackupId: recent.backupId,
    });
    const derived = a.addBackup({ clusterId: 'cluster-restored1', createTimestamp: new Date('2025-05-01T00:00:00Z') });
    a.addBackup({ clusterId: 'cluster-unrelated', createTimestamp: new Date('2025-05-01T00:00:00Z') });
    const r = await runCli(['backups', s.id, '--output', 'json'], w);
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json();
    expect(doc.since).toBe('2025-03-01T00:00:00.000Z');
    const risk = Object.fromEntries(doc.backups.map((b: any) => [b.backupId, b.mayHoldKeyMaterial]));
    expect(risk).toEqual({ [old.backupId]: false, [recent.backupId]: true, [derived.backupId]: true });
    expect(a.mutatingCalls()).toEqual([]);
  });

  it('after the keys are gone, the journal key-seen records still date the backups', async () => {
    const w = makeWorld();
    const a = w.account;
    const s = a.addStore({ creationDate: new Date('2024-06-01T00:00:00Z') });
    const k = a.addKey({ store: s, creationDate: new Date('2025-03-01T00:00:00Z') });
    await runCli(['find-keys', s.id, '--output', 'json'], w); // records key-seen
    a.keys.delete(k.keyId);
    a.addBackup({ clusterId: s.clusterId!, createTimestamp: new Date('2025-01-01T00:00:00Z') });
    let r = await runCli(['backups', s.id, '--output', 'json'], w);
    expect(r.json()).toMatchObject({ since: '2025-03-01T00:00:00.000Z', sinceSource: 'journal' });
    expect(r.json().backups[0].mayHoldKeyMaterial).toBe(false);
    // without a journal: the store's creation date
    const fresh = makeWorld({ account: a });
    r = await runCli(['backups', s.id, '--output', 'json'], fresh);
    expect(r.json()).toMatchObject({ since: '2024-06-01T00:00:00.000Z', sinceSource: 'store-creation' });
    expect(r.json().backups[0].mayHoldKeyMaterial).toBe(true);
  });

  it('--delete deletes READY backups at risk after confirmation; says restorable for 7 days and that other keys go too', async () => {
    const w = makeWorld();
    const a = w.account;
    const s = a.addStore();
    const key = a.addKey({ store: s, creationDate: new Date('2025-03-01T00:00:00Z') });
    await runCli(['find-keys', s.id, '--output', 'json'], w); // the journal remembers the key's creation date
    a.keys.delete(key.keyId); // deleted: the backups are all that is left of its material
    const ready = a.addBackup({ clusterId: s.clusterId!, createTimestamp: new Date('2025-04-01T00:00:00Z') });
    const pending = a.addBackup({
      clusterId: s.clusterId!,
      createTimestamp: new Date('2025-04-02T00:00:00Z'),
      state: 'PENDING_DELETION',
    });
    const creating = a.addBackup({
      clusterId: s.clusterId!,
      createTimestamp: new Date('2025-04-03T00:00:00Z'),
      state: 'CREATE_IN_PROGRESS',
    });
    const old = a.addBackup({ clusterId: s.clusterId!, createTimestamp: new Date('2025-01-01T00:00:00Z') });
    let r = await runCli(['backups', s.id, '--delete', '--output', 'json'], w);
    expect(r.code).toBe(2); // no TTY, no --yes
    expect(a.mutatingCalls()).toEqual([]);
    r = await runCli(['backups', s.id, '--delete', '--dry-run', '--output', 'json'], w);
    expect(r.code).toBe(0);
    expect(r.json().warnings.join(' ')).toMatch(/restorable for 7 days/);
    expect(r.json().warnings.join(' ')).toMatch(/every other key and user/);
    r = await runCli(['backups', s.id, '--delete', '--yes', '--output', 'json'], w);
    expect(r.code, r.stderr).toBe(0);
    expect(a.callsOf('DeleteBackup').map((c) => c.args[0])).toEqual([ready.backupId]);
    const status = Object.fromEntries(r.json().plan.map((p: any) => [p.target, p.status]));
    expect(status).toEqual({
      [ready.backupId]: 'apply',
      [pending.backupId]: 'skip',
      [creating.backupId]: 'skip',
      [old.backupId]: 'skip',
    });
    expect(a.backups.get(ready.backupId)!.state).toBe('PENDING_DELETION');
  });

  it('--delete is blocked while the store still holds keys (the backups are their recovery copies) unless --force', async () => {
    const w = makeWorld();
    const a = w.account;
    const s = a.addStore();
    a.addKey({ store: s, state: 'PendingDeletion', creationDate: new Date('2025-03-01T00:00:00Z') });
    const b = a.addBackup({ clusterId: s.clusterId!, createTimestamp: new Date('2025-04-01T00:00:00Z') });
    let r = await runCli(['backups', s.id, '--delete', '--yes', '--output', 'json'], w);
    expect(r.code).toBe(3);
    expect(r.json().plan[0].reason).toMatch(/still holds 1 key.*--force/);
    expect(a.mutatingCalls()).toEqual([]);
    r = await runCli(['backups', s.id, '--delete', '--force', '--yes', '--output', 'json'], w);
    expect(r.code, r.stderr).toBe(0);
    expect(a.callsOf('DeleteBackup').map((c) => c.args[0])).toEqual([b.backupId]);
    expect(r.json().overrides).toEqual(['--force']);
  });

  it('an external store has no backups', async () => {
    const w = makeWorld();
    const x = w.account.addStore({ type: 'EXTERNAL_KEY_STORE' });
    const r = await runCli(['backups', x.id, '--output', 'table'], w);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no cluster and no backups/);
  });
});

describe('AWS errors no step explains', () => {
  it('are one line naming the call, exit 1, no "unexpected error"', async () => {
    const { AwsCallError } = await import('../../../src/errors.js');
    const w = makeWorld();
    w.account.failNext(
      'DescribeCustomKeyStores',
      new AwsCallError('DescribeCustomKeyStores', 'InvalidMarkerException', 'bad marker'),
    );
    const r = await runCli(['stores'], w);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^kscli: DescribeCustomKeyStores failed: InvalidMarkerException: bad marker$/m);
    expect(r.stderr).not.toMatch(/unexpected error/);
  });
});
