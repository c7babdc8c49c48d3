import { SITE, serviceError, testClients } from './sdk-test-env.js';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeMetricFiltersCommand,
  PutMetricFilterCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { LogsAdapter } from '../../../src/aws/adapters/logs.js';
import { CloudWatchAdapter } from '../../../src/aws/adapters/cloudwatch.js';
import { SnsAdapter } from '../../../src/aws/adapters/sns.js';
import { StsAdapter } from '../../../src/aws/adapters/sts.js';
import type { AlarmSpec } from '../../../src/aws/ports.js';

const logs = mockClient(CloudWatchLogsClient);
const cw = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);
const sts = mockClient(STSClient);
beforeEach(() => {
  logs.reset();
  cw.reset();
  sns.reset();
  sts.reset();
});
// the unit project shares modules between files (vitest.config.ts): a class-level mock must not outlive this file
afterAll(() => [logs, cw, sns, sts].forEach((m) => m.restore()));

describe('LogsAdapter', () => {
  const adapter = () => {
    const clients = testClients();
    return new LogsAdapter(() => clients.get('logs'), SITE);
  };

  it('describeLogGroup finds the exact name among prefix matches, across pages', async () => {
    logs.on(DescribeLogGroupsCommand).callsFake(async (input: { nextToken?: string; logGroupNamePrefix?: string }) => {
      expect(input.logGroupNamePrefix).toBe('ct');
      return input.nextToken
        ? {
            logGroups: [
              {
                logGroupName: 'ct',
                arn: 'arn:aws:logs:us-east-1:1:log-group:ct:*',
                logGroupClass: 'STANDARD',
                kmsKeyId: 'arn:k',
              },
            ],
          }
        : { logGroups: [{ logGroupName: 'ct-2', arn: 'arn:aws:logs:us-east-1:1:log-group:ct-2:*' }], nextToken: 'n' };
    });
    expect(await adapter().describeLogGroup('ct')).toEqual({
      name: 'ct',
      arn: 'arn:aws:logs:us-east-1:1:log-group:ct',
      logGroupClass: 'STANDARD',
      kmsKeyId: 'arn:k',
    });
  });

  it('describeLogGroup answers null when only other names share the prefix', async () => {
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: 'ct-2' }] });
    expect(await adapter().describeLogGroup('ct')).toBeNull();
  });

  it('maps metric filters both ways', async () => {
    logs.on(DescribeMetricFiltersCommand).resolves({
      metricFilters: [
        {
          logGroupName: 'ct',
          filterName: 'kscli-pending',
          filterPattern: '{ $.errorMessage = "* is pending deletion." }',
          metricTransformations: [{ metricName: 'M', metricNamespace: 'NS', metricValue: '1' }],
        },
      ],
    });
    const [spec] = await adapter().describeMetricFilters('ct', 'kscli');
    expect(spec).toEqual({
      logGroupName: 'ct',
      filterName: 'kscli-pending',
      filterPattern: '{ $.errorMessage = "* is pending deletion." }',
      metricName: 'M',
      metricNamespace: 'NS',
      metricValue: '1',
    });
    expect(logs.commandCalls(DescribeMetricFiltersCommand)[0]!.args[0].input).toMatchObject({
      logGroupName: 'ct',
      filterNamePrefix: 'kscli',
    });
    logs.on(PutMetricFilterCommand).resolves({});
    await adapter().putMetricFilter(spec!);
    expect(logs.commandCalls(PutMetricFilterCommand)[0]!.args[0].input).toEqual({
      logGroupName: 'ct',
      filterName: 'kscli-pending',
      filterPattern: '{ $.errorMessage = "* is pending deletion." }',
      metricTransformations: [{ metricName: 'M', metricNamespace: 'NS', metricValue: '1' }],
    });
  });
});

describe('CloudWatchAdapter', () => {
  const adapter = () => {
    const clients = testClients();
    return new CloudWatchAdapter(() => clients.get('cloudwatch'), SITE);
  };
  const spec: AlarmSpec = {
    alarmName: 'kscli-pending',
    namespace: 'NS',
    metricName: 'M',
    statistic: 'Sum',
    period: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
    alarmActions: ['arn:aws:sns:us-east-1:1:t'],
  };

  it('describeAlarm asks by exact name and maps the alarm; null when absent', async () => {
    cw.on(DescribeAlarmsCommand, { AlarmNames: ['kscli-pending'] }).resolves({
      MetricAlarms: [
        {
          AlarmName: 'kscli-pending',
          Namespace: 'NS',
          MetricName: 'M',
          Statistic: 'Sum',
          Period: 300,
          EvaluationPeriods: 1,
          DatapointsToAlarm: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
          AlarmActions: ['arn:aws:sns:us-east-1:1:t'],
          StateValue: 'OK',
          StateReason: 'fine',
        },
      ],
    });
    expect(await adapter().describeAlarm('kscli-pending')).toEqual({ ...spec, stateValue: 'OK', stateReason: 'fine' });
    cw.on(DescribeAlarmsCommand, { AlarmNames: ['nope'] }).resolves({ MetricAlarms: [] });
    expect(await adapter().describeAlarm('nope')).toBeNull();
  });

  it('putMetricAlarm sends the whole spec', async () => {
    cw.on(PutMetricAlarmCommand).resolves({});
    await adapter().putMetricAlarm(spec);
    expect(cw.commandCalls(PutMetricAlarmCommand)[0]!.args[0].input).toEqual({
      AlarmName: 'kscli-pending',
      Namespace: 'NS',
      MetricName: 'M',
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: ['arn:aws:sns:us-east-1:1:t'],
    });
  });
});

describe('SnsAdapter', () => {
  const adapter = () => {
    const clients = testClients();
    return new SnsAdapter(() => clients.get('sns'), SITE);
  };

  it('getTopic reads KmsMasterKeyId, and answers null for NotFound', async () => {
    sns
      .on(GetTopicAttributesCommand, { TopicArn: 'arn:t' })
      .resolves({ Attributes: { TopicArn: 'arn:t', KmsMasterKeyId: 'alias/aws/sns' } });
    expect(await adapter().getTopic('arn:t')).toEqual({ topicArn: 'arn:t', kmsMasterKeyId: 'alias/aws/sns' });
    sns
      .on(GetTopicAttributesCommand, { TopicArn: 'arn:gone' })
      .rejects(serviceError('NotFoundException', 'Topic does not exist', 404));
    expect(await adapter().getTopic('arn:gone')).toBeNull();
  });
});

describe('StsAdapter', () => {
  it('getCallerIdentity maps the identity', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/ops', UserId: 'AIDA' });
    const clients = testClients();
    expect(await new StsAdapter(() => clients.get('sts'), SITE).getCallerIdentity()).toEqual({
      account: '111122223333',
      arn: 'arn:aws:iam::111122223333:user/ops',
      userId: 'AIDA',
    });
  });
});
