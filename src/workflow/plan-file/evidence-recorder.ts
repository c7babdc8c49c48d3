/**
 * The usage verdicts a plan rests on, caught as the planner computes them: the evidence port is
 * wrapped so that every assessment it returns is also recorded. The planner is unchanged, and the
 * verdicts in the plan file are exactly the ones that decided its lines (gathering them again would
 * cost minutes of CloudTrail LookupEvents at 2 requests/s, and could disagree).
 */
import type { EvidencePort, KeyAssessment } from '../evidence-port.js';
import type { VerdictObservation } from './document.js';
import { verdictObservation } from './observations.js';
import { compareText } from '../../util/text-order.js';

export interface EvidenceRecorder {
  port: EvidencePort;
  verdicts(): VerdictObservation[];
}

const DAY_MS = 86_400_000;

export function recordingEvidence(inner: EvidencePort): EvidenceRecorder {
  const seen = new Map<string, VerdictObservation>();
  const port: EvidencePort = {
    assessKeys: async (aws, keys, opts) => {
      const out: Map<string, KeyAssessment> = await inner.assessKeys(aws, keys, opts);
      const end = opts.now ?? new Date();
      const start = new Date(end.getTime() - (opts.days ?? 90) * DAY_MS);
      for (const [keyId, a] of out) seen.set(keyId, verdictObservation(keyId, a, { start, end }));
      return out;
    },
    planAlarm: (aws, ctx) => inner.planAlarm(aws, ctx),
    alarmInPlace: (aws, ctx) => inner.alarmInPlace(aws, ctx),
  };
  return { port, verdicts: () => [...seen.values()].sort((a, b) => compareText(a.keyId, b.keyId)) };
}
