/**
 * When the log group may stand in for the per-key APIs (issue 10): each trust condition broken in
 * turn makes it unusable with the reason named, and each date bound (trail start, retention,
 * oldest event, creation) shortens the coverage and is named.
 */
import { describe, expect, it } from 'vitest';
import {
  judgeCandidate,
  surveyLogCoverage,
  type CandidateFacts,
} from '../../../../src/workflow/evidence/logs-coverage.js';
import { ACCOUNT, addGoodTrail, EvidenceAccount, REGION } from './fake-aws.js';

const DAY = 86_400_000;
const NOW = new Date('2026-11-30T12:00:00Z');
const WINDOW_START = new Date(NOW.getTime() - 90 * DAY);
const ctx = { region: REGION, windowStart: WINDOW_START, now: NOW };

function facts(over: Partial<CandidateFacts> = {}): CandidateFacts {
  return {
    trail: {
      name: 'management-events',
      arn: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/management-events`,
      homeRegion: REGION,
      isMultiRegionTrail: true,
      cloudWatchLogsLogGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:ct:*`,
    },
    status: { isLogging: true, startLoggingTime: new Date(NOW.getTime() - 400 * DAY) },
    selectors: { eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true }] },
    logGroupRef: {
      name: 'ct',
      region: REGION,
      accountId: ACCOUNT,
      arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:ct`,
    },
    logGroup: {
      name: 'ct',
      arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:ct`,
      retentionInDays: 400,
      creationTime: new Date(NOW.getTime() - 500 * DAY),
    },
    oldestEvent: new Date(NOW.getTime() - 399 * DAY),
    ...over,
  };
}

describe('judgeCandidate', () => {
  it('a trail recording KMS reads, delivering for 400 days into a group that keeps 400 days covers the whole window', () => {
    const j = judgeCandidate(facts(), ctx);
    expect(j.problems).toEqual([]);
    expect(j.from).toEqual(WINDOW_START);
    expect(j.limits).toEqual([]);
  });

  it.each([
    [
      'a WriteOnly trail',
      { selectors: { eventSelectors: [{ readWriteType: 'WriteOnly' as const, includeManagementEvents: true }] } },
      /does not record KMS read-only management events/,
    ],
    [
      'KMS excluded',
      {
        selectors: {
          eventSelectors: [
            {
              readWriteType: 'All' as const,
              includeManagementEvents: true,
              excludeManagementEventSources: ['kms.amazonaws.com'],
            },
          ],
        },
      },
      /does not record KMS read-only/,
    ],
    [
      'management events off',
      { selectors: { eventSelectors: [{ readWriteType: 'All' as const, includeManagementEvents: false }] } },
      /does not record KMS read-only/,
    ],
    [
      'a single-region trail of another region',
      { trail: { ...facts().trail, isMultiRegionTrail: false, homeRegion: 'us-west-2' } },
      /records only us-west-2, not us-east-1/,
    ],
    ['a trail that is not logging', { status: { isLogging: false } }, /is not logging/],
    [
      'a delivery error',
      { status: { isLogging: true, latestCloudWatchLogsDeliveryError: 'AccessDenied' } },
      /fails to deliver to CloudWatch Logs/,
    ],
    ['a trail that cannot be read', { readError: 'GetTrailStatus: AccessDeniedException' }, /cannot be inspected/],
    ['a missing log group', { logGroup: null }, /does not exist in us-east-1/],
    ['a DELIVERY-class log group', { logGroup: { ...facts().logGroup!, logGroupClass: 'DELIVERY' } }, /class DELIVERY/],
    ['an empty log group', { oldestEvent: null }, /holds no CloudTrail events/],
  ])('%s: not usable, and the reason is named', (_what, over, reason) => {
    const j = judgeCandidate(facts(over as Partial<CandidateFacts>), ctx);
    expect(j.problems.join(' ')).toMatch(reason);
    expect(j.from).toBeUndefined();
  });

  it('a trail started 10 days ago covers the last 10 days only, and says so', () => {
    const started = new Date(NOW.getTime() - 10 * DAY);
    const j = judgeCandidate(facts({ status: { isLogging: true, startLoggingTime: started } }), ctx);
    expect(j.problems).toEqual([]);
    expect(j.from).toEqual(started);
    expect(j.limits.join(' ')).toMatch(/trail management-events started logging 2026-11-20/);
  });

  it('a retention of 30 days covers the last 30 days only, and says so', () => {
    const j = judgeCandidate(facts({ logGroup: { ...facts().logGroup!, retentionInDays: 30 } }), ctx);
    expect(j.from).toEqual(new Date(NOW.getTime() - 30 * DAY));
    expect(j.limits.join(' ')).toMatch(/keeps events 30 days/);
  });

  it("the oldest event and the group's creation bound it too; the latest bound wins", () => {
    const j = judgeCandidate(
      facts({
        oldestEvent: new Date(NOW.getTime() - 20 * DAY),
        logGroup: { ...facts().logGroup!, creationTime: new Date(NOW.getTime() - 40 * DAY) },
      }),
      ctx,
    );
    expect(j.from).toEqual(new Date(NOW.getTime() - 20 * DAY));
    expect(j.limits.join(' | ')).toMatch(
      /oldest event .* 2026-11-10.*\| log group ct was created|log group ct was created.*oldest event/,
    );
  });

  it("a window beyond the log group's reach (--days 400, retention 365) is covered from 365 days back", () => {
    const j = judgeCandidate(facts({ logGroup: { ...facts().logGroup!, retentionInDays: 365 } }), {
      ...ctx,
      windowStart: new Date(NOW.getTime() - 400 * DAY),
    });
    expect(j.from).toEqual(new Date(NOW.getTime() - 365 * DAY));
  });
});

describe('surveyLogCoverage', () => {
  it('finds the trail delivering to CloudWatch Logs and its group, with the query identifier', async () => {
    const acct = new EvidenceAccount();
    addGoodTrail(acct, {}, { retentionInDays: 3653, creationTime: new Date(NOW.getTime() - 500 * DAY) });
    acct.trailStatus.set(acct.trails[0]!.arn, {
      isLogging: true,
      startLoggingTime: new Date(NOW.getTime() - 400 * DAY),
    });
    acct.oldestStream.set('aws-cloudtrail-logs', new Date(NOW.getTime() - 400 * DAY));
    const c = await surveyLogCoverage(acct.ports(), {
      region: REGION,
      owners: [ACCOUNT],
      windowStart: WINDOW_START,
      now: NOW,
    });
    expect(c).toMatchObject({
      extent: 'full',
      queryIdentifier: 'aws-cloudtrail-logs',
      trail: 'management-events',
      from: WINDOW_START,
    });
    // the owner's stream of this region is the one whose oldest event counts
    expect(acct.callsOf('DescribeLogStreams')[0]!.arg).toBe('aws-cloudtrail-logs');
  });

  it('--log-group-arn naming a group no trail delivers to: none, and the reason says so', async () => {
    const acct = new EvidenceAccount();
    addGoodTrail(acct);
    const c = await surveyLogCoverage(acct.ports(), {
      region: REGION,
      owners: [ACCOUNT],
      windowStart: WINDOW_START,
      now: NOW,
      logGroup: `arn:aws:logs:${REGION}:999988887777:log-group:org-trail`,
    });
    expect(c.extent).toBe('none');
    expect(c.problems.join(' ')).toMatch(
      /no CloudTrail trail visible in us-east-1 delivers to log group arn:aws:logs:us-east-1:999988887777:log-group:org-trail/,
    );
  });

  it("an organization trail's group in another account is queried by ARN", async () => {
    const acct = new EvidenceAccount();
    const lgArn = `arn:aws:logs:${REGION}:999988887777:log-group:org-trail`;
    acct.trails.push({
      name: 'org',
      arn: `arn:aws:cloudtrail:${REGION}:999988887777:trail/org`,
      homeRegion: REGION,
      isMultiRegionTrail: true,
      isOrganizationTrail: true,
      cloudWatchLogsLogGroupArn: `${lgArn}:*`,
    });
    acct.logGroups.set('org-trail', { name: 'org-trail', arn: lgArn, region: REGION, retentionInDays: 400 });
    acct.oldestStream.set('org-trail', new Date(NOW.getTime() - 200 * DAY));
    acct.trailStatus.set(`arn:aws:cloudtrail:${REGION}:999988887777:trail/org`, {
      isLogging: true,
      startLoggingTime: new Date(NOW.getTime() - 300 * DAY),
    });
    const c = await surveyLogCoverage(acct.ports(), {
      region: REGION,
      owners: [ACCOUNT],
      windowStart: WINDOW_START,
      now: NOW,
      logGroup: lgArn,
    });
    expect(c).toMatchObject({
      extent: 'full',
      queryIdentifier: lgArn,
      logGroup: { accountId: '999988887777', name: 'org-trail' },
    });
  });
});
