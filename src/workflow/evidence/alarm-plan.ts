/**
 * `kscli alarm` as plan items (issue 3): the metric filter, then the alarm, each idempotent:
 * absent -> create; identical -> skip "already in place"; different -> blocked unless --replace
 * (PutMetricFilter and PutMetricAlarm overwrite a same-named resource whole, aws-facts 4.2).
 * Any blocker of the survey (no suitable trail, missing topic, self-encryption) blocks both.
 */
import { stepCommand } from '../context.js';
import type { AwsPorts } from '../../aws/ports.js';
import type { Check, Executable, PlanItem } from '../plan.js';
import {
  ALARM_NAME,
  alarmDifferences,
  alarmSpec,
  FILTER_NAME,
  FILTER_PATTERN,
  filterDifferences,
  METRIC_NAME,
  METRIC_NAMESPACE,
  metricFilterSpec,
} from './alarm-spec.js';
import { surveyAlarm, type AlarmSurvey } from './alarm-survey.js';
import type { AlarmContext } from './types.js';

function commonChecks(s: AlarmSurvey, ctx: AlarmContext): Check[] {
  const checks: Check[] = [];
  checks.push(
    s.chosen
      ? {
          name: 'trail-suitable',
          ok: true,
          detail: `trail ${s.chosen.facts.trail.name} (home ${s.chosen.homeRegion}) logs KMS events to ${s.chosen.logGroupName}`,
        }
      : { name: 'trail-suitable', ok: false, detail: s.blockers[0] },
  );
  if (ctx.snsTopicArn) {
    const problem = s.blockers.find((b) => b.includes(ctx.snsTopicArn!));
    checks.push(
      s.topic
        ? { name: 'sns-topic-exists', ok: true }
        : { name: 'sns-topic-exists', ok: false, detail: problem ?? 'not checked: no suitable trail' },
    );
  }
  if (s.chosen) {
    checks.push(
      s.selfEncryption.length
        ? { name: 'no-self-encryption', ok: false, detail: s.selfEncryption.join('; ') }
        : { name: 'no-self-encryption', ok: true },
    );
  }
  return checks;
}

function sameConfigCheck(diffs: string[], replace: boolean): Check {
  if (diffs.length === 0) return { name: 'same-configuration', ok: true };
  return {
    name: 'same-configuration',
    ok: false,
    detail: diffs.join('; '),
    overrideFlag: '--replace',
    ...(replace ? { overridden: true } : {}),
  };
}

function filterItem(s: AlarmSurvey, ctx: AlarmContext): PlanItem {
  const base = { target: FILTER_NAME, targetKind: 'metric-filter' as const, action: 'PutMetricFilter' };
  const checks = commonChecks(s, ctx);
  const details: Record<string, unknown> = {
    filterPattern: FILTER_PATTERN,
    metric: `${METRIC_NAMESPACE}/${METRIC_NAME}`,
  };
  if (!s.chosen || s.blockers.length)
    return { ...base, status: 'blocked', reason: s.blockers.join('; '), checks, details };
  Object.assign(details, {
    logGroup: s.chosen.logGroupName,
    region: s.chosen.homeRegion,
    trail: s.chosen.facts.trail.name,
  });
  const wanted = metricFilterSpec(s.chosen.logGroupName);
  if (!s.existingFilter)
    return {
      ...base,
      status: 'apply',
      reason: `create metric filter on log group ${s.chosen.logGroupName} (${s.chosen.homeRegion})`,
      checks,
      details,
    };
  const diffs = filterDifferences(s.existingFilter, wanted);
  checks.push(sameConfigCheck(diffs, Boolean(ctx.replace)));
  if (diffs.length === 0)
    return {
      ...base,
      status: 'skip',
      reason: `already in place on log group ${s.chosen.logGroupName} (${s.chosen.homeRegion})`,
      checks,
      details,
    };
  if (ctx.replace)
    return {
      ...base,
      status: 'apply',
      reason: `replace the metric filter on ${s.chosen.logGroupName}: ${diffs.join('; ')}`,
      checks,
      details,
    };
  return {
    ...base,
    status: 'blocked',
    reason: `a metric filter ${FILTER_NAME} with a different configuration exists on ${s.chosen.logGroupName} (${diffs.join('; ')}): run with --replace to overwrite it`,
    checks,
    details,
  };
}

/** The actions the alarm should have: the named topic, else whatever the existing alarm notifies. */
function wantedActions(s: AlarmSurvey, ctx: AlarmContext): string[] {
  return ctx.snsTopicArn ? [ctx.snsTopicArn] : (s.existingAlarm?.alarmActions ?? []);
}

function alarmItem(s: AlarmSurvey, ctx: AlarmContext): PlanItem {
  const base = { target: ALARM_NAME, targetKind: 'alarm' as const, action: 'PutMetricAlarm' };
  const checks = commonChecks(s, ctx);
  const details: Record<string, unknown> = {
    metric: `${METRIC_NAMESPACE}/${METRIC_NAME}`,
    condition: 'Sum over 300 s >= 1 in 1 datapoint, missing data not breaching',
  };
  if (!s.chosen || s.blockers.length)
    return { ...base, status: 'blocked', reason: s.blockers.join('; '), checks, details };
  const actions = wantedActions(s, ctx);
  Object.assign(details, { region: s.chosen.homeRegion, alarmActions: actions });
  const noTopicNote = actions.length === 0 ? ' (no SNS action: pass --sns-topic-arn to be notified)' : '';
  if (!s.existingAlarm)
    return {
      ...base,
      status: 'apply',
      reason: `create alarm in ${s.chosen.homeRegion}${noTopicNote}`,
      checks,
      details,
    };
  const diffs = alarmDifferences(s.existingAlarm, alarmSpec(actions), Boolean(ctx.snsTopicArn));
  checks.push(sameConfigCheck(diffs, Boolean(ctx.replace)));
  if (diffs.length === 0)
    return {
      ...base,
      status: 'skip',
      reason: `already in place in ${s.chosen.homeRegion} (state ${s.existingAlarm.stateValue})${noTopicNote}`,
      checks,
      details,
    };
  if (ctx.replace)
    return { ...base, status: 'apply', reason: `replace the alarm: ${diffs.join('; ')}`, checks, details };
  return {
    ...base,
    status: 'blocked',
    reason: `an alarm ${ALARM_NAME} with a different configuration exists in ${s.chosen.homeRegion} (${diffs.join('; ')}): run with --replace to overwrite it`,
    checks,
    details,
  };
}

export async function planAlarmImpl(aws: AwsPorts, ctx: AlarmContext): Promise<Executable[]> {
  const survey = await surveyAlarm(aws, ctx);
  // apply acts on what the latest look at the account found: the engine rechecks right before it
  let forFilter = survey;
  let forAlarm = survey;
  return [
    {
      item: filterItem(survey, ctx),
      recheck: async () => filterItem((forFilter = await surveyAlarm(aws, ctx)), ctx),
      apply: async () => {
        const spec = metricFilterSpec(forFilter.chosen!.logGroupName);
        await aws.logs(forFilter.chosen!.homeRegion).putMetricFilter(spec);
        return {
          logGroup: spec.logGroupName,
          region: forFilter.chosen!.homeRegion,
          filterName: spec.filterName,
          filterPattern: spec.filterPattern,
        };
      },
    },
    {
      item: alarmItem(survey, ctx),
      recheck: async () => alarmItem((forAlarm = await surveyAlarm(aws, ctx)), ctx),
      apply: async () => {
        const spec = alarmSpec(wantedActions(forAlarm, ctx));
        await aws.cloudwatch(forAlarm.chosen!.homeRegion).putMetricAlarm(spec);
        return { alarmName: spec.alarmName, region: forAlarm.chosen!.homeRegion, alarmActions: spec.alarmActions };
      },
    },
  ];
}

/**
 * 'alarm-in-place': kscli's filter and alarm exist as kscli would create them, on a suitable trail,
 * and nothing in the chain is encrypted with a key of the store. Override: --no-alarm.
 */
export async function alarmInPlaceImpl(aws: AwsPorts, ctx: AlarmContext): Promise<Check> {
  const s = await surveyAlarm(aws, ctx);
  const fail = (detail: string): Check => ({ name: 'alarm-in-place', ok: false, detail, overrideFlag: '--no-alarm' });
  const fix = `run ${stepCommand(ctx, ['alarm', ctx.store.id])}`;
  if (!s.chosen || s.blockers.length) return fail(s.blockers.join('; '));
  if (!s.existingFilter)
    return fail(
      `no metric filter ${FILTER_NAME} on log group ${s.chosen.logGroupName} (${s.chosen.homeRegion}): ${fix}`,
    );
  const fd = filterDifferences(s.existingFilter, metricFilterSpec(s.chosen.logGroupName));
  if (fd.length) return fail(`metric filter ${FILTER_NAME} differs (${fd.join('; ')}): ${fix} --replace`);
  if (!s.existingAlarm) return fail(`no alarm ${ALARM_NAME} in ${s.chosen.homeRegion}: ${fix}`);
  const ad = alarmDifferences(s.existingAlarm, alarmSpec(wantedActions(s, ctx)), Boolean(ctx.snsTopicArn));
  if (ad.length) return fail(`alarm ${ALARM_NAME} differs (${ad.join('; ')}): ${fix} --replace`);
  return {
    name: 'alarm-in-place',
    ok: true,
    detail: `alarm ${ALARM_NAME} in ${s.chosen.homeRegion} watches log group ${s.chosen.logGroupName} of trail ${s.chosen.facts.trail.name}`,
  };
}
