/**
 * What a plan is about: its subject (architecture.md section 3, "A plan has a subject"). The
 * subject is what the runner reads first, what the lock and the journal are keyed on
 * (~/.kscli/locks|journal/<account>-<region>-<subject id>), what the plan header and the typed
 * confirmation name, and what the operator types to confirm (its ID).
 *
 * A store is one kind (read: DescribeCustomKeyStores + its keys; ./store-subject.ts adapts the
 * store commands' PlanSpec). Any other kind (a CloudHSM cluster, a set of keys, an account) is a
 * SubjectPlanSpec whose `read` says how to read it: see ./README.md "A command with a cluster subject".
 */
import type { KeyInfo, StoreInfo } from '../../aws/ports.js';
import type { Deps } from '../../deps.js';
import type { PlannedStep } from '../plan.js';
import type { PreparedPlan } from './types.js';

/** The kinds of subject a plan can have. A new kind is added here (and its `read` in its command's spec). */
export const SUBJECT_KINDS = ['store', 'cluster', 'keys', 'account'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

interface SubjectBase {
  /** what the lock and the journal are keyed on, and what the operator types to confirm */
  id: string;
  account: string;
  region: string;
  /**
   * The words that describe it after its ID, in the plan header and the confirmation
   * (a store: "prod, AWS_CLOUDHSM, CONNECTED"; the prompt says "store <id> (<name>)").
   */
  label: string;
}

/** A custom key store, with its keys as scanned for the plan (what a store plan rests on). */
export interface StoreSubject extends SubjectBase {
  kind: 'store';
  store: StoreInfo;
  keys: KeyInfo[];
}

/** Any other subject: its facts are the command's own (the spec's `read` result). */
export interface OtherSubject extends SubjectBase {
  kind: Exclude<SubjectKind, 'store'>;
}

export type Subject = StoreSubject | OtherSubject;

/** The words after a store's ID in the plan header. */
export const storeLabel = (s: StoreInfo): string => `${s.name}, ${s.type}, ${s.connectionState}`;

/** What a subject's `read` returns: how the UI names it, and the facts the plan is made from. */
export interface SubjectRead<R> {
  /** see SubjectBase.label */
  label: string;
  /** the words of the confirmation after "<kind> <id>", e.g. "(prod)" for a store */
  promptName?: string;
  facts: R;
  /** a store subject only (./store-subject.ts): the store and its keys, for the UI and saved plans */
  store?: { store: StoreInfo; keys: KeyInfo[] };
}

/**
 * What a plan of this subject rests on, for saved plans (`--plan-out`, `kscli apply`): the
 * observations written into the plan file, and how two of them differ. `apply` prepares the plan
 * again, observes again and refuses on any line `compare` gives. A subject without an observer
 * cannot be saved (exit 2). A store's: src/workflow/plan-file/store-observer.ts; a cluster's:
 * src/workflow/cluster/observations.ts.
 */
/** What an observer may use besides the prepared plan: the AWS ports, the verdicts the planner recorded. */
export type ObserveDeps = Pick<Deps, 'aws' | 'recordedVerdicts'>;

export interface SubjectObserver<R = unknown, O = unknown> {
  /** the observations of a plan just prepared (read-only; `options` are the command's saved options) */
  observe(deps: ObserveDeps, prepared: PreparedPlan<PlannedStep, R>, options: Record<string, unknown>): Promise<O>;
  /** one line per difference, in the operator's words; empty when the world is as the plan found it */
  compare(before: O, after: O): string[];
}
