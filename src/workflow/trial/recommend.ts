/**
 * When kscli recommends a trial (issue 20: "plans and usage recommend a trial for unknown keys, and
 * for keys whose only evidence is old"). Pure.
 *
 * - `unknown`: the evidence has a gap (a source that could not be read, or a period it does not
 *   cover). A trial is how such a verdict is resolved: a clean one lets the key be scheduled
 *   without --allow-unknown-usage (evaluate.ts resolvedByTrial).
 * - `old-evidence`: the verdict is `unused`, but the key *was* used: its newest known use
 *   (GetKeyLastUsage, a CloudTrail call or failed attempt) is older than the unused period
 *   (--unused-days). "Old" means exactly that: used, but not within the period the verdict looked
 *   at. A caller with a cycle longer than the period (a quarterly job, a yearly restore) looks like
 *   this, and only a trial makes it show itself before the deletion cannot be undone.
 * Not recommended: `in-use` and `protects-data` keys (the evidence already says they are needed),
 * keys that are not Enabled (a trial disables Enabled keys only), keys already in a trial, and
 * `unused` keys with no use ever recorded over a fully covered period.
 */
import type { KeyInfo } from '../../aws/ports.js';
import type { KeyEvidence } from '../evidence/types.js';
import type { PlanItem } from '../plan.js';

export type TrialRecommendationWhy = 'unknown' | 'old-evidence';

export interface TrialRecommendation {
  why: TrialRecommendationWhy;
  /** one sentence for the plan line, the usage table and the review documents */
  reason: string;
  /** the command that starts it */
  command: string;
}

const day = (d: Date): string => d.toISOString().slice(0, 10);

/** The evidence module's shape (a unit test's stub port may hand over anything). */
function isKeyEvidence(e: unknown): e is KeyEvidence {
  const x = e as Partial<KeyEvidence> | undefined;
  return !!x && typeof x === 'object' && !!x.lastUsage && !!x.cloudTrail;
}

/** The newest use or failed attempt among the evidence, or undefined when none was ever seen. */
export function newestUse(ev: KeyEvidence): Date | undefined {
  const times: Date[] = [];
  if (ev.lastUsage.status === 'ok' && ev.lastUsage.timestamp) times.push(ev.lastUsage.timestamp);
  if (ev.cloudTrail.status === 'ok') {
    if (ev.cloudTrail.newest) times.push(ev.cloudTrail.newest.eventTime);
    for (const f of ev.cloudTrail.failedAttempts) times.push(f.eventTime);
  }
  return times.reduce<Date | undefined>((a, t) => (!a || t > a ? t : a), undefined);
}

export function recommendTrial(
  key: Pick<KeyInfo, 'keyId' | 'state' | 'customKeyStoreId'>,
  // `unknown`: the deletion steps see the evidence through a narrow port (evidence-port.ts)
  assessment: { verdict: string; evidence: unknown } | undefined,
  inTrial: boolean,
  dates: { now: Date; unusedDays?: number },
  /** the run's next-step line (Deps.nextStep): the command pastes as printed (plain `kscli ...` in unit tests) */
  step: (args: string[]) => string = (args) => ['kscli', ...args].join(' '),
): TrialRecommendation | undefined {
  if (!assessment || inTrial || key.state !== 'Enabled') return undefined;
  const command = step(['disable-keys', key.customKeyStoreId ?? '<store>', '--key', key.keyId, '--trial-days', '14']);
  if (assessment.verdict === 'unknown')
    return {
      why: 'unknown',
      reason:
        'usage unknown: a trial (disable the key, watch for failed calls, EnableKey undoes it) resolves it better than --allow-unknown-usage',
      command,
    };
  if (assessment.verdict !== 'unused') return undefined;
  const newest = isKeyEvidence(assessment.evidence) ? newestUse(assessment.evidence) : undefined;
  if (!newest) return undefined;
  const ago = Math.floor((dates.now.getTime() - newest.getTime()) / 86_400_000);
  return {
    why: 'old-evidence',
    reason: `only old evidence: last used ${day(newest)} (${ago} days ago, before the ${dates.unusedDays !== undefined ? `${dates.unusedDays}-day ` : ''}unused period); a caller with a longer cycle would fail during a trial`,
    command,
  };
}

/**
 * A schedule line with its recommendation: in `details.trialRecommended` (JSON, plan files, the
 * review document), and said in the line's reason (a blocked `unknown` line, or an `unused` one
 * whose only evidence is old). Skip lines are left as they are.
 */
export function withTrialRecommendation(item: PlanItem, rec: TrialRecommendation): PlanItem {
  if (item.status === 'skip') return item;
  const details = { ...item.details, trialRecommended: rec };
  const say = rec.why === 'unknown' ? 'or resolve it with a trial: --trial-days N' : `trial recommended: ${rec.reason}`;
  return { ...item, details, reason: `${item.reason}; ${say}` };
}
