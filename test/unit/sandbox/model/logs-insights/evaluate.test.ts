/** The Logs Insights evaluator on its own, over CloudTrail-shaped events (engine-helpers.ts). */
import { describe, expect, it } from 'vitest';
import { keyArn, kmsEvents, run, T0 } from './engine-helpers.js';

const events = kmsEvents();
const CRYPTO = '["Encrypt","Decrypt","ReEncrypt","GenerateDataKey"]';

describe('filter', () => {
  it('compares strings exactly and numbers numerically; JSON booleans are 1 and 0', () => {
    expect(run('filter eventName = "Decrypt" | fields eventName', events)).toHaveLength(4);
    expect(run('filter eventName != "Decrypt" | fields eventName', events)).toHaveLength(4);
    expect(run('filter readOnly = 1 | fields eventName', events)).toHaveLength(8);
    expect(run('filter readOnly = true | fields eventName', events)).toHaveLength(0);
    expect(run('filter count >= 7 and count < 8 | fields eventName', events).map((r) => r.eventName)).toEqual([
      'ListBuckets',
    ]);
    expect(run('filter count = "7" | fields eventName', events)).toHaveLength(1);
  });

  it('in [...] is a complete-string match; not in, and a missing field is in no list', () => {
    expect(run(`filter eventName in ${CRYPTO} | fields eventName`, events)).toHaveLength(6);
    expect(run('filter eventName in ["Decr"] | fields eventName', events)).toHaveLength(0);
    expect(
      run(`filter eventName not in ${CRYPTO} | fields eventName`, events)
        .map((r) => r.eventName)
        .sort(),
    ).toEqual(['DescribeKey', 'ListBuckets']);
    expect(run('filter errorCode not in ["AccessDenied"] | fields eventName', events)).toHaveLength(7);
  });

  it('like with a substring or a /regex/, =~, (?i), not like', () => {
    expect(run('filter eventName like "crypt" | fields eventName', events)).toHaveLength(6);
    expect(run('filter eventName like /^(De|En)crypt$/ | fields eventName', events)).toHaveLength(5);
    expect(run('filter eventName =~ /crypt$/ | fields eventName', events)).toHaveLength(6);
    expect(run('filter eventName like /(?i)^decrypt/ | fields eventName', events)).toHaveLength(4);
    expect(run('filter eventName not like /crypt/ | fields eventName', events)).toHaveLength(2);
  });

  it('ispresent / isPresent, not, parentheses, and a comparison with a missing field is false', () => {
    expect(
      run('filter ispresent(errorCode) | fields errorCode', events)
        .map((r) => r.errorCode)
        .sort(),
    ).toEqual(['AccessDenied', 'DisabledException']);
    expect(run('filter not isPresent(errorCode) | fields eventName', events)).toHaveLength(6);
    expect(run('filter errorCode != "AccessDenied" | fields eventName', events)).toHaveLength(1);
    expect(run('filter not (errorCode = "AccessDenied") | fields eventName', events)).toHaveLength(7);
    expect(
      run(
        'filter (eventName = "Decrypt" or eventName = "Encrypt") and not ispresent(errorCode) | fields eventName',
        events,
      ),
    ).toHaveLength(3);
  });

  it('reads dotted JSON paths into arrays (resources.1.ARN: the ReEncrypt destination) and backtick names', () => {
    expect(run(`filter resources.1.ARN = "${keyArn(3)}" | fields eventName, resources.0.ARN`, events)).toEqual([
      { eventName: 'ReEncrypt', 'resources.0.ARN': keyArn(1), '@ptr': 'ptr-4' },
    ]);
    expect(run('filter `odd-name` = "x" | fields eventName', events)).toHaveLength(1);
  });
});

describe('output', () => {
  it('without stats: newest first, @timestamp in the service format, @ptr on every row, absent fields left out', () => {
    const rows = run('fields @timestamp, eventName, errorCode | limit 3', events);
    expect(rows).toEqual([
      { '@timestamp': '2026-11-01 19:00:00.000', eventName: 'ListBuckets', '@ptr': 'ptr-7' },
      {
        '@timestamp': '2026-11-01 18:00:00.000',
        eventName: 'Decrypt',
        errorCode: 'DisabledException',
        '@ptr': 'ptr-6',
      },
      { '@timestamp': '2026-11-01 17:00:00.000', eventName: 'Decrypt', '@ptr': 'ptr-5' },
    ]);
  });

  it('with neither fields nor display: @timestamp and @message', () => {
    const [row] = run('filter eventName = "ListBuckets"', events);
    expect(Object.keys(row!)).toEqual(['@timestamp', '@message', '@ptr']);
    expect(JSON.parse(row!['@message']!).eventSource).toBe('s3.amazonaws.com');
  });

  it('fields computes values with aliases, functions and arithmetic; the last display decides the columns', () => {
    const rows = run(
      'filter eventName = "ListBuckets" | fields count * 2 + 1 as n, concat(eventName, "!") as e, toupper(eventSource) as s | display e | display n, s',
      events,
    );
    expect(rows).toEqual([{ n: '15', s: 'S3.AMAZONAWS.COM', '@ptr': 'ptr-7' }]);
  });

  it('sort asc/desc on several keys, missing values last; limit after sort', () => {
    const rows = run(
      'filter eventSource = "kms.amazonaws.com" | sort errorCode asc, @timestamp desc | fields eventName, errorCode | limit 4',
      events,
    );
    expect(rows.map((r) => r.errorCode ?? '-')).toEqual(['AccessDenied', 'DisabledException', '-', '-']);
  });

  it('dedup keeps the first row per value; rows without the field are never duplicates', () => {
    const rows = run('fields eventName, errorCode | dedup eventName', events);
    expect(rows.map((r) => r.eventName)).toEqual(['ListBuckets', 'Decrypt', 'ReEncrypt', 'DescribeKey', 'Encrypt']);
    expect(run('fields errorCode | dedup errorCode', events)).toHaveLength(8);
  });

  it('parse with a glob and with a regex', () => {
    const rows = run(
      'filter eventName = "ReEncrypt" | parse resources.1.ARN "arn:aws:kms:*:*:key/*" as region, account, id | display region, account, id',
      events,
    );
    expect(rows).toEqual([
      { region: 'us-east-1', account: '111122223333', id: '00000003-aaaa-4bbb-8ccc-000000000000', '@ptr': 'ptr-4' },
    ]);
    const re = run(
      'filter eventName = "ReEncrypt" | parse userIdentity.arn /assumed-role\\/(?<role>[^/]+)\\// | display role',
      events,
    );
    expect(re).toEqual([{ role: 'app-a', '@ptr': 'ptr-4' }]);
  });
});

describe('stats', () => {
  it('count(*), count(field), count_distinct, min, max, sum, avg, earliest, latest by several fields', () => {
    const rows = run(
      `filter eventSource = "kms.amazonaws.com" and eventName in ${CRYPTO} and not ispresent(errorCode)
       | stats count(*) as calls, count(errorCode) as errors, count_distinct(userIdentity.arn) as callers,
               earliest(@timestamp) as first, latest(@timestamp) as last, latest(userIdentity.arn) as lastCaller by resources.0.ARN
       | sort calls desc`,
      events,
    );
    expect(rows).toEqual([
      {
        'resources.0.ARN': keyArn(1),
        calls: '4',
        errors: '0',
        callers: '2',
        first: '2026-11-01 12:00:00.000',
        last: '2026-11-01 17:00:00.000',
        lastCaller: 'arn:aws:sts::111122223333:assumed-role/app-a/s',
      },
    ]);
    const nums = run(
      'stats min(count) as lo, max(count) as hi, sum(count) as s, avg(count) as a, count() as n, stddev(count) as sd, pct(count, 50) as p',
      events,
    );
    expect(nums).toEqual([{ lo: '7', hi: '7', s: '7', a: '7', n: '8', sd: '0', p: '7' }]);
  });

  it('the ReEncrypt destination counts through resources.1.ARN', () => {
    expect(
      run(
        'filter eventName = "ReEncrypt" and ispresent(resources.1.ARN) | stats count(*) as n by resources.1.ARN',
        events,
      ),
    ).toEqual([{ 'resources.1.ARN': keyArn(3), n: '1' }]);
  });

  it('failed attempts per key, error code and caller', () => {
    const rows = run(
      'filter ispresent(errorCode) | stats count(*) as n, max(@timestamp) as newest by resources.0.ARN, errorCode, userIdentity.arn | sort newest desc',
      events,
    );
    expect(rows.map((r) => [r['resources.0.ARN'], r.errorCode, r.n, r.newest])).toEqual([
      [keyArn(4), 'DisabledException', '1', '2026-11-01 18:00:00.000'],
      [keyArn(2), 'AccessDenied', '1', '2026-11-01 15:00:00.000'],
    ]);
  });

  it('bin() groups by period; expressions over aggregates; filter and sort after stats', () => {
    const byDay = run('stats count(*) as n by bin(1d)', events);
    expect(byDay).toEqual([{ 'bin(1d)': '2026-11-01 00:00:00.000', n: '8' }]);
    const by4h = run('stats count(*) as n by bin(4h) as slot | sort slot asc', events);
    expect(by4h.map((r) => [r.slot, r.n])).toEqual([
      ['2026-11-01 12:00:00.000', '4'],
      ['2026-11-01 16:00:00.000', '4'],
    ]);
    expect(
      run('stats count(*) * 10 as tens, count(*) as n by eventName | filter n > 1 | display eventName, tens', events),
    ).toEqual([{ eventName: 'Decrypt', tens: '40' }]);
  });

  it('a second stats aggregates the rows of the first', () => {
    expect(run('stats count(*) as n by eventName | stats max(n) as most, count(*) as names', events)).toEqual([
      { most: '4', names: '5' },
    ]);
  });

  it('gives the same answer however the records arrive (partial results grow to the final one)', () => {
    const q =
      'filter eventSource = "kms.amazonaws.com" | stats count(*) as n, latest(@timestamp) as last by eventName | sort n desc, eventName asc';
    expect(run(q, events, 10_000, 1)).toEqual(run(q, events));
    expect(run(q, events, 10_000, 3)).toEqual(run(q, events));
  });

  it('caps the rows at the limit it is given', () => {
    expect(run('stats count(*) by eventName', events, 2)).toHaveLength(2);
    expect(run('fields eventName', events, 3)).toHaveLength(3);
  });

  it('scales: 200,000 events, a stats query by 500 keys counts every one', () => {
    const many = Array.from({ length: 200_000 }, (_, i) => ({
      t: T0 + i * 1000,
      e: {
        eventSource: 'kms.amazonaws.com',
        eventName: i % 3 === 0 ? 'Decrypt' : 'DescribeKey',
        resources: [{ ARN: keyArn(i % 500) }],
      },
    }));
    // correct at this size; its speed is measured by `npm run bench` (the usage-logs row), not
    // asserted here against a shared machine's wall clock
    const rows = run('filter eventName in ["Decrypt"] | stats count(*) as n by resources.0.ARN', many);
    expect(rows).toHaveLength(500);
    expect(rows.reduce((s, r) => s + Number(r.n), 0)).toBe(66_667);
  });
});
