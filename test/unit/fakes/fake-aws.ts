/**
 * An in-memory AWS account implementing AwsPorts, with the state rules of aws-facts.md:
 *  - key states and which KMS calls fail in which state (1.2), with AWS's error names and messages
 *    ("<ARN> is pending deletion.", "<ARN> is not pending deletion.");
 *  - store connection states (2.2): Disconnect -> DISCONNECTING, then DISCONNECTED after
 *    `disconnectPolls` DescribeCustomKeyStores calls; Disconnect on DISCONNECTED/DISCONNECTING and
 *    Delete on anything but DISCONNECTED throw CustomKeyStoreInvalidStateException; Delete with keys
 *    (in any state, PendingDeletion included: 2.3) throws CustomKeyStoreHasCMKsException;
 *  - disconnecting sets keys Unavailable except PendingDeletion ones; reconnecting restores them (1.1);
 *  - time (a FakeClock): when a key's DeletionDate passes (+ `deletionLagMs`) the key is deleted and
 *    a CloudTrail DeleteKey event is recorded, with backingKeysDeletionStatus FAILURE when its
 *    CloudHSM store was not CONNECTED (2.4), SUCCESS otherwise;
 *  - DeleteBackup: READY only, then PENDING_DELETION for 7 days (7).
 * Every call is logged (`calls`), mutating ones flagged, so tests can assert "zero mutating calls".
 * `before(op, fn)` runs fn right before the next call of op (races: another actor between plan and
 * apply); `failNext(op, err)` makes the next call of op throw.
 *
 * Reusable by every helper's tests: build with `new FakeAccount()`, add stores and keys, pass
 * `account.ports()` (fakePorts over this account's ports) wherever AwsPorts is expected.
 */
/* eslint-disable @typescript-eslint/no-this-alias -- the port objects close over the account as `self` */
import { FakeDataServices } from './fake-data.js';
import type {
  AlarmInfo,
  AlarmSpec,
  AliasInfo,
  AwsPorts,
  BackupInfo,
  CallerIdentity,
  CloudHsmPort,
  PricingPort,
  CloudTrailPort,
  CloudWatchPort,
  ClusterInfo,
  ConnectionState,
  EventSelectors,
  GrantInfo,
  KeyInfo,
  KeyState,
  KmsPort,
  LastUsageInfo,
  LogGroupInfo,
  LogsPort,
  LookupQuery,
  MetricFilterSpec,
  SnsPort,
  StoreInfo,
  StoreType,
  StsPort,
  TopicInfo,
  TrailEvent,
  TrailInfo,
  TrailStatus,
} from '../../../src/aws/ports.js';
import { AwsCallError, ExitCode, KscliError } from '../../../src/errors.js';
import { FakeClock } from './clock.js';
import { fakePorts } from './fake-ports.js';

export const MUTATING_OPERATIONS = new Set([
  'ScheduleKeyDeletion',
  'CancelKeyDeletion',
  'EnableKey',
  'DisableKey',
  'ConnectCustomKeyStore',
  'DisconnectCustomKeyStore',
  'DeleteCustomKeyStore',
  'DeleteBackup',
  'DeleteHsm',
  'DeleteCluster',
  'PutMetricFilter',
  'DeleteMetricFilter',
  'PutMetricAlarm',
  'DeleteAlarms',
  'TagResource',
  'UntagResource',
]);

export interface CallRecord {
  operation: string;
  args: unknown[];
  mutating: boolean;
  time: Date;
}

interface KeyRecord extends KeyInfo {
  /** the state a key returns to when its store reconnects (while Unavailable) */
  restoreState?: KeyState;
  policy?: string;
  grants?: GrantInfo[];
  lastUsage?: LastUsageInfo['lastUsage'];
  tags?: Record<string, string>;
}

let seq = 0;
const hex = (n: number, len: number) => n.toString(16).padStart(len, '0').slice(-len);

export function storeIdFor(n: number): string {
  return `cks-${hex(n, 17)}`;
}

export function keyIdFor(n: number): string {
  const h = hex(n, 12);
  return `${hex(n, 8)}-1111-4222-8333-${h}`;
}

export class FakeAccount {
  readonly region: string;
  readonly accountId: string;
  identity: CallerIdentity;
  readonly clock: FakeClock;
  readonly stores = new Map<string, StoreInfo>();
  readonly keys = new Map<string, KeyRecord>();
  readonly aliases: AliasInfo[] = [];
  readonly clusters = new Map<string, ClusterInfo>();
  readonly backups = new Map<string, BackupInfo>();
  /** the Price List's HSM-hour price per Region; `pricingReachable = false` makes GetProducts fail */
  readonly hsmPrices = new Map<string, number>([
    ['us-east-1', 1.6],
    ['us-west-2', 1.45],
  ]);
  pricingReachable = true;
  readonly events: TrailEvent[] = [];
  readonly trails: Array<TrailInfo & { status: TrailStatus; selectors: EventSelectors }> = [];
  readonly logGroups = new Map<string, LogGroupInfo>();
  readonly metricFilters: MetricFilterSpec[] = [];
  readonly alarms = new Map<string, AlarmInfo>();
  readonly topics = new Map<string, TopicInfo>();
  readonly calls: CallRecord[] = [];
  /** DescribeCustomKeyStores calls a store stays DISCONNECTING after Disconnect */
  disconnectPolls = 2;
  /**
   * Eventual consistency (aws-facts 9): after a key write, this many DescribeKey calls still
   * answer the key as it was before the write.
   */
  staleReadsAfterWrite = 0;
  private stale = new Map<string, { left: number; snapshot: KeyInfo }>();
  /** how late after DeletionDate AWS really deletes a key (aws-facts 9: up to 24 h) */
  deletionLagMs = 60 * 60 * 1000;
  private disconnecting = new Map<string, number>();
  private hooks = new Map<string, Array<() => void | Promise<void>>>();
  private failures = new Map<string, unknown[]>();

  constructor(opts: { region?: string; accountId?: string; clock?: FakeClock } = {}) {
    this.region = opts.region ?? 'eu-west-1';
    this.accountId = opts.accountId ?? '111122223333';
    this.identity = {
      account: this.accountId,
      arn: `arn:aws:iam::${this.accountId}:role/operator`,
      userId: 'AROAEXAMPLE:operator',
    };
    this.clock = opts.clock ?? new FakeClock();
    this.clock.onAdvance = (now) => this.expireKeys(now);
  }

  // ---- building the world -------------------------------------------------------------------

  addStore(opts: Partial<StoreInfo> & { type?: StoreType } = {}): StoreInfo {
    const n = ++seq;
    const type = opts.type ?? 'AWS_CLOUDHSM';
    const store: StoreInfo = {
      id: opts.id ?? storeIdFor(0x1000 + n),
      name: opts.name ?? `store-${n}`,
      type,
      connectionState: opts.connectionState ?? 'CONNECTED',
      ...(opts.connectionErrorCode ? { connectionErrorCode: opts.connectionErrorCode } : {}),
      ...(type === 'AWS_CLOUDHSM' ? { clusterId: opts.clusterId ?? `cluster-${hex(n, 11)}` } : {}),
      creationDate: opts.creationDate ?? new Date('2025-01-01T00:00:00Z'),
    };
    this.stores.set(store.id, store);
    if (store.clusterId && !this.clusters.has(store.clusterId)) {
      this.clusters.set(store.clusterId, {
        clusterId: store.clusterId,
        state: 'ACTIVE',
        hsmCount: 2,
        activeHsmCount: 2,
        hsms: [
          { hsmId: `hsm-${store.clusterId.slice(8, 16)}a`, state: 'ACTIVE', availabilityZone: `${this.region}a` },
          { hsmId: `hsm-${store.clusterId.slice(8, 16)}b`, state: 'ACTIVE', availabilityZone: `${this.region}b` },
        ],
        backupRetentionDays: 90,
        createTimestamp: new Date('2024-12-01T00:00:00Z'),
      });
    }
    return store;
  }

  addKey(opts: Partial<KeyRecord> & { store?: StoreInfo | null; aliases?: string[] } = {}): KeyRecord {
    const n = ++seq;
    const keyId = opts.keyId ?? keyIdFor(0x2000 + n);
    const store = opts.store === undefined ? undefined : opts.store;
    const state = opts.state ?? (store && store.connectionState !== 'CONNECTED' ? 'Unavailable' : 'Enabled');
    const key: KeyRecord = {
      keyId,
      arn: `arn:aws:kms:${this.region}:${this.accountId}:key/${keyId}`,
      accountId: this.accountId,
      state,
      keyManager: opts.keyManager ?? 'CUSTOMER',
      origin: opts.origin ?? (store ? store.type : 'AWS_KMS'),
      ...(store ? { customKeyStoreId: store.id } : {}),
      ...(store?.clusterId ? { cloudHsmClusterId: store.clusterId } : {}),
      creationDate: opts.creationDate ?? new Date('2025-02-01T00:00:00Z'),
      ...(opts.deletionDate ? { deletionDate: opts.deletionDate } : {}),
      ...(state === 'PendingDeletion' && !opts.deletionDate
        ? { deletionDate: new Date(this.clock.now().getTime() + 10 * 86400_000) }
        : {}),
      ...(opts.restoreState ? { restoreState: opts.restoreState } : {}),
    };
    if (state === 'Unavailable' && !key.restoreState) key.restoreState = 'Enabled';
    this.keys.set(keyId, key);
    for (const a of opts.aliases ?? []) {
      this.aliases.push({
        aliasName: a,
        aliasArn: `arn:aws:kms:${this.region}:${this.accountId}:${a}`,
        targetKeyId: keyId,
      });
    }
    return key;
  }

  addBackup(b: Partial<BackupInfo> & { clusterId: string }): BackupInfo {
    const n = ++seq;
    const backup: BackupInfo = {
      backupId: b.backupId ?? `backup-${hex(n, 11)}`,
      state: b.state ?? 'READY',
      createTimestamp: b.createTimestamp ?? this.clock.now(),
      ...b,
    };
    this.backups.set(backup.backupId, backup);
    return backup;
  }

  /** Runs fn right before the next call of `operation` (once). */
  before(operation: string, fn: () => void | Promise<void>): void {
    const list = this.hooks.get(operation) ?? [];
    list.push(fn);
    this.hooks.set(operation, list);
  }

  /** The next call of `operation` throws `error`. */
  failNext(operation: string, error: unknown): void {
    const list = this.failures.get(operation) ?? [];
    list.push(error);
    this.failures.set(operation, list);
  }

  mutatingCalls(): CallRecord[] {
    return this.calls.filter((c) => c.mutating);
  }

  callsOf(operation: string): CallRecord[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  private async call(operation: string, args: unknown[]): Promise<void> {
    const hooks = this.hooks.get(operation);
    if (hooks?.length) await hooks.shift()!();
    this.calls.push({ operation, args, mutating: MUTATING_OPERATIONS.has(operation), time: this.clock.now() });
    const fail = this.failures.get(operation);
    if (fail?.length) throw fail.shift();
  }

  private err(operation: string, code: string, message: string, status = 400): AwsCallError {
    return new AwsCallError(operation, code, message, status);
  }

  private findKey(ref: string): KeyRecord | undefined {
    const byId = this.keys.get(ref) ?? [...this.keys.values()].find((k) => k.arn === ref);
    if (byId) return byId;
    const alias = this.aliases.find((a) => a.aliasName === ref || a.aliasArn === ref);
    return alias?.targetKeyId ? this.keys.get(alias.targetKeyId) : undefined;
  }

  private keyOrThrow(operation: string, ref: string): KeyRecord {
    const k = this.findKey(ref);
    if (!k) throw this.err(operation, 'NotFoundException', `Key '${ref}' does not exist`);
    return k;
  }

  private storeOf(key: KeyRecord): StoreInfo | undefined {
    return key.customKeyStoreId ? this.stores.get(key.customKeyStoreId) : undefined;
  }

  /** KMS deletes keys whose DeletionDate passed (plus the lag), with a CloudTrail DeleteKey event. */
  expireKeys(now: Date): void {
    for (const k of [...this.keys.values()]) {
      if (k.state !== 'PendingDeletion' || !k.deletionDate) continue;
      if (k.deletionDate.getTime() + this.deletionLagMs > now.getTime()) continue;
      this.keys.delete(k.keyId);
      for (let i = this.aliases.length - 1; i >= 0; i--)
        if (this.aliases[i]!.targetKeyId === k.keyId) this.aliases.splice(i, 1);
      const store = this.storeOf(k);
      if (store?.type === 'AWS_CLOUDHSM') {
        const ok = store.connectionState === 'CONNECTED';
        const handle = String(100 + this.events.length);
        this.events.unshift({
          eventId: `evt-${++seq}`,
          eventName: 'DeleteKey',
          eventTime: new Date(k.deletionDate.getTime() + this.deletionLagMs),
          eventSource: 'kms.amazonaws.com',
          detail: {
            eventType: 'AwsServiceEvent',
            userIdentity: { invokedBy: 'AWS Internal' },
            requestParameters: null,
            resources: [{ ARN: k.arn, type: 'AWS::KMS::Key' }],
            additionalEventData: {
              customKeyStoreId: store.id,
              clusterId: store.clusterId,
              backingKeys: JSON.stringify([{ keyHandle: handle, backingKeyId: `bk-${k.keyId}` }]),
              backingKeysDeletionStatus: JSON.stringify([
                { keyHandle: handle, backingKeyId: `bk-${k.keyId}`, deletionStatus: ok ? 'SUCCESS' : 'FAILURE' },
              ]),
            },
          },
        });
      }
    }
  }

  // ---- ports ------------------------------------------------------------------------------------

  kms(): KmsPort {
    const self = this;
    const copyKey = (k: KeyRecord): KeyInfo => {
      const { restoreState: _r, policy: _p, grants: _g, lastUsage: _l, tags: _t, ...info } = k;
      return { ...info };
    };
    return {
      async describeStores() {
        await self.call('DescribeCustomKeyStores', []);
        for (const id of self.stores.keys()) self.tickDisconnect(id);
        return [...self.stores.values()].map((s) => ({ ...s }));
      },
      async describeStore(storeId) {
        await self.call('DescribeCustomKeyStores', [storeId]);
        self.tickDisconnect(storeId);
        const s = self.stores.get(storeId);
        return s ? { ...s } : null;
      },
      async scanKeys(keep, onProgress) {
        await self.call('ListKeys', []);
        const all = [...self.keys.values()];
        const out: KeyInfo[] = [];
        let done = 0;
        for (const k of all) {
          self.calls.push({ operation: 'DescribeKey', args: [k.keyId], mutating: false, time: self.clock.now() });
          const info = copyKey(k);
          if (keep(info)) out.push(info);
          onProgress?.(++done, all.length);
        }
        return out;
      },
      async describeKey(ref) {
        await self.call('DescribeKey', [ref]);
        const k = self.findKey(ref);
        const stale = k && self.stale.get(k.keyId);
        if (stale && stale.left > 0) {
          stale.left -= 1;
          return { ...stale.snapshot };
        }
        return k ? copyKey(k) : null;
      },
      async listAliases() {
        await self.call('ListAliases', []);
        return self.aliases.map((a) => ({ ...a }));
      },
      async listKeyAliases(keyId) {
        await self.call('ListAliases', [keyId]);
        const k = self.keyOrThrow('ListAliases', keyId);
        return self.aliases.filter((a) => a.targetKeyId === k.keyId).map((a) => ({ ...a }));
      },
      async getKeyPolicy(keyId) {
        await self.call('GetKeyPolicy', [keyId]);
        const k = self.keyOrThrow('GetKeyPolicy', keyId);
        return (
          k.policy ??
          JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'Enable IAM User Permissions',
                Effect: 'Allow',
                Principal: { AWS: `arn:aws:iam::${self.accountId}:root` },
                Action: 'kms:*',
                Resource: '*',
              },
            ],
          })
        );
      },
      async listGrants(keyId) {
        await self.call('ListGrants', [keyId]);
        return [...(self.keyOrThrow('ListGrants', keyId).grants ?? [])];
      },
      async getKeyLastUsage(keyId) {
        await self.call('GetKeyLastUsage', [keyId]);
        const k = self.keyOrThrow('GetKeyLastUsage', keyId);
        return {
          keyId: k.keyId,
          keyCreationDate: k.creationDate,
          trackingStartDate: new Date('2025-01-01T00:00:00Z'),
          ...(k.lastUsage ? { lastUsage: k.lastUsage } : {}),
        };
      },
      async scheduleKeyDeletion(keyId, days) {
        await self.call('ScheduleKeyDeletion', [keyId, days]);
        if (keyId.startsWith('alias/'))
          throw self.err('ScheduleKeyDeletion', 'NotFoundException', 'aliases are not accepted');
        const k = self.keyOrThrow('ScheduleKeyDeletion', keyId);
        if (days < 7 || days > 30)
          throw self.err(
            'ScheduleKeyDeletion',
            'ValidationException',
            `PendingWindowInDays ${days} is out of range 7-30`,
          );
        // what the real adapter makes of AWS's AccessDeniedException (src/aws/errors.ts): exit 4
        if (k.keyManager === 'AWS')
          throw new KscliError(
            ExitCode.Credentials,
            `access denied for ScheduleKeyDeletion in ${self.region}: AWS managed keys cannot be deleted`,
            'allow ScheduleKeyDeletion for this caller',
          );
        if (k.state === 'PendingDeletion' || k.state === 'PendingReplicaDeletion')
          throw self.err('ScheduleKeyDeletion', 'KMSInvalidStateException', `${k.arn} is pending deletion.`);
        if (k.state === 'Updating')
          throw self.err('ScheduleKeyDeletion', 'KMSInvalidStateException', `${k.arn} is updating.`);
        self.snapshotBeforeWrite(k, copyKey(k));
        k.state = 'PendingDeletion';
        delete k.restoreState;
        k.deletionDate = new Date(self.clock.now().getTime() + days * 86400_000);
        return { keyArn: k.arn, deletionDate: k.deletionDate, keyState: 'PendingDeletion', pendingWindowInDays: days };
      },
      async cancelKeyDeletion(keyId) {
        await self.call('CancelKeyDeletion', [keyId]);
        const k = self.keyOrThrow('CancelKeyDeletion', keyId);
        if (k.state !== 'PendingDeletion')
          throw self.err('CancelKeyDeletion', 'KMSInvalidStateException', `${k.arn} is not pending deletion.`);
        self.snapshotBeforeWrite(k, copyKey(k));
        delete k.deletionDate;
        const store = self.storeOf(k);
        if (store && store.connectionState !== 'CONNECTED') {
          k.state = 'Unavailable';
          k.restoreState = 'Disabled';
        } else {
          k.state = 'Disabled';
        }
      },
      async enableKey(keyId) {
        await self.call('EnableKey', [keyId]);
        const k = self.keyOrThrow('EnableKey', keyId);
        if (k.state === 'PendingDeletion')
          throw self.err('EnableKey', 'KMSInvalidStateException', `${k.arn} is pending deletion.`);
        if (k.state === 'Unavailable')
          k.restoreState = 'Enabled'; // takes effect on reconnect (aws-facts 1.2 [12])
        else k.state = 'Enabled';
      },
      async disableKey(keyId) {
        await self.call('DisableKey', [keyId]);
        const k = self.keyOrThrow('DisableKey', keyId);
        if (k.state === 'PendingDeletion')
          throw self.err('DisableKey', 'KMSInvalidStateException', `${k.arn} is pending deletion.`);
        if (k.state === 'Unavailable') k.restoreState = 'Disabled';
        else k.state = 'Disabled';
      },
      async listResourceTags(keyId) {
        await self.call('ListResourceTags', [keyId]);
        return { ...(self.keyOrThrow('ListResourceTags', keyId).tags ?? {}) };
      },
      async tagResource(keyId, tags) {
        await self.call('TagResource', [keyId, tags]);
        const k = self.keyOrThrow('TagResource', keyId);
        if (k.state === 'PendingDeletion')
          throw self.err('TagResource', 'KMSInvalidStateException', `${k.arn} is pending deletion.`);
        k.tags = { ...(k.tags ?? {}), ...tags };
      },
      async untagResource(keyId, tagKeys) {
        await self.call('UntagResource', [keyId, tagKeys]);
        const k = self.keyOrThrow('UntagResource', keyId);
        if (k.state === 'PendingDeletion')
          throw self.err('UntagResource', 'KMSInvalidStateException', `${k.arn} is pending deletion.`);
        for (const t of tagKeys) delete k.tags?.[t];
      },
      async connectStore(storeId) {
        await self.call('ConnectCustomKeyStore', [storeId]);
        const s = self.storeOrThrow('ConnectCustomKeyStore', storeId);
        if (s.connectionState === 'DISCONNECTING' || s.connectionState === 'FAILED') {
          throw self.err(
            'ConnectCustomKeyStore',
            'CustomKeyStoreInvalidStateException',
            `store ${storeId} is ${s.connectionState}`,
          );
        }
        // CONNECTING first (aws-facts 9: up to 20 min), as the sandbox: CONNECTED after a few polls
        if (s.connectionState !== 'CONNECTED') self.setConnection(s, 'CONNECTING');
      },
      async disconnectStore(storeId) {
        await self.call('DisconnectCustomKeyStore', [storeId]);
        const s = self.storeOrThrow('DisconnectCustomKeyStore', storeId);
        if (s.connectionState === 'DISCONNECTING' || s.connectionState === 'DISCONNECTED') {
          throw self.err(
            'DisconnectCustomKeyStore',
            'CustomKeyStoreInvalidStateException',
            `store ${storeId} is ${s.connectionState}`,
          );
        }
        self.setConnection(s, 'DISCONNECTING');
      },
      async deleteStore(storeId) {
        await self.call('DeleteCustomKeyStore', [storeId]);
        const s = self.storeOrThrow('DeleteCustomKeyStore', storeId);
        // keys first, as the sandbox (which error AWS reports when both apply is not documented)
        if ([...self.keys.values()].some((k) => k.customKeyStoreId === storeId)) {
          throw self.err(
            'DeleteCustomKeyStore',
            'CustomKeyStoreHasCMKsException',
            'Custom key store contains AWS KMS keys',
          );
        }
        if (s.connectionState !== 'DISCONNECTED')
          throw self.err(
            'DeleteCustomKeyStore',
            'CustomKeyStoreInvalidStateException',
            `store ${storeId} is ${s.connectionState}`,
          );
        self.stores.delete(storeId);
      },
    };
  }

  /** eventual consistency caught up: every read answers the current state */
  settle(): void {
    this.staleReadsAfterWrite = 0;
    this.stale.clear();
  }

  private snapshotBeforeWrite(k: KeyRecord, before: KeyInfo): void {
    if (this.staleReadsAfterWrite > 0) this.stale.set(k.keyId, { left: this.staleReadsAfterWrite, snapshot: before });
  }

  private storeOrThrow(operation: string, storeId: string): StoreInfo {
    const s = this.stores.get(storeId);
    if (!s) throw this.err(operation, 'CustomKeyStoreNotFoundException', `Custom key store ${storeId} not found`);
    return s;
  }

  /** Changes a store's connection state and its keys' states as AWS does (aws-facts 1.1). */
  setConnection(store: StoreInfo, state: ConnectionState): void {
    store.connectionState = state;
    if (state !== 'FAILED') delete store.connectionErrorCode;
    if (state === 'DISCONNECTING' || state === 'CONNECTING') this.disconnecting.set(store.id, this.disconnectPolls);
    for (const k of this.keys.values()) {
      if (k.customKeyStoreId !== store.id || k.state === 'PendingDeletion') continue;
      if (state === 'CONNECTED' && k.state === 'Unavailable') {
        k.state = k.restoreState ?? 'Enabled';
        delete k.restoreState;
      } else if ((state === 'DISCONNECTING' || state === 'DISCONNECTED') && k.state !== 'Unavailable') {
        k.restoreState = k.state;
        k.state = 'Unavailable';
      }
    }
  }

  private tickDisconnect(storeId: string): void {
    const s = this.stores.get(storeId);
    // a store put in DISCONNECTING by a test directly gets the same countdown (CONNECTING too)
    if (s?.connectionState === 'DISCONNECTING' && !this.disconnecting.has(storeId))
      this.disconnecting.set(storeId, this.disconnectPolls);
    const left = this.disconnecting.get(storeId);
    if (left === undefined) return;
    if (!s || (s.connectionState !== 'DISCONNECTING' && s.connectionState !== 'CONNECTING')) {
      this.disconnecting.delete(storeId);
      return;
    }
    if (left <= 0) {
      this.disconnecting.delete(storeId);
      if (s.connectionState === 'CONNECTING') this.setConnection(s, 'CONNECTED');
      else s.connectionState = 'DISCONNECTED';
    } else {
      this.disconnecting.set(storeId, left - 1);
    }
  }

  sts(): Pick<StsPort, 'getCallerIdentity'> {
    return {
      getCallerIdentity: async () => {
        await this.call('GetCallerIdentity', []);
        return { ...this.identity };
      },
    };
  }

  cloudtrail(_region?: string): CloudTrailPort {
    const self = this;
    return {
      async lookupEvents(q: LookupQuery, onPage) {
        await self.call('LookupEvents', [q]);
        const match = (e: TrailEvent): boolean => {
          if (q.startTime && e.eventTime < q.startTime) return false;
          if (q.endTime && e.eventTime > q.endTime) return false;
          switch (q.attributeKey) {
            case 'EventName':
              return e.eventName === q.attributeValue;
            case 'EventSource':
              return e.eventSource === q.attributeValue;
            case 'Username':
              return e.username === q.attributeValue;
            case 'ResourceName':
              return ((e.detail.resources ?? []) as Array<{ ARN?: string }>).some((r) => r.ARN === q.attributeValue);
            case 'EventId':
              return e.eventId === q.attributeValue;
            default:
              return true;
          }
        };
        const out = self.events.filter(match).sort((a, b) => b.eventTime.getTime() - a.eventTime.getTime());
        onPage?.(out.length);
        return out;
      },
      async describeTrails() {
        await self.call('DescribeTrails', []);
        return self.trails.map(({ status: _s, selectors: _e, ...t }) => ({ ...t }));
      },
      async getTrailStatus(arn) {
        await self.call('GetTrailStatus', [arn]);
        const t = self.trails.find((x) => x.arn === arn || x.name === arn);
        if (!t) throw self.err('GetTrailStatus', 'TrailNotFoundException', `trail ${arn} not found`);
        return { ...t.status };
      },
      async getEventSelectors(arn) {
        await self.call('GetEventSelectors', [arn]);
        const t = self.trails.find((x) => x.arn === arn || x.name === arn);
        if (!t) throw self.err('GetEventSelectors', 'TrailNotFoundException', `trail ${arn} not found`);
        return t.selectors;
      },
    };
  }

  logs(_region?: string): LogsPort {
    const self = this;
    return {
      async describeLogGroup(name) {
        await self.call('DescribeLogGroups', [name]);
        return self.logGroups.get(name) ?? null;
      },
      async encryptedLogGroups() {
        await self.call('DescribeLogGroups', []);
        return self.data.logGroups();
      },
      async oldestStreamEvent(group) {
        await self.call('DescribeLogStreams', [group]);
        return null;
      },
      // no Logs Insights in this fake: the evidence tests (test/unit/evidence) script their own
      async startQuery(req) {
        await self.call('StartQuery', [req]);
        throw self.err('StartQuery', 'ResourceNotFoundException', 'The specified log group does not exist.');
      },
      async getQueryResults(id) {
        await self.call('GetQueryResults', [id]);
        throw self.err('GetQueryResults', 'ResourceNotFoundException', 'The specified query does not exist.');
      },
      async stopQuery(id) {
        await self.call('StopQuery', [id]);
        return false;
      },
      async describeMetricFilters(group, prefix) {
        await self.call('DescribeMetricFilters', [group, prefix]);
        return self.metricFilters
          .filter((f) => f.logGroupName === group && (!prefix || f.filterName.startsWith(prefix)))
          .map((f) => ({ ...f }));
      },
      async putMetricFilter(spec) {
        await self.call('PutMetricFilter', [spec]);
        const i = self.metricFilters.findIndex(
          (f) => f.logGroupName === spec.logGroupName && f.filterName === spec.filterName,
        );
        if (i >= 0) self.metricFilters.splice(i, 1);
        self.metricFilters.push({ ...spec });
      },
      async deleteMetricFilter(group, name) {
        await self.call('DeleteMetricFilter', [group, name]);
        const i = self.metricFilters.findIndex((f) => f.logGroupName === group && f.filterName === name);
        if (i >= 0) self.metricFilters.splice(i, 1);
      },
    };
  }

  cloudwatch(_region?: string): CloudWatchPort {
    const self = this;
    return {
      async describeAlarm(name) {
        await self.call('DescribeAlarms', [name]);
        const a = self.alarms.get(name);
        return a ? { ...a } : null;
      },
      async putMetricAlarm(spec: AlarmSpec) {
        await self.call('PutMetricAlarm', [spec]);
        self.alarms.set(spec.alarmName, { ...spec, stateValue: 'INSUFFICIENT_DATA' });
      },
      async deleteAlarms(names) {
        await self.call('DeleteAlarms', [names]);
        for (const n of names) self.alarms.delete(n);
      },
    };
  }

  sns(_region?: string): SnsPort {
    return {
      getTopic: async (arn) => {
        await this.call('GetTopicAttributes', [arn]);
        return this.topics.get(arn) ?? null;
      },
    };
  }

  cloudhsm(_region?: string): CloudHsmPort {
    const self = this;
    return {
      async describeCluster(id) {
        await self.call('DescribeClusters', [id]);
        const c = self.clusters.get(id);
        return c ? { ...c } : null;
      },
      async describeClustersFromBackups(ids) {
        await self.call('DescribeClusters', [ids]);
        return [...self.clusters.values()]
          .filter((c) => c.sourceBackupId && ids.includes(c.sourceBackupId))
          .map((c) => ({ ...c }));
      },
      async describeBackups(clusterIds) {
        await self.call('DescribeBackups', [clusterIds]);
        return [...self.backups.values()]
          .filter((b) => b.clusterId && clusterIds.includes(b.clusterId))
          .map((b) => ({ ...b }));
      },
      async describeBackupCopies(ids) {
        await self.call('DescribeBackups', [ids]);
        return [...self.backups.values()]
          .filter((b) => b.sourceBackup && ids.includes(b.sourceBackup))
          .map((b) => ({ ...b }));
      },
      async deleteBackup(id) {
        await self.call('DeleteBackup', [id]);
        const b = self.backups.get(id);
        if (!b) throw self.err('DeleteBackup', 'CloudHsmResourceNotFoundException', `backup ${id} not found`);
        if (b.state !== 'READY')
          throw self.err('DeleteBackup', 'CloudHsmInvalidRequestException', `backup ${id} is ${b.state}`);
        b.state = 'PENDING_DELETION';
        b.deleteTimestamp = new Date(self.clock.now().getTime() + 7 * 86400_000);
        return { ...b };
      },
      async listClusters() {
        await self.call('DescribeClusters', []);
        return [...self.clusters.values()].filter((c) => c.state !== 'DELETED').map((c) => ({ ...c }));
      },
      async deleteHsm(clusterId, hsmId) {
        await self.call('DeleteHsm', [clusterId, hsmId]);
        const c = self.clusters.get(clusterId);
        const h = c?.hsms.find((x) => x.hsmId === hsmId);
        if (!c || !h) throw self.err('DeleteHsm', 'CloudHsmResourceNotFoundException', `HSM ${hsmId} not found`);
        if (h.state === 'DELETE_IN_PROGRESS')
          throw self.err('DeleteHsm', 'CloudHsmInvalidRequestException', `HSM ${hsmId} is DELETE_IN_PROGRESS`);
        h.state = 'DELETE_IN_PROGRESS';
        c.activeHsmCount = c.hsms.filter((x) => x.state === 'ACTIVE').length;
        return hsmId;
      },
      async deleteCluster(clusterId) {
        await self.call('DeleteCluster', [clusterId]);
        const c = self.clusters.get(clusterId);
        if (!c) throw self.err('DeleteCluster', 'CloudHsmResourceNotFoundException', `cluster ${clusterId} not found`);
        if (c.hsms.length > 0)
          throw self.err('DeleteCluster', 'CloudHsmInvalidRequestException', `cluster ${clusterId} has HSMs`);
        c.state = 'DELETE_IN_PROGRESS';
        return { ...c };
      },
    };
  }

  /** Finishes every DeleteHsm in flight (AWS removes the HSMs). */
  finishHsmDeletions(): void {
    for (const c of this.clusters.values()) {
      c.hsms = c.hsms.filter((h) => h.state !== 'DELETE_IN_PROGRESS');
      c.hsmCount = c.hsms.length;
    }
  }

  pricing(_region?: string): PricingPort {
    const self = this;
    return {
      async cloudHsmHourlyPrice(region) {
        await self.call('GetProducts', [region]);
        if (!self.pricingReachable)
          throw self.err('GetProducts', 'AccessDeniedException', 'not authorized to perform pricing:GetProducts');
        const usd = self.hsmPrices.get(region);
        return usd === undefined ? null : { region, usdPerHour: usd, effectiveDate: '2026-11-01T00:00:00Z' };
      },
    };
  }

  // ---- issue 19: the services that hold data at rest (test/unit/fakes/fake-data.ts) ----
  readonly data = new FakeDataServices(
    (op, args) => this.call(op, args),
    () => this.region,
  );
  config(_region?: string) {
    return this.data.config();
  }
  s3(_region?: string) {
    return this.data.s3();
  }
  ec2(_region?: string) {
    return this.data.ec2();
  }
  rds(_region?: string) {
    return this.data.rds();
  }
  dynamodb(_region?: string) {
    return this.data.dynamodb();
  }
  backup(_region?: string) {
    return this.data.backup();
  }
  secretsmanager(_region?: string) {
    return this.data.secretsmanager();
  }
  ssm(_region?: string) {
    return this.data.ssm();
  }

  /** This account as AwsPorts: its ports through fakePorts (an unmodelled call throws, named). */
  ports(): AwsPorts {
    return fakePorts({
      region: this.region,
      kms: () => this.kms(),
      sts: () => this.sts(),
      cloudtrail: (r) => this.cloudtrail(r),
      logs: (r) => this.logs(r),
      cloudwatch: (r) => this.cloudwatch(r),
      sns: (r) => this.sns(r),
      cloudhsm: (r) => this.cloudhsm(r),
      config: (r) => this.config(r),
      s3: (r) => this.s3(r),
      ec2: (r) => this.ec2(r),
      rds: (r) => this.rds(r),
      dynamodb: (r) => this.dynamodb(r),
      backup: (r) => this.backup(r),
      secretsmanager: (r) => this.secretsmanager(r),
      ssm: (r) => this.ssm(r),
    });
  }
}
