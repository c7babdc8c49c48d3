/** Store connection lifecycle over sandbox time, and key deletion at expiry with its DeleteKey event. */
import { describe, expect, it } from 'vitest';
import {
  createModel,
  scenario,
  DEMO_CLUSTER_ID,
  DEMO_KEYS,
  DEMO_STORE_ID,
  DEMO_XKS_STORE_ID,
} from '../../../../src/sandbox/model/index.js';
import type { AccountState } from '../../../../src/sandbox/model/state.js';
import { call, callError, kms } from './helpers.js';

const DAY = 86_400_000;
const storeState = (m: ReturnType<typeof createModel>, id: string): string =>
  kms(m, 'DescribeCustomKeyStores', { CustomKeyStoreId: id }).CustomKeyStores[0].ConnectionState;

function deleteKeyEvents(m: ReturnType<typeof createModel>): any[] {
  const out = call(m, 'cloudtrail', 'LookupEvents', {
    LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'DeleteKey' }],
  });
  return out.Events.map((e: any) => JSON.parse(e.CloudTrailEvent));
}

describe('custom key store lifecycle', () => {
  it('Disconnect passes through DISCONNECTING for disconnectMs, Connect through CONNECTING for connectMs (defaults 2 s and 3 s)', () => {
    const m = createModel(scenario('demo'));
    kms(m, 'DisconnectCustomKeyStore', { CustomKeyStoreId: DEMO_STORE_ID });
    expect(storeState(m, DEMO_STORE_ID)).toBe('DISCONNECTING');
    expect(callError(m, 'kms', 'DeleteCustomKeyStore', { CustomKeyStoreId: DEMO_STORE_ID }).code).toBe(
      'CustomKeyStoreHasCMKsException',
    );
    m.advance(1_900);
    expect(storeState(m, DEMO_STORE_ID)).toBe('DISCONNECTING');
    const report = m.advance(200);
    expect(report.storeTransitions).toEqual([{ storeId: DEMO_STORE_ID, from: 'DISCONNECTING', to: 'DISCONNECTED' }]);
    expect(storeState(m, DEMO_STORE_ID)).toBe('DISCONNECTED');
    kms(m, 'ConnectCustomKeyStore', { CustomKeyStoreId: DEMO_STORE_ID });
    expect(storeState(m, DEMO_STORE_ID)).toBe('CONNECTING');
    m.advance(2_900);
    expect(storeState(m, DEMO_STORE_ID)).toBe('CONNECTING');
    m.advance(200);
    expect(storeState(m, DEMO_STORE_ID)).toBe('CONNECTED');
  });

  it('the transition also completes as real time passes (configurable durations)', async () => {
    const m = createModel(scenario('demo'), { config: { disconnectMs: 20 } });
    kms(m, 'DisconnectCustomKeyStore', { CustomKeyStoreId: DEMO_STORE_ID });
    await new Promise((r) => setTimeout(r, 40));
    expect(storeState(m, DEMO_STORE_ID)).toBe('DISCONNECTED');
  });

  it('CreateCustomKeyStore: quota of 10 stores, unique names, cluster checks', () => {
    const json = scenario('demo') as AccountState;
    for (let i = 0; i < 7; i++) json.clusters.push({ ...json.clusters[0]!, id: `cluster-extra${i}abcdef` });
    const m = createModel(json);
    expect(
      callError(m, 'kms', 'CreateCustomKeyStore', {
        CustomKeyStoreName: 'retiring-hsm-store',
        CloudHsmClusterId: 'cluster-extra0abcdef',
      }).code,
    ).toBe('CustomKeyStoreNameInUseException');
    expect(
      callError(m, 'kms', 'CreateCustomKeyStore', { CustomKeyStoreName: 'x', CloudHsmClusterId: 'cluster-nope' }).code,
    ).toBe('CloudHsmClusterNotFoundException');
    expect(
      callError(m, 'kms', 'CreateCustomKeyStore', { CustomKeyStoreName: 'x', CloudHsmClusterId: DEMO_CLUSTER_ID }).code,
    ).toBe('CloudHsmClusterInUseException');
    for (let i = 0; i < 7; i++) {
      const out = kms(m, 'CreateCustomKeyStore', {
        CustomKeyStoreName: `store-${i}`,
        CloudHsmClusterId: `cluster-extra${i}abcdef`,
        KeyStorePassword: 'kmsPswd1',
      });
      expect(out.CustomKeyStoreId).toMatch(/^cks-[0-9a-f]{17}$/);
    }
    expect(kms(m, 'DescribeCustomKeyStores', {}).CustomKeyStores).toHaveLength(10);
    expect(
      callError(m, 'kms', 'CreateCustomKeyStore', {
        CustomKeyStoreName: 'eleventh',
        CustomKeyStoreType: 'EXTERNAL_KEY_STORE',
      }).code,
    ).toBe('LimitExceededException');
    // the password is never kept
    expect(JSON.stringify(m.toJSON())).not.toContain('kmsPswd1');
  });

  it('DescribeCustomKeyStores: filter by id or name, not both; NotFound when nothing matches; paging', () => {
    const m = createModel(scenario('demo'));
    expect(
      kms(m, 'DescribeCustomKeyStores', { CustomKeyStoreName: 'retiring-hsm-store' }).CustomKeyStores[0],
    ).toMatchObject({
      CustomKeyStoreId: DEMO_STORE_ID,
      CustomKeyStoreType: 'AWS_CLOUDHSM',
      CloudHsmClusterId: DEMO_CLUSTER_ID,
      ConnectionState: 'CONNECTED',
    });
    expect(
      kms(m, 'DescribeCustomKeyStores', { CustomKeyStoreId: DEMO_XKS_STORE_ID }).CustomKeyStores[0]
        .XksProxyConfiguration.Connectivity,
    ).toBe('PUBLIC_ENDPOINT');
    expect(
      callError(m, 'kms', 'DescribeCustomKeyStores', {
        CustomKeyStoreId: DEMO_STORE_ID,
        CustomKeyStoreName: 'retiring-hsm-store',
      }).code,
    ).toBe('ValidationException');
    expect(callError(m, 'kms', 'DescribeCustomKeyStores', { CustomKeyStoreName: 'nope' }).code).toBe(
      'CustomKeyStoreNotFoundException',
    );
    const p1 = kms(m, 'DescribeCustomKeyStores', { Limit: 2 });
    expect(p1.CustomKeyStores).toHaveLength(2);
    expect(p1.Truncated).toBe(true);
    const p2 = kms(m, 'DescribeCustomKeyStores', { Limit: 2, Marker: p1.NextMarker });
    expect(p2.CustomKeyStores.map((s: any) => s.CustomKeyStoreId)).toEqual([DEMO_XKS_STORE_ID]);
    expect(p2.Truncated).toBe(false);
    expect(callError(m, 'kms', 'DescribeCustomKeyStores', { Marker: 'garbage' }).code).toBe('InvalidMarkerException');
  });
});

describe('key deletion at expiry', () => {
  it('deletes at DeletionDate (deletion lag 0) with a DeleteKey service event whose backing key deletion SUCCEEDED while CONNECTED', () => {
    const m = createModel(scenario('demo'), { config: { deletionLagMs: 0 } });
    const arn = `arn:aws:kms:us-east-1:111122223333:key/${DEMO_KEYS.pending}`;
    m.advance(5 * DAY - 60_000);
    expect(kms(m, 'DescribeKey', { KeyId: DEMO_KEYS.pending }).KeyMetadata.KeyState).toBe('PendingDeletion');
    const report = m.advance(120_000);
    expect(report.deletedKeys).toEqual([
      { keyId: DEMO_KEYS.pending, storeId: DEMO_STORE_ID, backingKeysDeletionStatus: 'SUCCESS' },
    ]);
    const e = callError(m, 'kms', 'DescribeKey', { KeyId: DEMO_KEYS.pending });
    expect(e.code).toBe('NotFoundException');
    expect(e.message).toBe(`Key '${arn}' does not exist`);
    const [event] = deleteKeyEvents(m);
    expect(event).toMatchObject({
      eventName: 'DeleteKey',
      eventType: 'AwsServiceEvent',
      eventSource: 'kms.amazonaws.com',
      userIdentity: { invokedBy: 'AWS Internal' },
      requestParameters: null,
      resources: [{ ARN: arn, type: 'AWS::KMS::Key' }],
      additionalEventData: { customKeyStoreId: DEMO_STORE_ID, clusterId: DEMO_CLUSTER_ID },
    });
    const backing = JSON.parse(event.additionalEventData.backingKeys);
    const status = JSON.parse(event.additionalEventData.backingKeysDeletionStatus);
    expect(backing[0]).toEqual({
      keyHandle: expect.stringMatching(/^0x[0-9a-f]{8}$/),
      backingKeyId: expect.any(String),
    });
    expect(status).toEqual([{ ...backing[0], deletionStatus: 'SUCCESS' }]);
    expect((m.toJSON() as AccountState).orphanedKeyMaterial[DEMO_CLUSTER_ID] ?? []).toEqual([]);
    // the key leaves ListKeys and its aliases go with it
    expect(kms(m, 'ListKeys', { Limit: 1000 }).Keys.some((k: any) => k.KeyId === DEMO_KEYS.pending)).toBe(false);
  });

  it('FAILURE and orphaned key material when the store is disconnected at expiry', () => {
    const m = createModel(scenario('demo'));
    kms(m, 'DisconnectCustomKeyStore', { CustomKeyStoreId: DEMO_STORE_ID });
    const report = m.advance(6 * DAY);
    expect(report.deletedKeys).toEqual([
      { keyId: DEMO_KEYS.pending, storeId: DEMO_STORE_ID, backingKeysDeletionStatus: 'FAILURE' },
    ]);
    const [event] = deleteKeyEvents(m);
    expect(JSON.parse(event.additionalEventData.backingKeysDeletionStatus)[0].deletionStatus).toBe('FAILURE');
    const orphans = (m.toJSON() as AccountState).orphanedKeyMaterial[DEMO_CLUSTER_ID]!;
    expect(orphans).toHaveLength(1);
    expect(orphans[0]!.keyArn).toContain(DEMO_KEYS.pending);
    expect(orphans[0]!.keyHandle).toBe(JSON.parse(event.additionalEventData.backingKeys)[0].keyHandle);
  });

  it('applies due changes in time order: a disconnect that completes before the deletion makes it FAILURE', () => {
    const m = createModel(scenario('demo'), { config: { disconnectMs: 2 * DAY } });
    m.advance(4 * DAY);
    kms(m, 'DisconnectCustomKeyStore', { CustomKeyStoreId: DEMO_STORE_ID });
    // DISCONNECTING is not CONNECTED either: KMS cannot reach the cluster
    expect(m.advance(10 * DAY).deletedKeys[0]!.backingKeysDeletionStatus).toBe('FAILURE');
  });

  it('external-store keys are deleted without backing key status (aws-facts 8)', () => {
    const m = createModel(scenario('demo'));
    const xksKey = kms(m, 'ListKeys', { Limit: 1000 })
      .Keys.map((k: any) => kms(m, 'DescribeKey', { KeyId: k.KeyId }).KeyMetadata)
      .find((md: any) => md.CustomKeyStoreId === DEMO_XKS_STORE_ID);
    kms(m, 'ScheduleKeyDeletion', { KeyId: xksKey.KeyId, PendingWindowInDays: 7 });
    const report = m.advance(8 * DAY);
    expect(report.deletedKeys).toContainEqual({ keyId: xksKey.KeyId, storeId: DEMO_XKS_STORE_ID });
    const event = deleteKeyEvents(m).find((e) => e.resources[0].ARN === xksKey.Arn);
    expect(event.additionalEventData.backingKeysDeletionStatus).toBeUndefined();
    expect(event.additionalEventData.customKeyStoreId).toBe(DEMO_XKS_STORE_ID);
  });

  it('deletion happens on the next call once real time passes the DeletionDate (no advance needed)', () => {
    // an account saved six days ago whose clock runs with real time
    const json = scenario('demo', { now: new Date(Date.now() - 6 * DAY) }) as AccountState;
    json.clockOffsetMs = 0;
    const m = createModel(json);
    expect(callError(m, 'kms', 'DescribeKey', { KeyId: DEMO_KEYS.pending }).code).toBe('NotFoundException');
  });
});

describe('clock, dirty flag and event order', () => {
  it('read-only calls leave the state clean until their event is recorded', () => {
    const m = createModel(scenario('demo'));
    m.takeDirty();
    m.handle(
      { service: 'kms', operation: 'DescribeKey', region: 'us-east-1', requestId: 'r1' },
      { KeyId: DEMO_KEYS.used },
    );
    expect(m.takeDirty()).toBe(false);
    m.recordCall(
      { service: 'kms', operation: 'DescribeKey', region: 'us-east-1', requestId: 'r1' },
      { KeyId: DEMO_KEYS.used },
      { output: {} },
    );
    expect(m.takeDirty()).toBe(true);
  });

  it('recordCall alone (a call the HTTP layer throttled) first applies what came due, so events stay in time order', () => {
    const json = scenario('demo', { now: new Date(Date.now() - 6 * DAY) }) as AccountState;
    json.clockOffsetMs = 0;
    const m = createModel(json);
    m.recordCall(
      { service: 'kms', operation: 'ListKeys', region: 'us-east-1', requestId: 'r2' },
      {},
      { output: { Keys: [] } },
    );
    const events = (m.toJSON() as AccountState).events;
    expect(events.slice(-2).map((e) => e.name)).toEqual(['DeleteKey', 'ListKeys']);
    expect(events[events.length - 2]!.t).toBeLessThanOrEqual(events[events.length - 1]!.t);
  });

  it('advance reports what came due, and refuses negative times', () => {
    const m = createModel(scenario('demo'));
    const report = m.advance(31 * DAY);
    expect(report.to.getTime() - report.from.getTime()).toBe(31 * DAY);
    expect(report.deletedKeys.map((k) => k.keyId)).toEqual([DEMO_KEYS.pending]);
    expect(() => m.advance(-1)).toThrow(RangeError);
  });

  it('advance moves the clock by exactly what was asked while the wall clock moves on', () => {
    // a wall clock that ticks at every reading: a report from two readings would say ms + 1
    let wall = Date.parse('2026-12-07T12:00:00Z');
    const m = createModel(scenario('demo'), { wallClock: () => wall++ });
    const report = m.advance(31 * DAY);
    expect(report.to.getTime() - report.from.getTime()).toBe(31 * DAY);
  });
});
