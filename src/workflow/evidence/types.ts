/**
 * The evidence kscli gathers about one key before it may be scheduled for deletion (issue 3), in
 * the shape `kscli usage --output json` archives: every section says whether it could be read,
 * so an audit can tell "nothing found" from "could not look".
 */
import type { KeyInfo, StoreInfo } from '../../aws/ports.js';

/**
 * ok:            the source answered
 * access-denied: the caller may not read it (an evidence gap)
 * unavailable:   the API is missing or failed after retries (an evidence gap)
 * not-asked:     not needed: the CloudTrail log group covers the whole window (issue 10), so the
 *                per-key call was not made; `error` says so. Never a gap the verdict relies on.
 */
export type SourceStatus = 'ok' | 'access-denied' | 'unavailable' | 'not-asked';

/** How kscli picks the source of the use evidence (--evidence). */
export type EvidenceMode = 'auto' | 'logs' | 'api';

/**
 * Where a key's use evidence came from:
 * api                the per-key APIs (GetKeyLastUsage, CloudTrail LookupEvents), as before issue 10
 * logs-insights      one Logs Insights query over the trail's log group, which covers the window
 * logs-insights+api  the log group for the part it covers, the per-key APIs for the rest
 */
export type EvidenceSource = 'api' | 'logs-insights' | 'logs-insights+api';

/** One stretch of the window and what searched it. */
export interface CoverageSegment {
  source: 'lookup-events' | 'logs-insights';
  start: Date;
  end: Date;
  /** logs-insights: the log group queried (name, or ARN for another account's) */
  logGroup?: string;
}

/**
 * A stretch of the window that no source searched (issue 23): `--evidence logs` where the log group
 * begins after the window's start, or anything older than both the group and LookupEvents' 90 days.
 * A key that must be covered there is `unknown`, never `unused`.
 */
export interface UncoveredSpan {
  start: Date;
  end: Date;
  /** why nothing searched it, e.g. "--evidence logs uses log group X alone, and it begins 2026-11-04 (...)" */
  reason: string;
  /** a run that would search (part of) it, e.g. "--evidence auto (adds LookupEvents for ...)" */
  remedy?: string;
}

/** The verdict the use evidence alone gives (issue 3). */
export type UseVerdict = 'in-use' | 'unused' | 'unknown';
/** The key's verdict: use, and the data at rest under it (issue 19: protects-data). */
export type Verdict = UseVerdict | 'protects-data';

/** GetKeyLastUsage: the last *successful* cryptographic use since TrackingStartDate (aws-facts 3.5). */
export interface LastUsageEvidence {
  status: SourceStatus;
  error?: string;
  keyCreationDate?: Date;
  trackingStartDate?: Date;
  operation?: string;
  timestamp?: Date;
  cloudTrailEventId?: string;
}

/** One failed cryptographic call: someone who still calls the key depends on it. */
export interface FailedAttempt {
  eventId: string;
  eventName: string;
  eventTime: Date;
  principal: string;
  errorCode?: string;
  errorMessage?: string;
}

export interface CloudTrailEventRef {
  eventId: string;
  eventName: string;
  eventTime: Date;
  principal: string;
}

/**
 * Cryptographic calls on a key during one UTC day. Only days with at least one call are listed:
 * a key silent for 90 days has an empty list, not 90 zeros (thousands of keys go into one JSON).
 */
export interface DailyCount {
  /** the UTC day, YYYY-MM-DD */
  day: string;
  /** successful cryptographic calls that day */
  succeeded: number;
  /** failed cryptographic calls that day (the caller still depends on the key) */
  failed: number;
}

/** CloudTrail event history (LookupEvents by the key's ARN) over `window`. */
export interface CloudTrailEvidence {
  status: SourceStatus;
  error?: string;
  window: { start: Date; end: Date };
  /** successful cryptographic operations by eventName */
  operations: Record<string, number>;
  /** who made the cryptographic calls (successful or failed), with counts, most active first */
  principals: Array<{ principal: string; count: number }>;
  /** the newest successful cryptographic event */
  newest?: CloudTrailEventRef;
  failedAttemptCount: number;
  /** the newest failed attempts (at most 20; failedAttemptCount has the total) */
  failedAttempts: FailedAttempt[];
  /** events that referenced the key but are not use (DescribeKey, GetKeyPolicy, kscli's own calls...) */
  ignoredEventCount: number;
  /**
   * The same calls counted per UTC day, oldest first (`kscli usage` draws its activity sparkline
   * from it). Any source of CloudTrail events fills it from the events it counted above: the
   * LookupEvents path (cloudtrail-classify.ts, summarizeKeyEvents) and a Logs Insights source over
   * the trail's log group alike (there, `stats count(*) by bin(1d)` split by errorCode gives the
   * same rows). Empty when the section's status is not ok; absent when a source cannot count per
   * day (the sparkline then says so instead of drawing silence).
   */
  daily?: DailyCount[];
  /** which searches make up `window` (absent: LookupEvents alone, as before issue 10) */
  segments?: CoverageSegment[];
  /** failed attempts by error code (Logs Insights source) */
  failedErrorCodes?: Record<string, number>;
  /** the part of the requested window before `window.start` that no source searched (issue 23) */
  uncovered?: UncoveredSpan;
}

export type PrincipalKind = 'anyone' | 'account' | 'iam' | 'service' | 'federated' | 'canonical-user';

/** A principal that the key policy allows to make cryptographic calls. */
export interface PolicyPrincipal {
  principal: string;
  kind: PrincipalKind;
  /** the policy's actions that grant cryptographic use, as written (kms:*, kms:Decrypt...) */
  actions: string[];
  /** the statement carries a Condition: IAM or the request decides whether it really applies */
  conditional: boolean;
  /** e.g. "every IAM principal of account 111122223333 whose IAM policy allows it" */
  note?: string;
}

export interface PolicyEvidence {
  status: SourceStatus;
  error?: string;
  principals: PolicyPrincipal[];
}

export interface GrantEvidenceItem {
  grantId: string;
  name?: string;
  granteePrincipal?: string;
  retiringPrincipal?: string;
  operations: string[];
  /** the grantee is an AWS service (EBS, RDS...): a service depends on the key */
  awsService: boolean;
  /** the grant's encryption-context constraints (issue 19: a service grant names its resource there) */
  constraints?: { encryptionContextSubset?: Record<string, string>; encryptionContextEquals?: Record<string, string> };
}

export interface GrantsEvidence {
  status: SourceStatus;
  error?: string;
  grants: GrantEvidenceItem[];
}

export interface AliasesEvidence {
  status: SourceStatus;
  error?: string;
  names: string[];
}

/** Everything kscli knows about one key's use; `kscli usage --output json` prints it per key. */
export interface KeyEvidence {
  keyId: string;
  arn: string;
  state: string;
  creationDate: Date;
  lastUsage: LastUsageEvidence;
  cloudTrail: CloudTrailEvidence;
  policyPrincipals: PolicyEvidence;
  grants: GrantsEvidence;
  aliases: AliasesEvidence;
  /** where the use evidence came from (absent: api) */
  source?: EvidenceSource;
}

/** The verdict on one key and the one line that says which evidence it rests on, over which dates. */
export interface VerdictResult {
  verdict: Verdict;
  reason: string;
}

/** What the alarm planner works on (issue 3, `kscli alarm`). */
export interface AlarmContext {
  store: StoreInfo;
  /** every key of the store: the trail, log group and topic must not be encrypted by one of them */
  storeKeys: KeyInfo[];
  /** the region kscli runs in (the keys' region); the alarm lives in the trail's home region */
  region: string;
  snsTopicArn?: string;
  /** use the trail that delivers to this log group */
  logGroup?: string;
  /** overwrite a filter or alarm of kscli's name whose configuration differs */
  replace?: boolean;
  /** the command that makes the alarm, with the run's context flags (StepContext.nextStep) */
  nextStep?: (args: string[]) => string;
}
