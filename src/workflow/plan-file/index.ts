/**
 * Saved plans (issue 9): the document, its canonical form and digest, reading and verifying it,
 * whether it may be applied, the observations it rests on and how they are compared on apply.
 */
export * from './document.js';
export { canonicalJson, canonicalValue, sha256Hex } from './canonical.js';
export { computeDigest, sealPlan, serializePlan, shortDigest, DIGEST_PREFIX } from './seal.js';
export { parsePlanFile, planShapeProblem, readPlanFile } from './read.js';
export {
  admissionProblems,
  formatAge,
  parseMaxAge,
  principalOf,
  type ApplyingIdentity,
  type AdmissionOptions,
} from './admission.js';
export {
  buildObservations,
  readAlarmObservation,
  restsOnAlarm,
  storeObservation,
  keyObservations,
  verdictObservation,
} from './observations.js';
export { recordingEvidence, type EvidenceRecorder } from './evidence-recorder.js';
export {
  compareAlarm,
  compareBackups,
  compareItems,
  compareKeys,
  compareObservations,
  compareVerdicts,
  planDifferences,
} from './compare.js';
export {
  aliasesFromItems,
  blockedReasons,
  buildPlanFile,
  observationsOf,
  planDocument,
  type PlanHead,
  planFileItem,
  type PlanInputs,
} from './build.js';
export { writePlanFile } from './write.js';
export { observerOf, planFileFrom, planSubjectOf, restrictToPlan, staleness, type SaveInputs } from './basis.js';
export { alarmObservationFor, storeObserver } from './store-observer.js';
