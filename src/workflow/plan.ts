/**
 * The plan every mutating command prints before it acts (architecture.md section 3, "Plan, then
 * apply"; "Every key gets a line"): a planner (workflow/<step>.ts) answers a PlannedStep, whose
 * executables each hold one PlanItem and the code that acts on it. Rendering the items is the dry
 * run (ui/render/plan.ts); the plan runner (workflow/plan-runner/) applies them.
 */

/** One precondition that was evaluated for a target. */
export interface Check {
  /** stable id, e.g. "key-in-store", "store-connected", "usage-verdict", "alarm-in-place" */
  name: string;
  ok: boolean;
  /** why it failed (or a note when it passed), one line for the operator */
  detail?: string;
  /** the flag that overrides this check when it fails, e.g. "--allow-disconnected" */
  overrideFlag?: string;
  /** true when the check failed but the operator passed its override flag (recorded in the journal) */
  overridden?: boolean;
}

/**
 * apply:   the action will be performed
 * skip:    nothing to do for this target, with the reason (e.g. "already PendingDeletion"); not an error
 * blocked: a precondition failed; a plan with any blocked item is applied not at all (exit 3)
 */
export type ItemStatus = 'apply' | 'skip' | 'blocked';

export interface PlanItem {
  /** what is acted on: a key ID, a store ID, an alarm name, a backup ID */
  target: string;
  targetKind: 'key' | 'store' | 'alarm' | 'metric-filter' | 'backup' | 'hsm' | 'cluster';
  /** the AWS operation or kscli step, e.g. "ScheduleKeyDeletion", "DisconnectCustomKeyStore", "PutMetricAlarm" */
  action: string;
  status: ItemStatus;
  /** one line: what will happen, or why it is skipped or blocked */
  reason: string;
  checks: Check[];
  /** extra facts shown in the plan and the JSON (key ARN, state, aliases, deletion date, ...) */
  details?: Record<string, unknown>;
}

/**
 * A plan item with the code that acts on it. Planners return these; the apply engine
 * (src/workflow/plan-runner/apply-items.ts) walks them: for each item still `apply`, it calls `recheck` right before
 * the mutating call (the world may have changed since the plan), records the call and its outcome in
 * the journal, then calls `apply`.
 */
export interface Executable {
  item: PlanItem;
  /** re-reads the target from AWS and re-evaluates the checks; the returned item may now be skip or blocked */
  recheck?: () => Promise<PlanItem>;
  /** performs the mutating call(s); returns facts for the journal and the JSON result (e.g. deletionDate) */
  apply: () => Promise<Record<string, unknown>>;
}

/** A planner's answer: what to show, and the code that acts on each item. */
export interface PlannedStep {
  /** shown above the plan (Security Hub KMS.3 finding, XKS notes, ...) */
  warnings: string[];
  /** override flags the operator passed that changed an outcome, e.g. ["--allow-disconnected"] */
  overrides: string[];
  executables: Executable[];
}
