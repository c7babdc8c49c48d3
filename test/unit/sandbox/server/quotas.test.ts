import { describe, expect, it } from 'vitest';
import { DEFAULT_QUOTAS, parseQuotaFlags, QuotaLimiter } from '../../../../src/sandbox/server/quotas.js';

function limiter(opts: ConstructorParameters<typeof QuotaLimiter>[0] = {}) {
  const clock = { t: 0 };
  return { clock, q: new QuotaLimiter({ ...opts, clock: () => clock.t }) };
}

const admitted = (q: QuotaLimiter, service: 'kms' | 'cloudtrail', op: string, n: number) =>
  Array.from({ length: n }, () => q.admit(service, op)).filter((e) => !e).length;

describe('request quotas (aws-facts.md section 6)', () => {
  it('holds AWS documented rates', () => {
    expect(DEFAULT_QUOTAS).toMatchObject({
      'kms.DescribeKey': 2000,
      'kms.ListKeys': 500,
      'kms.ScheduleKeyDeletion': 15,
      'kms.CancelKeyDeletion': 5,
      'kms.DescribeCustomKeyStores': 5,
      'kms.GetKeyLastUsage': 5,
      'kms.GetKeyPolicy': 1000,
      'kms.ListGrants': 100,
      'cloudtrail.LookupEvents': 2,
    });
  });

  it('allows a burst of one second of rate, then throttles with AWS message', () => {
    const { q } = limiter();
    expect(admitted(q, 'kms', 'ScheduleKeyDeletion', 15)).toBe(15);
    const err = q.admit('kms', 'ScheduleKeyDeletion');
    expect(err?.code).toBe('ThrottlingException');
    expect(err?.status).toBe(400);
    expect(err?.message).toBe(
      'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.',
    );
  });

  it('refills at the rate: 5/s gives one more call every 200 ms', () => {
    const { q, clock } = limiter();
    expect(admitted(q, 'kms', 'DisableKey', 10)).toBe(5);
    clock.t += 199;
    expect(q.admit('kms', 'DisableKey')).toBeDefined();
    clock.t += 2;
    expect(q.admit('kms', 'DisableKey')).toBeUndefined();
    clock.t += 10_000;
    expect(admitted(q, 'kms', 'DisableKey', 10)).toBe(5); // the burst never exceeds one second
  });

  it('keeps one bucket per operation: exhausting one leaves the others intact', () => {
    const { q } = limiter();
    admitted(q, 'kms', 'EnableKey', 10);
    expect(q.admit('kms', 'EnableKey')).toBeDefined();
    expect(q.admit('kms', 'DisableKey')).toBeUndefined();
  });

  it('throttles CloudTrail LookupEvents at 2/s with Rate exceeded', () => {
    const { q } = limiter();
    expect(admitted(q, 'cloudtrail', 'LookupEvents', 5)).toBe(2);
    expect(q.admit('cloudtrail', 'LookupEvents')).toMatchObject({
      code: 'ThrottlingException',
      message: 'Rate exceeded',
    });
  });

  it('honours overrides and --no-quotas', () => {
    const { q } = limiter({ overrides: parseQuotaFlags(['DescribeKey=3']) });
    expect(admitted(q, 'kms', 'DescribeKey', 10)).toBe(3);
    const off = limiter({ enabled: false }).q;
    expect(admitted(off, 'kms', 'CancelKeyDeletion', 100)).toBe(100);
  });

  it('rejects malformed --quota flags', () => {
    expect(() => parseQuotaFlags(['DescribeKey'])).toThrow(/Operation=N/);
    expect(() => parseQuotaFlags(['DescribeKey=0'])).toThrow();
    expect(parseQuotaFlags(['kms.ListKeys=7'])).toEqual({ 'kms.ListKeys': 7 });
  });
});
