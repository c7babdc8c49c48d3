/**
 * The trial's four sabotages (issue 20), one per invariant of helpers/trial-judge.ts, slipped in by
 * a test file's `vi.mock` of src/workflow/trial/evaluate.js and state.js (the factories below), active
 * only while `trialSabotage[x]` is on. Shared by trial-invariants.test.ts and
 * trial-schedules.property.test.ts, so both show the same bugs caught.
 */
import type * as Evaluate from '../../../src/workflow/trial/evaluate.js';
import type * as State from '../../../src/workflow/trial/state.js';

export const trialSabotage = { t1: false, t2: false, t3: false, t4: false };

export function sabotagedEvaluate(orig: typeof Evaluate): typeof Evaluate {
  return {
    ...orig,
    // T1: every key counts as cut short with --end-trial
    endTrialIds: (refs, keys, aliases) =>
      trialSabotage.t1 ? new Set(keys.map((k) => k.keyId)) : orig.endTrialIds(refs, keys, aliases),
    // T2: every Disabled key counts as named
    evaluateEnable: (key, trial, named, connected, aliases) =>
      orig.evaluateEnable(key, trial, trialSabotage.t2 || named, connected, aliases),
    // T4: every run counts as --allow-in-use (a key in use is disabled)
    withUseVerdict: (item, assessment, allowInUse) =>
      orig.withUseVerdict(item, assessment, trialSabotage.t4 || allowInUse),
    // T3: a trial with failed calls reads as a clean one
    evaluateTrialGate: (trial, now, endEarly) =>
      orig.evaluateTrialGate(
        trialSabotage.t3 && trial?.phase === 'failed' ? { ...trial, phase: 'ended', failures: [] } : trial,
        now,
        endEarly,
      ),
  };
}

export function sabotagedState(orig: typeof State): typeof State {
  return {
    ...orig,
    // T3 (the trial phase step too): failures are not looked at
    readTrials: async (...a: Parameters<typeof orig.readTrials>) => {
      const r = await orig.readTrials(...a);
      if (trialSabotage.t3)
        for (const [k, t] of r.reports)
          if (t.phase === 'failed') r.reports.set(k, { ...t, phase: 'ended', failures: [] });
      return r;
    },
  };
}
