/**
 * Ready-made sandbox accounts. All: account 111122223333, Region us-east-1, GetKeyLastUsage
 * tracking since 2026-03-01 (moved earlier if the clock is set before it).
 *
 * `demo` (fixed ids; the README walks through it):
 * - CloudHSM store `cks-1234567890abcdef0` "retiring-hsm-store", CONNECTED, on cluster
 *   `cluster-1a23b4cdefg` (ACTIVE, 2 HSMs in us-east-1a and us-east-1b), holding 5 keys:
 *   - DEMO_KEYS.unusedA `0b7fd7d4-…` Enabled, never used, created 60 days ago (alias/reports-archive)
 *   - DEMO_KEYS.unusedB `2f9c1e84-…` Enabled, never used, created 45 days ago
 *   - DEMO_KEYS.used `1234abcd-12ab-34cd-56ef-1234567890ab` Enabled, alias/payments-legacy, used
 *     for Decrypt 3 days ago by role arn:aws:iam::111122223333:role/app-backend (a CloudTrail
 *     Decrypt event and GetKeyLastUsage say so), named in its key policy, and with a grant to
 *     rds.amazonaws.com; the role keeps calling it (Decrypt every 3-4 days, the next half a day
 *     after the scenario starts: callers.ts), so a disabled key gets DisabledException events
 *   - DEMO_KEYS.disabled `5e6f7a8b-…` Disabled, never used, created 120 days ago
 *   - DEMO_KEYS.pending `9a8b7c6d-…` PendingDeletion, deleted in 5 days (scheduled 25 days ago, 30-day window)
 * - CloudHSM store `cks-0987654321fedcba0` "standby-hsm-store", DISCONNECTED, no keys, on its own
 *   cluster `cluster-2b34c5defgh` (it can be deleted at once).
 * - External key store `cks-11111111111111111` "external-store", CONNECTED, 2 Enabled keys.
 * - 20 customer keys (AWS_KMS) and 3 AWS-managed keys (alias/aws/ebs, alias/aws/rds, alias/aws/s3).
 * - Trail `management-events`: multi-Region, home us-east-1, logging, all management events
 *   (ReadWriteType All) to the STANDARD log group `aws-cloudtrail-logs-111122223333`.
 * - SNS topic `arn:aws:sns:us-east-1:111122223333:kms-alerts`.
 * - Backups of cluster-1a23b4cdefg: two READY from before its first key was created, three READY after.
 *
 * `large`: the same stores, trail and topic; `keys` keys (default 10,000) of which `storeKeys`
 * (default 200) are in cks-1234567890abcdef0, spread evenly among the others; no aliases or
 * grants. Usage history (scenario-history.ts): `usedShare` (default 10%) of the store's keys were
 * used (some only by failed attempts, some only long ago, some only as ReEncrypt destination),
 * with `noiseEvents` (default 10,000) events of other services over 380 days; the log group keeps
 * 400 days (retentionInDays 400) and the trail has logged since before the history. Events of the
 * last 90 days are also in CloudTrail event history. 100,000 keys generate in well under a second.
 */
import { rehomed } from './rehome.js';
import { kmsOnlyAuditLog } from './cloudhsm/audit-log.js';
import { Account } from './account.js';
import { cryptoIds, seededIds, type IdSource } from './ids.js';
import { addGrant } from './kms/grants.js';
import { demoCallers } from './callers.js';
import { addUsageHistory, type HistoryOptions } from './scenario-history.js';
import { appendEvent } from './cloudtrail/trail-events.js';
import { isoSeconds } from './iso-seconds.js';
import { addDemoData, largeData } from './data/scenario.js';
import { demoEndpointService } from './ec2/endpoint-services.js';
import {
  DAY_MS,
  DEFAULT_TRACKING_START,
  emptyState,
  type AccountState,
  type ClusterRecord,
  type KeyRecord,
} from './state.js';

export type ScenarioName = 'demo' | 'large' | 'empty';

export interface ScenarioOptions extends HistoryOptions {
  keys?: number;
  storeKeys?: number;
  now?: Date;
  /** seed the random ids (customer keys, events) so that the same seed builds the same account */
  seed?: number;
  /** the account's 12-digit ID (default 111122223333); demo and large are re-homed to it (rehome.ts) */
  accountId?: string;
  /** large: resources holding data at rest (S3, EBS, RDS, ...), generated when first read (default 0) */
  resources?: number;
}

/** The large scenario's log group retention: longer than CloudTrail's 90-day event history. */
export const LARGE_RETENTION_DAYS = 400;

export const DEMO_STORE_ID = 'cks-1234567890abcdef0';
export const DEMO_IDLE_STORE_ID = 'cks-0987654321fedcba0';
export const DEMO_XKS_STORE_ID = 'cks-11111111111111111';
export const DEMO_CLUSTER_ID = 'cluster-1a23b4cdefg';
export const DEMO_IDLE_CLUSTER_ID = 'cluster-2b34c5defgh';
export const DEMO_TRAIL = 'management-events';
export const DEMO_LOG_GROUP = 'aws-cloudtrail-logs-111122223333';
export const DEMO_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:kms-alerts';
export const DEMO_APP_ROLE = 'arn:aws:iam::111122223333:role/app-backend';
export const DEMO_KEYS = {
  unusedA: '0b7fd7d4-5f2c-4c1e-9a4e-3f0e5d2a9b11',
  unusedB: '2f9c1e84-7a3b-4d5e-8f6a-1b2c3d4e5f60',
  used: '1234abcd-12ab-34cd-56ef-1234567890ab',
  disabled: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
  pending: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
} as const;

export function cluster(id: string, created: number, vpc: string, azSuffix: string): ClusterRecord {
  const subnets = {
    'us-east-1a': `subnet-0a${azSuffix}1111111111111`,
    'us-east-1b': `subnet-0b${azSuffix}2222222222222`,
  };
  return {
    id,
    state: 'ACTIVE',
    created,
    vpcId: vpc,
    subnets,
    // the longest policy (7-379 days): retention (cloudhsm/teardown.ts) purges none of the demo's
    // backups until the clock moves about two months
    retentionDays: 379,
    nextHandle: 0x11,
    hsms: Object.entries(subnets).map(([az, subnet], i) => ({
      HsmId: `hsm-${azSuffix}${'abcdefghij'.slice(i, i + 10).padEnd(10, 'x')}`,
      AvailabilityZone: az,
      SubnetId: subnet,
      EniId: `eni-0${azSuffix}${i}${'0'.repeat(14)}`,
      EniIp: `10.0.${i}.${10 + i}`,
      State: 'ACTIVE',
    })),
  };
}

/** Stores, clusters, trail, log group and topic shared by both scenarios. */
function infrastructure(acc: Account, now: number): void {
  const s = acc.state;
  s.config.trackingStart = Math.min(DEFAULT_TRACKING_START, now - 200 * DAY_MS);
  s.clusters.push(cluster(DEMO_CLUSTER_ID, now - 400 * DAY_MS, 'vpc-0a1b2c3d4e5f60718', '1'));
  s.clusters.push(cluster(DEMO_IDLE_CLUSTER_ID, now - 380 * DAY_MS, 'vpc-0a1b2c3d4e5f60718', '2'));
  acc.addStore({
    id: DEMO_STORE_ID,
    name: 'retiring-hsm-store',
    type: 'AWS_CLOUDHSM',
    created: now - 390 * DAY_MS,
    state: 'CONNECTED',
    clusterId: DEMO_CLUSTER_ID,
  });
  acc.addStore({
    id: DEMO_IDLE_STORE_ID,
    name: 'standby-hsm-store',
    type: 'AWS_CLOUDHSM',
    created: now - 370 * DAY_MS,
    state: 'DISCONNECTED',
    clusterId: DEMO_IDLE_CLUSTER_ID,
  });
  acc.addStore({
    id: DEMO_XKS_STORE_ID,
    name: 'external-store',
    type: 'EXTERNAL_KEY_STORE',
    created: now - 360 * DAY_MS,
    state: 'CONNECTED',
    xks: {
      Connectivity: 'PUBLIC_ENDPOINT',
      AccessKeyId: 'XKSPROXYACCESSKEYEX1',
      UriEndpoint: 'https://xks.example.com',
      UriPath: '/kms/xks/v1',
    },
  });
  // the XKS proxy's VPC endpoint service (and its NLB): for an external key store created with
  // VPC_ENDPOINT_SERVICE connectivity; the demo's own XKS store uses a public endpoint
  s.vpcEndpointServices = [demoEndpointService(s.accountId, s.region)];
  s.trails.push({
    name: DEMO_TRAIL,
    homeRegion: s.region,
    multiRegion: true,
    s3Bucket: `aws-cloudtrail-logs-${s.accountId}-management`,
    logGroupName: DEMO_LOG_GROUP,
    roleArn: `arn:aws:iam::${s.accountId}:role/CloudTrailRoleForCloudWatchLogs`,
    logging: true,
    startedAt: now - 400 * DAY_MS,
  });
  s.logGroups.push({
    name: DEMO_LOG_GROUP,
    created: now - 400 * DAY_MS,
    logGroupClass: 'STANDARD',
    storedBytes: 0,
    filters: [],
  });
  s.topics.push({ arn: DEMO_TOPIC_ARN, displayName: 'KMS alerts', published: [] });
  // the clusters' audit logs (after the trail's group, which stays the account's first): only KMS
  // (kmsuser) and the admin's crypto officer sign in
  for (const c of s.clusters) kmsOnlyAuditLog(acc, c, now);
}

function storeKey(acc: Account, id: string, created: number, clusterRec: ClusterRecord): KeyRecord {
  return {
    id,
    created,
    state: 'Enabled',
    origin: 'AWS_CLOUDHSM',
    storeId: DEMO_STORE_ID,
    clusterId: clusterRec.id,
    keyHandle: `0x${(clusterRec.nextHandle++).toString(16).padStart(8, '0')}`,
    backingKeyId: acc.ids.hex(64),
  };
}

function demo(now: number, ids: IdSource): AccountState {
  const acc = new Account(emptyState(), { ids });
  const s = acc.state;
  infrastructure(acc, now);
  const hsm = s.clusters[0]!;
  const customer = (i: number): KeyRecord => ({
    id: acc.ids.uuid(),
    created: now - (500 - i * 7) * DAY_MS,
    state: 'Enabled',
    description: `customer key ${i + 1}`,
  });

  // ListKeys order mixes store keys among the others, as a real account's would
  for (let i = 0; i < 8; i++) acc.addKey(customer(i));
  const used = storeKey(acc, DEMO_KEYS.used, now - 300 * DAY_MS, hsm);
  used.description = 'payments (legacy HSM)';
  used.policyPrincipals = [DEMO_APP_ROLE];
  acc.addKey(used);
  const awsManaged = ['ebs', 'rds', 's3'];
  awsManaged.forEach((svc, i) => {
    const k: KeyRecord = {
      id: acc.ids.uuid(),
      created: now - (450 - i) * DAY_MS,
      state: 'Enabled',
      manager: 'AWS',
      description: `Default key that protects my ${svc.toUpperCase()} data when no other key is defined`,
    };
    acc.addKey(k);
    s.aliases.push({ name: `alias/aws/${svc}`, keyId: k.id, created: k.created, updated: k.created });
  });
  const pending = storeKey(acc, DEMO_KEYS.pending, now - 250 * DAY_MS, hsm);
  pending.state = 'PendingDeletion';
  pending.pendingWindow = 30;
  pending.deletionDate = now + 5 * DAY_MS;
  acc.addKey(pending);
  for (let i = 8; i < 14; i++) acc.addKey(customer(i));
  const disabled = storeKey(acc, DEMO_KEYS.disabled, now - 120 * DAY_MS, hsm);
  disabled.state = 'Disabled';
  acc.addKey(disabled);
  acc.addKey({
    id: acc.ids.uuid(),
    created: now - 100 * DAY_MS,
    state: 'Enabled',
    origin: 'EXTERNAL_KEY_STORE',
    storeId: DEMO_XKS_STORE_ID,
    xksKeyId: 'xks-key-0001',
    description: 'external key 1',
  });
  acc.addKey(storeKey(acc, DEMO_KEYS.unusedA, now - 60 * DAY_MS, hsm));
  for (let i = 14; i < 20; i++) acc.addKey(customer(i));
  acc.addKey(storeKey(acc, DEMO_KEYS.unusedB, now - 45 * DAY_MS, hsm));
  acc.addKey({
    id: acc.ids.uuid(),
    created: now - 90 * DAY_MS,
    state: 'Enabled',
    origin: 'EXTERNAL_KEY_STORE',
    storeId: DEMO_XKS_STORE_ID,
    xksKeyId: 'xks-key-0002',
    description: 'external key 2',
  });

  s.aliases.push({
    name: 'alias/payments-legacy',
    keyId: DEMO_KEYS.used,
    created: used.created,
    updated: used.created,
  });
  s.aliases.push({
    name: 'alias/reports-archive',
    keyId: DEMO_KEYS.unusedA,
    created: now - 60 * DAY_MS,
    updated: now - 60 * DAY_MS,
  });
  for (const a of s.aliases) acc.aliasByName.set(a.name, a);
  addGrant(acc, DEMO_KEYS.used, 'rds.amazonaws.com', ['Decrypt', 'GenerateDataKey', 'DescribeKey'], 'rds-payments-db');
  s.grants[0]!.created = now - 290 * DAY_MS;
  // data at rest, AWS Config and the services' grants (data/scenario.ts)
  addDemoData(acc, now, DEMO_KEYS.unusedA);

  // two backups before the first key of the store, three after
  const firstKey = now - 300 * DAY_MS;
  const backupTimes = [
    firstKey - 20 * DAY_MS,
    firstKey - 10 * DAY_MS,
    now - 200 * DAY_MS,
    now - 30 * DAY_MS,
    now - DAY_MS,
  ];
  const backupIds = [
    'backup-a1b2c3d4e5f',
    'backup-b2c3d4e5f6g',
    'backup-c3d4e5f6g7h',
    'backup-d4e5f6g7h2i',
    'backup-e5f6g7h2i3j',
  ];
  backupTimes.forEach((t, i) =>
    s.backups.push({ id: backupIds[i]!, clusterId: DEMO_CLUSTER_ID, state: 'READY', created: t }),
  );

  // the Decrypt three days ago by the app-backend role
  const usedAt = now - 3 * DAY_MS;
  const requestId = acc.ids.uuid();
  const eventId = acc.ids.uuid();
  const usedArn = acc.keyArn(DEMO_KEYS.used);
  appendEvent(
    acc,
    {
      eventVersion: '1.11',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAAPPBACKEND000001:i-0abc123def4567890',
        arn: `arn:aws:sts::${s.accountId}:assumed-role/app-backend/i-0abc123def4567890`,
        accountId: s.accountId,
        accessKeyId: 'ASIAAPPBACKENDEXAMPL',
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: 'AROAAPPBACKEND000001',
            arn: DEMO_APP_ROLE,
            accountId: s.accountId,
            userName: 'app-backend',
          },
        },
      },
      eventTime: isoSeconds(usedAt),
      eventSource: 'kms.amazonaws.com',
      eventName: 'Decrypt',
      awsRegion: s.region,
      sourceIPAddress: '10.0.12.34',
      userAgent: 'aws-sdk-java/2.25.0',
      requestParameters: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
      responseElements: null,
      additionalEventData: { customKeyStoreId: DEMO_STORE_ID },
      requestID: requestId,
      eventID: eventId,
      readOnly: true,
      resources: [{ accountId: s.accountId, type: 'AWS::KMS::Key', ARN: usedArn }],
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: s.accountId,
      eventCategory: 'Management',
    },
    {
      id: eventId,
      t: usedAt,
      name: 'Decrypt',
      source: 'kms.amazonaws.com',
      readOnly: true,
      accessKeyId: 'ASIAAPPBACKENDEXAMPL',
      username: 'i-0abc123def4567890',
      resources: [{ type: 'AWS::KMS::Key', name: usedArn }],
    },
  );
  used.lastUsage = { op: 'Decrypt', t: usedAt, requestId, eventId };
  // and it keeps calling: every 3-4 days from half a day after now (callers.ts, issue 20)
  s.callers = demoCallers(s.accountId, s.region, DEMO_KEYS.used, now);
  return s;
}

function large(
  now: number,
  total: number,
  inStore: number,
  history: HistoryOptions & { resources?: number; seed?: number },
  ids: IdSource,
): AccountState {
  if (!Number.isInteger(total) || total < 0) throw new RangeError('keys must be an integer >= 0');
  if (!Number.isInteger(inStore) || inStore < 0 || inStore > total)
    throw new RangeError('storeKeys must be an integer between 0 and keys');
  const acc = new Account(emptyState(), { ids });
  // the sandbox clock at `now` while the history is written (retention is counted from it)
  acc.state.clockOffsetMs = now - Date.now();
  infrastructure(acc, now);
  acc.state.logGroups[0]!.retentionInDays = LARGE_RETENTION_DAYS;
  const hsm = acc.state.clusters[0]!;
  const keys = acc.state.keys;
  const storeSet = acc.storeKeys.get(DEMO_STORE_ID)!;
  // store keys spread evenly: key i is a store key when it crosses the next multiple of total/inStore
  let placed = 0;
  const base = now - 400 * DAY_MS;
  const step = total > 0 ? Math.floor((399 * DAY_MS) / total) : 0;
  for (let i = 0; i < total; i++) {
    const created = base + i * step;
    const wantStore = inStore > 0 && Math.floor(((i + 1) * inStore) / total) > placed;
    let k: KeyRecord;
    if (wantStore) {
      k = storeKey(acc, acc.ids.uuid(), created, hsm);
      storeSet.add(k.id);
      placed++;
    } else {
      k = { id: acc.ids.uuid(), created, state: 'Enabled' };
    }
    keys.push(k);
    acc.keyById.set(k.id, k);
  }
  const inStoreKeys = keys.filter((k) => k.storeId === DEMO_STORE_ID);
  const outside = keys.filter((k) => k.storeId !== DEMO_STORE_ID);
  addUsageHistory(acc, now, inStoreKeys, outside, history);
  acc.state.data = largeData(now, history.resources ?? 0, DEMO_STORE_ID, history.seed ?? 1);
  return acc.state;
}

/**
 * The empty scenario (issue 22): an account with nothing in it, in us-east-1 and every other
 * Region, for scripts and other tools that build their own world. Any 12-digit account ID.
 */
function emptyAccount(accountId: string | undefined): AccountState {
  if (accountId !== undefined && !/^\d{12}$/.test(accountId))
    throw new RangeError(`account ID ${accountId} is not 12 digits`);
  const state = emptyState();
  if (accountId) state.accountId = accountId;
  return state;
}

/** The state JSON of a scenario, for createModel(). The sandbox clock starts at `now`. */
export function scenario(name: ScenarioName, opts: ScenarioOptions = {}): AccountState {
  const now = opts.now?.getTime() ?? Date.now();
  let state: AccountState;
  const ids = opts.seed !== undefined ? seededIds(opts.seed) : cryptoIds;
  if (name === 'demo') state = demo(now, ids);
  else if (name === 'large')
    state = large(now, opts.keys ?? 10_000, opts.storeKeys ?? Math.min(200, opts.keys ?? 10_000), opts, ids);
  else if (name === 'empty') state = emptyAccount(opts.accountId);
  else throw new RangeError(`unknown scenario ${String(name)}: use demo, large or empty`);
  if (opts.accountId !== undefined && name !== 'empty') state = rehomed(state, opts.accountId);
  state.clockOffsetMs = now - Date.now();
  return state;
}
