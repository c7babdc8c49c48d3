/** LogsPort on the AWS SDK: the trail's log group and the metric filters kscli's alarm counts with. */
import {
  DeleteMetricFilterCommand,
  PutMetricFilterCommand,
  paginateDescribeLogGroups,
  paginateDescribeMetricFilters,
  type CloudWatchLogsClient,
  type LogGroup,
} from '@aws-sdk/client-cloudwatch-logs';
import type { LogGroupInfo, LogsPort, MetricFilterSpec } from '../ports.js';
import { mapFailure } from '../errors.js';
import type { AdapterSite } from './site.js';

/** DescribeLogGroups and DescribeMetricFilters take at most 50 per page. */
const PAGE_SIZE = 50;

export class LogsAdapter implements LogsPort {
  constructor(
    private readonly client: () => Promise<CloudWatchLogsClient>,
    private readonly where: AdapterSite,
  ) {}

  async describeLogGroup(name: string): Promise<LogGroupInfo | null> {
    return this.call('DescribeLogGroups', async (logs) => {
      // there is no exact-name lookup: the prefix also matches "name-2", "name/x"..., so page until
      // the exact name shows up
      for await (const page of paginateDescribeLogGroups({ client: logs, pageSize: PAGE_SIZE }, { logGroupNamePrefix: name })) {
        const group = (page.logGroups ?? []).find((g) => g.logGroupName === name);
        if (group) return toLogGroupInfo(group);
      }
      return null;
    });
  }

  async describeMetricFilters(logGroupName: string, filterNamePrefix?: string): Promise<MetricFilterSpec[]> {
    return this.call('DescribeMetricFilters', async (logs) => {
      const specs: MetricFilterSpec[] = [];
      const input = { logGroupName, ...(filterNamePrefix ? { filterNamePrefix } : {}) };
      for await (const page of paginateDescribeMetricFilters({ client: logs, pageSize: PAGE_SIZE }, input)) {
        for (const filter of page.metricFilters ?? []) {
          // PutMetricFilter takes exactly one transformation (aws-facts.md 4.2)
          const transformation = filter.metricTransformations?.[0];
          specs.push({
            logGroupName: filter.logGroupName ?? logGroupName,
            filterName: filter.filterName ?? '',
            filterPattern: filter.filterPattern ?? '',
            metricName: transformation?.metricName ?? '',
            metricNamespace: transformation?.metricNamespace ?? '',
            metricValue: transformation?.metricValue ?? '',
          });
        }
      }
      return specs;
    });
  }

  async putMetricFilter(spec: MetricFilterSpec): Promise<void> {
    await this.call('PutMetricFilter', (logs) =>
      logs.send(
        new PutMetricFilterCommand({
          logGroupName: spec.logGroupName,
          filterName: spec.filterName,
          filterPattern: spec.filterPattern,
          metricTransformations: [{ metricName: spec.metricName, metricNamespace: spec.metricNamespace, metricValue: spec.metricValue }],
        }),
      ),
    );
  }

  async deleteMetricFilter(logGroupName: string, filterName: string): Promise<void> {
    await this.call('DeleteMetricFilter', (logs) => logs.send(new DeleteMetricFilterCommand({ logGroupName, filterName })));
  }

  private call<T>(operation: string, fn: (client: CloudWatchLogsClient) => Promise<T>): Promise<T> {
    return mapFailure({ service: 'logs', operation, ...this.where }, async () => fn(await this.client()));
  }
}

function toLogGroupInfo(group: LogGroup): LogGroupInfo {
  // `arn` carries a ":*" suffix (the form trails use); `logGroupArn` is the bare ARN
  const arn = group.logGroupArn ?? (group.arn ?? '').replace(/:\*$/, '');
  return {
    name: group.logGroupName ?? '',
    arn,
    ...(group.kmsKeyId ? { kmsKeyId: group.kmsKeyId } : {}),
    ...(group.logGroupClass ? { logGroupClass: group.logGroupClass } : {}),
  };
}
