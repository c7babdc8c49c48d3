/**
 * The persisted shape of the sandbox account: plain JSON (numbers for times, in epoch ms), compact
 * enough that a 100,000-key account serialises in well under a second. Fields that hold their
 * default value are omitted (a key without `origin` is AWS_KMS, without `manager` is CUSTOMER).
 *
 * The in-memory model keeps these very objects and adds Map indexes next to them (see account.ts),
 * so `toJSON()` needs no copy.
 */
import type { CallerRecord } from './callers.js';
import type { DataState } from './data/state.js';
import type { VpcEndpointServiceRecord } from './ec2/endpoint-services.js';

export const STATE_VERSION = 1;

/** What a key is "by itself"; the visible KeyState adds Unavailable from its store (keys.ts). */
export type LogicalKeyState = 'Enabled' | 'Disabled' | 'PendingDeletion' | 'PendingImport';
export type KeyState = LogicalKeyState | 'Unavailable';
export type ConnectionState = 'CONNECTED' | 'CONNECTING' | 'DISCONNECTED' | 'DISCONNECTING' | 'FAILED';

export interface KeyRecord {
  id: string;
  /** creation time, epoch ms */
  created: number;
  state: LogicalKeyState;
  deletionDate?: number;
  pendingWindow?: number;
  description?: string;
  /** absent: CUSTOMER */
  manager?: 'AWS';
  /** absent: AWS_KMS; EXTERNAL: imported key material (PendingImport until ImportKeyMaterial) */
  origin?: 'AWS_CLOUDHSM' | 'EXTERNAL_KEY_STORE' | 'EXTERNAL';
  storeId?: string;
  /** CloudHSM keys: the cluster holding the backing key, its handle and id */
  clusterId?: string;
  keyHandle?: string;
  backingKeyId?: string;
  /** external-store keys: the external key id */
  xksKeyId?: string;
  /** extra AWS principals the key policy names besides the account root */
  policyPrincipals?: string[];
  /** the key policy as set by CreateKey or PutKeyPolicy; absent: the default policy (kms/policies.ts) */
  policy?: string;
  /** absent: SYMMETRIC_DEFAULT */
  spec?: string;
  /** absent: ENCRYPT_DECRYPT */
  usage?: string;
  /** automatic rotation (kms/rotation.ts): absent means disabled */
  rotation?: { periodDays: number; next: number };
  /** completed rotations, oldest first (ListKeyRotations) */
  rotations?: Array<{ t: number; type: 'AUTOMATIC' | 'ON_DEMAND' }>;
  tags?: Array<{ TagKey: string; TagValue: string }>;
  /** last successful cryptographic use (GetKeyLastUsage) */
  lastUsage?: { op: string; t: number; requestId: string; eventId?: string };
  /**
   * Key material of asymmetric keys (PKCS#8 PEM) and HMAC keys (base64), made on first use
   * (kms/material.ts); imported material for EXTERNAL asymmetric and HMAC keys. Absent for
   * symmetric encryption keys, whose ciphertexts are sandbox envelopes.
   */
  material?: string;
  /** multi-Region keys (kms/replicas.ts): the primary's Region; on the primary, its replicas' Regions */
  multiRegion?: { primaryRegion: string; replicaRegions: string[] };
  /** EXTERNAL keys (kms/import.ts) */
  imported?: ImportRecord;
}

/** Imported key material of an EXTERNAL key, and the last GetParametersForImport answer. */
export interface ImportRecord {
  /** SHA-256 of the first material imported (a reimport must bring the same material), hex */
  materialHash?: string;
  /** the BackingKeyId / KeyMaterialId of the imported material, 64 hex */
  materialId?: string;
  /** when the current material expires (KEY_MATERIAL_EXPIRES), epoch ms; absent: never */
  validTo?: number;
  /** true while material is in the key (ImportKeyMaterial until DeleteImportedKeyMaterial) */
  present?: boolean;
  /** the wrapping key and token of the last GetParametersForImport (valid 24 hours) */
  params?: { token: string; privateKey: string; algorithm: string; validTo: number };
}

export interface AliasRecord {
  name: string;
  keyId: string;
  created: number;
  updated: number;
}

export interface GrantRecord {
  id: string;
  keyId: string;
  name?: string;
  created: number;
  grantee: string;
  retiring?: string;
  operations: string[];
  /** encryption context constraints, e.g. EBS's `{ EncryptionContextSubset: { 'aws:ebs:id': 'vol-…' } }` */
  constraints?: { EncryptionContextSubset?: Record<string, string>; EncryptionContextEquals?: Record<string, string> };
  /** the account whose principal created the grant (absent: this account) */
  issuingAccount?: string;
}

export interface StoreRecord {
  id: string;
  name: string;
  type: 'AWS_CLOUDHSM' | 'EXTERNAL_KEY_STORE';
  created: number;
  state: ConnectionState;
  /** when the current CONNECTING/DISCONNECTING transition completes, epoch ms */
  transitionAt?: number;
  errorCode?: string;
  clusterId?: string;
  trustAnchor?: string;
  xks?: {
    Connectivity: string;
    AccessKeyId: string;
    UriEndpoint: string;
    UriPath: string;
    VpcEndpointServiceName?: string;
  };
}

export interface HsmRecord {
  HsmId: string;
  AvailabilityZone: string;
  SubnetId: string;
  EniId: string;
  EniIp: string;
  State: string;
  /** DELETE_IN_PROGRESS: when AWS finishes and the HSM is gone, epoch ms (cloudhsm/teardown.ts) */
  deleteAt?: number;
}

export interface ClusterRecord {
  id: string;
  state: string;
  created: number;
  vpcId: string;
  hsms: HsmRecord[];
  subnets: Record<string, string>;
  sourceBackupId?: string;
  retentionDays: number;
  /** the next key handle KMS will get on this cluster */
  nextHandle: number;
  /** DELETE_IN_PROGRESS: when the cluster becomes DELETED, epoch ms (cloudhsm/teardown.ts) */
  deleteAt?: number;
}

export interface BackupRecord {
  id: string;
  clusterId: string;
  state: 'CREATE_IN_PROGRESS' | 'READY' | 'PENDING_DELETION' | 'DELETED';
  created: number;
  deleteAt?: number;
  neverExpires?: boolean;
  /** a cross-Region copy (CopyBackupToRegion): the backup it was copied from, and where */
  sourceBackup?: string;
  sourceRegion?: string;
  sourceCluster?: string;
  /** when the copy was made, epoch ms (CreateTimestamp stays the source backup's) */
  copied?: number;
}

/** Backing key material KMS could not delete from a cluster (aws-facts 2.4). */
export interface OrphanRecord {
  keyHandle: string;
  backingKeyId: string;
  keyArn: string;
  at: number;
}

/** One CloudTrail event. `json` is the CloudTrailEvent string LookupEvents returns. */
export interface EventRecord {
  /** sequence number, increasing; used by NextToken and the resource index */
  seq: number;
  id: string;
  t: number;
  name: string;
  source: string;
  readOnly: boolean;
  accessKeyId?: string;
  username?: string;
  resources: Array<{ type: string; name: string }>;
  json: string;
}

export interface EventSelector {
  ReadWriteType: 'All' | 'ReadOnly' | 'WriteOnly';
  IncludeManagementEvents: boolean;
  ExcludeManagementEventSources?: string[];
}

export interface AdvancedFieldSelector {
  Field: string;
  Equals?: string[];
  NotEquals?: string[];
  StartsWith?: string[];
  NotStartsWith?: string[];
}

export interface TrailRecord {
  name: string;
  homeRegion: string;
  multiRegion: boolean;
  s3Bucket: string;
  logGroupName?: string;
  roleArn?: string;
  kmsKeyId?: string;
  logging: boolean;
  startedAt?: number;
  lastCwlDelivery?: number;
  eventSelectors?: EventSelector[];
  advancedEventSelectors?: Array<{ Name?: string; FieldSelectors: AdvancedFieldSelector[] }>;
}

export interface MetricTransformation {
  metricName: string;
  metricNamespace: string;
  metricValue: string;
  defaultValue?: number;
  unit?: string;
  dimensions?: Record<string, string>;
}

export interface MetricFilterRecord {
  name: string;
  pattern: string;
  transformations: MetricTransformation[];
  created: number;
}

/** One event stored in a log group (log-store.ts): time, message (the CloudTrail JSON), stream. */
export interface LogEventRecord {
  t: number;
  m: string;
  s: string;
}

export interface LogGroupRecord {
  name: string;
  created: number;
  kmsKeyId?: string;
  logGroupClass: 'STANDARD' | 'INFREQUENT_ACCESS' | 'DELIVERY';
  retentionInDays?: number;
  storedBytes: number;
  filters: MetricFilterRecord[];
  /** the events kept, oldest first (absent: none yet) */
  events?: LogEventRecord[];
  /** how many events were dropped from the front so far (retention, cap): @ptr ordinals */
  firstOrdinal?: number;
}

/** A metric alarm, kept with AWS's member names so DescribeAlarms can return it as is. */
export interface AlarmRecord {
  AlarmName: string;
  AlarmArn: string;
  AlarmDescription?: string;
  ActionsEnabled: boolean;
  OKActions: string[];
  AlarmActions: string[];
  InsufficientDataActions: string[];
  MetricName: string;
  Namespace: string;
  Statistic: string;
  Dimensions: Array<{ Name: string; Value: string }>;
  Period: number;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  Threshold: number;
  ComparisonOperator: string;
  TreatMissingData?: string;
  Unit?: string;
  StateValue: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  StateReason: string;
  StateReasonData?: string;
  /** epoch ms */
  stateUpdated: number;
  configUpdated: number;
}

export interface AlarmHistoryRecord {
  AlarmName: string;
  t: number;
  HistoryItemType: 'StateUpdate' | 'ConfigurationUpdate' | 'Action';
  HistorySummary: string;
  HistoryData?: string;
}

export interface TopicRecord {
  arn: string;
  kmsMasterKeyId?: string;
  displayName?: string;
  /** notifications the sandbox "delivered" (alarm actions), newest last */
  published: Array<{ t: number; subject: string; message: string }>;
}

export interface IdentityRecord {
  type: 'AssumedRole' | 'IAMUser';
  arn: string;
  principalId: string;
  userName: string;
}

export interface SandboxConfig {
  /** how long DISCONNECTING and CONNECTING last, in sandbox ms */
  disconnectMs: number;
  connectMs: number;
  /** the account-wide GetKeyLastUsage tracking start, epoch ms */
  trackingStart: number;
  /** at most this many CloudTrail events are kept (oldest dropped first) */
  eventCap: number;
  /** at most this many events are kept per log group (oldest dropped first), on top of retention */
  logEventCap: number;
  /** Logs Insights timing (logs-insights.ts): a query is Scheduled this long (real ms) ... */
  insightsScheduledMs: number;
  /** ... then Running for max(insightsMinRunMs, bytes in range / insightsScanBytesPerSec) ... */
  insightsMinRunMs: number;
  insightsScanBytesPerSec: number;
  /** ... and ends as Timeout if that would take longer than this (AWS: 60 minutes) */
  insightsTimeoutMs: number;
  /** concurrent Scheduled + Running queries before LimitExceededException (AWS: 100) */
  insightsMaxConcurrent: number;
  /** StartQuery's `limit`: default and maximum (AWS: 10,000 and 100,000; before 2025: 1,000 and 10,000) */
  insightsDefaultLimit: number;
  insightsMaxLimit: number;
  /** GetQueryResults page size when maxItems is absent, and its maximum (AWS: 10,000) */
  insightsPageSize: number;
  /**
   * AWS deletes a key "up to 24 hours" after its DeletionDate (aws-facts 3.1, 9), not at it. The
   * sandbox deletes each key at a moment drawn in [DeletionDate, DeletionDate + deletionLagMs),
   * fixed by deletionLagSeed and the key (the same seed, key and date: the same moment). 0 deletes
   * exactly at DeletionDate, for tests that need it. Default: 24 h, as AWS.
   */
  deletionLagMs: number;
  deletionLagSeed: number;
  /**
   * How long DeleteHsm's DELETE_IN_PROGRESS and DeleteCluster's DELETE_IN_PROGRESS last, in
   * sandbox ms (made up: AWS takes minutes; cloudhsm/teardown.ts). Absent in older state files:
   * the defaults below apply.
   */
  hsmDeleteMs?: number;
  clusterDeleteMs?: number;
}

export interface AccountState {
  version: number;
  accountId: string;
  region: string;
  /** sandbox time = Date.now() + clockOffsetMs */
  clockOffsetMs: number;
  config: SandboxConfig;
  nextSeq: number;
  keys: KeyRecord[];
  aliases: AliasRecord[];
  grants: GrantRecord[];
  stores: StoreRecord[];
  clusters: ClusterRecord[];
  backups: BackupRecord[];
  orphanedKeyMaterial: Record<string, OrphanRecord[]>;
  events: EventRecord[];
  trails: TrailRecord[];
  logGroups: LogGroupRecord[];
  alarms: AlarmRecord[];
  alarmHistory: AlarmHistoryRecord[];
  /** datapoints per metric, key `${namespace}\u0000${metricName}`: [epoch ms, value] */
  metrics: Record<string, Array<[number, number]>>;
  topics: TopicRecord[];
  /** identities by access key id; unknown ids get the default identity (identity.ts) */
  identities: Record<string, IdentityRecord>;
  /** callers that keep calling keys as sandbox time passes (callers.ts; absent in older files) */
  callers?: CallerRecord[];
  /** data at rest and AWS Config (data/state.ts); absent: none (state files from before issue 19) */
  data?: DataState;
  /** EC2 VPC endpoint services (ec2/endpoint-services.ts); absent in state files before issue 21 */
  vpcEndpointServices?: VpcEndpointServiceRecord[];
}

export const DEFAULT_ACCOUNT = '111122223333';
export const DEFAULT_REGION = 'us-east-1';
/** GetKeyLastUsage's TrackingStartDate for the whole sandbox account (a fixed, made-up date). */
export const DEFAULT_TRACKING_START = Date.UTC(2026, 2, 1);

export const DAY_MS = 86_400_000;
/**
 * DeleteHsm and DeleteCluster take minutes on AWS; the sandbox is quicker (made-up figures) so that
 * the demo's retire-cluster waits seconds, not minutes. `sandbox reset` state files can set them.
 */
export const DEFAULT_HSM_DELETE_MS = 20_000;
export const DEFAULT_CLUSTER_DELETE_MS = 10_000;

export function defaultConfig(): SandboxConfig {
  return {
    disconnectMs: 2_000,
    connectMs: 3_000,
    trackingStart: DEFAULT_TRACKING_START,
    eventCap: 50_000,
    ...DEFAULT_LOG_CONFIG,
    deletionLagMs: DAY_MS,
    deletionLagSeed: 1,
    hsmDeleteMs: DEFAULT_HSM_DELETE_MS,
    clusterDeleteMs: DEFAULT_CLUSTER_DELETE_MS,
  };
}

/**
 * Defaults of the log group and Logs Insights settings. The timing is made up but plausible: a
 * query over a few MB completes in about a second, as small queries do on AWS; tests set the times
 * to 0 to poll once.
 */
export const DEFAULT_LOG_CONFIG = {
  logEventCap: 200_000,
  insightsScheduledMs: 300,
  insightsMinRunMs: 700,
  insightsScanBytesPerSec: 100_000_000,
  insightsTimeoutMs: 60 * 60_000,
  insightsMaxConcurrent: 100,
  insightsDefaultLimit: 10_000,
  insightsMaxLimit: 100_000,
  insightsPageSize: 10_000,
} as const;

export function emptyState(): AccountState {
  return {
    version: STATE_VERSION,
    accountId: DEFAULT_ACCOUNT,
    region: DEFAULT_REGION,
    clockOffsetMs: 0,
    config: defaultConfig(),
    nextSeq: 1,
    keys: [],
    aliases: [],
    grants: [],
    stores: [],
    clusters: [],
    backups: [],
    orphanedKeyMaterial: {},
    events: [],
    trails: [],
    logGroups: [],
    alarms: [],
    alarmHistory: [],
    metrics: {},
    topics: [],
    identities: {},
  };
}
