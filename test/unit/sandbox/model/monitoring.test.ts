/**
 * CloudTrail events for every call, LookupEvents, trails, metric filters and alarms: the alarm of
 * aws-facts 4.1 must fire when a key pending deletion is used, driven through handle() +
 * recordCall() as the HTTP layer does.
 */
import { describe, expect, it } from 'vitest';
import {
  createModel,
  scenario,
  DEMO_KEYS,
  DEMO_LOG_GROUP,
  DEMO_TOPIC_ARN,
  DEMO_TRAIL,
} from '../../../../src/sandbox/model/index.js';
import type { AccountState } from '../../../../src/sandbox/model/state.js';
import { ACCESS_KEY, b64, call, callError, kms } from './helpers.js';
import {
  ALARM_NAME,
  alarmSpec,
  METRIC_NAMESPACE,
  metricFilterSpec,
} from '../../../../src/workflow/evidence/alarm-spec.js';

const arnOf = (id: string): string => `arn:aws:kms:us-east-1:111122223333:key/${id}`;
const lookup = (m: ReturnType<typeof createModel>, input: Record<string, unknown>): any =>
  call(m, 'cloudtrail', 'LookupEvents', input);

/** kscli's own filter and alarm (src/workflow/evidence/alarm-spec.ts), as `kscli alarm` puts them. */
function setUpAlarm(m: ReturnType<typeof createModel>): void {
  const f = metricFilterSpec(DEMO_LOG_GROUP);
  call(m, 'logs', 'PutMetricFilter', {
    logGroupName: f.logGroupName,
    filterName: f.filterName,
    filterPattern: f.filterPattern,
    metricTransformations: [
      { metricNamespace: f.metricNamespace, metricName: f.metricName, metricValue: f.metricValue },
    ],
  });
  const a = alarmSpec([DEMO_TOPIC_ARN]);
  call(m, 'monitoring', 'PutMetricAlarm', {
    AlarmName: a.alarmName,
    Namespace: a.namespace,
    MetricName: a.metricName,
    Statistic: a.statistic,
    Period: a.period,
    EvaluationPeriods: a.evaluationPeriods,
    DatapointsToAlarm: a.datapointsToAlarm,
    Threshold: a.threshold,
    ComparisonOperator: a.comparisonOperator,
    TreatMissingData: a.treatMissingData,
    AlarmActions: a.alarmActions,
  });
}

const alarmOf = (m: ReturnType<typeof createModel>): any =>
  call(m, 'monitoring', 'DescribeAlarms', { AlarmNames: [ALARM_NAME] }).MetricAlarms[0];

describe('the pending-deletion alarm', () => {
  it('goes to ALARM, records history and notifies the topic when a pending key is used', () => {
    const m = createModel(scenario('demo'));
    const ciphertext = kms(m, 'Encrypt', { KeyId: DEMO_KEYS.used, Plaintext: b64('card') }).CiphertextBlob;
    kms(m, 'ScheduleKeyDeletion', { KeyId: DEMO_KEYS.used, PendingWindowInDays: 7 });
    setUpAlarm(m);
    expect(alarmOf(m)).toMatchObject({
      StateValue: 'INSUFFICIENT_DATA',
      Namespace: METRIC_NAMESPACE,
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [DEMO_TOPIC_ARN],
    });
    // reads and management calls do not trip it
    kms(m, 'DescribeKey', { KeyId: DEMO_KEYS.used });
    kms(m, 'ListKeys', {});
    m.advance(120_000);
    expect(alarmOf(m).StateValue).toBe('OK');

    const e = callError(m, 'kms', 'Decrypt', { CiphertextBlob: ciphertext });
    expect(e.message).toBe(`${arnOf(DEMO_KEYS.used)} is pending deletion.`);
    const alarm = alarmOf(m);
    expect(alarm.StateValue).toBe('ALARM');
    expect(alarm.StateReason).toMatch(/Threshold Crossed/);
    const state = m.toJSON() as AccountState;
    expect(
      state.alarmHistory.some(
        (h) => h.AlarmName === ALARM_NAME && h.HistorySummary === 'Alarm updated from OK to ALARM',
      ),
    ).toBe(true);
    const published = state.topics.find((t) => t.arn === DEMO_TOPIC_ARN)!.published;
    expect(published).toHaveLength(1);
    expect(JSON.parse(published[0]!.message)).toMatchObject({
      AlarmName: ALARM_NAME,
      NewStateValue: 'ALARM',
      OldStateValue: 'OK',
    });
    expect(m.status().alarms).toEqual([{ name: ALARM_NAME, state: 'ALARM' }]);

    // the datapoint leaves the 5-minute window: notBreaching missing data brings it back to OK
    m.advance(10 * 60_000);
    expect(alarmOf(m).StateValue).toBe('OK');
  });

  it('does not fire when the trail does not record KMS events (excluded source) or is not logging', () => {
    const json = scenario('demo') as AccountState;
    json.trails[0]!.eventSelectors = [
      { ReadWriteType: 'All', IncludeManagementEvents: true, ExcludeManagementEventSources: ['kms.amazonaws.com'] },
    ];
    const m = createModel(json);
    kms(m, 'ScheduleKeyDeletion', { KeyId: DEMO_KEYS.used, PendingWindowInDays: 7 });
    setUpAlarm(m);
    callError(m, 'kms', 'Encrypt', { KeyId: DEMO_KEYS.used, Plaintext: b64('x') });
    expect(alarmOf(m).StateValue).toBe('INSUFFICIENT_DATA');
    expect(
      call(m, 'cloudtrail', 'GetEventSelectors', { TrailName: DEMO_TRAIL }).EventSelectors[0]
        .ExcludeManagementEventSources,
    ).toEqual(['kms.amazonaws.com']);
    expect(call(m, 'cloudtrail', 'DescribeTrails', {}).trailList[0].HasCustomEventSelectors).toBe(true);
  });

  it('a WriteOnly trail misses read-only crypto errors', () => {
    const json = scenario('demo') as AccountState;
    json.trails[0]!.eventSelectors = [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }];
    const m = createModel(json);
    kms(m, 'ScheduleKeyDeletion', { KeyId: DEMO_KEYS.used, PendingWindowInDays: 7 });
    setUpAlarm(m);
    callError(m, 'kms', 'Encrypt', { KeyId: DEMO_KEYS.used, Plaintext: b64('x') });
    expect(alarmOf(m).StateValue).toBe('INSUFFICIENT_DATA');
  });
});

describe('CloudTrail events of calls', () => {
  it('builds AWS-shaped events', () => {
    const m = createModel(scenario('demo'));
    kms(m, 'Encrypt', { KeyId: 'alias/payments-legacy', Plaintext: b64('top-secret-payload') });
    const e1 = callError(m, 'kms', 'ScheduleKeyDeletion', { KeyId: DEMO_KEYS.pending });
    expect(e1.code).toBe('KMSInvalidStateException');
    kms(m, 'ScheduleKeyDeletion', { KeyId: DEMO_KEYS.unusedA, PendingWindowInDays: 7 });
    const events = lookup(m, {
      LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'kms.amazonaws.com' }],
      MaxResults: 3,
    }).Events;
    expect(events.map((e: any) => e.EventName)).toEqual(['ScheduleKeyDeletion', 'ScheduleKeyDeletion', 'Encrypt']);
    const [scheduled, failed, encrypt] = events.map((e: any) => JSON.parse(e.CloudTrailEvent));
    expect(scheduled).toMatchObject({
      eventVersion: expect.any(String),
      eventSource: 'kms.amazonaws.com',
      eventName: 'ScheduleKeyDeletion',
      awsRegion: 'us-east-1',
      eventType: 'AwsApiCall',
      readOnly: false,
      userIdentity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/Admin/kscli',
        accountId: '111122223333',
        accessKeyId: ACCESS_KEY,
      },
      requestParameters: { keyId: DEMO_KEYS.unusedA, pendingWindowInDays: 7 },
      responseElements: { keyId: arnOf(DEMO_KEYS.unusedA), keyState: 'PendingDeletion', pendingWindowInDays: 7 },
      resources: [{ accountId: '111122223333', type: 'AWS::KMS::Key', ARN: arnOf(DEMO_KEYS.unusedA) }],
    });
    expect(scheduled.eventID).toMatch(/^[0-9a-f-]{36}$/);
    expect(scheduled.requestID).toEqual(expect.any(String));
    expect(failed).toMatchObject({
      errorCode: 'KMSInvalidStateException',
      errorMessage: `${arnOf(DEMO_KEYS.pending)} is pending deletion.`,
      responseElements: null,
      resources: [{ ARN: arnOf(DEMO_KEYS.pending) }],
    });
    expect(encrypt).toMatchObject({
      readOnly: true,
      responseElements: null,
      resources: [{ ARN: arnOf(DEMO_KEYS.used) }],
      additionalEventData: { customKeyStoreId: 'cks-1234567890abcdef0' },
    });
    expect(events[2].CloudTrailEvent).not.toContain(b64('top-secret-payload'));
    expect(events[2]).toMatchObject({
      ReadOnly: 'true',
      Username: 'kscli',
      AccessKeyId: ACCESS_KEY,
      Resources: [{ ResourceType: 'AWS::KMS::Key', ResourceName: arnOf(DEMO_KEYS.used) }],
    });
    expect(events[2].EventTime).toBeInstanceOf(Date);
  });

  it('LookupEvents by ResourceName finds the demo Decrypt by app-backend, newest first', () => {
    const m = createModel(scenario('demo'));
    kms(m, 'DescribeKey', { KeyId: DEMO_KEYS.used });
    const events = lookup(m, {
      LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: arnOf(DEMO_KEYS.used) }],
    }).Events;
    expect(events.map((e: any) => e.EventName)).toEqual(['DescribeKey', 'Decrypt']);
    const decrypt = JSON.parse(events[1].CloudTrailEvent);
    expect(decrypt.userIdentity.sessionContext.sessionIssuer.arn).toBe('arn:aws:iam::111122223333:role/app-backend');
    expect(Date.now() - events[1].EventTime.getTime()).toBeGreaterThan(2.9 * 86_400_000);
    // a key id also works
    expect(
      lookup(m, { LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: DEMO_KEYS.used }] }).Events,
    ).toHaveLength(2);
  });

  it('LookupEvents validation and NextToken paging with the same parameters', () => {
    const m = createModel(scenario('demo'));
    for (let i = 0; i < 120; i++) kms(m, 'DescribeKey', { KeyId: DEMO_KEYS.unusedA });
    expect(
      callError(m, 'cloudtrail', 'LookupEvents', {
        LookupAttributes: [
          { AttributeKey: 'EventName', AttributeValue: 'a' },
          { AttributeKey: 'EventName', AttributeValue: 'b' },
        ],
      }).code,
    ).toBe('InvalidLookupAttributesException');
    expect(
      callError(m, 'cloudtrail', 'LookupEvents', { LookupAttributes: [{ AttributeKey: 'Nope', AttributeValue: 'a' }] })
        .code,
    ).toBe('InvalidLookupAttributesException');
    expect(callError(m, 'cloudtrail', 'LookupEvents', { MaxResults: 51 }).code).toBe('InvalidMaxResultsException');
    expect(callError(m, 'cloudtrail', 'LookupEvents', { MaxResults: 0 }).code).toBe('InvalidMaxResultsException');
    const attrs = [{ AttributeKey: 'ResourceName', AttributeValue: arnOf(DEMO_KEYS.unusedA) }];
    const ids: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = lookup(m, { LookupAttributes: attrs, ...(token ? { NextToken: token } : {}) });
      pages++;
      ids.push(...out.Events.map((e: any) => e.EventId));
      token = out.NextToken;
      if (pages === 1) {
        expect(out.Events).toHaveLength(50);
        expect(callError(m, 'cloudtrail', 'LookupEvents', { NextToken: token }).code).toBe('InvalidNextTokenException');
      }
    } while (token);
    expect(pages).toBe(3);
    expect(ids).toHaveLength(120);
    expect(new Set(ids).size).toBe(120);
    const readOnly = lookup(m, {
      LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'false' }],
      MaxResults: 50,
    }).Events;
    expect(readOnly.every((e: any) => e.ReadOnly === 'false')).toBe(true);
  });

  it('LookupEvents honours StartTime/EndTime and the 90-day window', () => {
    const m = createModel(scenario('demo'));
    const t0 = m.now();
    kms(m, 'DescribeKey', { KeyId: DEMO_KEYS.unusedA });
    expect(
      lookup(m, {
        StartTime: t0.getTime() / 1000 - 1,
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'DescribeKey' }],
      }).Events,
    ).toHaveLength(1);
    expect(
      lookup(m, {
        EndTime: t0.getTime() / 1000 - 3600,
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'DescribeKey' }],
      }).Events,
    ).toHaveLength(0);
    expect(callError(m, 'cloudtrail', 'LookupEvents', { StartTime: 2000, EndTime: 1000 }).code).toBe(
      'InvalidTimeRangeException',
    );
    m.advance(91 * 86_400_000);
    expect(
      lookup(m, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'DescribeKey' }] }).Events,
    ).toHaveLength(0);
  });

  it('caps the history, oldest first', () => {
    const m = createModel(scenario('demo'), { config: { eventCap: 100 } });
    for (let i = 0; i < 300; i++) kms(m, 'DescribeKey', { KeyId: DEMO_KEYS.unusedA });
    const n = (m.toJSON() as AccountState).events.length;
    expect(n).toBeLessThanOrEqual(100 + 100 / 16 + 1);
    const newest = lookup(m, { MaxResults: 1 }).Events[0];
    expect(newest.EventName).toBe('DescribeKey');
  });
});

describe('trails, log groups, metric filters', () => {
  it('DescribeTrails / GetTrailStatus / GetEventSelectors', () => {
    const m = createModel(scenario('demo'));
    expect(call(m, 'cloudtrail', 'DescribeTrails', {}).trailList).toEqual([
      expect.objectContaining({
        Name: DEMO_TRAIL,
        TrailARN: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events',
        HomeRegion: 'us-east-1',
        IsMultiRegionTrail: true,
        CloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:111122223333:log-group:${DEMO_LOG_GROUP}:*`,
        HasCustomEventSelectors: false,
      }),
    ]);
    kms(m, 'ListKeys', {});
    const status = call(m, 'cloudtrail', 'GetTrailStatus', { Name: DEMO_TRAIL });
    expect(status.IsLogging).toBe(true);
    expect(status.LatestCloudWatchLogsDeliveryTime).toBeInstanceOf(Date);
    expect(call(m, 'cloudtrail', 'GetEventSelectors', { TrailName: DEMO_TRAIL }).EventSelectors).toEqual([
      { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] },
    ]);
    expect(callError(m, 'cloudtrail', 'GetTrailStatus', { Name: 'nope' }).code).toBe('TrailNotFoundException');
  });

  it('DescribeLogGroups and the metric filter rules', () => {
    const m = createModel(scenario('demo'));
    const groups = call(m, 'logs', 'DescribeLogGroups', { logGroupNamePrefix: 'aws-cloudtrail' }).logGroups;
    expect(groups).toEqual([
      expect.objectContaining({
        logGroupName: DEMO_LOG_GROUP,
        arn: `arn:aws:logs:us-east-1:111122223333:log-group:${DEMO_LOG_GROUP}:*`,
        logGroupClass: 'STANDARD',
      }),
    ]);
    expect(call(m, 'logs', 'DescribeLogGroups', { logGroupNamePrefix: 'zzz' }).logGroups).toEqual([]);
    const base = {
      logGroupName: DEMO_LOG_GROUP,
      filterPattern: '{ $.a = 1 }',
      metricTransformations: [{ metricNamespace: 'N', metricName: 'M', metricValue: '1' }],
    };
    expect(callError(m, 'logs', 'PutMetricFilter', { ...base, filterName: 'f', logGroupName: 'missing' }).code).toBe(
      'ResourceNotFoundException',
    );
    expect(
      callError(m, 'logs', 'PutMetricFilter', { ...base, filterName: 'f', filterPattern: 'x'.repeat(1025) }).code,
    ).toBe('InvalidParameterException');
    expect(callError(m, 'logs', 'PutMetricFilter', { ...base, filterName: 'f', metricTransformations: [] }).code).toBe(
      'InvalidParameterException',
    );
    expect(callError(m, 'logs', 'PutMetricFilter', { ...base, filterName: 'f', filterPattern: '{ $.a = ' }).code).toBe(
      'InvalidParameterException',
    );
    for (let i = 0; i < 100; i++) call(m, 'logs', 'PutMetricFilter', { ...base, filterName: `f${i}` });
    expect(callError(m, 'logs', 'PutMetricFilter', { ...base, filterName: 'f100' }).code).toBe(
      'LimitExceededException',
    );
    call(m, 'logs', 'PutMetricFilter', { ...base, filterName: 'f99', filterPattern: '{ $.b = 2 }' });
    const f99 = call(m, 'logs', 'DescribeMetricFilters', {
      logGroupName: DEMO_LOG_GROUP,
      filterNamePrefix: 'f99',
    }).metricFilters;
    expect(f99).toEqual([
      expect.objectContaining({
        filterName: 'f99',
        filterPattern: '{ $.b = 2 }',
        logGroupName: DEMO_LOG_GROUP,
        metricTransformations: [{ metricNamespace: 'N', metricName: 'M', metricValue: '1' }],
      }),
    ]);
    call(m, 'logs', 'DeleteMetricFilter', { logGroupName: DEMO_LOG_GROUP, filterName: 'f99' });
    expect(
      call(m, 'logs', 'DescribeMetricFilters', { logGroupName: DEMO_LOG_GROUP, filterNamePrefix: 'f99' }).metricFilters,
    ).toEqual([]);
    expect(callError(m, 'logs', 'DeleteMetricFilter', { logGroupName: DEMO_LOG_GROUP, filterName: 'f99' }).code).toBe(
      'ResourceNotFoundException',
    );
  });

  it('PutMetricAlarm validation, overwrite keeps state, DeleteAlarms', () => {
    const m = createModel(scenario('demo'));
    setUpAlarm(m);
    const base = {
      AlarmName: ALARM_NAME,
      Namespace: 'N',
      MetricName: 'M',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    };
    expect(
      callError(m, 'monitoring', 'PutMetricAlarm', {
        ...base,
        AlarmActions: Array.from({ length: 6 }, (_, i) => `${DEMO_TOPIC_ARN}${i}`),
      }).code,
    ).toBe('ValidationError');
    expect(callError(m, 'monitoring', 'PutMetricAlarm', { ...base, Period: 45 }).code).toBe('ValidationError');
    call(m, 'monitoring', 'PutMetricAlarm', base);
    const alarm = alarmOf(m);
    expect(alarm).toMatchObject({ Namespace: 'N', AlarmActions: [], StateValue: 'INSUFFICIENT_DATA' });
    expect(alarm).not.toHaveProperty('TreatMissingData');
    expect(
      call(m, 'monitoring', 'DescribeAlarms', { AlarmNamePrefix: ALARM_NAME.slice(0, 5) }).MetricAlarms,
    ).toHaveLength(1);
    expect(callError(m, 'monitoring', 'DeleteAlarms', { AlarmNames: ['nope'] }).code).toBe('ResourceNotFound');
    call(m, 'monitoring', 'DeleteAlarms', { AlarmNames: [ALARM_NAME] });
    expect(call(m, 'monitoring', 'DescribeAlarms', {}).MetricAlarms).toEqual([]);
  });
});
