/**
 * Logs Insights syntax the sandbox lacked or got wrong (issue 17): sort after `stats ... by bin()`
 * naming the bin column by its expression, limit's edge cases, `pattern`, and `bin() offset`.
 */
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../../../../src/sandbox/model/logs/logs-insights/parser.js';
import { patternOf } from '../../../../../src/sandbox/model/logs/logs-insights/evaluate.js';
import { run } from './engine-helpers.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const T = Date.UTC(2026, 10, 1);
/** 2 events on Nov 1, 1 on Nov 2, 3 on Nov 3 */
const byDay = [0, 0, 1, 2, 2, 2].map((d, i) => ({ t: T + d * DAY + i * 1000, e: { n: i % 2 ? 'a' : 'b' } }));

describe('sort after stats ... by bin()', () => {
  it('sort bin(1d) desc names the stats column (it was recomputed from the row and ignored)', () => {
    const desc = run('stats count(*) as c by bin(1d) | sort bin(1d) desc', byDay);
    expect(desc.map((r) => r['bin(1d)']!.slice(0, 10))).toEqual(['2026-11-03', '2026-11-02', '2026-11-01']);
    const asc = run('stats count(*) as c by bin(1d) | sort bin(1d) asc', byDay);
    expect(asc.map((r) => r.c)).toEqual(['2', '1', '3']);
  });

  it('by an alias, by a count, and with several by fields', () => {
    expect(run('stats count(*) as c by bin(1d) as day | sort c desc', byDay).map((r) => r.c)).toEqual(['3', '2', '1']);
    const rows = run('stats count(*) as c by n, bin(1d) as day | sort day desc, n asc', byDay);
    expect(rows.map((r) => `${r.day!.slice(5, 10)} ${r.n}`)).toEqual([
      '11-03 a',
      '11-03 b',
      '11-02 b',
      '11-01 a',
      '11-01 b',
    ]);
  });
});

describe('limit edge cases', () => {
  it('the smaller of the query limit and StartQuery limit wins', () => {
    expect(run('fields n | limit 5', byDay, 2)).toHaveLength(2);
    expect(run('fields n | limit 2', byDay, 10)).toHaveLength(2);
  });

  it('a limit larger than the rows returns them all; head is the same command', () => {
    expect(run('fields n | limit 10000', byDay)).toHaveLength(6);
    expect(run('fields n | head 1', byDay)).toHaveLength(1);
  });

  it('without sort, limit keeps the newest events; limit then sort sorts only what was kept', () => {
    const newest = run('fields @timestamp, n | limit 2', byDay);
    expect(newest.map((r) => r['@timestamp']!.slice(0, 10))).toEqual(['2026-11-03', '2026-11-03']);
    const kept = run('limit 3 | sort @timestamp asc', byDay);
    expect(kept.map((r) => r['@timestamp']!.slice(0, 10))).toEqual(['2026-11-03', '2026-11-03', '2026-11-03']);
  });

  it('limit any N: N of the events found, whatever their order (the documented early stop); head any is not syntax', () => {
    const any = run('fields @timestamp, n | limit any 2', byDay);
    expect(any).toHaveLength(2);
    const all = new Set(run('fields @timestamp, n', byDay).map((r) => JSON.stringify(r)));
    for (const row of any) expect(all.has(JSON.stringify(row))).toBe(true);
    expect(run('filter n = "a" | limit any 5', byDay)).toHaveLength(3);
    expect(parseQuery('fields n | limit any 1').commands[1]).toMatchObject({ kind: 'limit', n: 1, any: true });
    expect(() => parseQuery('fields n | head any 1')).toThrow(/positive integer/);
    expect(() => parseQuery('fields n | limit any')).toThrow(/positive integer/);
  });

  it('after stats it cuts the stats rows; two limits: the smaller wins', () => {
    expect(run('stats count(*) by bin(1d) | limit 1', byDay)).toHaveLength(1);
    expect(run('fields n | limit 4 | limit 3', byDay)).toHaveLength(3);
    expect(run('fields n | limit 1 | limit 3', byDay)).toHaveLength(1);
  });

  it('limit needs a positive integer', () => {
    for (const q of [
      'fields n | limit 0',
      'fields n | limit -1',
      'fields n | limit 2.5',
      'fields n | limit',
      'fields n | limit x',
    ])
      expect(() => parseQuery(q), q).toThrow(/expecting/);
  });
});

describe('bin() offset', () => {
  it('shifts each bin by the duration', () => {
    const rows = run('stats count(*) as c by bin(1d) offset 1h | sort c desc', byDay);
    expect(rows.map((r) => r['bin(1d)'])).toEqual([
      '2026-11-03 01:00:00.000',
      '2026-11-01 01:00:00.000',
      '2026-11-02 01:00:00.000',
    ]);
    const hourly = run('stats count(*) as c by bin(1h) offset 30m', [{ t: T + 10 * HOUR + 5, e: {} }]);
    expect(hourly).toEqual([{ 'bin(1h)': '2026-11-01 10:30:00.000', c: '1' }]);
  });

  it('needs a bin() in the by clause and a duration', () => {
    expect(() => parseQuery('stats count(*) by n offset 1h')).toThrow(/offset needs a bin\(\)/);
    expect(() => parseQuery('stats count(*) by bin(1h) offset n')).toThrow(/offset expects a duration/);
    expect(() => parseQuery('stats count(*) offset 1h')).toThrow(/offset needs a bin\(\)/);
  });
});

describe('pattern', () => {
  const logs = [
    '[INFO] Request time: 327 ms',
    '[INFO] Request time: 12 ms',
    '[ERROR] Connection to 10.0.0.7 refused',
    '[INFO] Request time: 5 ms',
  ].map((m, i) => ({ t: T + i * 1000, e: { m } }));

  it('clusters values into patterns with @ratio, @sampleCount and @severityLabel, most frequent first', () => {
    const rows = run('pattern m', logs);
    expect(rows).toEqual([
      {
        '@pattern': '[INFO] Request time: <Token-1> ms',
        '@ratio': '0.75',
        '@sampleCount': '3',
        '@severityLabel': 'Info',
      },
      {
        '@pattern': '[ERROR] Connection to <Token-1> refused',
        '@ratio': '0.25',
        '@sampleCount': '1',
        '@severityLabel': 'Error',
      },
    ]);
  });

  it('combines with filter before it and sort, filter and limit after it', () => {
    expect(run("filter m like 'Request' | pattern m", logs)).toHaveLength(1);
    const sorted = run('pattern m | sort @sampleCount asc | limit 1', logs);
    expect(sorted.map((r) => r['@sampleCount'])).toEqual(['1']);
    expect(run('pattern m | filter @sampleCount > 1', logs).map((r) => r['@pattern'])).toEqual([
      '[INFO] Request time: <Token-1> ms',
    ]);
  });

  it('numbers the dynamic tokens by position; a line without one is its own pattern', () => {
    expect(patternOf('user 42 logged in from 10.1.2.3 at 2026-11-01T10:00:00Z')).toBe(
      'user <Token-1> logged in from <Token-2> at <Token-3>:<Token-4>:<Token-5>',
    );
    expect(patternOf('shutting down')).toBe('shutting down');
  });

  it('is a command the parser knows (and lists in its errors)', () => {
    expect(parseQuery('pattern @message').commands[0]!.kind).toBe('pattern');
    expect(() => parseQuery('patterns @message')).toThrow(/K_PATTERN/);
  });
});
