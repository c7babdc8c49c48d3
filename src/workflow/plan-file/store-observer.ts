/**
 * A store plan's observer (plan-runner/subject.ts SubjectObserver): what a plan about a custom key
 * store rests on (the store, every key with its aliases, the usage verdicts the planner computed,
 * the pending-deletion alarm when a line rests on it) and how two of them differ (./compare.ts).
 */
import type { AwsPorts, KeyInfo } from '../../aws/ports.js';
import type { AlarmContext } from '../evidence/types.js';
import { aliasesByKey } from '../key-selection.js';
import type { PlannedStep } from '../plan.js';
import type { SubjectObserver } from '../plan-runner/subject.js';
import type { StoreFacts } from '../plan-runner/store-subject.js';
import { observationsOf } from './build.js';
import { compareObservations } from './compare.js';
import type { AlarmObservation, Observations } from './document.js';
import { readAlarmObservation, restsOnAlarm } from './observations.js';

/** The alarm options of the command (--sns-topic-arn, --log-group): the alarm is read as the command reads it. */
function alarmOptionsOf(options: Record<string, unknown>): Pick<AlarmContext, 'snsTopicArn' | 'logGroup'> {
  const ev = (options.evidence ?? options) as Record<string, unknown>;
  return {
    ...(typeof ev.snsTopicArn === 'string' ? { snsTopicArn: ev.snsTopicArn } : {}),
    ...(typeof ev.logGroup === 'string' ? { logGroup: ev.logGroup } : {}),
  };
}

/** Reads the alarm when the plan rests on it (an alarm or metric-filter line that --no-alarm did not waive). */
export async function alarmObservationFor(
  aws: AwsPorts,
  region: string,
  facts: StoreFacts,
  planned: PlannedStep,
  options: Record<string, unknown>,
): Promise<AlarmObservation | undefined> {
  if (!restsOnAlarm(planned.executables.map((e) => e.item))) return undefined;
  return readAlarmObservation(aws, { store: facts.store, storeKeys: facts.keys, region, ...alarmOptionsOf(options) });
}

/**
 * Every key's aliases: the reviewer identifies keys by them, so an alias moved to another key
 * since the plan is a difference (one ListAliases, paged).
 */
async function storeAliases(aws: AwsPorts, keys: KeyInfo[]): Promise<Map<string, string[]>> {
  const ids = new Set(keys.map((k) => k.keyId));
  const all = await aliasesByKey(aws);
  return new Map([...all].filter(([id]) => ids.has(id)));
}

export const storeObserver: SubjectObserver<StoreFacts, Observations> = {
  async observe(deps, prepared, options) {
    const { facts, planned } = prepared;
    const alarm = await alarmObservationFor(deps.aws, prepared.ctx.region, facts, planned, options);
    const aliases = await storeAliases(deps.aws, facts.keys);
    return observationsOf({ ...facts, planned, verdicts: deps.recordedVerdicts(), alarm, aliases });
  },
  compare: (before, after) => compareObservations(before, after),
};
