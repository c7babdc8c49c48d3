/**
 * The alarm AWS documents for use of a key pending deletion (aws-facts.md section 4.1), as kscli
 * creates it.
 *
 * - The pattern is the guide's: it matches the *error message* of a KMS call on a key pending
 *   deletion, so only attempted use fires it (management calls on such a key succeed).
 * - The metric lives under kscli's own namespace and name: CIS benchmark modules reuse the guide's
 *   `KMSKeyPendingDeletionErrorCount` for a different filter, and two filters feeding one metric
 *   would make the alarm fire for the other filter's reasons.
 * - Statistic, period and threshold are not in the guide; Sum over 300 s, >= 1 in 1 datapoint is
 *   the common choice. Missing data is "not breaching": no events is the good state.
 */
import type { AlarmInfo, AlarmSpec, MetricFilterSpec } from '../../aws/ports.js';

export const FILTER_NAME = 'kscli-kms-key-pending-deletion-use';
export const FILTER_PATTERN = '{ $.eventSource = kms* && $.errorMessage = "* is pending deletion." }';
export const METRIC_NAMESPACE = 'kscli';
export const METRIC_NAME = 'KeyPendingDeletionUseCount';
export const ALARM_NAME = 'kscli-kms-key-pending-deletion-use';

/**
 * One of kscli's "count the matching CloudTrail records" alarms: a metric filter on the trail's log
 * group feeding a metric under kscli's namespace, and an alarm on any datapoint. The pending-deletion
 * alarm (here) and the trial's disabled-key-use alarm (workflow/trial/alarm.ts) differ only in these
 * names and texts; everything else (value 1, Sum over 300 s, >= 1 in one datapoint, missing data
 * not breaching) is in the two builders below, once.
 */
export interface CountAlarmNames {
  filterName: string;
  filterPattern: string;
  metricName: string;
  alarmName: string;
  alarmDescription: string;
}

export function countFilterSpec(logGroupName: string, a: CountAlarmNames): MetricFilterSpec {
  return {
    logGroupName,
    filterName: a.filterName,
    filterPattern: a.filterPattern,
    metricName: a.metricName,
    metricNamespace: METRIC_NAMESPACE,
    metricValue: '1',
  };
}

export function countAlarmSpec(a: CountAlarmNames, alarmActions: string[]): AlarmSpec {
  return {
    alarmName: a.alarmName,
    alarmDescription: a.alarmDescription,
    namespace: METRIC_NAMESPACE,
    metricName: a.metricName,
    statistic: 'Sum',
    period: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
    alarmActions,
  };
}

const PENDING_DELETION_ALARM: CountAlarmNames = {
  filterName: FILTER_NAME,
  filterPattern: FILTER_PATTERN,
  metricName: METRIC_NAME,
  alarmName: ALARM_NAME,
  alarmDescription:
    'kscli: someone tried to use a KMS key that is pending deletion (CloudTrail errorMessage "... is pending deletion."). Look in CloudTrail for the key and the caller, and cancel the deletion if the key is still needed.',
};

export const metricFilterSpec = (logGroupName: string): MetricFilterSpec =>
  countFilterSpec(logGroupName, PENDING_DELETION_ALARM);

export const alarmSpec = (alarmActions: string[]): AlarmSpec => countAlarmSpec(PENDING_DELETION_ALARM, alarmActions);

/** The filter differences that matter, as "field: existing -> wanted" (empty when identical). */
export function filterDifferences(existing: MetricFilterSpec, wanted: MetricFilterSpec): string[] {
  const fields: Array<keyof MetricFilterSpec> = ['filterPattern', 'metricName', 'metricNamespace', 'metricValue'];
  // CloudWatch Logs may normalise whitespace in a pattern; compare without it.
  const norm = (f: keyof MetricFilterSpec, v: string) => (f === 'filterPattern' ? v.replace(/\s+/g, '') : v);
  return fields
    .filter((f) => norm(f, existing[f]) !== norm(f, wanted[f]))
    .map((f) => `${f}: ${JSON.stringify(existing[f])} -> ${JSON.stringify(wanted[f])}`);
}

/**
 * The alarm's configuration fields that matter (actions apart): what a plan compares with the
 * alarm in place, and what a saved plan's alarm observation compares (plan-file/compare.ts).
 */
export const ALARM_FIELDS = [
  'namespace',
  'metricName',
  'statistic',
  'period',
  'evaluationPeriods',
  'datapointsToAlarm',
  'threshold',
  'comparisonOperator',
  'treatMissingData',
] as const satisfies ReadonlyArray<keyof AlarmSpec>;

/**
 * The alarm differences that matter. The description is kscli's prose, not configuration.
 * `compareActions` false: the operator named no topic, so whatever actions the alarm has are kept.
 */
export function alarmDifferences(
  existing: AlarmInfo | AlarmSpec,
  wanted: AlarmSpec,
  compareActions: boolean,
): string[] {
  const diffs = ALARM_FIELDS.filter((f) => existing[f] !== wanted[f]).map(
    (f) => `${f}: ${JSON.stringify(existing[f])} -> ${JSON.stringify(wanted[f])}`,
  );
  if (compareActions) {
    const a = [...existing.alarmActions].sort().join(',');
    const b = [...wanted.alarmActions].sort().join(',');
    if (a !== b)
      diffs.push(`alarmActions: ${JSON.stringify(existing.alarmActions)} -> ${JSON.stringify(wanted.alarmActions)}`);
  }
  return diffs;
}
