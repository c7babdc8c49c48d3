/** CloudWatchPort on the AWS SDK: the alarm that fires when someone uses a key pending deletion. */
import type { CloudWatchClient, ComparisonOperator, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { AlarmInfo, AlarmSpec, CloudWatchPort } from '../ports.js';
import { mapFailure } from '../errors.js';
import type { AdapterSite } from './site.js';
import { sdkModule } from '../sdk-modules.js';

const { DeleteAlarmsCommand, DescribeAlarmsCommand, PutMetricAlarmCommand } = sdkModule('@aws-sdk/client-cloudwatch');

export class CloudWatchAdapter implements CloudWatchPort {
  constructor(
    private readonly client: () => Promise<CloudWatchClient>,
    private readonly where: AdapterSite,
  ) {}

  async describeAlarm(alarmName: string): Promise<AlarmInfo | null> {
    return this.call('DescribeAlarms', async (cw) => {
      // AlarmNames is an exact match; composite alarms are not asked for (metric alarms are the default)
      const out = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName] }));
      const alarm = (out.MetricAlarms ?? []).find((a) => a.AlarmName === alarmName);
      return alarm ? toAlarmInfo(alarm) : null;
    });
  }

  async putMetricAlarm(spec: AlarmSpec): Promise<void> {
    await this.call('PutMetricAlarm', (cw) =>
      cw.send(
        new PutMetricAlarmCommand({
          AlarmName: spec.alarmName,
          ...(spec.alarmDescription ? { AlarmDescription: spec.alarmDescription } : {}),
          Namespace: spec.namespace,
          MetricName: spec.metricName,
          Statistic: spec.statistic,
          Period: spec.period,
          EvaluationPeriods: spec.evaluationPeriods,
          DatapointsToAlarm: spec.datapointsToAlarm,
          Threshold: spec.threshold,
          ComparisonOperator: spec.comparisonOperator as ComparisonOperator,
          TreatMissingData: spec.treatMissingData,
          AlarmActions: spec.alarmActions,
        }),
      ),
    );
  }

  async deleteAlarms(alarmNames: string[]): Promise<void> {
    if (alarmNames.length === 0) return;
    await this.call('DeleteAlarms', (cw) => cw.send(new DeleteAlarmsCommand({ AlarmNames: alarmNames })));
  }

  private call<T>(operation: string, fn: (client: CloudWatchClient) => Promise<T>): Promise<T> {
    return mapFailure({ service: 'cloudwatch', operation, ...this.where }, async () => fn(await this.client()));
  }
}

function toAlarmInfo(alarm: MetricAlarm): AlarmInfo {
  return {
    alarmName: alarm.AlarmName ?? '',
    ...(alarm.AlarmDescription ? { alarmDescription: alarm.AlarmDescription } : {}),
    namespace: alarm.Namespace ?? '',
    metricName: alarm.MetricName ?? '',
    statistic: (alarm.Statistic ?? 'Sum') as AlarmInfo['statistic'],
    period: alarm.Period ?? 0,
    evaluationPeriods: alarm.EvaluationPeriods ?? 0,
    datapointsToAlarm: alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods ?? 0,
    threshold: alarm.Threshold ?? 0,
    comparisonOperator: alarm.ComparisonOperator ?? '',
    treatMissingData: (alarm.TreatMissingData ?? 'missing') as AlarmInfo['treatMissingData'],
    alarmActions: [...(alarm.AlarmActions ?? [])],
    stateValue: (alarm.StateValue ?? 'INSUFFICIENT_DATA') as AlarmInfo['stateValue'],
    ...(alarm.StateReason ? { stateReason: alarm.StateReason } : {}),
  };
}
