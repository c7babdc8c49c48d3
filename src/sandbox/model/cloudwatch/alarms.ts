/**
 * CloudWatch metrics and metric alarms. Datapoints come from metric filters (logs.ts). An alarm is
 * evaluated when its metric gets a datapoint (so a matching event puts it in ALARM at once: a
 * test can prove the alarm fires), when the clock is advanced, and at most once a minute of
 * sandbox time otherwise. The evaluation looks at the last EvaluationPeriods windows of Period
 * seconds ending now; a state change records a history item and "delivers" the matching actions
 * to the SNS topics of the account (sns.ts keeps them in `published`).
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import type { Handler } from '../handler.js';
import { publish } from '../sns/sns.js';
import type { AlarmRecord } from '../state.js';
import { DAY_MS } from '../state.js';

const METRIC_RETENTION_MS = 15 * DAY_MS;
const MAX_POINTS_PER_METRIC = 10_000;
const MAX_HISTORY = 1_000;

export function metricKey(namespace: string, name: string): string {
  return `${namespace}\u0000${name}`;
}

export function putDatapoint(acc: Account, namespace: string, name: string, t: number, value: number): void {
  const key = metricKey(namespace, name);
  const points = (acc.state.metrics[key] ??= []);
  points.push([t, value]);
  const cutoff = t - METRIC_RETENTION_MS;
  let drop = Math.max(0, points.length - MAX_POINTS_PER_METRIC);
  while (drop < points.length && points[drop]![0] < cutoff) drop++;
  if (drop > 0) points.splice(0, drop);
  acc.dirty = true;
  for (const alarm of acc.state.alarms) {
    if (alarm.Namespace === namespace && alarm.MetricName === name) evaluateAlarm(acc, alarm, t);
  }
}

function statistic(values: number[], stat: string): number {
  switch (stat) {
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'Maximum':
      return Math.max(...values);
    case 'Minimum':
      return Math.min(...values);
    default:
      return values.length; // SampleCount
  }
}

function breaches(value: number, op: string, threshold: number): boolean {
  switch (op) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
    default:
      return false;
  }
}

export function evaluateAlarm(acc: Account, alarm: AlarmRecord, now: number): void {
  const points = acc.state.metrics[metricKey(alarm.Namespace, alarm.MetricName)] ?? [];
  const periodMs = alarm.Period * 1000;
  const n = alarm.EvaluationPeriods;
  const m = alarm.DatapointsToAlarm ?? n;
  let breaching = 0;
  let good = 0;
  let missing = 0;
  let lastValue: number | undefined;
  for (let w = 0; w < n; w++) {
    const end = now - w * periodMs;
    const start = end - periodMs;
    const values: number[] = [];
    for (let i = points.length - 1; i >= 0; i--) {
      const [t, v] = points[i]!;
      if (t <= start) break;
      if (t <= end) values.push(v);
    }
    if (values.length === 0) {
      missing++;
      continue;
    }
    const value = statistic(values, alarm.Statistic);
    if (w === 0) lastValue = value;
    if (breaches(value, alarm.ComparisonOperator, alarm.Threshold)) breaching++;
    else good++;
  }
  const treat = alarm.TreatMissingData ?? 'missing';
  if (treat === 'breaching') breaching += missing;
  else if (treat === 'notBreaching') good += missing;
  let next: AlarmRecord['StateValue'];
  let reason: string;
  if (breaching >= m) {
    next = 'ALARM';
    reason = `Threshold Crossed: ${breaching} out of the last ${n} datapoints ${lastValue !== undefined ? `[${lastValue}] ` : ''}was ${opText(alarm.ComparisonOperator)} the threshold (${alarm.Threshold}).`;
  } else if (good > 0) {
    next = 'OK';
    reason = `Threshold Crossed: ${n - breaching} out of the last ${n} datapoints were not ${opText(alarm.ComparisonOperator)} the threshold (${alarm.Threshold}).`;
  } else if (treat === 'ignore') {
    return; // all missing: keep the current state
  } else {
    next = 'INSUFFICIENT_DATA';
    reason = `Insufficient Data: ${n} datapoints were unknown.`;
  }
  if (next === alarm.StateValue) return;
  setAlarmState(acc, alarm, next, reason, now);
}

function opText(op: string): string {
  return op
    .replace(/Threshold$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

function setAlarmState(
  acc: Account,
  alarm: AlarmRecord,
  next: AlarmRecord['StateValue'],
  reason: string,
  now: number,
): void {
  const old = alarm.StateValue;
  alarm.StateValue = next;
  alarm.StateReason = reason;
  alarm.stateUpdated = now;
  addHistory(acc, alarm.AlarmName, now, 'StateUpdate', `Alarm updated from ${old} to ${next}`);
  const actions = !alarm.ActionsEnabled
    ? []
    : next === 'ALARM'
      ? alarm.AlarmActions
      : next === 'OK'
        ? alarm.OKActions
        : alarm.InsufficientDataActions;
  for (const arn of actions) {
    const message = JSON.stringify({
      AlarmName: alarm.AlarmName,
      AlarmDescription: alarm.AlarmDescription ?? null,
      AWSAccountId: acc.accountId,
      NewStateValue: next,
      NewStateReason: reason,
      StateChangeTime: new Date(now).toISOString(),
      Region: acc.region,
      AlarmArn: alarm.AlarmArn,
      OldStateValue: old,
      Trigger: {
        MetricName: alarm.MetricName,
        Namespace: alarm.Namespace,
        Statistic: alarm.Statistic.toUpperCase(),
        Period: alarm.Period,
        EvaluationPeriods: alarm.EvaluationPeriods,
        ComparisonOperator: alarm.ComparisonOperator,
        Threshold: alarm.Threshold,
      },
    });
    const delivered = publish(acc, arn, `${next}: "${alarm.AlarmName}" in ${acc.region}`, message, now);
    addHistory(
      acc,
      alarm.AlarmName,
      now,
      'Action',
      delivered ? `Successfully executed action ${arn}` : `Failed to execute action ${arn}`,
    );
  }
}

function addHistory(
  acc: Account,
  name: string,
  t: number,
  type: 'StateUpdate' | 'ConfigurationUpdate' | 'Action',
  summary: string,
): void {
  const h = acc.state.alarmHistory;
  h.push({ AlarmName: name, t, HistoryItemType: type, HistorySummary: summary });
  if (h.length > MAX_HISTORY) h.splice(0, h.length - MAX_HISTORY);
  acc.dirty = true;
}

/** Re-evaluates every alarm (after the clock moved). */
export function sweepAlarms(acc: Account, now: number): void {
  acc.lastAlarmSweep = now;
  for (const alarm of acc.state.alarms) evaluateAlarm(acc, alarm, now);
}

const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];
const OPERATORS = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
];

function invalid(message: string): SandboxError {
  return new SandboxError('ValidationError', message);
}

function list(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

const putMetricAlarm: Handler = (acc, input) => {
  const name = input.AlarmName;
  if (typeof name !== 'string' || name.length < 1 || name.length > 255)
    invalidThrow('AlarmName must be 1-255 characters.');
  const ns = input.Namespace;
  const metric = input.MetricName;
  if (typeof ns !== 'string' || typeof metric !== 'string')
    throw invalid(
      'Namespace and MetricName are required for a metric alarm (metric math alarms are not supported by the sandbox).',
    );
  const stat = input.Statistic;
  if (typeof stat !== 'string' || !STATISTICS.includes(stat))
    throw invalid(`Statistic must be one of ${STATISTICS.join(', ')}.`);
  const period = Number(input.Period);
  // aws-facts 4.2: 10, 20, 30 or a multiple of 60
  if (
    !Number.isInteger(period) ||
    !(period === 10 || period === 20 || period === 30 || (period >= 60 && period % 60 === 0))
  ) {
    throw invalid('The parameter Period must be 10, 20, 30 or a multiple of 60.');
  }
  const evals = Number(input.EvaluationPeriods);
  if (!Number.isInteger(evals) || evals < 1)
    throw invalid('The parameter EvaluationPeriods must be greater than or equal to 1.');
  const dtoa = input.DatapointsToAlarm === undefined ? undefined : Number(input.DatapointsToAlarm);
  if (dtoa !== undefined && (!Number.isInteger(dtoa) || dtoa < 1 || dtoa > evals))
    throw invalid('DatapointsToAlarm must be between 1 and EvaluationPeriods.');
  const threshold = Number(input.Threshold);
  if (input.Threshold === undefined || Number.isNaN(threshold)) throw invalid('Threshold is required.');
  const op = input.ComparisonOperator;
  if (typeof op !== 'string' || !OPERATORS.includes(op))
    throw invalid(`ComparisonOperator must be one of ${OPERATORS.join(', ')}.`);
  const treat = input.TreatMissingData as string | undefined;
  if (treat !== undefined && !['breaching', 'notBreaching', 'ignore', 'missing'].includes(treat))
    throw invalid('TreatMissingData must be breaching, notBreaching, ignore or missing.');
  const alarmActions = list(input.AlarmActions);
  const okActions = list(input.OKActions);
  const insufficientActions = list(input.InsufficientDataActions);
  for (const [field, actions] of [
    ['AlarmActions', alarmActions],
    ['OKActions', okActions],
    ['InsufficientDataActions', insufficientActions],
  ] as const) {
    // aws-facts 4.2: at most 5 actions
    if (actions.length > 5) throw invalid(`The collection ${field} must not have a size greater than 5.`);
  }
  const now = acc.nowMs();
  const alarmName = name as string;
  const existing = acc.state.alarms.find((a) => a.AlarmName === alarmName);
  const record: AlarmRecord = {
    AlarmName: alarmName,
    AlarmArn: `arn:aws:cloudwatch:${acc.region}:${acc.accountId}:alarm:${alarmName}`,
    ...(typeof input.AlarmDescription === 'string' ? { AlarmDescription: input.AlarmDescription } : {}),
    ActionsEnabled:
      input.ActionsEnabled === undefined ? true : input.ActionsEnabled === true || input.ActionsEnabled === 'true',
    OKActions: okActions,
    AlarmActions: alarmActions,
    InsufficientDataActions: insufficientActions,
    MetricName: metric,
    Namespace: ns,
    Statistic: stat,
    Dimensions: Array.isArray(input.Dimensions) ? (input.Dimensions as AlarmRecord['Dimensions']) : [],
    Period: period,
    EvaluationPeriods: evals,
    ...(dtoa !== undefined ? { DatapointsToAlarm: dtoa } : {}),
    Threshold: threshold,
    ComparisonOperator: op,
    ...(treat !== undefined ? { TreatMissingData: treat } : {}),
    ...(typeof input.Unit === 'string' ? { Unit: input.Unit } : {}),
    // a put overwrites the configuration but leaves an existing alarm's state (aws-facts 4.2)
    StateValue: existing?.StateValue ?? 'INSUFFICIENT_DATA',
    StateReason: existing?.StateReason ?? 'Unchecked: Initial alarm creation',
    stateUpdated: existing?.stateUpdated ?? now,
    configUpdated: now,
  };
  if (existing) acc.state.alarms[acc.state.alarms.indexOf(existing)] = record;
  else acc.state.alarms.push(record);
  addHistory(
    acc,
    alarmName,
    now,
    'ConfigurationUpdate',
    existing ? `Alarm "${alarmName}" updated` : `Alarm "${alarmName}" created`,
  );
  return {};
};

function invalidThrow(message: string): never {
  throw invalid(message);
}

export function alarmOutput(a: AlarmRecord): Record<string, unknown> {
  const { stateUpdated, configUpdated, ...rest } = a;
  return {
    ...rest,
    AlarmConfigurationUpdatedTimestamp: new Date(configUpdated),
    StateUpdatedTimestamp: new Date(stateUpdated),
    StateTransitionedTimestamp: new Date(stateUpdated),
  };
}

const describeAlarms: Handler = (acc, input) => {
  let alarms = acc.state.alarms;
  const names = list(input.AlarmNames);
  if (names.length > 0) alarms = alarms.filter((a) => names.includes(a.AlarmName));
  if (typeof input.AlarmNamePrefix === 'string') {
    if (names.length > 0)
      throw new SandboxError('InvalidParameterCombination', 'AlarmNames and AlarmNamePrefix cannot be used together.');
    const prefix = input.AlarmNamePrefix;
    alarms = alarms.filter((a) => a.AlarmName.startsWith(prefix));
  }
  if (typeof input.StateValue === 'string') alarms = alarms.filter((a) => a.StateValue === input.StateValue);
  const types = list(input.AlarmTypes);
  if (types.length > 0 && !types.includes('MetricAlarm')) alarms = [];
  const max = input.MaxRecords === undefined ? 50 : Number(input.MaxRecords);
  if (!Number.isInteger(max) || max < 1 || max > 100) throw invalid('MaxRecords must be between 1 and 100.');
  let start = 0;
  if (input.NextToken !== undefined) {
    start = Number(Buffer.from(String(input.NextToken), 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0 || start > alarms.length)
      throw new SandboxError('InvalidNextToken', 'The service returned an invalid next token.');
  }
  const page = alarms.slice(start, start + max);
  const end = start + page.length;
  return {
    MetricAlarms: page.map(alarmOutput),
    CompositeAlarms: [],
    ...(end < alarms.length ? { NextToken: Buffer.from(String(end), 'utf8').toString('base64url') } : {}),
  };
};

const deleteAlarms: Handler = (acc, input) => {
  const names = list(input.AlarmNames);
  if (names.length > 100) throw invalid('AlarmNames must not have more than 100 members.');
  const missing = names.filter((n) => !acc.state.alarms.some((a) => a.AlarmName === n));
  // CloudWatch refuses the whole call when a named alarm does not exist (ResourceNotFound)
  if (missing.length > 0)
    throw new SandboxError(
      'ResourceNotFound',
      `${missing.length} of the alarms could not be found: ${missing.join(', ')}`,
      404,
    );
  acc.state.alarms = acc.state.alarms.filter((a) => !names.includes(a.AlarmName));
  acc.dirty = true;
  return {};
};

const describeAlarmHistory: Handler = (acc, input) => {
  let h = acc.state.alarmHistory;
  if (typeof input.AlarmName === 'string') h = h.filter((x) => x.AlarmName === input.AlarmName);
  if (typeof input.HistoryItemType === 'string') h = h.filter((x) => x.HistoryItemType === input.HistoryItemType);
  return {
    AlarmHistoryItems: h
      .slice()
      .reverse()
      .slice(0, 100)
      .map((x) => ({
        AlarmName: x.AlarmName,
        AlarmType: 'MetricAlarm',
        Timestamp: new Date(x.t),
        HistoryItemType: x.HistoryItemType,
        HistorySummary: x.HistorySummary,
      })),
  };
};

export const cloudwatchHandlers: Record<string, Handler> = {
  PutMetricAlarm: putMetricAlarm,
  DescribeAlarms: describeAlarms,
  DeleteAlarms: deleteAlarms,
  DescribeAlarmHistory: describeAlarmHistory,
};
