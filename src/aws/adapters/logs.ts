/**
 * LogsPort on the AWS SDK: the trail's log group, the metric filters kscli's alarm counts with, and
 * Logs Insights queries over the group (the evidence source of issue 10).
 *
 * Logs Insights facts (aws-facts-estate-and-scale A1): StartQuery takes epoch SECONDS, both ends
 * inclusive; GetQueryResults is partial while Scheduled/Running and pages (nextToken, at most 10,000
 * rows a page) once Complete; the SDK (3.1169) has no paginator for it, hence the hand loop. The
 * request-rate quotas of these four calls are UNCONFIRMED, so they are not paced here: kscli makes
 * a handful of them per run and polls at most a few times a second.
 */
import type { CloudWatchLogsClient, LogGroup, ResultField } from '@aws-sdk/client-cloudwatch-logs';
import type {
  LogGroupInfo,
  LogsPort,
  LogsQueryRequest,
  LogsQueryResults,
  LogsQueryStatus,
  MetricFilterSpec,
} from '../ports.js';
import type { DataResource } from '../data-ports.js';
import { mapFailure } from '../errors.js';
import type { AdapterSite } from './site.js';
import { sdkModule } from '../sdk-modules.js';

const {
  DeleteMetricFilterCommand,
  GetQueryResultsCommand,
  PutMetricFilterCommand,
  StartQueryCommand,
  StopQueryCommand,
  paginateDescribeLogGroups,
  paginateDescribeLogStreams,
  paginateDescribeMetricFilters,
} = sdkModule('@aws-sdk/client-cloudwatch-logs');

/** DescribeLogGroups and DescribeMetricFilters take at most 50 per page. */
const PAGE_SIZE = 50;

export class LogsAdapter implements LogsPort {
  constructor(
    private readonly client: () => Promise<CloudWatchLogsClient>,
    private readonly where: AdapterSite,
  ) {}

  async describeLogGroup(name: string, accountId?: string): Promise<LogGroupInfo | null> {
    return this.call('DescribeLogGroups', async (logs) => {
      // there is no exact-name lookup: the prefix also matches "name-2", "name/x"..., so page until
      // the exact name shows up. Another account's group is visible only from a monitoring account
      // (CloudWatch cross-account observability): accountIdentifiers + includeLinkedAccounts.
      const input = {
        logGroupNamePrefix: name,
        ...(accountId ? { accountIdentifiers: [accountId], includeLinkedAccounts: true } : {}),
      };
      for await (const page of paginateDescribeLogGroups({ client: logs, pageSize: PAGE_SIZE }, input)) {
        const group = (page.logGroups ?? []).find((g) => g.logGroupName === name);
        if (group) return toLogGroupInfo(group);
      }
      return null;
    });
  }

  async oldestStreamEvent(logGroupIdentifier: string, streamPrefix?: string): Promise<Date | null> {
    return this.call('DescribeLogStreams', async (logs) => {
      // AWS refuses orderBy LastEventTime together with a prefix, so every matching stream is read
      // (CloudTrail writes one stream per account and Region, "_2"... suffixes at high volume).
      let oldest: number | undefined;
      const input = { logGroupIdentifier, ...(streamPrefix ? { logStreamNamePrefix: streamPrefix } : {}) };
      for await (const page of paginateDescribeLogStreams({ client: logs, pageSize: PAGE_SIZE }, input)) {
        for (const s of page.logStreams ?? []) {
          const first = s.firstEventTimestamp ?? s.creationTime;
          if (first !== undefined && (oldest === undefined || first < oldest)) oldest = first;
        }
      }
      return oldest === undefined ? null : new Date(oldest);
    });
  }

  async startQuery(request: LogsQueryRequest): Promise<string> {
    return this.call('StartQuery', async (logs) => {
      const out = await logs.send(
        new StartQueryCommand({
          logGroupIdentifiers: request.logGroupIdentifiers,
          // epoch seconds, both inclusive: floor the start and ceil the end so no event is left out
          startTime: Math.floor(request.startTime.getTime() / 1000),
          endTime: Math.ceil(request.endTime.getTime() / 1000),
          queryString: request.queryString,
          ...(request.limit !== undefined ? { limit: request.limit } : {}),
        }),
      );
      if (!out.queryId) throw new Error('StartQuery returned no queryId');
      return out.queryId;
    });
  }

  async getQueryResults(queryId: string): Promise<LogsQueryResults> {
    return this.call('GetQueryResults', async (logs) => {
      let out = await logs.send(new GetQueryResultsCommand({ queryId }));
      const status = (out.status ?? 'Unknown') as LogsQueryStatus;
      const rows = (out.results ?? []).map(toRow);
      // the rest of the pages only once the result is final (a nextToken expires after an hour)
      while (status === 'Complete' && out.nextToken) {
        out = await logs.send(new GetQueryResultsCommand({ queryId, nextToken: out.nextToken }));
        rows.push(...(out.results ?? []).map(toRow));
      }
      const st = out.statistics ?? {};
      return {
        status,
        rows,
        statistics: {
          recordsMatched: st.recordsMatched ?? 0,
          recordsScanned: st.recordsScanned ?? 0,
          bytesScanned: st.bytesScanned ?? 0,
        },
      };
    });
  }

  async stopQuery(queryId: string): Promise<boolean> {
    return this.call('StopQuery', async (logs) => {
      try {
        return (await logs.send(new StopQueryCommand({ queryId }))).success ?? false;
      } catch (err) {
        // a query that has already ended: AWS answers with an error whose code is UNCONFIRMED
        // (aws-facts-estate-and-scale A1.2); either way nothing is left running
        if (/not running|already|InvalidParameter/i.test(`${(err as Error).name} ${(err as Error).message}`))
          return false;
        throw err;
      }
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
          metricTransformations: [
            { metricName: spec.metricName, metricNamespace: spec.metricNamespace, metricValue: spec.metricValue },
          ],
        }),
      ),
    );
  }

  async deleteMetricFilter(logGroupName: string, filterName: string): Promise<void> {
    await this.call('DeleteMetricFilter', (logs) =>
      logs.send(new DeleteMetricFilterCommand({ logGroupName, filterName })),
    );
  }

  async encryptedLogGroups(): Promise<DataResource[]> {
    return this.call('DescribeLogGroups', async (logs) => {
      const out: DataResource[] = [];
      for await (const page of paginateDescribeLogGroups({ client: logs, pageSize: PAGE_SIZE }, {})) {
        for (const g of page.logGroups ?? []) {
          if (!g.kmsKeyId || !g.logGroupName) continue;
          const info = toLogGroupInfo(g);
          out.push({
            resourceType: 'AWS::Logs::LogGroup',
            resourceId: g.logGroupName,
            ...(info.arn ? { arn: info.arn } : {}),
            region: this.where.region,
            ...(info.creationTime ? { createdAt: info.creationTime } : {}),
            kmsKeyRef: g.kmsKeyId,
            property: 'kmsKeyId',
          });
        }
      }
      return out;
    });
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
    ...(group.retentionInDays !== undefined ? { retentionInDays: group.retentionInDays } : {}),
    ...(group.creationTime !== undefined ? { creationTime: new Date(group.creationTime) } : {}),
    ...(group.storedBytes !== undefined ? { storedBytes: group.storedBytes } : {}),
  };
}

/** A result row as field -> value; @ptr (the pointer to the whole event) is dropped. */
function toRow(fields: ResultField[]): Record<string, string> {
  const row: Record<string, string> = {};
  for (const f of fields) if (f.field && f.field !== '@ptr' && f.value !== undefined) row[f.field] = f.value;
  return row;
}
