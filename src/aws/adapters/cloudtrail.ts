/**
 * CloudTrailPort on the AWS SDK. LookupEvents is limited to 2 requests per second per account and
 * Region (aws-facts.md section 5): the client's pacing middleware holds one bucket per Region that
 * every page of every lookup shares, so parallel lookups for many keys queue up instead of
 * being throttled.
 */
import type { CloudTrailClient, Event as SdkEvent, LookupAttributeKey } from '@aws-sdk/client-cloudtrail';
import type {
  CloudTrailPort,
  EventSelectors,
  LookupQuery,
  TrailEvent,
  TrailEventDetail,
  TrailInfo,
  TrailStatus,
} from '../ports.js';
import { mapFailure } from '../errors.js';
import type { AdapterSite } from './site.js';
import { sdkModule } from '../sdk-modules.js';

const { DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand, paginateLookupEvents } =
  sdkModule('@aws-sdk/client-cloudtrail');

/** LookupEvents MaxResults is 1-50. */
export const LOOKUP_PAGE_SIZE = 50;

export class CloudTrailAdapter implements CloudTrailPort {
  constructor(
    private readonly client: () => Promise<CloudTrailClient>,
    private readonly where: AdapterSite,
  ) {}

  async lookupEvents(query: LookupQuery, onPage?: (eventsSoFar: number) => void): Promise<TrailEvent[]> {
    return this.call('LookupEvents', async (trail) => {
      const events: TrailEvent[] = [];
      const input = {
        // only one attribute per call: combining "this key" with "only Decrypt" is the caller's job
        LookupAttributes: [
          { AttributeKey: query.attributeKey as LookupAttributeKey, AttributeValue: query.attributeValue },
        ],
        ...(query.startTime ? { StartTime: query.startTime } : {}),
        ...(query.endTime ? { EndTime: query.endTime } : {}),
      };
      for await (const page of paginateLookupEvents({ client: trail, pageSize: LOOKUP_PAGE_SIZE }, input)) {
        for (const event of page.Events ?? []) events.push(toTrailEvent(event));
        onPage?.(events.length);
      }
      return events;
    });
  }

  async describeTrails(): Promise<TrailInfo[]> {
    return this.call('DescribeTrails', async (trail) => {
      // shadow trails included: a multi-Region trail from another home Region records this one too
      const out = await trail.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
      return (out.trailList ?? []).map((t) => ({
        name: t.Name ?? '',
        arn: t.TrailARN ?? '',
        homeRegion: t.HomeRegion ?? this.where.region,
        isMultiRegionTrail: t.IsMultiRegionTrail ?? false,
        ...(t.IsOrganizationTrail !== undefined ? { isOrganizationTrail: t.IsOrganizationTrail } : {}),
        ...(t.CloudWatchLogsLogGroupArn ? { cloudWatchLogsLogGroupArn: t.CloudWatchLogsLogGroupArn } : {}),
        ...(t.KmsKeyId ? { kmsKeyId: t.KmsKeyId } : {}),
        ...(t.HasCustomEventSelectors !== undefined ? { hasCustomEventSelectors: t.HasCustomEventSelectors } : {}),
      }));
    });
  }

  async getTrailStatus(trailArn: string): Promise<TrailStatus> {
    return this.call('GetTrailStatus', async (trail) => {
      const out = await trail.send(new GetTrailStatusCommand({ Name: trailArn }));
      return {
        isLogging: out.IsLogging ?? false,
        ...(out.LatestCloudWatchLogsDeliveryError
          ? { latestCloudWatchLogsDeliveryError: out.LatestCloudWatchLogsDeliveryError }
          : {}),
        ...(out.StartLoggingTime ? { startLoggingTime: out.StartLoggingTime } : {}),
        ...(out.LatestCloudWatchLogsDeliveryTime
          ? { latestCloudWatchLogsDeliveryTime: out.LatestCloudWatchLogsDeliveryTime }
          : {}),
      };
    });
  }

  async getEventSelectors(trailArn: string): Promise<EventSelectors> {
    return this.call('GetEventSelectors', async (trail) => {
      const out = await trail.send(new GetEventSelectorsCommand({ TrailName: trailArn }));
      const result: EventSelectors = {};
      if (out.EventSelectors) {
        result.eventSelectors = out.EventSelectors.map((s) => ({
          ...(s.ReadWriteType ? { readWriteType: s.ReadWriteType } : {}),
          ...(s.IncludeManagementEvents !== undefined ? { includeManagementEvents: s.IncludeManagementEvents } : {}),
          ...(s.ExcludeManagementEventSources
            ? { excludeManagementEventSources: [...s.ExcludeManagementEventSources] }
            : {}),
        }));
      }
      if (out.AdvancedEventSelectors) {
        result.advancedEventSelectors = out.AdvancedEventSelectors.map((s) => ({
          ...(s.Name ? { name: s.Name } : {}),
          fieldSelectors: (s.FieldSelectors ?? []).map((f) => ({
            field: f.Field ?? '',
            ...(f.Equals ? { equals: [...f.Equals] } : {}),
            ...(f.NotEquals ? { notEquals: [...f.NotEquals] } : {}),
            ...(f.StartsWith ? { startsWith: [...f.StartsWith] } : {}),
            ...(f.NotStartsWith ? { notStartsWith: [...f.NotStartsWith] } : {}),
            ...(f.EndsWith ? { endsWith: [...f.EndsWith] } : {}),
            ...(f.NotEndsWith ? { notEndsWith: [...f.NotEndsWith] } : {}),
          })),
        }));
      }
      return result;
    });
  }

  private call<T>(operation: string, fn: (client: CloudTrailClient) => Promise<T>): Promise<T> {
    return mapFailure({ service: 'cloudtrail', operation, ...this.where }, async () => fn(await this.client()));
  }
}

/** `CloudTrailEvent` is a JSON string holding the full record; an unreadable one leaves `detail` empty. */
export function toTrailEvent(event: SdkEvent): TrailEvent {
  let detail: TrailEventDetail = {};
  if (event.CloudTrailEvent) {
    try {
      const parsed: unknown = JSON.parse(event.CloudTrailEvent);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) detail = parsed as TrailEventDetail; // the wire: CloudTrail's JSON, read field by field
    } catch {
      detail = {};
    }
  }
  return {
    eventId: event.EventId ?? '',
    eventName: event.EventName ?? '',
    eventTime: event.EventTime ?? new Date(0),
    eventSource: event.EventSource ?? '',
    // ReadOnly is the string "true" / "false" in the Event shape
    ...(event.ReadOnly !== undefined ? { readOnly: event.ReadOnly === 'true' } : {}),
    ...(event.Username ? { username: event.Username } : {}),
    detail,
  };
}
