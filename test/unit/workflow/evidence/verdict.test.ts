import { describe, expect, it } from 'vitest';
import type { CloudTrailEvidence, KeyEvidence, LastUsageEvidence } from '../../../../src/workflow/evidence/types.js';
import { decideVerdict } from '../../../../src/workflow/evidence/verdict.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);
const WINDOW = { start: daysAgo(90), end: NOW };

const ct = (over: Partial<CloudTrailEvidence> = {}): CloudTrailEvidence => ({
  status: 'ok',
  window: WINDOW,
  operations: {},
  principals: [],
  failedAttemptCount: 0,
  failedAttempts: [],
  ignoredEventCount: 0,
  ...over,
});

function evidence(created: Date, lastUsage: LastUsageEvidence, cloudTrail: CloudTrailEvidence): KeyEvidence {
  return {
    keyId: 'k',
    arn: 'arn:aws:kms:us-east-1:111122223333:key/k',
    state: 'Enabled',
    creationDate: created,
    lastUsage,
    cloudTrail,
    policyPrincipals: { status: 'ok', principals: [] },
    grants: { status: 'ok', grants: [] },
    aliases: { status: 'ok', names: [] },
  };
}

const TRACKING_OLD = daysAgo(400);
const TRACKING_RECENT = daysAgo(30);
const luNever = (tracking: Date, created?: Date): LastUsageEvidence => ({
  status: 'ok',
  trackingStartDate: tracking,
  ...(created ? { keyCreationDate: created } : {}),
});

// One row per evidence combination (issue 3, "verdict rules"). `because` must appear in the reason.
const rows: Array<{ name: string; ev: KeyEvidence; unusedDays?: number; verdict: string; because: RegExp }> = [
  {
    name: 'recent successful use in GetKeyLastUsage',
    ev: evidence(
      daysAgo(500),
      { status: 'ok', trackingStartDate: TRACKING_OLD, operation: 'Decrypt', timestamp: daysAgo(3) },
      ct(),
    ),
    verdict: 'in-use',
    because: /GetKeyLastUsage: Decrypt on .* within 2026-08-25\.\.2026-11-23/,
  },
  {
    name: 'recent successful use seen only in CloudTrail (GetKeyLastUsage denied)',
    ev: evidence(
      daysAgo(500),
      { status: 'access-denied', error: 'AccessDenied' },
      ct({
        operations: { Encrypt: 4 },
        newest: { eventId: 'e1', eventName: 'Encrypt', eventTime: daysAgo(10), principal: 'role/app' },
      }),
    ),
    verdict: 'in-use',
    because: /CloudTrail: 4 cryptographic call\(s\).*newest Encrypt by role\/app/,
  },
  {
    name: 'failed "is disabled" attempts: the caller still depends on the key',
    ev: evidence(
      daysAgo(500),
      luNever(TRACKING_OLD),
      ct({
        failedAttemptCount: 2,
        failedAttempts: [
          {
            eventId: 'e2',
            eventName: 'Decrypt',
            eventTime: daysAgo(2),
            principal: 'role/batch',
            errorCode: 'DisabledException',
            errorMessage: 'arn:... is disabled.',
          },
        ],
      }),
    ),
    verdict: 'in-use',
    because: /2 failed attempt\(s\).*Decrypt by role\/batch.*DisabledException.*depends on the key/,
  },
  {
    name: 'last use older than the period, nothing in CloudTrail: unused',
    ev: evidence(
      daysAgo(500),
      { status: 'ok', trackingStartDate: TRACKING_OLD, operation: 'Encrypt', timestamp: daysAgo(200) },
      ct(),
    ),
    verdict: 'unused',
    because:
      /no use in 2026-08-25\.\.2026-11-23: GetKeyLastUsage: last Encrypt on .*; CloudTrail: no cryptographic call or failed attempt in 2026-08-25\.\.2026-11-23/,
  },
  {
    name: 'nothing found, tracking started before the period: full coverage, unused',
    ev: evidence(daysAgo(500), luNever(TRACKING_OLD), ct()),
    verdict: 'unused',
    because: /no use in 2026-08-25\.\.2026-11-23: GetKeyLastUsage: no use since tracking started 2025-10-19/,
  },
  {
    name: 'key older than the tracking start, and unused-days beyond the CloudTrail window: unknown',
    ev: evidence(daysAgo(500), luNever(TRACKING_RECENT), ct()),
    unusedDays: 180,
    verdict: 'unknown',
    because: /evidence starts 2026-08-25 .* must be covered from 2026-05-27/,
  },
  {
    name: 'key created after tracking started, never used, longer period: unused back to its creation',
    ev: evidence(daysAgo(120), luNever(TRACKING_OLD, daysAgo(120)), ct()),
    unusedDays: 365,
    verdict: 'unused',
    because: /no use in 2026-07-26\.\.2026-11-23/,
  },
  {
    name: 'recent tracking start but CloudTrail covers the whole period: unused',
    ev: evidence(daysAgo(500), luNever(TRACKING_RECENT), ct()),
    verdict: 'unused',
    because: /CloudTrail: no cryptographic call/,
  },
  {
    name: 'AccessDenied on GetKeyLastUsage, CloudTrail window shorter than the period: unknown',
    ev: evidence(
      daysAgo(500),
      { status: 'access-denied', error: 'not authorized to GetKeyLastUsage' },
      ct({ window: { start: daysAgo(30), end: NOW } }),
    ),
    verdict: 'unknown',
    because: /GetKeyLastUsage access-denied \(not authorized to GetKeyLastUsage\)/,
  },
  {
    name: 'AccessDenied on GetKeyLastUsage, CloudTrail covers the period: unused on CloudTrail alone',
    ev: evidence(daysAgo(500), { status: 'access-denied', error: 'denied' }, ct()),
    verdict: 'unused',
    because: /GetKeyLastUsage access-denied.*CloudTrail: no cryptographic call/,
  },
  {
    name: 'CloudTrail lookups unavailable: failed attempts cannot be ruled out',
    ev: evidence(
      daysAgo(500),
      luNever(TRACKING_OLD),
      ct({ status: 'unavailable', error: 'LookupEvents: ServiceUnavailable' }),
    ),
    verdict: 'unknown',
    because:
      /CloudTrail LookupEvents unavailable \(LookupEvents: ServiceUnavailable\): failed attempts cannot be ruled out/,
  },
  {
    name: 'CloudTrail access denied and GetKeyLastUsage unavailable',
    ev: evidence(
      daysAgo(500),
      { status: 'unavailable', error: 'UnknownOperation' },
      ct({ status: 'access-denied', error: 'denied' }),
    ),
    verdict: 'unknown',
    because: /CloudTrail LookupEvents access-denied.*GetKeyLastUsage unavailable/,
  },
  {
    name: 'use before the --unused-days period does not make a key in-use',
    ev: evidence(
      daysAgo(500),
      { status: 'ok', trackingStartDate: TRACKING_OLD, operation: 'Decrypt', timestamp: daysAgo(45) },
      ct(),
    ),
    unusedDays: 30,
    verdict: 'unused',
    because: /no use in 2026-10-24\.\.2026-11-23/,
  },
  {
    name: 'a failed attempt before the --unused-days period does not make a key in-use',
    ev: evidence(
      daysAgo(500),
      luNever(TRACKING_OLD),
      ct({
        failedAttemptCount: 1,
        failedAttempts: [
          {
            eventId: 'e',
            eventName: 'Decrypt',
            eventTime: daysAgo(60),
            principal: 'p',
            errorCode: 'DisabledException',
          },
        ],
      }),
    ),
    unusedDays: 30,
    verdict: 'unused',
    because: /no use/,
  },
];

describe('decideVerdict', () => {
  it.each(rows)('$name -> $verdict', ({ ev, unusedDays, verdict, because }) => {
    const r = decideVerdict(ev, { now: NOW, unusedDays: unusedDays ?? 90 });
    expect(r.verdict).toBe(verdict);
    expect(r.reason).toMatch(because);
  });
});
