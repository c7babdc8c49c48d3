/**
 * The evidence step of the deletion workflow (issue 3): what the deletion commands call to refuse
 * keys without evidence, and to require the pending-deletion alarm. The rules live in the files
 * next to this one (one concept each); this file is the public surface.
 */
import type { AwsPorts, KeyInfo } from '../../aws/ports.js';
import type { Check, Executable } from '../plan.js';
import { alarmInPlaceImpl, planAlarmImpl } from './alarm-plan.js';
import { assessKeysImpl, type AssessOptions, type KeyAssessment } from './assess.js';
import type { AlarmContext } from './types.js';

export type { AssessOptions, KeyAssessment } from './assess.js';
export type { AlarmContext, KeyEvidence, Verdict } from './types.js';
export { REVIEW_SIGNAL_NOTE } from './verdict.js';
export { prefetchLogEvidence, type LogPrefetch } from './logs-insights-source.js';
export { LookupPrefetch } from './lookup-prefetch.js';
export { MAX_CLOUDTRAIL_DAYS, POOL_SIZES } from './gather.js';

/**
 * Gathers the evidence of every key (paced, concurrently) and turns each verdict into the
 * 'usage-verdict' check, keyed by keyId: in-use blocks unless --allow-in-use, unknown unless
 * --allow-unknown-usage. An overridden check stays ok:false with overridden:true.
 */
export async function assessKeys(
  aws: AwsPorts,
  keys: KeyInfo[],
  opts: AssessOptions,
): Promise<Map<string, KeyAssessment>> {
  return assessKeysImpl(aws, keys, opts);
}

/**
 * The metric filter and alarm items of `kscli alarm` (and of delete-store's alarm step): apply when
 * absent, skip "already in place" when identical, blocked with what to fix otherwise.
 */
export async function planAlarm(aws: AwsPorts, ctx: AlarmContext): Promise<Executable[]> {
  return planAlarmImpl(aws, ctx);
}

/** Check 'alarm-in-place' (override '--no-alarm'): the filter and alarm exist as kscli would create them. */
export async function alarmInPlace(aws: AwsPorts, ctx: AlarmContext): Promise<Check> {
  return alarmInPlaceImpl(aws, ctx);
}
