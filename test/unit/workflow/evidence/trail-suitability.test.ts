import { describe, expect, it } from 'vitest';
import type { EventSelectors, LogGroupInfo, TrailInfo, TrailStatus } from '../../../../src/aws/ports.js';
import {
  assessTrail,
  parseLogGroupArn,
  recordsKmsReadEvents,
  type TrailFacts,
} from '../../../../src/workflow/evidence/trail-suitability.js';

const REGION = 'eu-west-1';
const trail = (over: Partial<TrailInfo> = {}): TrailInfo => ({
  name: 't',
  arn: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/t',
  homeRegion: REGION,
  isMultiRegionTrail: false,
  cloudWatchLogsLogGroupArn: 'arn:aws:logs:eu-west-1:111122223333:log-group:ct-logs:*',
  ...over,
});
const lg: LogGroupInfo = {
  name: 'ct-logs',
  arn: 'arn:aws:logs:eu-west-1:111122223333:log-group:ct-logs',
  logGroupClass: 'STANDARD',
};
const facts = (
  over: {
    trail?: Partial<TrailInfo>;
    status?: TrailStatus;
    selectors?: EventSelectors;
    logGroup?: LogGroupInfo | null;
  } = {},
): TrailFacts => ({
  trail: trail(over.trail),
  status: over.status ?? { isLogging: true },
  selectors: over.selectors ?? { eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true }] },
  logGroup: over.logGroup === undefined ? lg : over.logGroup,
});

// One row per rule: each makes an otherwise good trail unsuitable, with a message naming the fix.
const rows: Array<{ name: string; facts: TrailFacts; region?: string; problem: RegExp | null }> = [
  { name: 'a good single-region trail of this region', facts: facts(), problem: null },
  {
    name: 'a multi-region trail of another home region covers this region',
    facts: facts({ trail: { homeRegion: 'us-east-1', isMultiRegionTrail: true } }),
    problem: null,
  },
  {
    name: 'not logging',
    facts: facts({ status: { isLogging: false } }),
    problem: /not logging: run aws cloudtrail start-logging/,
  },
  {
    name: 'no CloudWatch Logs delivery',
    facts: facts({ trail: { cloudWatchLogsLogGroupArn: undefined }, logGroup: null }),
    problem: /does not deliver to CloudWatch Logs/,
  },
  {
    name: 'a CloudWatch Logs delivery error',
    facts: facts({ status: { isLogging: true, latestCloudWatchLogsDeliveryError: 'AccessDenied' } }),
    problem: /fails to deliver to CloudWatch Logs \(AccessDenied\)/,
  },
  {
    name: 'a single-region trail of another region',
    facts: facts({ trail: { homeRegion: 'us-east-1' } }),
    problem: /records only us-east-1, not eu-west-1/,
  },
  {
    name: 'WriteOnly selector',
    facts: facts({ selectors: { eventSelectors: [{ readWriteType: 'WriteOnly', includeManagementEvents: true }] } }),
    problem: /does not record KMS read-only management events/,
  },
  {
    name: 'management events off',
    facts: facts({ selectors: { eventSelectors: [{ readWriteType: 'All', includeManagementEvents: false }] } }),
    problem: /KMS read-only/,
  },
  {
    name: 'ExcludeManagementEventSources kms.amazonaws.com',
    facts: facts({
      selectors: {
        eventSelectors: [
          { readWriteType: 'All', includeManagementEvents: true, excludeManagementEventSources: ['kms.amazonaws.com'] },
        ],
      },
    }),
    problem: /excluding kms\.amazonaws\.com/,
  },
  {
    name: 'advanced selector excluding kms.amazonaws.com',
    facts: facts({
      selectors: {
        advancedEventSelectors: [
          {
            fieldSelectors: [
              { field: 'eventCategory', equals: ['Management'] },
              { field: 'eventSource', notEquals: ['kms.amazonaws.com'] },
            ],
          },
        ],
      },
    }),
    problem: /KMS read-only/,
  },
  {
    name: 'advanced selector with readOnly = false (write-only)',
    facts: facts({
      selectors: {
        advancedEventSelectors: [
          {
            fieldSelectors: [
              { field: 'eventCategory', equals: ['Management'] },
              { field: 'readOnly', equals: ['false'] },
            ],
          },
        ],
      },
    }),
    problem: /KMS read-only/,
  },
  {
    name: 'advanced selectors for data events only',
    facts: facts({
      selectors: {
        advancedEventSelectors: [
          {
            fieldSelectors: [
              { field: 'eventCategory', equals: ['Data'] },
              { field: 'resources.type', equals: ['AWS::S3::Object'] },
            ],
          },
        ],
      },
    }),
    problem: /KMS read-only/,
  },
  {
    name: 'advanced selector recording all management events',
    facts: facts({
      selectors: {
        advancedEventSelectors: [
          { name: 'mgmt', fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }] },
        ],
      },
    }),
    problem: null,
  },
  {
    name: 'log group missing',
    facts: facts({ logGroup: null }),
    problem: /log group ct-logs of trail t does not exist in eu-west-1/,
  },
  {
    name: 'log group of class INFREQUENT_ACCESS',
    facts: facts({ logGroup: { ...lg, logGroupClass: 'INFREQUENT_ACCESS' } }),
    problem: /class INFREQUENT_ACCESS: metric filters work only on STANDARD/,
  },
];

describe('assessTrail', () => {
  it.each(rows)('$name', ({ facts: f, region, problem }) => {
    const s = assessTrail(f, region ?? REGION);
    if (problem === null) {
      expect(s).toEqual({ suitable: true, problems: [] });
    } else {
      expect(s.suitable).toBe(false);
      expect(s.problems).toHaveLength(1);
      expect(s.problems[0]).toMatch(problem);
    }
  });
});

describe('helpers', () => {
  it('no selectors at all is the default: every management event', () => {
    expect(recordsKmsReadEvents({})).toBe(true);
  });
  it('one good selector among bad ones is enough (selectors are OR-ed)', () => {
    expect(
      recordsKmsReadEvents({ eventSelectors: [{ readWriteType: 'WriteOnly' }, { readWriteType: 'ReadOnly' }] }),
    ).toBe(true);
  });
  it('parses log group ARNs with and without the :* suffix', () => {
    expect(parseLogGroupArn('arn:aws:logs:eu-west-1:111122223333:log-group:aws-cloudtrail-logs/ct_1.x:*')).toEqual({
      region: 'eu-west-1',
      account: '111122223333',
      name: 'aws-cloudtrail-logs/ct_1.x',
    });
    expect(parseLogGroupArn('arn:aws:logs:eu-west-1:111122223333:log-group:x')).toMatchObject({ name: 'x' });
    expect(parseLogGroupArn('nope')).toBeNull();
  });
});
