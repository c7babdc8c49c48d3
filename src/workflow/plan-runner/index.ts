/**
 * The plan runner (plan -> guard -> confirm -> lock -> journal -> apply), one module for every
 * mutating command. `runPlan` runs the whole sequence; its steps are exported for callers that
 * need them apart (a saved plan, issue 9: compute and stop; re-check and apply exactly its items).
 */
export { runPlan, outcomeOf } from './run-plan.js';
export { preparePlan, subjectSpecOf, type SubjectGone } from './prepare.js';
export { checkExpectedAccount } from './account-guard.js';
export { storeSubjectSpec, type StoreFacts } from './store-subject.js';
export {
  SUBJECT_KINDS,
  storeLabel,
  type Subject,
  type SubjectKind,
  type SubjectObserver,
  type SubjectRead,
  type StoreSubject,
} from './subject.js';
export { guardPlan, confirmPlan, NON_MUTATING_ACTIONS, type PlanDecision, type Confirmation } from './guard.js';
export { applyPrepared, type Applied } from './execute.js';
export {
  applyPlan,
  describeError,
  jsonSafe,
  type ApplyOptions,
  type ApplyReport,
  type ItemOutcome,
  type ItemResult,
} from './apply-items.js';
export type {
  AnyPlanSpec,
  Finish,
  Halted,
  SubjectPlanSpec,
  InterruptFlag,
  OutcomeKind,
  PlanOutcome,
  PlanSpec,
  PreparedPlan,
  RunPlanHooks,
  RunPlanOptions,
} from './types.js';
