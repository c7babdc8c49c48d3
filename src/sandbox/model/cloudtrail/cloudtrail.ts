/**
 * CloudTrail's read side: LookupEvents over the event history (aws-facts 5), and the trail
 * configuration calls kscli checks before relying on an alarm (aws-facts 4.2).
 */
import { SandboxError, toDate } from '../../contract.js';
import type { Account } from '../account.js';
import type { Handler } from '../handler.js';
import { logGroupArn } from '../logs/logs.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';
import type { EventRecord, TrailRecord } from '../state.js';
import { EVENT_HISTORY_MS } from './trail-events.js';

const ATTRIBUTE_KEYS = [
  'EventId',
  'EventName',
  'ReadOnly',
  'Username',
  'ResourceType',
  'ResourceName',
  'EventSource',
  'AccessKeyId',
];

function predicate(key: string, value: string): (e: EventRecord) => boolean {
  switch (key) {
    case 'EventId':
      return (e) => e.id === value;
    case 'EventName':
      return (e) => e.name === value;
    case 'ReadOnly':
      return (e) => String(e.readOnly) === value;
    case 'Username':
      return (e) => e.username === value;
    case 'ResourceType':
      return (e) => e.resources.some((r) => r.type === value);
    case 'ResourceName':
      return (e) => e.resources.some((r) => r.name === value);
    case 'EventSource':
      return (e) => e.source === value;
    default:
      return (e) => e.accessKeyId === value;
  }
}

function eventOutput(e: EventRecord): Record<string, unknown> {
  return {
    EventId: e.id,
    EventName: e.name,
    ReadOnly: String(e.readOnly),
    ...(e.accessKeyId ? { AccessKeyId: e.accessKeyId } : {}),
    EventTime: new Date(e.t),
    EventSource: e.source,
    ...(e.username ? { Username: e.username } : {}),
    Resources: e.resources.map((r) => ({ ResourceType: r.type, ResourceName: r.name })),
    CloudTrailEvent: e.json,
  };
}

const lookupEvents: Handler = (acc, input) => {
  const attrs = (input.LookupAttributes ?? []) as Array<{ AttributeKey?: string; AttributeValue?: string }>;
  if (!Array.isArray(attrs) || attrs.length > 1) {
    throw new SandboxError('InvalidLookupAttributesException', 'You cannot specify more than one lookup attribute.');
  }
  const attr = attrs[0];
  if (
    attr &&
    (!ATTRIBUTE_KEYS.includes(String(attr.AttributeKey)) ||
      typeof attr.AttributeValue !== 'string' ||
      attr.AttributeValue.length < 1 ||
      attr.AttributeValue.length > 2000)
  ) {
    throw new SandboxError(
      'InvalidLookupAttributesException',
      `Invalid lookup attribute: ${String(attr.AttributeKey)}`,
    );
  }
  if (input.EventCategory !== undefined && input.EventCategory !== 'insight')
    throw new SandboxError('InvalidEventCategoryException', 'Invalid event category.');
  const max = input.MaxResults === undefined ? 50 : Number(input.MaxResults);
  if (!Number.isInteger(max) || max < 1 || max > 50)
    throw new SandboxError('InvalidMaxResultsException', 'MaxResults must be between 1 and 50.');
  const now = acc.nowMs();
  const startIn = toDate(input.StartTime)?.getTime();
  const endIn = toDate(input.EndTime)?.getTime();
  if (startIn !== undefined && endIn !== undefined && startIn > endIn)
    throw new SandboxError('InvalidTimeRangeException', 'Start time must be before end time.');
  // the 90-day window of event history
  const start = Math.max(startIn ?? 0, now - EVENT_HISTORY_MS);
  const end = endIn ?? Number.POSITIVE_INFINITY;
  if (input.EventCategory === 'insight') return { Events: [] };

  const fp = fingerprint([attr?.AttributeKey, attr?.AttributeValue, startIn, endIn]);
  let fromSeq = Number.POSITIVE_INFINITY;
  if (input.NextToken !== undefined) {
    const body = decodeToken(input.NextToken, fp);
    if (!body || typeof body.p !== 'number')
      throw new SandboxError(
        'InvalidNextTokenException',
        'Invalid NextToken. Resend it with the same parameters as the first call.',
      );
    fromSeq = body.p;
  }
  const matches = attr ? predicate(attr.AttributeKey!, attr.AttributeValue!) : () => true;
  const found: EventRecord[] = [];
  let nextSeq: number | undefined;
  const take = (e: EventRecord): boolean => {
    if (e.seq > fromSeq || e.t > end || !matches(e)) return true;
    if (found.length === max) {
      nextSeq = e.seq;
      return false;
    }
    found.push(e);
    return true;
  };

  if (attr?.AttributeKey === 'ResourceName') {
    // indexed: walk only the events about this resource (a key ARN, or a key id)
    const value = attr.AttributeValue!;
    const seqs =
      acc.eventsByResource.get(value) ??
      (acc.keyById.has(value) ? acc.eventsByResource.get(acc.keyArn(value)) : undefined) ??
      [];
    const byName = acc.eventsByResource.get(value) ? matches : () => true;
    for (let i = seqs.length - 1; i >= 0; i--) {
      if (seqs[i]! > fromSeq) continue;
      const e = acc.eventBySeq(seqs[i]!);
      if (!e) break; // pruned
      if (e.t < start) break;
      if (e.t > end || !byName(e)) continue;
      if (found.length === max) {
        nextSeq = e.seq;
        break;
      }
      found.push(e);
    }
  } else {
    const events = acc.state.events;
    for (let i = events.length - 1; i >= 0; i--) {
      const e = events[i]!;
      if (e.t < start) break;
      if (!take(e)) break;
    }
  }
  return {
    Events: found.map(eventOutput),
    ...(nextSeq !== undefined ? { NextToken: encodeToken({ p: nextSeq, f: fp }) } : {}),
  };
};

export function trailArn(acc: Account, t: TrailRecord): string {
  return `arn:aws:cloudtrail:${t.homeRegion}:${acc.accountId}:trail/${t.name}`;
}

function findTrail(acc: Account, nameOrArn: unknown): TrailRecord {
  const t = acc.state.trails.find((x) => x.name === nameOrArn || trailArn(acc, x) === nameOrArn);
  if (!t)
    throw new SandboxError(
      'TrailNotFoundException',
      `Unknown trail: ${String(nameOrArn)} for the user: ${acc.accountId}`,
    );
  return t;
}

export function trailOutput(acc: Account, t: TrailRecord): Record<string, unknown> {
  return {
    Name: t.name,
    S3BucketName: t.s3Bucket,
    IncludeGlobalServiceEvents: true,
    IsMultiRegionTrail: t.multiRegion,
    HomeRegion: t.homeRegion,
    TrailARN: trailArn(acc, t),
    LogFileValidationEnabled: true,
    ...(t.logGroupName ? { CloudWatchLogsLogGroupArn: `${logGroupArn(acc, t.logGroupName)}:*` } : {}),
    ...(t.roleArn ? { CloudWatchLogsRoleArn: t.roleArn } : {}),
    ...(t.kmsKeyId ? { KmsKeyId: t.kmsKeyId } : {}),
    HasCustomEventSelectors: Boolean(t.eventSelectors || t.advancedEventSelectors),
    HasInsightSelectors: false,
    IsOrganizationTrail: false,
  };
}

const describeTrails: Handler = (acc, input) => {
  const names = Array.isArray(input.trailNameList) ? (input.trailNameList as string[]) : [];
  let trails = acc.state.trails;
  if (names.length > 0) trails = trails.filter((t) => names.includes(t.name) || names.includes(trailArn(acc, t)));
  // multi-Region trails show in every Region; single-Region trails in their home Region only
  return { trailList: trails.map((t) => trailOutput(acc, t)) };
};

const getTrailStatus: Handler = (acc, input) => {
  const t = findTrail(acc, input.Name);
  return {
    IsLogging: t.logging,
    ...(t.startedAt !== undefined
      ? { StartLoggingTime: new Date(t.startedAt), TimeLoggingStarted: new Date(t.startedAt).toISOString() }
      : {}),
    ...(t.lastCwlDelivery !== undefined
      ? {
          LatestCloudWatchLogsDeliveryTime: new Date(t.lastCwlDelivery),
          LatestDeliveryTime: new Date(t.lastCwlDelivery),
        }
      : {}),
  };
};

const getEventSelectors: Handler = (acc, input) => {
  const t = findTrail(acc, input.TrailName);
  if (t.advancedEventSelectors) return { TrailARN: trailArn(acc, t), AdvancedEventSelectors: t.advancedEventSelectors };
  const selectors = t.eventSelectors ?? [{ ReadWriteType: 'All', IncludeManagementEvents: true }];
  return {
    TrailARN: trailArn(acc, t),
    EventSelectors: selectors.map((s) => ({
      ReadWriteType: s.ReadWriteType,
      IncludeManagementEvents: s.IncludeManagementEvents,
      DataResources: [],
      ExcludeManagementEventSources: s.ExcludeManagementEventSources ?? [],
    })),
  };
};

export const cloudtrailHandlers: Record<string, Handler> = {
  LookupEvents: lookupEvents,
  DescribeTrails: describeTrails,
  GetTrailStatus: getTrailStatus,
  GetEventSelectors: getEventSelectors,
};
