/**
 * The alarm kscli creates really fires (issue 3 "Done when"): `kscli alarm` puts the metric filter
 * on the trail's log group and the alarm on its metric; a second run finds them in place and
 * changes nothing; then another actor uses the demo key that is pending deletion, KMS answers
 * "... is pending deletion.", CloudTrail delivers the failed call to the log group, the filter
 * counts it, and the alarm goes to ALARM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeMetricFiltersCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EncryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  ALARM_NAME,
  alarmSpec,
  FILTER_PATTERN,
  METRIC_NAME,
  METRIC_NAMESPACE,
} from '../../src/workflow/evidence/alarm-spec.js';
import { DEMO, expectExit, expectNoMutatingRequests, sdkClientConfig, startE2E, type E2E } from './helpers/index.js';

/** issue 3: the documented pattern, matched on failed calls to keys pending deletion (the spec kscli creates) */
const PATTERN = FILTER_PATTERN;
const SPEC = alarmSpec([]);

let t: E2E;
let cw: CloudWatchClient;
let logs: CloudWatchLogsClient;
let kms: KMSClient;
beforeAll(async () => {
  t = await startE2E('alarm');
  cw = new CloudWatchClient(sdkClientConfig(t.sandbox.url));
  logs = new CloudWatchLogsClient(sdkClientConfig(t.sandbox.url));
  kms = new KMSClient(sdkClientConfig(t.sandbox.url));
});
afterAll(async () => {
  for (const c of [cw, logs, kms]) c?.destroy();
  await t?.stop();
});

async function kscliAlarms() {
  const all = (await cw.send(new DescribeAlarmsCommand({}))).MetricAlarms ?? [];
  return all;
}

describe('kscli alarm, end to end', () => {
  let alarmName: string;

  it('creates the metric filter on the trail log group and the alarm with the SNS action (exit 0)', async () => {
    const before = await kscliAlarms();
    const mark = t.sandbox.mark();
    const r = await t.kscli(['alarm', DEMO.hsmStore, '--sns-topic-arn', DEMO.topicArn, '--yes', '--output', 'json']);
    expectExit(r, 0);
    expect(r.json().schemaVersion).toBe(1);
    const puts = t.sandbox.requestsSince(mark).filter((q) => q.mutating || /^Put/.test(q.operation ?? ''));
    expect(puts.map((q) => `${q.operation}:${q.outcome}`).sort()).toEqual(['PutMetricAlarm:ok', 'PutMetricFilter:ok']);

    const filters =
      (await logs.send(new DescribeMetricFiltersCommand({ logGroupName: DEMO.logGroup }))).metricFilters ?? [];
    const filter = filters.find((f) => f.filterPattern === PATTERN);
    expect(filter, JSON.stringify(filters, null, 1)).toBeDefined();
    const metric = filter!.metricTransformations![0]!;
    expect(metric).toMatchObject({ metricName: METRIC_NAME, metricNamespace: METRIC_NAMESPACE, metricValue: '1' });
    // CIS modules use KMSKeyPendingDeletionErrorCount for another filter: kscli must not collide
    expect(metric.metricName).not.toBe('KMSKeyPendingDeletionErrorCount');

    const created = (await kscliAlarms()).filter((a) => !before.some((b) => b.AlarmName === a.AlarmName));
    expect(created).toHaveLength(1);
    const alarm = created[0]!;
    alarmName = alarm.AlarmName!;
    expect(alarmName).toBe(ALARM_NAME);
    expect(alarm).toMatchObject({
      MetricName: metric.metricName,
      Namespace: metric.metricNamespace,
      Statistic: SPEC.statistic,
      Period: SPEC.period,
      EvaluationPeriods: SPEC.evaluationPeriods,
      DatapointsToAlarm: SPEC.datapointsToAlarm,
      Threshold: SPEC.threshold,
      ComparisonOperator: SPEC.comparisonOperator,
      TreatMissingData: SPEC.treatMissingData,
    });
    expect(alarm.AlarmActions).toEqual([DEMO.topicArn]);
    expect(alarm.StateValue).not.toBe('ALARM');
  });

  it('the sandbox status shows the alarm, not in ALARM', async () => {
    const status = await t.sandbox.status();
    const a = status.alarms.find((x: any) => x.name === alarmName);
    expect(a, JSON.stringify(status.alarms)).toBeDefined();
    expect(a.state).not.toBe('ALARM');
  });

  it('running it again says the alarm is already in place and makes no mutating request', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['alarm', DEMO.hsmStore, '--sns-topic-arn', DEMO.topicArn, '--yes', '--output', 'table']);
    expectExit(r, 0);
    expect(r.stdout + r.stderr).toMatch(/already in place/i);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark), 'from a second kscli alarm');
  });

  it('using the key that is pending deletion fails with "... is pending deletion." and the alarm goes to ALARM', async () => {
    // Encrypt with the pending key: KMS refuses it (KMSInvalidStateException)
    await expect(
      kms.send(new EncryptCommand({ KeyId: DEMO.keys.pending, Plaintext: new TextEncoder().encode('hello') })),
    ).rejects.toMatchObject({
      name: 'KMSInvalidStateException',
      message: expect.stringMatching(/is pending deletion\.$/),
    });
    const alarm = (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName] }))).MetricAlarms?.[0];
    expect(alarm?.StateValue, JSON.stringify(alarm, null, 1)).toBe('ALARM');
    const status = await t.sandbox.status();
    expect(status.alarms.find((x: any) => x.name === alarmName)?.state).toBe('ALARM');
  });

  it('GenerateDataKey on the pending key fails the same way', async () => {
    await expect(
      kms.send(new GenerateDataKeyCommand({ KeyId: DEMO.keys.pending, KeySpec: 'AES_256' })),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/is pending deletion\.$/),
    });
  });

  it('kscli usage counts those failed attempts as use: the pending key is not "unused"', async () => {
    const r = await t.kscli(['usage', DEMO.hsmStore, '--key', DEMO.keys.pending, '--output', 'json']);
    expectExit(r, 0);
    const doc = r.json();
    expect(doc.schemaVersion).toBe(1);
    const key = doc.keys.find((k: any) => k.keyId === DEMO.keys.pending);
    expect(key.verdict, JSON.stringify(key, null, 1)).toBe('in-use');
    expect(JSON.stringify(key.cloudTrail)).toMatch(/pending deletion/);
  });
});
