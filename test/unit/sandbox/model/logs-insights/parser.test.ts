/** The Logs Insights grammar on its own: what parses into which tree, and where errors point. */
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../../../../src/sandbox/model/logs/logs-insights/parser.js';
import { QuerySyntaxError, tokenize } from '../../../../../src/sandbox/model/logs/logs-insights/tokenizer.js';

function syntaxError(q: string): QuerySyntaxError {
  try {
    parseQuery(q);
  } catch (e) {
    if (e instanceof QuerySyntaxError) return e;
    throw e;
  }
  throw new Error(`parsed: ${q}`);
}

describe('tokenizer', () => {
  it('reads dotted and @ field names, backtick names, strings, numbers, periods and regexes with offsets', () => {
    const toks = tokenize(
      'filter resources.0.ARN = "a\\"b" and `odd-name` =~ /x\\/y/ | stats count(*) by bin(1h) # comment',
    );
    expect(toks.map((t) => [t.kind, t.value])).toEqual([
      ['ident', 'filter'],
      ['ident', 'resources.0.ARN'],
      ['op', '='],
      ['string', 'a"b'],
      ['ident', 'and'],
      ['quoted', 'odd-name'],
      ['op', '=~'],
      ['regex', 'x/y'],
      ['punct', '|'],
      ['ident', 'stats'],
      ['ident', 'count'],
      ['punct', '('],
      ['op', '*'],
      ['punct', ')'],
      ['ident', 'by'],
      ['ident', 'bin'],
      ['punct', '('],
      ['duration', 3_600_000],
      ['punct', ')'],
      ['eof', ''],
    ]);
    expect(toks[1]).toMatchObject({ start: 7, end: 21 });
  });

  it('tells a regex from a division by what precedes the slash', () => {
    expect(tokenize('fields a / 2').map((t) => t.kind)).toEqual(['ident', 'ident', 'op', 'number', 'eof']);
    expect(tokenize('filter a like /b/').map((t) => t.kind)).toEqual(['ident', 'ident', 'ident', 'regex', 'eof']);
  });

  it('turns a leading (?i) into a case-insensitive flag', () => {
    const re = tokenize('filter a like /(?i)abc/')[3]!;
    expect(re).toMatchObject({ kind: 'regex', value: 'abc', flags: 'i' });
  });

  it('rejects an unterminated string, an unterminated regex and a bad regex with their location', () => {
    expect(() => tokenize('filter a = "abc')).toThrow(QuerySyntaxError);
    const e = (() => {
      try {
        tokenize('filter a like /(/');
      } catch (x) {
        return x as QuerySyntaxError;
      }
    })()!;
    expect(e.message).toMatch(/invalid regular expression/);
    expect([e.start, e.end]).toEqual([14, 16]);
  });
});

describe('parser', () => {
  it('parses the commands of a pipeline', () => {
    const q = parseQuery(
      'fields @timestamp, eventName as name | filter eventSource = "kms.amazonaws.com" | stats count(*) as calls, latest(@timestamp) as last by resources.0.ARN, bin(1d) | sort calls desc, last asc | limit 10 | display calls',
    );
    expect(q.commands.map((c) => c.kind)).toEqual(['fields', 'filter', 'stats', 'sort', 'limit', 'display']);
    const stats = q.commands[2] as Extract<(typeof q.commands)[number], { kind: 'stats' }>;
    expect(stats.aggs.map((a) => a.name)).toEqual(['calls', 'last']);
    expect(stats.by.map((b) => b.name)).toEqual(['resources.0.ARN', 'bin(1d)']);
    const sort = q.commands[3] as Extract<(typeof q.commands)[number], { kind: 'sort' }>;
    expect(sort.keys.map((k) => [k.name, k.desc])).toEqual([
      ['calls', true],
      ['last', false],
    ]);
  });

  it('gives unnamed stats columns the text of their expression', () => {
    const q = parseQuery('stats count(*), count_distinct(userIdentity.arn)');
    const stats = q.commands[0] as Extract<(typeof q.commands)[number], { kind: 'stats' }>;
    expect(stats.aggs.map((a) => a.name)).toEqual(['count(*)', 'count_distinct(userIdentity.arn)']);
  });

  it('binds not, and, or and comparisons with the usual precedence', () => {
    const q = parseQuery('filter not a = 1 and b = 2 or c in ["x", "y"] and d not like "z"');
    const f = q.commands[0] as Extract<(typeof q.commands)[number], { kind: 'filter' }>;
    expect(f.cond).toMatchObject({
      kind: 'binary',
      op: 'or',
      left: { op: 'and', left: { kind: 'unary', op: 'not', arg: { op: '=' } }, right: { op: '=' } },
      right: { op: 'and', left: { op: 'in', right: { kind: 'list' } }, right: { op: 'not like' } },
    });
  });

  it('accepts keywords and function names in any case, head as limit, parse with a glob and a regex, dedup', () => {
    const q = parseQuery(
      'FILTER isPresent(errorCode) AND ispresent(a) | HEAD 5 | parse @message "user=* id=*" as user, id | parse @message /(?<op>\\w+)$/ | dedup user',
    );
    expect(q.commands.map((c) => c.kind)).toEqual(['filter', 'limit', 'parse', 'parse', 'dedup']);
  });

  it('reports an unknown command with the service wording and its location', () => {
    const e = syntaxError('filter x = 1 | count(*)');
    expect(e.message).toBe(
      "mismatched input 'count' expecting {K_PARSE, K_FIELDS, K_DISPLAY, K_FILTER, K_STATS, K_SORT, K_LIMIT, K_HEAD, K_DEDUP, K_PATTERN}",
    );
    expect([e.start, e.end]).toEqual([15, 19]);
  });

  it('points at what is wrong', () => {
    const cases: Array<[string, RegExp, number]> = [
      ['', /expecting \{K_PARSE/, 0],
      ['filter a = ', /mismatched input '<EOF>' expecting an expression/, 11],
      ['filter (a = 1', /expecting '\)'/, 13],
      ['filter a in "x"', /expecting '\['/, 12],
      ['filter a in [b]', /list of strings and numbers/, 13],
      ['stats eventName by x', /aggregation function/, 6],
      ['filter count(*) > 1', /only allowed in stats/, 7],
      ['stats max(count(*))', /cannot be nested/, 10],
      ['fields nosuch(a)', /unknown function 'nosuch'/, 7],
      ['stats earliest()', /takes 1 argument/, 6],
      ['limit -1', /a positive integer/, 6],
      ['filter a = 1 filter b = 2', /expecting \{<EOF>, '\|'\}/, 13],
      ['fields a as', /a field name/, 11],
      ['parse @message "a * b *" as x', /2 '\*' but 1 names/, 15],
      ['stats count(*) by a | stats count(*) by b | stats count(*)', /at most two stats/, 44],
    ];
    for (const [q, message, start] of cases) {
      const e = syntaxError(q);
      expect(e.message, q).toMatch(message);
      expect(e.start, q).toBe(start);
      expect(e.end, q).toBeGreaterThanOrEqual(e.start);
    }
  });
});
