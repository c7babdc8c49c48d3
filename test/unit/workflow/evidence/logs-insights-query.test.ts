/**
 * The Logs Insights usage query (issue 10): its text asks for what the per-key CloudTrail path
 * counts (the same cryptographic names, both key positions, the owner's copy or a denied call),
 * and its rows read back into per-key use, failed attempts and callers.
 */
import { describe, expect, it } from 'vitest';
import { CRYPTOGRAPHIC_EVENT_NAMES } from '../../../../src/workflow/evidence/cloudtrail-classify.js';
import {
  buildUsageQuery,
  fitsInOneQuery,
  MAX_QUERY_CHARS,
  parseInsightsTime,
  parseUsageRow,
  summarizeUsageRows,
  type UsageRow,
} from '../../../../src/workflow/evidence/logs-insights-query.js';
import { scopeFor } from '../../../../src/workflow/evidence/logs-insights-source.js';
import { ACCOUNT, makeKey } from './fake-aws.js';

const A = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1111aaaa-0000-0000-0000-000000000001`;
const B = `arn:aws:kms:us-east-1:${ACCOUNT}:key/2222bbbb-0000-0000-0000-000000000002`;
const OTHER = '444455556666';

function row(over: Partial<UsageRow>): UsageRow {
  return {
    eventName: 'Decrypt',
    calls: 1,
    principal: `arn:aws:iam::${ACCOUNT}:role/app`,
    newest: new Date('2026-11-01T00:00:00Z'),
    newestEventId: 'e1',
    recipientAccountId: ACCOUNT,
    ...over,
  };
}

describe('buildUsageQuery', () => {
  it('asks for every cryptographic operation of the per-key path, in both key positions, the owner copy or a denied call', () => {
    const q = buildUsageQuery({ kind: 'arns', arns: [A, B] }, [ACCOUNT]);
    for (const name of CRYPTOGRAPHIC_EVENT_NAMES) expect(q).toContain(`"${name}"`);
    // kscli's own management reads are not in the list
    for (const name of ['DescribeKey', 'GetKeyPolicy', 'ListGrants', 'GetKeyLastUsage', 'ListAliases'])
      expect(q).not.toContain(`"${name}"`);
    expect(q).toContain(`resources.0.ARN in ["${A}", "${B}"]`);
    expect(q).toContain(`resources.1.ARN in ["${A}", "${B}"]`);
    expect(q).toContain(`recipientAccountId in ["${ACCOUNT}"] or errorCode like /AccessDenied/`);
    expect(q).toMatch(/\| stats count\(\*\) as calls, max\(@timestamp\) as newest/);
    expect(q).toMatch(
      /by bin\(1d\) as day, resources\.0\.ARN, resources\.1\.ARN, eventName, errorCode, recipientAccountId/,
    );
    // never grouped by the session ARN: unique per session, it would explode the rows
    expect(q).not.toMatch(/by .*userIdentity\.arn\b/);
  });

  it("a prefix scope matches the account and region's keys by a regular expression, with / escaped", () => {
    const q = buildUsageQuery(
      { kind: 'prefix', keyArnPrefix: `arn:aws:kms:us-east-1:${ACCOUNT}:key/`, idPrefix: 'a' },
      [ACCOUNT],
    );
    expect(q).toContain(`resources.0.ARN like /^arn:aws:kms:us-east-1:${ACCOUNT}:key\\/a/`);
    expect(q).toContain(`resources.1.ARN like /^arn:aws:kms:us-east-1:${ACCOUNT}:key\\/a/`);
  });

  it('keys that do not fit in one query string (10,000 characters) are asked by prefix: one scan, not one per chunk', () => {
    const few = Array.from({ length: 5 }, () => makeKey());
    expect(scopeFor(few, [ACCOUNT]).kind).toBe('arns');
    const many = Array.from({ length: 200 }, () => makeKey());
    expect(fitsInOneQuery({ kind: 'arns', arns: many.map((k) => k.arn) }, [ACCOUNT])).toBe(false);
    const scope = scopeFor(many, [ACCOUNT]);
    expect(scope).toEqual({ kind: 'prefix', keyArnPrefix: `arn:aws:kms:us-east-1:${ACCOUNT}:key/`, idPrefix: '' });
    expect(buildUsageQuery(scope, [ACCOUNT]).length).toBeLessThan(MAX_QUERY_CHARS);
  });
});

describe('reading the rows', () => {
  it('reads Logs Insights times: "yyyy-mm-dd hh:mm:ss.SSS" (UTC), epoch milliseconds or seconds, ISO 8601', () => {
    expect(parseInsightsTime('2026-11-01 12:34:56.789')?.toISOString()).toBe('2026-11-01T12:34:56.789Z');
    expect(parseInsightsTime('1793536496789')?.toISOString()).toBe('2026-11-01T12:34:56.789Z');
    expect(parseInsightsTime('1793536496')?.toISOString()).toBe('2026-11-01T12:34:56.000Z');
    expect(parseInsightsTime('2026-11-01T12:34:56Z')?.toISOString()).toBe('2026-11-01T12:34:56.000Z');
    expect(parseInsightsTime('')).toBeUndefined();
    expect(parseInsightsTime('yesterday')).toBeUndefined();
  });

  it('rebuilds the caller as the per-key path names it: the role of a session, the IAM user, the service', () => {
    const base = { 'resources.0.ARN': A, eventName: 'Decrypt', calls: '3', newest: '2026-11-01 00:00:00.000' };
    expect(
      parseUsageRow({
        ...base,
        'userIdentity.type': 'AssumedRole',
        'userIdentity.sessionContext.sessionIssuer.arn': `arn:aws:iam::${ACCOUNT}:role/app`,
        newestCallerArn: `arn:aws:sts::${ACCOUNT}:assumed-role/app/i-123`,
      }).principal,
    ).toBe(`arn:aws:iam::${ACCOUNT}:role/app`);
    expect(
      parseUsageRow({
        ...base,
        'userIdentity.type': 'IAMUser',
        'userIdentity.userName': 'bob',
        newestCallerArn: `arn:aws:iam::${ACCOUNT}:user/bob`,
      }).principal,
    ).toBe(`arn:aws:iam::${ACCOUNT}:user/bob`);
    expect(
      parseUsageRow({ ...base, 'userIdentity.type': 'AWSService', 'userIdentity.invokedBy': 'rds.amazonaws.com' })
        .principal,
    ).toBe('rds.amazonaws.com');
    const r = parseUsageRow({ ...base, errorCode: 'DisabledException', newestErrorMessage: `${A} is disabled.` });
    expect(r).toMatchObject({
      sourceKey: A,
      calls: 3,
      errorCode: 'DisabledException',
      newestErrorMessage: `${A} is disabled.`,
    });
    expect(r.newest?.toISOString()).toBe('2026-11-01T00:00:00.000Z');
  });
});

describe('summarizeUsageRows', () => {
  it('counts use per key, newest first, and callers with counts', () => {
    const s = summarizeUsageRows(
      [
        row({ sourceKey: A, calls: 2, newest: new Date('2026-11-02T00:00:00Z'), newestEventId: 'new' }),
        row({ sourceKey: A, eventName: 'Encrypt', calls: 1, principal: 'p2' }),
        row({ sourceKey: B, calls: 0 }),
      ],
      [A, B],
    );
    expect(s.get(A)).toMatchObject({
      operations: { Decrypt: 2, Encrypt: 1 },
      newest: { eventId: 'new', eventName: 'Decrypt' },
      failedAttemptCount: 0,
    });
    expect(s.get(A)!.principals).toEqual([
      { principal: `arn:aws:iam::${ACCOUNT}:role/app`, count: 2 },
      { principal: 'p2', count: 1 },
    ]);
    expect(s.get(B)).toMatchObject({ operations: {}, failedAttemptCount: 0 });
    expect(s.get(B)!.newest).toBeUndefined();
  });

  it('per-day counts from the bin(1d) day of each row (the sparkline); the newest failed attempt of each kind once', () => {
    expect(parseUsageRow({ day: '2026-11-02 00:00:00.000', calls: '1', eventName: 'Decrypt' }).day).toBe('2026-11-02');
    const s = summarizeUsageRows(
      [
        row({ sourceKey: A, calls: 2, day: '2026-11-02' }),
        row({ sourceKey: A, calls: 1, day: '2026-11-01' }),
        row({
          sourceKey: A,
          calls: 3,
          day: '2026-11-02',
          errorCode: 'DisabledException',
          newest: new Date('2026-11-02T10:00:00Z'),
        }),
        row({
          sourceKey: A,
          calls: 1,
          day: '2026-11-01',
          errorCode: 'DisabledException',
          newest: new Date('2026-11-01T10:00:00Z'),
        }),
      ],
      [A],
    );
    expect(s.get(A)!.daily).toEqual([
      { day: '2026-11-01', succeeded: 1, failed: 1 },
      { day: '2026-11-02', succeeded: 2, failed: 3 },
    ]);
    expect(s.get(A)!.failedAttemptCount).toBe(4);
    expect(s.get(A)!.failedAttempts.map((f) => f.eventTime.toISOString())).toEqual(['2026-11-02T10:00:00.000Z']);
    // a row without its day: no per-day counts rather than partial ones
    expect(summarizeUsageRows([row({ sourceKey: A, calls: 2 })], [A]).get(A)!.daily).toBeUndefined();
  });

  it('a ReEncrypt counts for its source key and its destination key; re-encrypting under the same key counts once', () => {
    const s = summarizeUsageRows(
      [
        row({ sourceKey: A, destinationKey: B, eventName: 'ReEncrypt', calls: 4 }),
        row({ sourceKey: B, destinationKey: B, eventName: 'ReEncrypt', calls: 1 }),
      ],
      [A, B],
    );
    expect(s.get(A)!.operations).toEqual({ ReEncrypt: 4 });
    expect(s.get(B)!.operations).toEqual({ ReEncrypt: 5 });
  });

  it('failed attempts: count, newest first, error codes', () => {
    const s = summarizeUsageRows(
      [
        row({
          sourceKey: A,
          errorCode: 'DisabledException',
          calls: 3,
          newest: new Date('2026-11-03T00:00:00Z'),
          newestErrorMessage: 'is disabled.',
        }),
        row({
          sourceKey: A,
          errorCode: 'KMSInvalidStateException',
          calls: 1,
          newest: new Date('2026-11-05T00:00:00Z'),
        }),
      ],
      [A],
    );
    const a = s.get(A)!;
    expect(a.failedAttemptCount).toBe(4);
    expect(a.failedErrorCodes).toEqual({ DisabledException: 3, KMSInvalidStateException: 1 });
    expect(a.failedAttempts.map((f) => f.errorCode)).toEqual(['KMSInvalidStateException', 'DisabledException']);
    expect(a.failedAttempts[1]).toMatchObject({ errorMessage: 'is disabled.' });
    expect(a.operations).toEqual({});
  });

  it("counts an event once: another account's copy of a cross-account call is left out, but a denied one (logged only there) counts", () => {
    const s = summarizeUsageRows(
      [
        row({ sourceKey: A, calls: 1 }), // the owner's copy
        row({ sourceKey: A, calls: 1, recipientAccountId: OTHER }), // the caller's copy of the same call
        row({
          sourceKey: A,
          calls: 2,
          recipientAccountId: OTHER,
          errorCode: 'AccessDeniedException',
          principal: `arn:aws:iam::${OTHER}:role/x`,
        }),
      ],
      [A],
    );
    expect(s.get(A)!.operations).toEqual({ Decrypt: 1 });
    expect(s.get(A)!.failedAttemptCount).toBe(2);
  });

  it('rows of keys outside the selection are dropped', () => {
    const s = summarizeUsageRows([row({ sourceKey: B, calls: 9 })], [A]);
    expect([...s.keys()]).toEqual([A]);
    expect(s.get(A)!.operations).toEqual({});
  });
});
