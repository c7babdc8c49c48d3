/**
 * The Logs Insights evidence source end to end at unit level (issue 10): the runner under AWS's
 * limits (polling, Timeout -> time split, row limit -> key split, concurrency limit, StopQuery on
 * Ctrl-C, a result that does not account for every matched event) and the source's decisions
 * (no per-key use calls when the group covers the window, the per-key APIs for the rest, fallback
 * with a warning, --evidence logs refusing), with verdicts equal to the per-key path's.
 */
import { describe, expect, it } from 'vitest';
import { assessKeysImpl } from '../../../../src/workflow/evidence/assess.js';
import { gatherUsageEvidence } from '../../../../src/workflow/evidence/logs-insights-source.js';
import {
  LogsQueryFailed,
  runUsageQueries,
  splitScope,
} from '../../../../src/workflow/evidence/logs-insights-runner.js';
import { AwsCallError, ExitCode, KscliError } from '../../../../src/errors.js';
import { ACCOUNT, addGoodTrail, EvidenceAccount, kmsEvent, makeKey, REGION } from './fake-aws.js';

const DAY = 86_400_000;
const NOW = new Date('2026-11-30T12:00:00Z');
const noWait = async () => {};

/** An account whose trail has delivered to its log group for 400 days. */
function covered(opts: { retentionInDays?: number; startedDaysAgo?: number } = {}) {
  const acct = new EvidenceAccount();
  addGoodTrail(
    acct,
    {},
    { retentionInDays: opts.retentionInDays ?? 3653, creationTime: new Date(NOW.getTime() - 500 * DAY) },
  );
  acct.trailStatus.set(acct.trails[0]!.arn, {
    isLogging: true,
    startLoggingTime: new Date(NOW.getTime() - (opts.startedDaysAgo ?? 400) * DAY),
  });
  acct.oldestStream.set('aws-cloudtrail-logs', new Date(NOW.getTime() - 400 * DAY));
  const used = makeKey({ creationDate: new Date(NOW.getTime() - 300 * DAY) });
  const failing = makeKey({ creationDate: new Date(NOW.getTime() - 300 * DAY) });
  const idle = makeKey({ creationDate: new Date(NOW.getTime() - 60 * DAY) });
  const old = makeKey({ creationDate: new Date(NOW.getTime() - 300 * DAY) });
  acct.keys.push(used, failing, idle, old);
  acct.events.set(used.arn, [
    kmsEvent(used, 'Decrypt', new Date(NOW.getTime() - 5 * DAY)),
    kmsEvent(used, 'DescribeKey', new Date(NOW.getTime() - DAY)),
  ]);
  acct.events.set(failing.arn, [
    kmsEvent(failing, 'Decrypt', new Date(NOW.getTime() - 2 * DAY), {
      errorCode: 'DisabledException',
      errorMessage: 'is disabled.',
      principal: `arn:aws:iam::${ACCOUNT}:role/batch`,
    }),
  ]);
  // tracking started before the keys existed (the fake's default, 2024-01-01): GetKeyLastUsage proves "never used" for `old`
  acct.lastUsage.set(used.keyId, {
    trackingStartDate: new Date('2024-01-01T00:00:00Z'),
    lastUsage: { operation: 'Decrypt', timestamp: new Date(NOW.getTime() - 5 * DAY) },
  });
  return { acct, keys: [used, failing, idle, old], used, failing, idle, old };
}

const verdicts = (m: Map<string, { verdict: string }>) => Object.fromEntries([...m].map(([k, v]) => [k, v.verdict]));

describe('runUsageQueries', () => {
  const scope = {
    kind: 'arns' as const,
    arns: ['arn:aws:kms:us-east-1:111122223333:key/a', 'arn:aws:kms:us-east-1:111122223333:key/b'],
  };
  const span = [new Date(NOW.getTime() - 90 * DAY), NOW] as const;

  it('polls until Complete and reports status and records scanned', async () => {
    const { acct } = covered();
    const seen: string[] = [];
    const r = await runUsageQueries(scope, ...span, {
      logs: acct.ports().logs(),
      logGroupIdentifiers: ['g'],
      owners: [ACCOUNT],
      sleep: noWait,
      onProgress: (p) => seen.push(p.status),
    });
    expect(seen).toEqual(['Scheduled', 'Scheduled', 'Running', 'Complete']);
    expect(r.queries).toHaveLength(1);
    expect(acct.insights.started[0]).toMatchObject({ logGroupIdentifiers: ['g'], limit: 10_000 });
  });

  it('a Timeout splits the time range in two halves that share no second', async () => {
    const { acct } = covered();
    acct.insights.statusesFor = (req) => (req === acct.insights.started[0] ? ['Running', 'Timeout'] : ['Complete']);
    const r = await runUsageQueries(scope, ...span, {
      logs: acct.ports().logs(),
      logGroupIdentifiers: ['g'],
      owners: [ACCOUNT],
      sleep: noWait,
    });
    expect(acct.insights.started).toHaveLength(3);
    const [, a, b] = acct.insights.started;
    expect(a!.startTime).toEqual(span[0]);
    expect(b!.endTime).toEqual(span[1]);
    expect(Math.ceil(a!.endTime.getTime() / 1000)).toBeLessThan(Math.floor(b!.startTime.getTime() / 1000));
    expect(r.queries.map((q) => q.status)).toEqual(['Timeout', 'Complete', 'Complete']);
  });

  it('a result at the row limit splits the keys and asks again', async () => {
    const { acct } = covered();
    acct.insights.rows = [
      { calls: '1', eventName: 'Decrypt', 'resources.0.ARN': scope.arns[0]! },
      { calls: '1', eventName: 'Decrypt', 'resources.0.ARN': scope.arns[1]! },
    ];
    await expect(
      runUsageQueries(scope, ...span, {
        logs: acct.ports().logs(),
        logGroupIdentifiers: ['g'],
        owners: [ACCOUNT],
        sleep: noWait,
        rowLimit: 2,
      }),
    ).rejects.toThrow(/cannot be split further/);
    // the two one-key halves were asked after the full result
    expect(acct.insights.started.map((q) => q.queryString.match(/key\/[ab]/g)?.length)).toEqual([4, 2, 2]);
    expect(splitScope({ kind: 'prefix', keyArnPrefix: 'x/', idPrefix: '' })).toHaveLength(17);
  });

  it('rows that do not account for every matched event are refused (a dropped group must not read as unused)', async () => {
    const { acct } = covered();
    acct.insights.rows = [{ calls: '1', eventName: 'Decrypt', 'resources.0.ARN': scope.arns[0]! }];
    acct.insights.recordsMatched = 3;
    const err = await runUsageQueries(scope, ...span, {
      logs: acct.ports().logs(),
      logGroupIdentifiers: ['g'],
      owners: [ACCOUNT],
      sleep: noWait,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(LogsQueryFailed);
    expect(err.message).toMatch(/accounts for 1 of 3 matched events/);
  });

  it("LimitExceededException at StartQuery (the account's concurrent queries) waits and tries again", async () => {
    const { acct } = covered();
    acct.insights.failStart = (_req, n) => {
      if (n === 0 && !acct.insights.started.length && acct.callsOf('StartQuery').length === 1)
        throw new AwsCallError(
          'StartQuery',
          'LimitExceededException',
          'Account maximum query concurrency limit of [100] reached.',
        );
    };
    const r = await runUsageQueries(scope, ...span, {
      logs: acct.ports().logs(),
      logGroupIdentifiers: ['g'],
      owners: [ACCOUNT],
      sleep: noWait,
    });
    expect(acct.callsOf('StartQuery')).toHaveLength(2);
    expect(r.queries).toHaveLength(1);
  });

  it('Ctrl-C stops the running query with StopQuery and ends with exit 130', async () => {
    const { acct } = covered();
    acct.insights.statuses = ['Running'];
    const abort = new AbortController();
    let polls = 0;
    const err = await runUsageQueries(scope, ...span, {
      logs: acct.ports().logs(),
      logGroupIdentifiers: ['g'],
      owners: [ACCOUNT],
      signal: abort.signal,
      sleep: async () => {
        if (++polls === 3) abort.abort();
      },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(KscliError);
    expect(err.exitCode).toBe(ExitCode.Interrupted);
    expect(acct.insights.stopped).toEqual(['q-1']);
  });

  it.each(['Failed', 'Cancelled', 'Unknown'] as const)('a query that ends %s fails the source', async (status) => {
    const { acct } = covered();
    acct.insights.statuses = ['Running', status];
    await expect(
      runUsageQueries(scope, ...span, {
        logs: acct.ports().logs(),
        logGroupIdentifiers: ['g'],
        owners: [ACCOUNT],
        sleep: noWait,
      }),
    ).rejects.toThrow(new RegExp(`ended ${status}`));
  });
});

describe('gatherUsageEvidence / assessKeys', () => {
  const run = (acct: EvidenceAccount, keys: any[], over: Record<string, unknown> = {}) =>
    assessKeysImpl(acct.ports(), keys, { allowInUse: true, allowUnknownUsage: true, now: NOW, ...over } as any);

  it('the log group covers the window: no per-key GetKeyLastUsage or LookupEvents, and the verdicts of the per-key path', async () => {
    const { acct, keys, used, failing, idle, old } = covered();
    const viaLogs = await run(acct, keys);
    expect(acct.callsOf('GetKeyLastUsage')).toEqual([]);
    expect(acct.callsOf('LookupEvents')).toEqual([]);
    // policy principals, grants and aliases are not in CloudTrail: still asked per key
    expect(acct.callsOf('ListGrants')).toHaveLength(4);
    expect(acct.callsOf('StartQuery')).toHaveLength(1);
    const viaApi = await run(acct, keys, { evidence: 'api' });
    expect(verdicts(viaLogs)).toEqual(verdicts(viaApi));
    expect(verdicts(viaLogs)).toEqual({
      [used.keyId]: 'in-use',
      [failing.keyId]: 'in-use',
      [idle.keyId]: 'unused',
      [old.keyId]: 'unused',
    });
    expect(viaLogs.get(used.keyId)!.reason).toMatch(
      /log group aws-cloudtrail-logs via Logs Insights 2026-09-01\.\.2026-11-30\): 1 cryptographic call/,
    );
    expect(viaLogs.get(failing.keyId)!.evidence.cloudTrail.failedErrorCodes).toEqual({ DisabledException: 1 });
    expect(viaLogs.get(used.keyId)!.evidence.source).toBe('logs-insights');
    expect(viaLogs.get(used.keyId)!.evidence.lastUsage.status).toBe('not-asked');
  });

  it('--days 400 with a log group that reaches back 400 days: the old key is covered, and the line says 400 days', async () => {
    const { acct, keys, old } = covered();
    const r = await run(acct, keys, { days: 400 });
    expect(r.get(old.keyId)!.verdict).toBe('unused');
    expect(r.get(old.keyId)!.reason).toMatch(
      /no use in 2026-02-03\.\.2026-11-30: CloudTrail \(log group aws-cloudtrail-logs via Logs Insights 2025-10-26\.\.2026-11-30\)/,
    );
  });

  it('a retention of 30 days: the log group for 30 days, LookupEvents for the 60 before (ending where the group starts), GetKeyLastUsage as before', async () => {
    const { acct, keys, idle } = covered({ retentionInDays: 30 });
    let summary: any;
    const r = await run(acct, keys, { onSummary: (s: any) => (summary = s) });
    const from = new Date(NOW.getTime() - 30 * DAY);
    expect(acct.insights.started[0]!.startTime).toEqual(from);
    const lookups = acct.callsOf('LookupEvents');
    expect(lookups).toHaveLength(4);
    expect(acct.callsOf('GetKeyLastUsage')).toHaveLength(4);
    expect(summary.source).toBe('logs-insights+api');
    expect(summary.limits.join(' ')).toMatch(/keeps events 30 days/);
    const viaApi = await run(acct, keys, { evidence: 'api' });
    expect(verdicts(r)).toEqual(verdicts(viaApi));
    expect(r.get(idle.keyId)!.reason).toMatch(
      /LookupEvents 2026-09-01\.\.2026-10-31 \+ log group aws-cloudtrail-logs via Logs Insights 2026-10-31\.\.2026-11-30/,
    );
  });

  it('a query that fails falls back to the per-key APIs with a warning: never a false unused', async () => {
    const { acct, keys, used, failing } = covered();
    acct.insights.statuses = ['Running', 'Failed'];
    const warnings: string[] = [];
    const r = await run(acct, keys, { warn: (l: string) => warnings.push(l) });
    expect(warnings.join(' ')).toMatch(/did not complete .*ended Failed.*falling back to the per-key APIs/);
    expect(acct.callsOf('GetKeyLastUsage')).toHaveLength(4);
    expect(acct.callsOf('LookupEvents')).toHaveLength(4);
    expect(r.get(used.keyId)!.verdict).toBe('in-use');
    expect(r.get(failing.keyId)!.verdict).toBe('in-use');
    expect(r.get(used.keyId)!.evidence.source).toBe('api');
  });

  it('a query that fails and a per-key source that fails too: unknown, not unused', async () => {
    const { acct, idle } = covered();
    acct.insights.statuses = ['Timeout'];
    acct.fail.LookupEvents = () => {
      throw new AwsCallError('LookupEvents', 'ServiceUnavailableException', 'down');
    };
    const r = await run(acct, [idle]);
    expect(r.get(idle.keyId)!.verdict).toBe('unknown');
  });

  it('--evidence logs refuses (exit 3) with the reason when the log group cannot be trusted, before any per-key call', async () => {
    const { acct, keys } = covered();
    acct.selectors.set(acct.trails[0]!.arn, {
      eventSelectors: [{ readWriteType: 'WriteOnly', includeManagementEvents: true }],
    });
    const err = await run(acct, keys, { evidence: 'logs' }).catch((e) => e);
    expect(err).toBeInstanceOf(KscliError);
    expect(err.exitCode).toBe(ExitCode.Blocked);
    expect(err.message).toMatch(
      /--evidence logs: no CloudTrail log group can be trusted .*does not record KMS read-only management events/,
    );
    expect(acct.callsOf('GetKeyLastUsage')).toEqual([]);
  });

  it('--evidence logs and a failed query: exit 1, no fallback', async () => {
    const { acct, keys } = covered();
    acct.insights.statuses = ['Cancelled'];
    const err = await run(acct, keys, { evidence: 'logs' }).catch((e) => e);
    expect(err.exitCode).toBe(ExitCode.Failure);
    expect(err.message).toMatch(/did not complete/);
  });

  it('auto with an untrusted group (KMS excluded) and --days 200: the per-key APIs over 90 days, with a warning naming both', async () => {
    const { acct, keys } = covered();
    acct.selectors.set(acct.trails[0]!.arn, {
      eventSelectors: [
        { readWriteType: 'All', includeManagementEvents: true, excludeManagementEventSources: ['kms.amazonaws.com'] },
      ],
    });
    const warnings: string[] = [];
    const { summary } = await gatherUsageEvidence(acct.ports(), keys, {
      mode: 'auto',
      days: 200,
      now: NOW,
      region: REGION,
      warn: (l) => warnings.push(l),
    });
    expect(summary.source).toBe('api');
    expect(summary.segments).toEqual([
      { source: 'lookup-events', start: new Date(NOW.getTime() - 90 * DAY), end: NOW },
    ]);
    expect(warnings.join(' ')).toMatch(/does not record KMS read-only/);
    expect(warnings.join(' ')).toMatch(
      /--days 200: CloudTrail event history reaches back 90 days, so the evidence covers 2026-09-01\.\.2026-11-30 only/,
    );
    expect(acct.callsOf('StartQuery')).toEqual([]);
  });
});
