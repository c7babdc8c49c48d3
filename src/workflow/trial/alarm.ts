/**
 * The alarm for use of disabled keys during a trial. AWS documents an alarm only for keys pending
 * deletion (errorMessage "* is pending deletion.", aws-facts 4.1); for disabled keys there is no
 * documented pattern, so **this one is kscli's own**:
 *
 *   { $.eventSource = kms* && ($.errorCode = "DisabledException" || $.errorMessage = "* is disabled.") }
 *
 * Why both terms: the error code of a call on a disabled key is documented (DisabledException,
 * aws-facts 1.2 [1]) but that CloudTrail's errorMessage carries "<ARN> is disabled." is not
 * confirmed (aws-facts-data-at-rest D [U]): either one matching is enough. It also counts calls on
 * keys pending deletion that KMS answers with DisabledException (aws-facts 1.2 [2]), which is what
 * the operator wants to hear about too. It is not narrowed to the store's keys: whether the failed
 * call's record carries additionalEventData.customKeyStoreId is not documented, and a filter that
 * silently never matches is worse than one that also reports another disabled key of the account.
 * Tested against the sandbox's CloudTrail records of failed calls (test/unit/workflow/trial/).
 *
 * It sits next to the pending-deletion alarm, on the same trail's log group, with its own filter,
 * metric (kscli/KeyDisabledUseCount) and alarm (kscli-kms-key-disabled-use), so that an existing
 * pending-deletion alarm is never changed by a trial.
 */
import type { AlarmSpec, AwsPorts, MetricFilterSpec } from '../../aws/ports.js';
import {
  alarmDifferences,
  countAlarmSpec,
  countFilterSpec,
  filterDifferences,
  METRIC_NAMESPACE,
  type CountAlarmNames,
} from '../evidence/alarm-spec.js';
import { surveyAlarm, type AlarmSurvey } from '../evidence/alarm-survey.js';
import type { AlarmContext } from '../evidence/types.js';
import type { Executable, PlanItem } from '../plan.js';

export const DISABLED_FILTER_NAME = 'kscli-kms-key-disabled-use';
export const DISABLED_FILTER_PATTERN =
  '{ $.eventSource = kms* && ($.errorCode = "DisabledException" || $.errorMessage = "* is disabled.") }';
export const DISABLED_METRIC_NAMESPACE = METRIC_NAMESPACE;
export const DISABLED_METRIC_NAME = 'KeyDisabledUseCount';
export const DISABLED_ALARM_NAME = 'kscli-kms-key-disabled-use';

const DISABLED_USE_ALARM: CountAlarmNames = {
  filterName: DISABLED_FILTER_NAME,
  filterPattern: DISABLED_FILTER_PATTERN,
  metricName: DISABLED_METRIC_NAME,
  alarmName: DISABLED_ALARM_NAME,
  alarmDescription:
    'kscli trial: someone tried to use a disabled KMS key (CloudTrail errorCode DisabledException). A key disabled for a trial is still needed: re-enable it with "kscli enable-keys <store>".',
};

/** The same builders as the pending-deletion alarm (evidence/alarm-spec.ts): only the names differ. */
export const disabledFilterSpec = (logGroupName: string): MetricFilterSpec =>
  countFilterSpec(logGroupName, DISABLED_USE_ALARM);

export const disabledAlarmSpec = (alarmActions: string[]): AlarmSpec =>
  countAlarmSpec(DISABLED_USE_ALARM, alarmActions);

interface DisabledSurvey {
  base: AlarmSurvey;
  filter: MetricFilterSpec | null;
  alarm: Awaited<ReturnType<ReturnType<AwsPorts['cloudwatch']>['describeAlarm']>>;
}

async function survey(aws: AwsPorts, ctx: AlarmContext): Promise<DisabledSurvey> {
  const base = await surveyAlarm(aws, ctx);
  if (!base.chosen || base.blockers.length) return { base, filter: null, alarm: null };
  const region = base.chosen.homeRegion;
  const filters = await aws.logs(region).describeMetricFilters(base.chosen.logGroupName, DISABLED_FILTER_NAME);
  const alarm = await aws.cloudwatch(region).describeAlarm(DISABLED_ALARM_NAME);
  return { base, filter: filters.find((f) => f.filterName === DISABLED_FILTER_NAME) ?? null, alarm };
}

function actionsOf(s: DisabledSurvey, ctx: AlarmContext): string[] {
  return ctx.snsTopicArn ? [ctx.snsTopicArn] : (s.alarm?.alarmActions ?? []);
}

function filterItem(s: DisabledSurvey): PlanItem {
  const base = {
    target: DISABLED_FILTER_NAME,
    targetKind: 'metric-filter' as const,
    action: 'PutMetricFilter',
    checks: [],
    details: { filterPattern: DISABLED_FILTER_PATTERN, metric: `${DISABLED_METRIC_NAMESPACE}/${DISABLED_METRIC_NAME}` },
  };
  const c = s.base.chosen;
  if (!c || s.base.blockers.length)
    return { ...base, status: 'blocked', reason: `${s.base.blockers.join('; ')} (or pass --no-alarm)` };
  const wanted = disabledFilterSpec(c.logGroupName);
  if (!s.filter)
    return {
      ...base,
      status: 'apply',
      reason: `create the disabled-key-use filter on ${c.logGroupName} (${c.homeRegion})`,
    };
  const diffs = filterDifferences(s.filter, wanted);
  if (diffs.length === 0) return { ...base, status: 'skip', reason: `already in place on ${c.logGroupName}` };
  return { ...base, status: 'apply', reason: `replace kscli's own disabled-key-use filter: ${diffs.join('; ')}` };
}

function alarmItem(s: DisabledSurvey, ctx: AlarmContext): PlanItem {
  const base = {
    target: DISABLED_ALARM_NAME,
    targetKind: 'alarm' as const,
    action: 'PutMetricAlarm',
    checks: [],
    details: { metric: `${DISABLED_METRIC_NAMESPACE}/${DISABLED_METRIC_NAME}` },
  };
  const c = s.base.chosen;
  if (!c || s.base.blockers.length)
    return { ...base, status: 'blocked', reason: `${s.base.blockers.join('; ')} (or pass --no-alarm)` };
  const actions = actionsOf(s, ctx);
  const noTopic = actions.length === 0 ? ' (no SNS action: pass --sns-topic-arn to be notified)' : '';
  if (!s.alarm)
    return { ...base, status: 'apply', reason: `create the disabled-key-use alarm in ${c.homeRegion}${noTopic}` };
  const diffs = alarmDifferences(s.alarm, disabledAlarmSpec(actions), Boolean(ctx.snsTopicArn));
  if (diffs.length === 0) return { ...base, status: 'skip', reason: `already in place in ${c.homeRegion}${noTopic}` };
  return { ...base, status: 'apply', reason: `replace kscli's own disabled-key-use alarm: ${diffs.join('; ')}` };
}

/** The filter and alarm lines; both are kscli's own names, so a different one is simply replaced. */
export async function planDisabledUseAlarm(aws: AwsPorts, ctx: AlarmContext): Promise<Executable[]> {
  let s = await survey(aws, ctx);
  return [
    {
      item: filterItem(s),
      recheck: async () => filterItem((s = await survey(aws, ctx))),
      apply: async () => {
        const spec = disabledFilterSpec(s.base.chosen!.logGroupName);
        await aws.logs(s.base.chosen!.homeRegion).putMetricFilter(spec);
        return { logGroup: spec.logGroupName, filterName: spec.filterName, filterPattern: spec.filterPattern };
      },
    },
    {
      item: alarmItem(s, ctx),
      recheck: async () => alarmItem((s = await survey(aws, ctx)), ctx),
      apply: async () => {
        const spec = disabledAlarmSpec(actionsOf(s, ctx));
        await aws.cloudwatch(s.base.chosen!.homeRegion).putMetricAlarm(spec);
        return { alarmName: spec.alarmName, alarmActions: spec.alarmActions };
      },
    },
  ];
}
