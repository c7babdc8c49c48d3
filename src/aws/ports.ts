/**
 * What kscli needs from AWS, in kscli's own types (architecture.md section 3, "Ports, not SDK
 * shapes"). The workflow depends only on these interfaces; src/aws/adapters implement them with
 * the AWS SDK v3 (pagination, retries, pacing under each API's quota, error mapping), and unit tests
 * implement them with in-memory fakes.
 *
 * Error contract for every method:
 * - credentials missing/expired/invalid, AccessDenied*  -> KscliError(ExitCode.Credentials)
 * - network failures after retries, 5xx after retries     -> KscliError(ExitCode.Failure)
 * - "not found" that is an expected answer                -> the method returns null (documented below)
 * - any other AWS error                                   -> AwsCallError(operation, code, message)
 *   (the workflow decides what e.g. KMSInvalidStateException means in its context)
 * Throttling is never surfaced: adapters pace under the quota and retry with back-off.
 */
import type { PortOf, ServiceKey } from './services.js';
import type { DataResource } from './data-ports.js';

export type KeyState =
  | 'Creating'
  | 'Enabled'
  | 'Disabled'
  | 'PendingDeletion'
  | 'PendingImport'
  | 'PendingReplicaDeletion'
  | 'Unavailable'
  | 'Updating';

export type ConnectionState = 'CONNECTED' | 'CONNECTING' | 'FAILED' | 'DISCONNECTED' | 'DISCONNECTING';
export type StoreType = 'AWS_CLOUDHSM' | 'EXTERNAL_KEY_STORE';

/** One custom key store (DescribeCustomKeyStores entry). */
export interface StoreInfo {
  id: string;
  name: string;
  type: StoreType;
  connectionState: ConnectionState;
  /** only when connectionState is FAILED */
  connectionErrorCode?: string;
  /** AWS_CLOUDHSM stores only */
  clusterId?: string;
  creationDate: Date;
  /** EXTERNAL_KEY_STORE stores only: where the store's XKS proxy is (XksProxyConfiguration) */
  xksProxy?: XksProxyInfo;
}

export interface XksProxyInfo {
  /** PUBLIC_ENDPOINT | VPC_ENDPOINT_SERVICE */
  connectivity: string;
  uriEndpoint?: string;
  uriPath?: string;
  vpcEndpointServiceName?: string;
}

/** One KMS key (DescribeKey KeyMetadata), reduced to what kscli uses. */
export interface KeyInfo {
  keyId: string;
  arn: string;
  accountId: string;
  state: KeyState;
  keyManager: 'AWS' | 'CUSTOMER';
  /** AWS_KMS | EXTERNAL | AWS_CLOUDHSM | EXTERNAL_KEY_STORE */
  origin: string;
  customKeyStoreId?: string;
  /** CloudHSM-store keys: the cluster that holds the material */
  cloudHsmClusterId?: string;
  /** external-store keys: the external key ID */
  xksKeyId?: string;
  creationDate: Date;
  /** only when state is PendingDeletion */
  deletionDate?: Date;
  description?: string;
}

export interface AliasInfo {
  aliasName: string;
  aliasArn: string;
  targetKeyId?: string;
}

export interface GrantInfo {
  grantId: string;
  name?: string;
  granteePrincipal?: string;
  retiringPrincipal?: string;
  operations: string[];
  creationDate?: Date;
  /** the grant's encryption-context constraints: a service grant names its resource there (aws:ebs:id...) */
  constraints?: GrantConstraints;
}

export interface GrantConstraints {
  encryptionContextSubset?: Record<string, string>;
  encryptionContextEquals?: Record<string, string>;
}

/** GetKeyLastUsage (2026 API). `lastUsage` absent means no successful use since trackingStartDate. */
export interface LastUsageInfo {
  keyId: string;
  keyCreationDate?: Date;
  trackingStartDate?: Date;
  lastUsage?: { operation: string; timestamp: Date; cloudTrailEventId?: string; kmsRequestId?: string };
}

export interface ScheduleResult {
  keyArn: string;
  deletionDate: Date;
  keyState: KeyState;
  pendingWindowInDays: number;
}

/** Progress callback for long scans: `done` items so far, `total` when known. */
export type Progress = (done: number, total?: number) => void;

export interface KmsPort {
  /** Every custom key store in the region (paged). */
  describeStores(): Promise<StoreInfo[]>;
  /** One store, or null when DescribeCustomKeyStores answers CustomKeyStoreNotFoundException. */
  describeStore(storeId: string): Promise<StoreInfo | null>;
  /**
   * Pages ListKeys and streams each page into concurrent DescribeKey calls paced under the
   * DescribeKey quota; keeps only the keys for which `keep` returns true (memory does not grow with
   * keys outside the selection). A key listed but gone by DescribeKey time (NotFoundException) is
   * skipped: ListKeys can briefly list deleted keys.
   */
  scanKeys(keep: (key: KeyInfo) => boolean, onProgress?: Progress): Promise<KeyInfo[]>;
  /** DescribeKey by key ID, key ARN, alias name or alias ARN; null on NotFoundException. */
  describeKey(keyIdOrArnOrAlias: string): Promise<KeyInfo | null>;
  /** Every alias in the region (paged ListAliases without KeyId), for mapping to keys. */
  listAliases(): Promise<AliasInfo[]>;
  /** Aliases of one key (ListAliases with KeyId). */
  listKeyAliases(keyId: string): Promise<AliasInfo[]>;
  /** GetKeyPolicy (policy name "default"): the policy JSON text. */
  getKeyPolicy(keyId: string): Promise<string>;
  /** ListGrants, all pages. */
  listGrants(keyId: string): Promise<GrantInfo[]>;
  /** GetKeyLastUsage, paced under its 5/s quota. */
  getKeyLastUsage(keyId: string): Promise<LastUsageInfo>;
  /** ScheduleKeyDeletion with a key ID or ARN (never an alias: AWS refuses them). */
  scheduleKeyDeletion(keyId: string, pendingWindowInDays: number): Promise<ScheduleResult>;
  /** CancelKeyDeletion; AWS leaves the key Disabled. */
  cancelKeyDeletion(keyId: string): Promise<void>;
  enableKey(keyId: string): Promise<void>;
  disableKey(keyId: string): Promise<void>;
  /** ListResourceTags, all pages (works in every key state, aws-facts 1.2). */
  listResourceTags(keyId: string): Promise<Record<string, string>>;
  /** TagResource (fails once the key is PendingDeletion, aws-facts 1.2). */
  tagResource(keyId: string, tags: Record<string, string>): Promise<void>;
  /** UntagResource (fails once the key is PendingDeletion). */
  untagResource(keyId: string, tagKeys: string[]): Promise<void>;
  connectStore(storeId: string): Promise<void>;
  disconnectStore(storeId: string): Promise<void>;
  deleteStore(storeId: string): Promise<void>;
}

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

export interface StsPort {
  getCallerIdentity(): Promise<CallerIdentity>;
  /** STS AssumeRole (aws-facts-estate-and-scale.md B2): credentials in another account. */
  assumeRole(request: AssumeRoleRequest): Promise<AssumedCredentials>;
}

export interface AssumeRoleRequest {
  roleArn: string;
  /** 2-64 characters of [\w+=,.@-]: visible in the role owner's CloudTrail */
  sessionName: string;
  durationSeconds: number;
  externalId?: string;
}

/** Temporary credentials, in the shape the SDK's credential providers return. */
export interface AssumedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** One CloudTrail event (LookupEvents), with the parsed CloudTrailEvent JSON. */
export interface TrailEvent {
  eventId: string;
  eventName: string;
  eventTime: Date;
  eventSource: string;
  readOnly?: boolean;
  username?: string;
  /** the parsed `CloudTrailEvent` string */
  detail: TrailEventDetail;
}

/**
 * The fields of a CloudTrail record (the `CloudTrailEvent` JSON) that kscli reads; the others are
 * kept, unread. AWS's record contents page documents them; none is guaranteed present.
 */
export interface TrailEventDetail {
  eventSource?: string;
  errorCode?: string;
  errorMessage?: string;
  resources?: Array<{ ARN?: string; accountId?: string; type?: string }>;
  userIdentity?: {
    type?: string;
    arn?: string;
    accountId?: string;
    invokedBy?: string;
    sessionContext?: { sessionIssuer?: { arn?: string } };
  };
  additionalEventData?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface LookupQuery {
  attributeKey:
    'EventId' | 'EventName' | 'ReadOnly' | 'Username' | 'ResourceType' | 'ResourceName' | 'EventSource' | 'AccessKeyId';
  attributeValue: string;
  startTime?: Date;
  endTime?: Date;
}

export interface TrailInfo {
  name: string;
  arn: string;
  homeRegion: string;
  isMultiRegionTrail: boolean;
  /** an organization trail: it records every member account into one log group of the management account */
  isOrganizationTrail?: boolean;
  cloudWatchLogsLogGroupArn?: string;
  kmsKeyId?: string;
  hasCustomEventSelectors?: boolean;
}

export interface TrailStatus {
  isLogging: boolean;
  latestCloudWatchLogsDeliveryError?: string;
  /** when logging last started (GetTrailStatus StartLoggingTime): the trail records nothing before it */
  startLoggingTime?: Date;
  /** the last delivery to CloudWatch Logs */
  latestCloudWatchLogsDeliveryTime?: Date;
}

export interface EventSelectors {
  eventSelectors?: Array<{
    readWriteType?: 'ReadOnly' | 'WriteOnly' | 'All';
    includeManagementEvents?: boolean;
    excludeManagementEventSources?: string[];
  }>;
  advancedEventSelectors?: Array<{
    name?: string;
    fieldSelectors: Array<{
      field: string;
      equals?: string[];
      notEquals?: string[];
      startsWith?: string[];
      notStartsWith?: string[];
      endsWith?: string[];
      notEndsWith?: string[];
    }>;
  }>;
}

export interface CloudTrailPort {
  /** LookupEvents, all pages, paced under the 2/s quota (shared by every call on this port). */
  lookupEvents(query: LookupQuery, onPage?: (eventsSoFar: number) => void): Promise<TrailEvent[]>;
  describeTrails(): Promise<TrailInfo[]>;
  getTrailStatus(trailArn: string): Promise<TrailStatus>;
  getEventSelectors(trailArn: string): Promise<EventSelectors>;
}

export interface LogGroupInfo {
  name: string;
  arn: string;
  kmsKeyId?: string;
  /** STANDARD | INFREQUENT_ACCESS | DELIVERY; metric filters work only on STANDARD */
  logGroupClass?: string;
  /** days the group keeps events; absent = never expire */
  retentionInDays?: number;
  /** when the group was created: it holds nothing older */
  creationTime?: Date;
  storedBytes?: number;
}

/** StartQuery (Logs Insights QL). Times are inclusive and sent as epoch seconds. */
export interface LogsQueryRequest {
  /** log group names or ARNs (ARNs for a group of another account seen from a monitoring account) */
  logGroupIdentifiers: string[];
  startTime: Date;
  endTime: Date;
  queryString: string;
  /** result rows, 1..10,000 (AWS's default 10,000; the newer 100,000 maximum needs paging) */
  limit?: number;
}

export type LogsQueryStatus = 'Scheduled' | 'Running' | 'Complete' | 'Failed' | 'Cancelled' | 'Timeout' | 'Unknown';

export interface LogsQueryStatistics {
  recordsMatched: number;
  recordsScanned: number;
  bytesScanned: number;
}

/** GetQueryResults: while Scheduled or Running the rows are partial; every page once Complete. */
export interface LogsQueryResults {
  status: LogsQueryStatus;
  /** one object per row, field -> value (strings, as AWS returns them); @ptr dropped */
  rows: Array<Record<string, string>>;
  statistics: LogsQueryStatistics;
}

export interface MetricFilterSpec {
  logGroupName: string;
  filterName: string;
  filterPattern: string;
  metricName: string;
  metricNamespace: string;
  metricValue: string;
}

export interface LogsPort {
  /** one log group by exact name, or null; `accountId` names another account's group (monitoring account) */
  describeLogGroup(name: string, accountId?: string): Promise<LogGroupInfo | null>;
  /**
   * The oldest first-event time among the group's log streams whose name starts with `streamPrefix`
   * (all streams when omitted), or null when there is none (DescribeLogStreams, all pages).
   */
  oldestStreamEvent(logGroupIdentifier: string, streamPrefix?: string): Promise<Date | null>;
  /** StartQuery: the query ID */
  startQuery(request: LogsQueryRequest): Promise<string>;
  /** GetQueryResults; once the query is Complete, every page of rows */
  getQueryResults(queryId: string): Promise<LogsQueryResults>;
  /** StopQuery; false when the query had already ended */
  stopQuery(queryId: string): Promise<boolean>;
  /** metric filters of the group whose name starts with the prefix (all when omitted) */
  describeMetricFilters(logGroupName: string, filterNamePrefix?: string): Promise<MetricFilterSpec[]>;
  putMetricFilter(spec: MetricFilterSpec): Promise<void>;
  deleteMetricFilter(logGroupName: string, filterName: string): Promise<void>;
  /** DescribeLogGroups, all pages: the groups encrypted with a KMS key (issue 19, data at rest) */
  encryptedLogGroups(): Promise<DataResource[]>;
}

export interface AlarmSpec {
  alarmName: string;
  alarmDescription?: string;
  namespace: string;
  metricName: string;
  statistic: 'Sum' | 'Average' | 'Minimum' | 'Maximum' | 'SampleCount';
  period: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparisonOperator: string;
  treatMissingData: 'breaching' | 'notBreaching' | 'ignore' | 'missing';
  alarmActions: string[];
}

export interface AlarmInfo extends AlarmSpec {
  stateValue: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  stateReason?: string;
}

export interface CloudWatchPort {
  /** one alarm by exact name, or null */
  describeAlarm(alarmName: string): Promise<AlarmInfo | null>;
  putMetricAlarm(spec: AlarmSpec): Promise<void>;
  deleteAlarms(alarmNames: string[]): Promise<void>;
}

export interface TopicInfo {
  topicArn: string;
  /** the topic's KmsMasterKeyId attribute, when encrypted */
  kmsMasterKeyId?: string;
}

export interface SnsPort {
  /** GetTopicAttributes; null on NotFound */
  getTopic(topicArn: string): Promise<TopicInfo | null>;
}

export interface HsmInfo {
  hsmId: string;
  /** CREATE_IN_PROGRESS, ACTIVE, DEGRADED, DELETE_IN_PROGRESS, DELETED */
  state: string;
  availabilityZone?: string;
  eniIp?: string;
}

export interface ClusterInfo {
  clusterId: string;
  state: string;
  hsmCount: number;
  activeHsmCount: number;
  /** every HSM, whatever its state (each bills by the hour until it is gone) */
  hsms: HsmInfo[];
  /** BackupRetentionPolicy (Type DAYS): 7-379 days */
  backupRetentionDays?: number;
  sourceBackupId?: string;
  createTimestamp?: Date;
}

export interface BackupInfo {
  backupId: string;
  backupArn?: string;
  state: 'CREATE_IN_PROGRESS' | 'READY' | 'DELETED' | 'PENDING_DELETION';
  clusterId?: string;
  createTimestamp?: Date;
  deleteTimestamp?: Date;
  neverExpires?: boolean;
  sourceRegion?: string;
  sourceBackup?: string;
  sourceCluster?: string;
  /** the Region the backup is in, when kscli read it in another Region than the run's (a copy) */
  region?: string;
}

export interface CloudHsmPort {
  /** DescribeClusters filtered by id; null when the cluster does not exist */
  describeCluster(clusterId: string): Promise<ClusterInfo | null>;
  /** every cluster created from one of these backups (Cluster.SourceBackupId) */
  describeClustersFromBackups(backupIds: string[]): Promise<ClusterInfo[]>;
  /** DescribeBackups filtered by cluster ids, all pages */
  describeBackups(clusterIds: string[]): Promise<BackupInfo[]>;
  /** DescribeBackups filtered by sourceBackupIds: this Region's copies of those backups (CopyBackupToRegion) */
  describeBackupCopies(sourceBackupIds: string[]): Promise<BackupInfo[]>;
  /** DeleteBackup: the backup goes to PENDING_DELETION for 7 days */
  deleteBackup(backupId: string): Promise<BackupInfo>;
  /** every cluster of the Region (DescribeClusters, all pages), DELETED ones left out */
  listClusters(): Promise<ClusterInfo[]>;
  /** DeleteHsm: the HSM goes DELETE_IN_PROGRESS, then disappears; returns its id */
  deleteHsm(clusterId: string, hsmId: string): Promise<string>;
  /** DeleteCluster: refused while the cluster has HSMs; answers the cluster DELETE_IN_PROGRESS */
  deleteCluster(clusterId: string): Promise<ClusterInfo>;
}

/** One on-demand HSM-hour price from the AWS Price List. */
export interface HsmHourlyPrice {
  region: string;
  usdPerHour: number;
  /** the price document's publicationDate / effectiveDate, when given */
  effectiveDate?: string;
  usageType?: string;
}

export interface PricingPort {
  /**
   * The CloudHSM (v2) on-demand price per HSM-hour in a Region (GetProducts, service code
   * CloudHSM); null when the price list holds none for the Region.
   */
  cloudHsmHourlyPrice(region: string): Promise<HsmHourlyPrice | null>;
}

/**
 * All ports of one account: one accessor per entry of the service table (services.ts), taking the
 * Region (default: the home Region). The alarm lives in the trail's home Region, hence
 * `logs(region)`, `cloudwatch(region)` and `sns(region)`. Every accessor is lazy: nothing loads the
 * SDK until a port is first used.
 */
export type AwsPorts = { readonly region: string } & { readonly [K in ServiceKey]: (region?: string) => PortOf<K> };

/** Options the adapters are built from (global CLI options, resolved). */
export interface AwsConfig {
  region: string;
  profile?: string;
  /** one endpoint for every service (the sandbox, LocalStack...), from --endpoint-url or AWS_ENDPOINT_URL */
  endpointUrl?: string;
  /** per-service endpoint overrides from AWS_ENDPOINT_URL_<SERVICE> (key: the service table's) */
  serviceEndpoints?: Partial<Record<ServiceKey, string>>;
  /** override requests per second for paced operations, e.g. { DescribeKey: 500 } (--max-rps) */
  maxRps?: Record<string, number>;
  /** SDK max attempts per call (default 5) */
  maxAttempts?: number;
  /** --debug: log each AWS call (operation, status, duration; never credentials) to this sink */
  debugLog?: (line: string) => void;
  /**
   * Static credentials that replace the SDK's default chain (--sandbox: the sandbox accepts any
   * signature, and a machine without AWS credentials must still be able to rehearse).
   */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}
