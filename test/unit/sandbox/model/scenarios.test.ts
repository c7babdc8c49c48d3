/** The demo and large scenarios hold what the README and the end-to-end tests rely on. */
import { describe, expect, it } from 'vitest';
import {
  createModel,
  scenario,
  DEMO_IDLE_STORE_ID,
  DEMO_KEYS,
  DEMO_STORE_ID,
  DEMO_XKS_STORE_ID,
} from '../../../../src/sandbox/model/index.js';
import type { AccountState } from '../../../../src/sandbox/model/state.js';
import { call, callError, kms } from './helpers.js';

const DAY = 86_400_000;

function allKeys(m: ReturnType<typeof createModel>): any[] {
  const out: any[] = [];
  let marker: string | undefined;
  do {
    const page = kms(m, 'ListKeys', { Limit: 1000, ...(marker ? { Marker: marker } : {}) });
    for (const k of page.Keys) out.push(kms(m, 'DescribeKey', { KeyId: k.KeyId }).KeyMetadata);
    marker = page.Truncated ? page.NextMarker : undefined;
  } while (marker);
  return out;
}

describe('demo scenario', () => {
  const m = createModel(scenario('demo'));
  const keys = allKeys(m);

  it('has the three stores in the documented states', () => {
    const stores = kms(m, 'DescribeCustomKeyStores', {}).CustomKeyStores;
    expect(stores.map((s: any) => [s.CustomKeyStoreId, s.CustomKeyStoreType, s.ConnectionState])).toEqual([
      [DEMO_STORE_ID, 'AWS_CLOUDHSM', 'CONNECTED'],
      [DEMO_IDLE_STORE_ID, 'AWS_CLOUDHSM', 'DISCONNECTED'],
      [DEMO_XKS_STORE_ID, 'EXTERNAL_KEY_STORE', 'CONNECTED'],
    ]);
    expect(stores[0].CloudHsmClusterId).toBe('cluster-1a23b4cdefg');
    expect(stores[1].CloudHsmClusterId).not.toBe('cluster-1a23b4cdefg');
  });

  it('has 5 keys in the CloudHSM store in the documented states, not listed first', () => {
    const inStore = keys.filter((k) => k.CustomKeyStoreId === DEMO_STORE_ID);
    const byId = Object.fromEntries(inStore.map((k) => [k.KeyId, k]));
    expect(inStore).toHaveLength(5);
    expect(byId[DEMO_KEYS.unusedA].KeyState).toBe('Enabled');
    expect(byId[DEMO_KEYS.unusedB].KeyState).toBe('Enabled');
    expect(byId[DEMO_KEYS.used].KeyState).toBe('Enabled');
    expect(byId[DEMO_KEYS.disabled].KeyState).toBe('Disabled');
    expect(byId[DEMO_KEYS.pending].KeyState).toBe('PendingDeletion');
    const days = (byId[DEMO_KEYS.pending].DeletionDate.getTime() - m.now().getTime()) / DAY;
    expect(days).toBeGreaterThan(4.99);
    expect(days).toBeLessThanOrEqual(5);
    expect(keys[0].CustomKeyStoreId).toBeUndefined();
  });

  it('never-used keys were created after the tracking start; the used key shows its Decrypt 3 days ago', () => {
    for (const id of [DEMO_KEYS.unusedA, DEMO_KEYS.unusedB, DEMO_KEYS.disabled]) {
      const u = kms(m, 'GetKeyLastUsage', { KeyId: id });
      expect(u.KeyLastUsage).toBeUndefined();
      expect(u.KeyCreationDate.getTime()).toBeGreaterThan(u.TrackingStartDate.getTime());
    }
    const used = kms(m, 'GetKeyLastUsage', { KeyId: DEMO_KEYS.used }).KeyLastUsage;
    expect(used.Operation).toBe('Decrypt');
    expect(Math.round((m.now().getTime() - used.Timestamp.getTime()) / DAY)).toBe(3);
    const event = call(m, 'cloudtrail', 'LookupEvents', {
      LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: used.CloudTrailEventId }],
    }).Events[0];
    const parsed = JSON.parse(event.CloudTrailEvent);
    expect(parsed.eventName).toBe('Decrypt');
    expect(parsed.userIdentity.sessionContext.sessionIssuer.arn).toBe('arn:aws:iam::111122223333:role/app-backend');
    expect(parsed.requestID).toBe(used.KmsRequestId);
  });

  it('has 2 external keys, 20 customer keys and 3 AWS-managed keys outside the stores', () => {
    expect(keys.filter((k) => k.CustomKeyStoreId === DEMO_XKS_STORE_ID).map((k) => k.KeyState)).toEqual([
      'Enabled',
      'Enabled',
    ]);
    expect(keys.filter((k) => k.CustomKeyStoreId === DEMO_IDLE_STORE_ID)).toEqual([]);
    const outside = keys.filter((k) => !k.CustomKeyStoreId);
    expect(outside.filter((k) => k.KeyManager === 'CUSTOMER' && k.Origin === 'AWS_KMS')).toHaveLength(20);
    expect(outside.filter((k) => k.KeyManager === 'AWS')).toHaveLength(3);
    expect(m.status().keysOutsideStores).toBe(23);
  });

  it('has two backups before the first store key and three after', () => {
    const first = Math.min(
      ...keys.filter((k) => k.CustomKeyStoreId === DEMO_STORE_ID).map((k) => k.CreationDate.getTime()),
    );
    const backups = call(m, 'cloudhsm', 'DescribeBackups', {
      Filters: { clusterIds: ['cluster-1a23b4cdefg'] },
    }).Backups;
    expect(backups.filter((b: any) => b.CreateTimestamp.getTime() < first && b.BackupState === 'READY')).toHaveLength(
      2,
    );
    expect(backups.filter((b: any) => b.CreateTimestamp.getTime() >= first && b.BackupState === 'READY')).toHaveLength(
      3,
    );
  });

  it('the idle store can be deleted at once', () => {
    const mm = createModel(scenario('demo'));
    expect(kms(mm, 'DeleteCustomKeyStore', { CustomKeyStoreId: DEMO_IDLE_STORE_ID })).toEqual({});
    expect(callError(mm, 'kms', 'DescribeCustomKeyStores', { CustomKeyStoreId: DEMO_IDLE_STORE_ID }).code).toBe(
      'CustomKeyStoreNotFoundException',
    );
  });

  it('status() sums keys per store and state', () => {
    expect(m.status().stores[0]).toEqual({
      id: DEMO_STORE_ID,
      name: 'retiring-hsm-store',
      type: 'AWS_CLOUDHSM',
      connectionState: 'CONNECTED',
      keyStates: { Enabled: 3, Disabled: 1, PendingDeletion: 1 },
    });
    expect(m.status().accountId).toBe('111122223333');
  });

  it('round-trips through JSON', () => {
    const mm = createModel(scenario('demo'));
    kms(mm, 'DisableKey', { KeyId: DEMO_KEYS.unusedA });
    expect(mm.takeDirty()).toBe(true);
    expect(mm.takeDirty()).toBe(false);
    const restored = createModel(JSON.parse(JSON.stringify(mm.toJSON())));
    expect(kms(restored, 'DescribeKey', { KeyId: DEMO_KEYS.unusedA }).KeyMetadata.KeyState).toBe('Disabled');
    expect(Math.abs(restored.now().getTime() - mm.now().getTime())).toBeLessThan(1000);
    expect(restored.status()).toEqual({ ...mm.status(), now: expect.any(Date) });
  });

  it('a fixed clock puts the sandbox at that time', () => {
    const at = new Date('2027-01-15T10:00:00Z');
    const mm = createModel(scenario('demo', { now: at }));
    expect(Math.abs(mm.now().getTime() - at.getTime())).toBeLessThan(1000);
  });

  it('refuses state of another version', () => {
    expect(() => createModel({ version: 99, keys: [] })).toThrow(/version/);
  });
});

describe('large scenario', () => {
  it('spreads the store keys among the others and uses KMS-like key ids', () => {
    const json = scenario('large', { keys: 1000, storeKeys: 10, usedShare: 0, noiseEvents: 0 }) as AccountState;
    expect(json.keys).toHaveLength(1000);
    const positions = json.keys.map((k, i) => (k.storeId === DEMO_STORE_ID ? i : -1)).filter((i) => i >= 0);
    expect(positions).toHaveLength(10);
    expect(positions[0]).toBeGreaterThan(0);
    expect(positions[9]! - positions[0]!).toBeGreaterThan(500);
    expect(
      json.keys.every((k) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(k.id)),
    ).toBe(true);
    expect(json.keys.every((k) => !k.lastUsage)).toBe(true);
    expect(json.events).toEqual([]);
  });

  it('defaults to 10,000 keys with 200 in the store', () => {
    const m = createModel(scenario('large'));
    expect(m.status().stores.find((s) => s.id === DEMO_STORE_ID)!.keyStates).toEqual({ Enabled: 200 });
    expect(m.status().keysOutsideStores).toBe(9800);
  });

  it('100,000 keys: generate, serialise, load, DescribeKey and ListKeys every key', () => {
    // no usage history: what grows with the keys (logs-insights.test.ts covers the history). Its
    // speed is measured by `npm run bench` (find-keys over 10,000 and 100,000 keys), never
    // asserted against a shared machine's wall clock.
    const json = scenario('large', { keys: 100_000, storeKeys: 200, usedShare: 0, noiseEvents: 0 });
    const m = createModel(JSON.parse(JSON.stringify(json)));
    const ids = (json as AccountState).keys.map((k) => k.id);
    for (let i = 0; i < 10_000; i++) {
      const id = ids[(i * 7919) % ids.length]!;
      expect(kms(m, 'DescribeKey', { KeyId: id }).KeyMetadata.KeyId).toBe(id);
    }
    let marker: string | undefined;
    const listed = new Set<string>();
    do {
      const page = kms(m, 'ListKeys', { Limit: 1000, ...(marker ? { Marker: marker } : {}) });
      for (const k of page.Keys) listed.add(k.KeyId);
      marker = page.Truncated ? page.NextMarker : undefined;
    } while (marker);
    expect(listed.size).toBe(100_000);
  });
});
