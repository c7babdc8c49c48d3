import { SITE, serviceError, testClients } from './sdk-test-env.js';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  LookupEventsCommand,
} from '@aws-sdk/client-cloudtrail';
import { CloudTrailAdapter } from '../../../src/aws/adapters/cloudtrail.js';
import { ExitCode, KscliError } from '../../../src/errors.js';

const trail = mockClient(CloudTrailClient);
const adapter = () => {
  const clients = testClients();
  return new CloudTrailAdapter(() => clients.get('cloudtrail'), SITE);
};
const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/k1';

function event(id: string, name: string, detail: object | string) {
  return {
    EventId: id,
    EventName: name,
    EventTime: new Date('2026-10-01T00:00:00Z'),
    EventSource: 'kms.amazonaws.com',
    ReadOnly: 'true',
    Username: 'app',
    CloudTrailEvent: typeof detail === 'string' ? detail : JSON.stringify(detail),
  };
}

beforeEach(() => trail.reset());
// the unit project shares modules between files (vitest.config.ts): a class-level mock must not outlive this file
afterAll(() => trail.restore());

describe('lookupEvents', () => {
  it('pages with the same query and MaxResults 50, parses CloudTrailEvent, reports events so far', async () => {
    const inputs: Array<Record<string, unknown>> = [];
    trail.on(LookupEventsCommand).callsFake(async (input: { NextToken?: string }) => {
      inputs.push({ ...input });
      if (!input.NextToken)
        return {
          Events: [event('e1', 'Decrypt', { resources: [{ ARN: KEY_ARN }], errorCode: 'DisabledException' })],
          NextToken: 't1',
        };
      if (input.NextToken === 't1')
        return {
          Events: [event('e2', 'Encrypt', { resources: [{ ARN: KEY_ARN }] }), event('e3', 'DescribeKey', {})],
          NextToken: 't2',
        };
      return { Events: [event('e4', 'Decrypt', 'not json')] };
    });
    const pages: number[] = [];
    const start = new Date('2026-08-01T00:00:00Z');
    const events = await adapter().lookupEvents(
      { attributeKey: 'ResourceName', attributeValue: KEY_ARN, startTime: start },
      (n) => pages.push(n),
    );

    const query = {
      LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: KEY_ARN }],
      StartTime: start,
      MaxResults: 50,
    };
    expect(inputs).toEqual([query, { ...query, NextToken: 't1' }, { ...query, NextToken: 't2' }]);
    expect(pages).toEqual([1, 3, 4]);
    expect(events.map((e) => e.eventId)).toEqual(['e1', 'e2', 'e3', 'e4']);
    expect(events[0]).toEqual({
      eventId: 'e1',
      eventName: 'Decrypt',
      eventTime: new Date('2026-10-01T00:00:00Z'),
      eventSource: 'kms.amazonaws.com',
      readOnly: true,
      username: 'app',
      detail: { resources: [{ ARN: KEY_ARN }], errorCode: 'DisabledException' },
    });
    // an unreadable CloudTrailEvent leaves detail empty rather than failing the lookup
    expect(events[3]!.detail).toEqual({});
  });

  it('maps a denied lookup to exit 4', async () => {
    trail
      .on(LookupEventsCommand)
      .rejects(serviceError('AccessDeniedException', 'not authorized to perform: cloudtrail:LookupEvents'));
    const error = await adapter()
      .lookupEvents({ attributeKey: 'EventName', attributeValue: 'DeleteKey' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KscliError);
    expect((error as KscliError).exitCode).toBe(ExitCode.Credentials);
    expect((error as KscliError).message).toContain('cloudtrail:LookupEvents');
  });
});

describe('trails', () => {
  it('describeTrails includes shadow trails and maps each trail', async () => {
    trail.on(DescribeTrailsCommand, { includeShadowTrails: true }).resolves({
      trailList: [
        {
          Name: 'org',
          TrailARN: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org',
          HomeRegion: 'eu-west-1',
          IsMultiRegionTrail: true,
          CloudWatchLogsLogGroupArn: 'arn:aws:logs:eu-west-1:111122223333:log-group:ct:*',
          HasCustomEventSelectors: false,
        },
      ],
    });
    expect(await adapter().describeTrails()).toEqual([
      {
        name: 'org',
        arn: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org',
        homeRegion: 'eu-west-1',
        isMultiRegionTrail: true,
        cloudWatchLogsLogGroupArn: 'arn:aws:logs:eu-west-1:111122223333:log-group:ct:*',
        hasCustomEventSelectors: false,
      },
    ]);
  });

  it('getTrailStatus and getEventSelectors map their answers', async () => {
    trail.on(GetTrailStatusCommand).resolves({ IsLogging: true, LatestCloudWatchLogsDeliveryError: 'AccessDenied' });
    expect(await adapter().getTrailStatus('arn:t')).toEqual({
      isLogging: true,
      latestCloudWatchLogsDeliveryError: 'AccessDenied',
    });
    trail.on(GetEventSelectorsCommand).resolves({
      EventSelectors: [
        {
          ReadWriteType: 'WriteOnly',
          IncludeManagementEvents: true,
          ExcludeManagementEventSources: ['kms.amazonaws.com'],
        },
      ],
      AdvancedEventSelectors: [{ Name: 'mgmt', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }],
    });
    expect(await adapter().getEventSelectors('arn:t')).toEqual({
      eventSelectors: [
        {
          readWriteType: 'WriteOnly',
          includeManagementEvents: true,
          excludeManagementEventSources: ['kms.amazonaws.com'],
        },
      ],
      advancedEventSelectors: [{ name: 'mgmt', fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }] }],
    });
  });
});
