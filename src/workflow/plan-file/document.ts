/**
 * The saved plan (issue 9, "Reviewable plans"): one versioned JSON document that a change board
 * reviews and an operator applies days later with `kscli apply FILE`. Terraform's saved plans are
 * the model (aws-facts-estate-and-scale D): the plan embeds what it was computed from, and applying
 * it is refused once that has moved. Here "what it was computed from" is `observations`: every
 * fact read from AWS that the plan's decisions rest on (key states, deletion dates, the store's
 * connection state, the usage verdicts and their evidence window, the alarm's configuration).
 *
 * The file is canonical JSON (keys sorted, two-space indent: human-diffable) with a SHA-256 digest
 * over its content (src/workflow/plan-file/seal.ts). The digest is an integrity check against
 * editing, not a signature: anyone who can run kscli can make a valid plan file, which is why
 * `apply` re-reads the world rather than trusting the file's observations.
 */
import type { ClusterObservations } from '../cluster/observations.js';
import type { PlanCost } from '../cost/plan-cost.js';
import type { SubjectKind } from '../plan-runner/subject.js';

/** Bumped when a field changes meaning; `apply` refuses versions it does not know. */
export const PLAN_SCHEMA_VERSION = 1;
/** Tells a plan file from any other JSON document (a --output json report, a journal line). */
export const PLAN_KIND = 'kscli-plan';

/**
 * A command that writes plans (`--plan-out`): which ones is said by their descriptors
 * (src/commands/catalog.ts PLAN_COMMANDS); the workflow takes the list as a parameter.
 */
export type PlanCommand = string;

export interface PlanFileCheck {
  name: string;
  ok: boolean;
  detail?: string;
  overrideFlag?: string;
  overridden?: boolean;
}

/** One line of the plan: what is acted on, how, and the checks it passed or failed. */
export interface PlanFileItem {
  target: string;
  targetKind: string;
  action: string;
  /** apply | skip | blocked: only "apply" items are ever acted on by `kscli apply` */
  status: 'apply' | 'skip' | 'blocked';
  reason: string;
  checks: PlanFileCheck[];
  /** the AWS call's parameters, as the plan will make it (e.g. {KeyId, PendingWindowInDays}) */
  params?: Record<string, unknown>;
  /** facts shown with the line: arn, state, aliases, deletionDate, verdict... */
  details?: Record<string, unknown>;
}

/** An override flag the operator passed, and who passed it (the caller that made the plan). */
export interface PlanOverride {
  flag: string;
  by: string;
}

/** The store as it was read when the plan was made. */
export interface StoreObservation {
  storeId: string;
  name: string;
  type: string;
  connectionState: string;
  connectionErrorCode?: string;
  clusterId: string | null;
  creationDate: string;
}

/** One key of the store as it was read (every key of the store, not only the planned ones). */
export interface KeyObservation {
  keyId: string;
  state: string;
  deletionDate: string | null;
  keyManager?: string;
  aliases?: string[];
}

/** A use of a key, as the evidence names it ("Decrypt 2026-12-01"). */
export interface UseObservation {
  operation: string;
  time: string;
  principal?: string;
}

/** A key's usage verdict and the evidence window it rests on. */
export interface VerdictObservation {
  keyId: string;
  verdict: 'in-use' | 'unused' | 'unknown' | 'protects-data';
  /** the verdict's one-line reason (which evidence, over which dates) */
  reason: string;
  /** CloudTrail window the verdict examined */
  window: { start: string; end: string };
  /** the newest successful cryptographic use found (GetKeyLastUsage or CloudTrail), if any */
  newestUse?: UseObservation;
  /** failed attempts in the window (a caller that still depends on the key) */
  failedAttempts: number;
  /**
   * The data at rest found under the key (issue 19): `apply` searches again, and a resource that
   * appeared since the plan is a difference. Resources as "<type> <id>[ in <account>]", sorted.
   */
  dataAtRest?: { status: 'found' | 'none-found' | 'gap' | 'off'; resources: string[]; gaps: string[] };
}

/** The pending-deletion alarm as it was read: the trail feeding it, and what exists under kscli's names. */
export interface AlarmObservation {
  /** the trail kscli would use, null when none is suitable */
  trail: string | null;
  logGroup: string | null;
  homeRegion: string | null;
  metricFilter: { filterPattern: string; metricName: string; metricNamespace: string; metricValue: string } | null;
  alarm: {
    alarmName: string;
    namespace: string;
    metricName: string;
    statistic: string;
    period: number;
    evaluationPeriods: number;
    datapointsToAlarm: number;
    threshold: number;
    comparisonOperator: string;
    treatMissingData?: string;
    alarmActions: string[];
  } | null;
}

export interface BackupObservation {
  backupId: string;
  clusterId: string | null;
  state: string;
}

/**
 * What a store plan rests on (the store's observer: ./store-observer.ts). `apply` reads the same
 * facts again and refuses on any difference. A section is absent when the command does not depend
 * on it (e.g. no alarm for cancel-deletion).
 */
export interface Observations {
  store: StoreObservation;
  /** every key of the store, sorted by keyId */
  keys: KeyObservation[];
  /** the keys whose usage was assessed (those the plan would schedule), sorted by keyId */
  verdicts?: VerdictObservation[];
  alarm?: AlarmObservation;
  /** the cluster backups (backups --delete), sorted by backupId */
  backups?: BackupObservation[];
}

/**
 * What a plan rests on, for any subject: a store's observations, or those of another kind of
 * subject, made and compared by that subject's observer (SubjectObserver, plan-runner/subject.ts;
 * a CloudHSM cluster: src/workflow/cluster/observations.ts).
 */
export type SubjectObservations = Observations | ClusterObservations;

/** A store plan's observations (a cluster plan's hold `cluster`). */
export const isStoreObservations = (o: SubjectObservations): o is Observations => 'store' in o && 'keys' in o;

/** What the plan is about, as the plan runner read it (plan-runner/subject.ts). */
export interface PlanSubject {
  kind: SubjectKind;
  id: string;
  account: string;
  region: string;
  /** the words after its ID in the plan header (a store: "prod, AWS_CLOUDHSM, CONNECTED") */
  label: string;
}

/** `O`: what the plan rests on (a store plan's: Observations); any subject's when not known. */
export interface PlanFile<O extends SubjectObservations = SubjectObservations> {
  schemaVersion: number;
  kind: typeof PLAN_KIND;
  kscliVersion: string;
  command: PlanCommand;
  subject: PlanSubject;
  /** a store plan: its store (= subject.id), as every store document names it */
  storeId?: string;
  /** the command's options, normalised (defaults filled in): `apply` plans with exactly these */
  options: Record<string, unknown>;
  /** the command line to show a reviewer (global flags that matter included) */
  commandLine: string;
  createdAt: string;
  account: string;
  region: string;
  callerArn: string;
  /** delete-store: the phase this plan covers (applying it never goes past it) */
  phase?: string;
  /** true when any item is blocked: such a plan is written for review but can never be applied */
  blocked: boolean;
  /** one line per blocked item with the flag that would override it */
  blockedReasons: string[];
  items: PlanFileItem[];
  overrides: PlanOverride[];
  warnings: string[];
  observations: O;
  /** delete-store keys-pending: when to run again (the latest deletion date + 24 h) */
  nextRunAfter?: string;
  /** issue 21: the cluster's HSMs and monthly cost when the plan was made (a CloudHSM store, a cluster) */
  cost?: PlanCost;
  /** "sha256:<hex>" over the canonical content without this field */
  digest: string;
}

/** The document before it is sealed. */
export type UnsealedPlanFile<O extends SubjectObservations = SubjectObservations> = Omit<PlanFile<O>, 'digest'>;

/** The items `apply` acts on. */
export const applyItems = (plan: Pick<PlanFile, 'items'>): PlanFileItem[] =>
  plan.items.filter((i) => i.status === 'apply');
