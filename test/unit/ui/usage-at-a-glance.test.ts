/**
 * `kscli usage` at a glance (issue 14): per-day counts in the evidence, the activity sparkline,
 * relative dates, the summary sorted so the keys needing a decision come first, and the evidence
 * details only for those keys unless --details.
 */
import { describe, expect, it } from 'vitest';
import { summarizeKeyEvents } from '../../../src/workflow/evidence/cloudtrail-classify.js';
import type { KeyAssessment } from '../../../src/workflow/evidence/assess.js';
import type { CloudTrailEvidence, KeyEvidence, Verdict } from '../../../src/workflow/evidence/types.js';
import { isoWithRelative, relativeDate, withRelativeDates } from '../../../src/ui/dates.js';
import { activitySeries, sparkline, SILENT } from '../../../src/ui/sparkline.js';
import { createStyle } from '../../../src/ui/style.js';
import { byDecision, renderUsageDetails, renderUsageSummary } from '../../../src/ui/usage-summary.js';
import { stripAnsi } from '../../../src/ui/wrap.js';
import { kmsEvent, makeKey } from '../workflow/evidence/fake-aws.js';

const NOW = new Date('2026-11-30T12:00:00Z');
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY);
const WINDOW = { start: daysAgo(90), end: NOW };

describe('per-day counts in the CloudTrail evidence', () => {
  it('counts successful and failed cryptographic calls per UTC day, oldest first; ignored events not at all', () => {
    const key = makeKey();
    const s = summarizeKeyEvents(
      [
        kmsEvent(key, 'Decrypt', new Date('2026-11-02T23:59:00Z')),
        kmsEvent(key, 'Decrypt', new Date('2026-11-02T00:01:00Z')),
        kmsEvent(key, 'Encrypt', new Date('2026-11-01T10:00:00Z')),
        kmsEvent(key, 'Decrypt', new Date('2026-11-03T10:00:00Z'), {
          errorCode: 'DisabledException',
          errorMessage: 'is disabled.',
        }),
        kmsEvent(key, 'DescribeKey', new Date('2026-11-04T10:00:00Z')),
      ],
      key.arn,
    );
    expect(s.daily).toEqual([
      { day: '2026-11-01', succeeded: 1, failed: 0 },
      { day: '2026-11-02', succeeded: 2, failed: 0 },
      { day: '2026-11-03', succeeded: 0, failed: 1 },
    ]);
  });
});

describe('activity sparkline', () => {
  it('a 90-day window is 13 weekly buckets, the newest ending today; silence is dotted', () => {
    const s = activitySeries([], WINDOW);
    expect(s.bucketDays).toBe(7);
    expect(s.succeeded).toHaveLength(13);
    expect(sparkline(s.succeeded)).toBe(SILENT.repeat(13));
  });

  it('up to 31 days: one bucket per day', () => {
    const s = activitySeries([{ day: '2026-11-30', succeeded: 4, failed: 0 }], { start: daysAgo(30), end: NOW });
    expect(s.bucketDays).toBe(1);
    expect(s.succeeded).toHaveLength(31);
    expect(s.succeeded.at(-1)).toBe(4);
  });

  it('"used every Monday" reads as a regular beat; successes and failures in separate series', () => {
    // every Monday of the window (2026-11-30 is a Monday), 10 calls; one failed burst 3 weeks ago
    const daily = Array.from({ length: 13 }, (_, w) => ({
      day: daysAgo(7 * w)
        .toISOString()
        .slice(0, 10),
      succeeded: 10,
      failed: w === 3 ? 5 : 0,
    }));
    const s = activitySeries(daily, WINDOW);
    expect(sparkline(s.succeeded)).toBe('█'.repeat(13));
    expect(s.failed.filter((n) => n > 0)).toEqual([5]);
    expect(sparkline(s.failed)).toBe(`${SILENT.repeat(9)}█${SILENT.repeat(3)}`);
  });

  it('scales to the busiest bucket; any call shows at least the lowest bar; days outside the window are ignored', () => {
    expect(sparkline([0, 1, 50, 100])).toBe(`${SILENT}▁▄█`);
    expect(sum(activitySeries([{ day: '2025-01-01', succeeded: 9, failed: 0 }], WINDOW).succeeded)).toBe(0);
  });
});

const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);

describe('relative dates', () => {
  it.each([
    [new Date(NOW.getTime() + 30 * DAY), 'in 30 days'],
    [daysAgo(3), '3 days ago'],
    [daysAgo(1), '1 day ago'],
    [new Date(NOW.getTime() - 5 * 3_600_000), '5 hours ago'],
    [new Date(NOW.getTime() - 20_000), 'just now'],
    [daysAgo(200), '7 months ago'],
    [daysAgo(1000), '3 years ago'],
  ])('%s -> %s', (d, text) => expect(relativeDate(d, NOW)).toBe(text));

  it('the machine date stays beside the human one', () => {
    expect(isoWithRelative(new Date(NOW.getTime() + 30 * DAY), NOW)).toBe('2026-12-30T12:00:00.000Z (in 30 days)');
    expect(withRelativeDates('already PendingDeletion (deletion on 2026-12-05T12:00:00.000Z)', NOW)).toBe(
      'already PendingDeletion (deletion on 2026-12-05T12:00:00.000Z (in 5 days))',
    );
    expect(withRelativeDates('no date here, 2026-12-05 alone', NOW)).toBe('no date here, 2026-12-05 alone');
  });
});

function assessment(
  keyId: string,
  verdict: Verdict,
  over: {
    aliases?: string[];
    lastUse?: Date;
    daily?: CloudTrailEvidence['daily'];
    failedAt?: Date;
    state?: string;
  } = {},
): KeyAssessment {
  const evidence: KeyEvidence = {
    keyId,
    arn: `arn:aws:kms:us-east-1:111122223333:key/${keyId}`,
    state: over.state ?? 'Enabled',
    creationDate: daysAgo(400),
    lastUsage: {
      status: 'ok',
      trackingStartDate: daysAgo(300),
      ...(over.lastUse ? { operation: 'Decrypt', timestamp: over.lastUse } : {}),
    },
    cloudTrail: {
      status: verdict === 'unknown' ? 'access-denied' : 'ok',
      window: WINDOW,
      operations: over.lastUse ? { Decrypt: 3 } : {},
      principals: over.lastUse || over.failedAt ? [{ principal: 'arn:aws:iam::111122223333:role/app', count: 3 }] : [],
      failedAttemptCount: over.failedAt ? 1 : 0,
      failedAttempts: over.failedAt
        ? [
            {
              eventId: 'e',
              eventName: 'Decrypt',
              eventTime: over.failedAt,
              principal: 'arn:aws:iam::111122223333:role/app',
              errorCode: 'DisabledException',
            },
          ]
        : [],
      ignoredEventCount: 0,
      daily: over.daily ?? [],
    },
    policyPrincipals: { status: 'ok', principals: [] },
    grants: { status: 'ok', grants: [] },
    aliases: { status: 'ok', names: over.aliases ?? [] },
  };
  return {
    verdict,
    reason: `reason of ${keyId}`,
    evidence,
    check: { name: 'usage-verdict', ok: verdict === 'unused' },
  };
}

const KEYS = {
  a: '0b7fd7d4-5f2c-4c1e-9a4e-3f0e5d2a9b11',
  used: '1234abcd-12ab-34cd-56ef-1234567890ab',
  b: '2f9c1e84-7a3b-4d5e-8f6a-1b2c3d4e5f60',
  unknown: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
};
const results = [
  assessment(KEYS.a, 'unused', { aliases: ['alias/reports-archive'] }),
  assessment(KEYS.used, 'in-use', {
    aliases: ['alias/payments-legacy'],
    lastUse: daysAgo(3),
    daily: [{ day: daysAgo(3).toISOString().slice(0, 10), succeeded: 3, failed: 0 }],
  }),
  assessment(KEYS.b, 'unused'),
  assessment(KEYS.unknown, 'unknown', { state: 'Disabled', failedAt: daysAgo(10) }),
];
const view = (width?: number) => ({ style: createStyle(false), width, now: NOW, window: WINDOW });

describe('usage summary', () => {
  it('sorts in-use, then unknown, then unused, keeping the store order within each', () => {
    expect(byDecision(results).map((r) => r.evidence.keyId)).toEqual([KEYS.used, KEYS.unknown, KEYS.a, KEYS.b]);
  });

  it('one row per key off a terminal: key, verdict, last use as a relative date, callers, activity, state, aliases', () => {
    const lines = renderUsageSummary(results, view()).split('\n');
    expect(lines[0]).toMatch(/^KEY ID\s+VERDICT\s+LAST USE\s+CALLERS\s+ACTIVITY\s+STATE\s+DATA\s+ALIASES$/);
    expect(lines[1]).toMatch(
      new RegExp(
        `^${KEYS.used}\\s+in-use\\s+3 days ago\\s+1\\s+${SILENT}{12}█ 3\\s+Enabled\\s+-\\s+alias/payments-legacy$`,
      ),
    );
    expect(lines[2]).toMatch(
      new RegExp(
        `^${KEYS.unknown}\\s+unknown\\s+10 days ago \\(failed\\)\\s+access-denied\\s+access-denied\\s+Disabled\\s+-\\s+-$`,
      ),
    );
    expect(lines[3]).toMatch(
      new RegExp(
        `^${KEYS.a}\\s+unused\\s+none since 2026-02-03\\s+0\\s+${SILENT}{13} 0\\s+Enabled\\s+-\\s+alias/reports-archive$`,
      ),
    );
    expect(lines.find((l) => l.startsWith('activity:'))).toMatch(
      /per week from 2026-09-01 \(left\) to 2026-11-30 \(right\)/,
    );
  });

  it('failed calls get a line of their own, named, in the activity column', () => {
    const r = assessment(KEYS.used, 'in-use', {
      lastUse: daysAgo(40),
      failedAt: daysAgo(2),
      daily: [{ day: daysAgo(2).toISOString().slice(0, 10), succeeded: 0, failed: 4 }],
    });
    const text = renderUsageSummary([r], view());
    expect(text).toMatch(/2 days ago \(failed\)/);
    expect(text).toMatch(new RegExp(`${SILENT}{12}█ 4 failed`));
  });

  it('at 80 columns: a record per key, key, verdict and aliases first, nothing over 80, the in-use key first', () => {
    const text = stripAnsi(renderUsageSummary(results, view(80)));
    const lines = text.trimEnd().split('\n');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    expect(lines[0]).toMatch(new RegExp(`^${KEYS.used}\\s+in-use\\s+alias/payments-legacy$`));
    expect(lines[1]).toMatch(/^ {4}last use: 3 days ago {2}callers: 1 {2}activity: ·+█ 3/);
    for (const id of Object.values(KEYS)) expect(lines.some((l) => l.includes(id))).toBe(true);
  });

  it('the activity legend: under a summary with sparklines, not under one where no row has per-day counts', () => {
    expect(stripAnsi(renderUsageSummary(results, view(80)))).toMatch(/activity: successful cryptographic calls/);
    const noCounts = results.map((r) => ({
      ...r,
      evidence: { ...r.evidence, cloudTrail: { ...r.evidence.cloudTrail, daily: undefined } },
    }));
    const text = stripAnsi(renderUsageSummary(noCounts, view(80)));
    expect(text).toMatch(/no per-day counts/);
    expect(text).not.toMatch(/activity: successful cryptographic calls/);
  });

  it('at 132 columns: the table, nothing over 132', () => {
    const lines = renderUsageSummary(results, view(132)).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^KEY ID/);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(132);
  });

  it('details: only the keys that need a decision, all of them with --details', () => {
    const some = renderUsageDetails(results, view(), false);
    expect(some).toContain(KEYS.used);
    expect(some).toContain(KEYS.unknown);
    expect(some).not.toContain(KEYS.a);
    expect(some).toMatch(/evidence of the 2 unused key\(s\) not shown: add --details/);
    const all = renderUsageDetails(results, view(), true);
    for (const id of Object.values(KEYS)) expect(all).toContain(id);
    expect(all).not.toMatch(/not shown/);
  });
});
