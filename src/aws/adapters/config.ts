/**
 * ConfigPort on the AWS SDK (JSON 1.1, StarlingDoveService; aws-facts-data-at-rest A).
 *
 * Select* answers one page per call: the workflow pages (it counts the pages and can stop early on
 * Ctrl-C). Each row is a JSON string; a row that does not parse is kept as the raw string so the
 * workflow can report a malformed answer as a coverage gap instead of silently dropping it.
 * The request quota of these calls is not documented (UNCONFIRMED): they are not paced here; kscli
 * pages each query sequentially, a handful of queries at once, and the SDK retries a throttle.
 */
import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import type { ConfigPort, ConfigRecorderInfo, ConfigRecorderStatus, ConfigSelectPage } from '../data-ports.js';
import { mapFailure } from '../errors.js';
import type { AdapterSite } from './site.js';
import { sdkModule } from '../sdk-modules.js';

const {
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  SelectAggregateResourceConfigCommand,
  SelectResourceConfigCommand,
} = sdkModule('@aws-sdk/client-config-service');

/** Limit: 0..100 rows a page (100 is the maximum; the default is 25). */
export const CONFIG_PAGE_LIMIT = 100;

export class ConfigAdapter implements ConfigPort {
  constructor(
    private readonly client: () => Promise<ConfigServiceClient>,
    private readonly where: AdapterSite,
  ) {}

  async describeRecorders(): Promise<ConfigRecorderInfo[]> {
    return this.call('DescribeConfigurationRecorders', async (c) => {
      const out = await c.send(new DescribeConfigurationRecordersCommand({}));
      return (out.ConfigurationRecorders ?? []).map((r) => ({
        name: r.name ?? 'default',
        allSupported: r.recordingGroup?.allSupported ?? false,
        resourceTypes: [...(r.recordingGroup?.resourceTypes ?? [])],
        excludedResourceTypes: [...(r.recordingGroup?.exclusionByResourceTypes?.resourceTypes ?? [])],
        ...(r.recordingGroup?.recordingStrategy?.useOnly
          ? { useOnly: r.recordingGroup.recordingStrategy.useOnly }
          : {}),
        ...(r.recordingMode?.recordingFrequency ? { recordingFrequency: r.recordingMode.recordingFrequency } : {}),
      }));
    });
  }

  async describeRecorderStatus(): Promise<ConfigRecorderStatus[]> {
    return this.call('DescribeConfigurationRecorderStatus', async (c) => {
      const out = await c.send(new DescribeConfigurationRecorderStatusCommand({}));
      return (out.ConfigurationRecordersStatus ?? []).map((s) => ({
        name: s.name ?? 'default',
        recording: s.recording ?? false,
        ...(s.lastStatus ? { lastStatus: s.lastStatus } : {}),
        ...(s.lastErrorCode ? { lastErrorCode: s.lastErrorCode } : {}),
      }));
    });
  }

  async selectResourceConfig(expression: string, nextToken?: string): Promise<ConfigSelectPage> {
    return this.call('SelectResourceConfig', async (c) => {
      const out = await c.send(
        new SelectResourceConfigCommand({
          Expression: expression,
          Limit: CONFIG_PAGE_LIMIT,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      return page(out.Results, out.NextToken);
    });
  }

  async selectAggregateResourceConfig(
    aggregator: string,
    expression: string,
    nextToken?: string,
  ): Promise<ConfigSelectPage> {
    return this.call('SelectAggregateResourceConfig', async (c) => {
      const out = await c.send(
        new SelectAggregateResourceConfigCommand({
          ConfigurationAggregatorName: aggregator,
          Expression: expression,
          Limit: CONFIG_PAGE_LIMIT,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      return page(out.Results, out.NextToken);
    });
  }

  private call<T>(operation: string, fn: (client: ConfigServiceClient) => Promise<T>): Promise<T> {
    return mapFailure({ service: 'config', operation, ...this.where }, async () => fn(await this.client()));
  }
}

function page(results: string[] | undefined, nextToken: string | undefined): ConfigSelectPage {
  return {
    rows: (results ?? []).map((r) => {
      try {
        return JSON.parse(r) as unknown;
      } catch {
        return r;
      }
    }),
    ...(nextToken ? { nextToken } : {}),
  };
}
