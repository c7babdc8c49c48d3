/**
 * Logs Insights operations of the sandbox model (logs-insights.ts): status over time, statistics,
 * limits, errors, retention, and the large scenario's history seen the same way through
 * LookupEvents, GetKeyLastUsage and a log-group query.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  createModel,
  scenario,
  DEMO_KEYS,
  DEMO_LOG_GROUP,
  DEMO_STORE_ID,
} from '../../../../src/sandbox/model/index.js';
import type { AccountState } from '../../../../src/sandbox/model/index.js';
import { call, callError } from './helpers.js';

const DAY = 86_400_000;
const nowS = (m: { now(): Date }) => Math.floor(m.now().getTime() / 1000);
const logs = (m: any, op: string, input: Record<string, unknown> = {}) => call(m, 'logs', op, input);
const INSTANT = { insightsScheduledMs: 0, insightsMinRunMs: 0, insightsScanBytesPerSec: 0 };

function start(m: any, queryString: string, extra: Record<string, unknown> = {}): string {
  return logs(m, 'StartQuery', {
    logGroupName: DEMO_LOG_GROUP,
    startTime: nowS(m) - 400 * 86_400,
    endTime: nowS(m),
    queryString,
    ...extra,
  }).queryId;
}

const rowsOf = (r: any) => r.results.map((row: any[]) => Object.fromEntries(row.map((f) => [f.field, f.value])));

function smallLarge(config: Record<string, number> = {}, history: Record<string, number> = {}) {
  return createModel(scenario('large', { keys: 400, storeKeys: 100, noiseEvents: 3000, usedShare: 0.3, ...history }), {
    config,
  });
}

describe('Logs Insights: status over time', () => {
  it('Scheduled, then Running with partial results and growing statistics, then Complete', () => {
    const m = smallLarge({ insightsScheduledMs: 1000, insightsMinRunMs: 10_000, insightsScanBytesPerSec: 1e12 });
    const id = start(m, 'stats count(*) as n');
    const first = logs(m, 'GetQueryResults', { queryId: id });
    expect(first.status).toBe('Scheduled');
    expect(first.results).toEqual([]);
    expect(first.statistics).toMatchObject({ recordsScanned: 0, recordsMatched: 0, bytesScanned: 0 });
    m.advance(3_000); // 2 s of 10 s running
    const mid = logs(m, 'GetQueryResults', { queryId: id });
    expect(mid.status).toBe('Running');
    const midN = Number(rowsOf(mid)[0].n);
    expect(mid.statistics.recordsScanned).toBeGreaterThan(0);
    expect(midN).toBe(mid.statistics.recordsScanned);
    m.advance(20_000);
    const done = logs(m, 'GetQueryResults', { queryId: id });
    expect(done.status).toBe('Complete');
    const total = (m.toJSON() as AccountState).logGroups[0]!.events!.length;
    expect(done.statistics.recordsScanned).toBeGreaterThan(mid.statistics.recordsScanned);
    expect(done.statistics.recordsScanned).toBeLessThanOrEqual(total);
    expect(Number(rowsOf(done)[0].n)).toBe(done.statistics.recordsScanned);
    expect(done.statistics.bytesScanned).toBeGreaterThan(done.statistics.recordsScanned * 200);
    expect(done.statistics.logGroupsScanned).toBe(1);
  });

  it('the scan rate sets how long a query runs; the timeout ends it as Timeout', () => {
    const m = smallLarge({
      insightsScheduledMs: 0,
      insightsMinRunMs: 0,
      insightsScanBytesPerSec: 1_000_000,
      insightsTimeoutMs: 1_000,
    });
    const id = start(m, 'stats count(*)');
    m.advance(500);
    expect(logs(m, 'GetQueryResults', { queryId: id }).status).toBe('Running');
    m.advance(1_000);
    const r = logs(m, 'GetQueryResults', { queryId: id });
    expect(r.status).toBe('Timeout');
    expect(r.statistics.recordsScanned).toBeGreaterThan(0);
    const total = (m.toJSON() as AccountState).logGroups[0]!.events!.length;
    expect(r.statistics.recordsScanned).toBeLessThan(total);
  });

  it('StopQuery cancels a running query; stopping it again or an unknown id is an error', () => {
    const m = smallLarge({ insightsScheduledMs: 0, insightsMinRunMs: 60_000 });
    const id = start(m, 'fields eventName');
    m.advance(1_000);
    expect(logs(m, 'StopQuery', { queryId: id })).toEqual({ success: true });
    expect(logs(m, 'GetQueryResults', { queryId: id }).status).toBe('Cancelled');
    expect(callError(m, 'logs', 'StopQuery', { queryId: id }).code).toBe('InvalidParameterException');
    expect(callError(m, 'logs', 'StopQuery', { queryId: 'nope' }).code).toBe('ResourceNotFoundException');
    expect(callError(m, 'logs', 'GetQueryResults', { queryId: 'nope' }).code).toBe('ResourceNotFoundException');
  });

  it('the concurrency limit answers LimitExceededException until a query ends', () => {
    const m = smallLarge({ insightsScheduledMs: 0, insightsMinRunMs: 5_000, insightsMaxConcurrent: 2 });
    start(m, 'stats count(*)');
    start(m, 'stats count(*)');
    const e = callError(m, 'logs', 'StartQuery', {
      logGroupName: DEMO_LOG_GROUP,
      startTime: 0,
      endTime: nowS(m),
      queryString: 'stats count(*)',
    });
    expect(e.code).toBe('LimitExceededException');
    expect(e.message).toBe('Account maximum query concurrency limit of [2] reached.');
    m.advance(6_000);
    expect(start(m, 'stats count(*)')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('DescribeQueries lists queries newest first, by status and log group', () => {
    const m = smallLarge({ insightsScheduledMs: 0, insightsMinRunMs: 5_000 });
    const a = start(m, 'stats count(*) as a');
    m.advance(6_000);
    const b = start(m, 'stats count(*) as b');
    const all = logs(m, 'DescribeQueries').queries;
    expect(all.map((q: any) => q.queryId)).toEqual([b, a]);
    expect(all[1]).toMatchObject({
      queryString: 'stats count(*) as a',
      status: 'Complete',
      logGroupName: DEMO_LOG_GROUP,
      queryLanguage: 'CWLI',
    });
    expect(all[1].bytesScanned).toBeGreaterThan(0);
    expect(all[1].queryDuration).toBeGreaterThanOrEqual(5_000);
    expect(logs(m, 'DescribeQueries', { status: 'Running' }).queries.map((q: any) => q.queryId)).toEqual([b]);
    expect(callError(m, 'logs', 'DescribeQueries', { status: 'Done' }).code).toBe('InvalidParameterException');
    expect(logs(m, 'DescribeQueries', { maxResults: 1 }).nextToken).toBeDefined();
  });
});

describe('Logs Insights: input checks', () => {
  const m = createModel(scenario('demo'), { config: INSTANT });
  const base = () => ({
    logGroupName: DEMO_LOG_GROUP,
    startTime: nowS(m) - 86_400,
    endTime: nowS(m),
    queryString: 'stats count(*)',
  });
  const err = (input: Record<string, unknown>) => callError(m, 'logs', 'StartQuery', input);

  it('unknown log groups, by name or ARN (another account or Region), are ResourceNotFoundException', () => {
    expect(err({ ...base(), logGroupName: 'no-such-group' }).code).toBe('ResourceNotFoundException');
    const { logGroupName: _n, ...rest } = base();
    expect(
      err({ ...rest, logGroupIdentifiers: ['arn:aws:logs:us-east-1:999999999999:log-group:' + DEMO_LOG_GROUP] }).code,
    ).toBe('ResourceNotFoundException');
    expect(
      err({ ...rest, logGroupIdentifiers: ['arn:aws:logs:eu-west-1:111122223333:log-group:' + DEMO_LOG_GROUP] }).code,
    ).toBe('ResourceNotFoundException');
    expect(
      err({ ...rest, logGroupIdentifiers: ['arn:aws:logs:us-east-1:111122223333:log-group:' + DEMO_LOG_GROUP + ':*'] })
        .code,
    ).toBe('InvalidParameterException');
    expect(
      logs(m, 'StartQuery', {
        ...rest,
        logGroupIdentifiers: ['arn:aws:logs:us-east-1:111122223333:log-group:' + DEMO_LOG_GROUP],
      }).queryId,
    ).toBeDefined();
    expect(logs(m, 'StartQuery', { ...rest, logGroupNames: [DEMO_LOG_GROUP] }).queryId).toBeDefined();
  });

  it('time range, group parameters, limit and query length are checked', () => {
    expect(err({ ...base(), startTime: nowS(m), endTime: nowS(m) - 10 }).code).toBe('InvalidParameterException');
    expect(err({ ...base(), startTime: -1 }).code).toBe('InvalidParameterException');
    expect(err({ ...base(), logGroupNames: [DEMO_LOG_GROUP] }).message).toMatch(/only one of/);
    const { logGroupName: _n, ...none } = base();
    expect(err(none).message).toMatch(/exactly one of/);
    expect(err({ ...base(), limit: 0 }).code).toBe('InvalidParameterException');
    expect(err({ ...base(), limit: 100_001 }).code).toBe('InvalidParameterException');
    expect(err({ ...base(), queryString: 'filter a = "' + 'x'.repeat(10_000) + '"' }).code).toBe(
      'InvalidParameterException',
    );
    expect(err({ ...base(), queryLanguage: 'SQL' }).code).toBe('InvalidParameterException');
  });

  it('a query that does not compile is MalformedQueryException with the location of the error', () => {
    const e = err({ ...base(), queryString: 'filter eventName = "Decrypt"\n| count(*)' });
    expect(e.code).toBe('MalformedQueryException');
    expect(e.details).toEqual({
      queryCompileError: { location: { startCharOffset: 31, endCharOffset: 35 }, message: e.message },
    });
  });
});

describe('Logs Insights over the demo account', () => {
  it('finds the Decrypt of 3 days ago by the app-backend role, with @ptr that GetLogRecord resolves', () => {
    const m = createModel(scenario('demo'), { config: INSTANT });
    const id = start(
      m,
      'filter eventName = "Decrypt" | fields @timestamp, resources.0.ARN, userIdentity.sessionContext.sessionIssuer.arn as role',
    );
    const r = logs(m, 'GetQueryResults', { queryId: id });
    expect(r.status).toBe('Complete');
    const [row] = rowsOf(r);
    expect(row).toMatchObject({
      'resources.0.ARN': `arn:aws:kms:us-east-1:111122223333:key/${DEMO_KEYS.used}`,
      role: 'arn:aws:iam::111122223333:role/app-backend',
    });
    const rec = logs(m, 'GetLogRecord', { logRecordPointer: row['@ptr'] }).logRecord;
    expect(JSON.parse(rec['@message']).eventName).toBe('Decrypt');
    expect(rec['@log']).toBe(`111122223333:${DEMO_LOG_GROUP}`);
    expect(callError(m, 'logs', 'GetLogRecord', { logRecordPointer: 'garbage' }).code).toBe(
      'InvalidParameterException',
    );
  });

  it('sees calls made since (a CloudTrail event per call reaches the log group), in the time range only', () => {
    const m = createModel(scenario('demo'), { config: INSTANT });
    call(m, 'kms', 'DescribeKey', { KeyId: DEMO_KEYS.unusedA });
    const q = `filter eventName = "DescribeKey" | stats count(*) as n by resources.0.ARN`;
    const rows = rowsOf(logs(m, 'GetQueryResults', { queryId: start(m, q) }));
    expect(rows).toEqual([
      { 'resources.0.ARN': `arn:aws:kms:us-east-1:111122223333:key/${DEMO_KEYS.unusedA}`, n: '1' },
    ]);
    const past = logs(m, 'StartQuery', {
      logGroupName: DEMO_LOG_GROUP,
      startTime: nowS(m) - 10 * 86_400,
      endTime: nowS(m) - 86_400,
      queryString: q,
    }).queryId;
    expect(logs(m, 'GetQueryResults', { queryId: past }).results).toEqual([]);
  });

  it('pages results beyond maxItems with nextToken once complete; limit caps the rows', () => {
    const m = createModel(scenario('demo'), { config: INSTANT });
    for (let i = 0; i < 5; i++) call(m, 'kms', 'ListKeys', {});
    const id = start(m, 'fields eventName');
    const p1 = logs(m, 'GetQueryResults', { queryId: id, maxItems: 3 });
    expect(p1.results).toHaveLength(3);
    const p2 = logs(m, 'GetQueryResults', { queryId: id, maxItems: 3, nextToken: p1.nextToken });
    expect(p2.results.length).toBeGreaterThan(0);
    expect(p2.results[0]).not.toEqual(p1.results[0]);
    expect(logs(m, 'GetQueryResults', { queryId: start(m, 'fields eventName', { limit: 2 }) }).results).toHaveLength(2);
  });
});

describe('log groups: retention and streams', () => {
  it('PutRetentionPolicy drops older events and queries stop seeing them; DescribeLogStreams gives the oldest event', () => {
    const m = smallLarge(INSTANT);
    const countOver = (days: number) => {
      const id = logs(m, 'StartQuery', {
        logGroupName: DEMO_LOG_GROUP,
        startTime: nowS(m) - days * 86_400,
        endTime: nowS(m),
        queryString: 'stats count(*) as n',
      }).queryId;
      return Number(rowsOf(logs(m, 'GetQueryResults', { queryId: id }))[0]?.n ?? 0);
    };
    const before = countOver(400);
    const streams = logs(m, 'DescribeLogStreams', { logGroupName: DEMO_LOG_GROUP }).logStreams;
    expect(streams[0].logStreamName).toBe('111122223333_CloudTrail_us-east-1');
    expect(streams[0].firstEventTimestamp).toBeLessThan(m.now().getTime() - 300 * DAY);
    expect(callError(m, 'logs', 'PutRetentionPolicy', { logGroupName: DEMO_LOG_GROUP, retentionInDays: 31 }).code).toBe(
      'InvalidParameterException',
    );
    logs(m, 'PutRetentionPolicy', { logGroupName: DEMO_LOG_GROUP, retentionInDays: 30 });
    expect(countOver(400)).toBeLessThan(before);
    const id = logs(m, 'StartQuery', {
      logGroupName: DEMO_LOG_GROUP,
      startTime: 0,
      endTime: nowS(m),
      queryString: 'stats min(@timestamp) as oldest',
    }).queryId;
    const oldest = rowsOf(logs(m, 'GetQueryResults', { queryId: id }))[0].oldest as string;
    expect(Date.parse(oldest.replace(' ', 'T') + 'Z')).toBeGreaterThanOrEqual(m.now().getTime() - 30 * DAY);
    const after = logs(m, 'DescribeLogStreams', { logGroupName: DEMO_LOG_GROUP }).logStreams[0];
    expect(after.firstEventTimestamp).toBeGreaterThanOrEqual(m.now().getTime() - 30 * DAY);
    // the CloudHSM audit log groups (/aws/cloudhsm/...) sort first
    const groups: any[] = logs(m, 'DescribeLogGroups', {}).logGroups;
    expect(groups.find((g) => g.logGroupName === DEMO_LOG_GROUP).retentionInDays).toBe(30);
  });
});

describe('large scenario usage history', () => {
  const m = createModel(scenario('large', { keys: 2000, storeKeys: 200, usedShare: 0.25, noiseEvents: 2000 }), {
    config: INSTANT,
  });
  const state = m.toJSON() as AccountState;
  const storeArns = state.keys
    .filter((k) => k.storeId === DEMO_STORE_ID)
    .map((k) => `arn:aws:kms:us-east-1:111122223333:key/${k.id}`);

  function query(q: string, days: number): Array<Record<string, string>> {
    const id = logs(m, 'StartQuery', {
      logGroupName: DEMO_LOG_GROUP,
      startTime: nowS(m) - days * 86_400,
      endTime: nowS(m),
      queryString: q,
      limit: 10_000,
    }).queryId;
    const r = logs(m, 'GetQueryResults', { queryId: id });
    expect(r.status).toBe('Complete');
    return rowsOf(r);
  }

  it('keeps 400 days in the log group, the trail started before the history, and the share of keys used', () => {
    expect(state.logGroups[0]!.retentionInDays).toBe(400);
    expect(state.trails[0]!.startedAt).toBeLessThan(state.logGroups[0]!.events![0]!.t);
    const used = query(
      'filter eventSource = "kms.amazonaws.com" and (eventName in ["Decrypt","Encrypt","GenerateDataKey","GenerateDataKeyWithoutPlaintext"] or (eventName = "ReEncrypt" and ispresent(resources.1.ARN))) | stats count(*) by resources.0.ARN, resources.1.ARN',
      400,
    );
    const touched = new Set(
      used.flatMap((r) => [r['resources.0.ARN'], r['resources.1.ARN']]).filter((a) => a && storeArns.includes(a)),
    );
    expect(touched.size).toBe(50);
  });

  it('every kind is present: failed only, long ago only (older than 90 days), ReEncrypt destination only', () => {
    const inStore = (r: Record<string, string>, f = 'resources.0.ARN') => storeArns.includes(r[f]!);
    const ok = query(
      'filter not ispresent(errorCode) and eventName in ["Decrypt","Encrypt","GenerateDataKey","GenerateDataKeyWithoutPlaintext"] | stats max(@timestamp) as last by resources.0.ARN',
      400,
    ).filter((r) => inStore(r));
    const failed = query('filter ispresent(errorCode) | stats count(*) as n by resources.0.ARN, errorCode', 400).filter(
      (r) => inStore(r),
    );
    const dest = query('filter eventName = "ReEncrypt" | stats count(*) as n by resources.1.ARN', 400).filter((r) =>
      inStore(r, 'resources.1.ARN'),
    );
    const okKeys = new Set(ok.map((r) => r['resources.0.ARN']));
    expect(new Set(failed.map((r) => r.errorCode))).toEqual(
      new Set(['AccessDenied', 'DisabledException', 'KMSInvalidStateException']),
    );
    expect(failed.some((r) => !okKeys.has(r['resources.0.ARN']))).toBe(true);
    const cutoff = m.now().getTime() - 90 * DAY;
    expect(ok.some((r) => Date.parse(r.last!.replace(' ', 'T') + 'Z') < cutoff)).toBe(true);
    expect(dest.some((r) => !okKeys.has(r['resources.1.ARN']))).toBe(true);
  });

  it('LookupEvents (90 days) and the log group hold the same events of each store key in the last 90 days', () => {
    const fromLogs = new Map<string, Set<string>>();
    for (const r of query('fields eventID, resources.0.ARN, resources.1.ARN | filter ispresent(resources.0.ARN)', 89)) {
      for (const arn of [r['resources.0.ARN'], r['resources.1.ARN']])
        if (arn && storeArns.includes(arn))
          (fromLogs.get(arn) ?? fromLogs.set(arn, new Set()).get(arn)!).add(r.eventID!);
    }
    let compared = 0;
    for (const arn of storeArns) {
      const ids = new Set<string>();
      let token: string | undefined;
      do {
        const page = call(m, 'cloudtrail', 'LookupEvents', {
          LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: arn }],
          StartTime: nowS(m) - 89 * 86_400,
          ...(token ? { NextToken: token } : {}),
        });
        for (const e of page.Events)
          if (JSON.parse(e.CloudTrailEvent).eventSource === 'kms.amazonaws.com') ids.add(e.EventId);
        token = page.NextToken;
      } while (token);
      // the query's own calls (StartQuery...) carry no key resources
      expect([...ids].sort(), arn).toEqual([...(fromLogs.get(arn) ?? [])].sort());
      if (ids.size > 0) compared++;
    }
    expect(compared).toBeGreaterThan(10);
  });

  it('GetKeyLastUsage names the newest successful cryptographic event since the tracking start', () => {
    const ok = query(
      'filter not ispresent(errorCode) and eventName in ["Decrypt","Encrypt","GenerateDataKey","GenerateDataKeyWithoutPlaintext","ReEncrypt"] | fields eventID, @timestamp, resources.0.ARN, resources.1.ARN',
      400,
    );
    const tracking = state.config.trackingStart;
    const newest = new Map<string, { t: number; id: string }>();
    for (const r of ok) {
      const t = Date.parse(r['@timestamp']!.replace(' ', 'T') + 'Z');
      if (t < tracking) continue;
      for (const arn of [r['resources.0.ARN'], r['resources.1.ARN']])
        if (arn && (!newest.has(arn) || newest.get(arn)!.t < t)) newest.set(arn, { t, id: r.eventID! });
    }
    for (const arn of storeArns) {
      const last = call(m, 'kms', 'GetKeyLastUsage', { KeyId: arn }).KeyLastUsage;
      const want = newest.get(arn);
      if (!want) expect(last, arn).toBeUndefined();
      else expect(last?.CloudTrailEventId, arn).toBe(want.id);
    }
  });
});

describe('Logs Insights at scale', () => {
  it('200,000 events in the log group: the first query parses each message once, later ones reuse the columns', () => {
    const m = createModel(scenario('demo'), { config: INSTANT });
    const group = (m.toJSON() as AccountState).logGroups[0]!;
    const t0 = m.now().getTime() - 200 * DAY;
    const arn = (i: number) =>
      `arn:aws:kms:us-east-1:111122223333:key/${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`;
    group.events = [];
    for (let i = 0; i < 200_000; i++) {
      const e = {
        eventSource: 'kms.amazonaws.com',
        eventName: i % 4 === 0 ? 'Decrypt' : 'DescribeKey',
        readOnly: true,
        ...(i % 10 === 5 ? { errorCode: 'AccessDenied' } : {}),
        userIdentity: { arn: `arn:aws:sts::111122223333:assumed-role/app-${i % 7}/s` },
        resources: [{ ARN: arn(i % 1000) }],
        recipientAccountId: '111122223333',
      };
      group.events.push({ t: t0 + i * 60_000, m: JSON.stringify(e), s: '111122223333_CloudTrail_us-east-1' });
    }
    const q =
      'filter eventName in ["Decrypt","Encrypt"] and not ispresent(errorCode) | stats count(*) as calls, latest(@timestamp) as last, count_distinct(userIdentity.arn) as callers by resources.0.ARN';
    // the work is counted, not timed (a shared machine's clock says nothing): how many of the
    // group's messages each query parses, seen through JSON.parse
    const parse = JSON.parse;
    let parsedMessages = 0;
    const spy = vi.spyOn(JSON, 'parse').mockImplementation((text: string, reviver?: Parameters<typeof parse>[1]) => {
      if (typeof text === 'string' && text.startsWith('{"eventSource":"kms.amazonaws.com"')) parsedMessages++;
      return parse(text, reviver);
    });
    const counted = () => {
      parsedMessages = 0;
      const rows = rowsOf(logs(m, 'GetQueryResults', { queryId: start(m, q) }));
      return { rows, parsed: parsedMessages };
    };
    try {
      const first = counted();
      const second = counted();
      expect(first.rows).toHaveLength(250);
      expect(first.rows.reduce((s: number, r: any) => s + Number(r.calls), 0)).toBe(50_000);
      expect(second.rows).toEqual(first.rows);
      // each message once on the first query, none on the second
      expect(first.parsed).toBe(200_000);
      expect(second.parsed).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });
});
