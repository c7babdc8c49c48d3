/**
 * Issue 18: the evidence tests' fake (fake-aws.ts, EvidenceAccount) and the sandbox must answer the
 * same cases the same way, for every behaviour of the fake the evidence tests rely on: LookupEvents
 * (its time range, newest first, a key with no events), Logs Insights (kscli's query over a window:
 * the fake aggregates the plain way, the sandbox runs its query engine; a stopped query ends
 * Cancelled), the trail reads' defaults, log groups (another Region, a missing one, a missing
 * stream), metric filters (a second put replaces, the prefix filters) and alarms (a new one is
 * INSUFFICIENT_DATA). Each case builds the same world in both (the same key used by the same calls
 * at the same times), makes one call through kscli's ports (the fake's, and the real adapters over
 * the in-process sandbox) and compares what kscli would read. The fact sheet (aws-facts) decides
 * which one is wrong when they drift apart; the sandbox is the one checked against it.
 */
import { describe, expect, it } from 'vitest';
import type { AwsPorts, KeyInfo, LogsQueryStatus } from '../../../../src/aws/ports.js';
import { DEMO_LOG_GROUP, DEMO_TRAIL } from '../../../../src/sandbox/model/index.js';
import { alarmSpec, metricFilterSpec } from '../../../../src/workflow/evidence/alarm-spec.js';
import {
  buildUsageQuery,
  parseUsageRow,
  summarizeUsageRows,
} from '../../../../src/workflow/evidence/logs-insights-query.js';
import { IN_PROCESS_EPOCH, InProcessSandbox, inProcessPorts } from '../../../reliability/helpers/in-process-sandbox.js';
import { addGoodTrail, EvidenceAccount, kmsEvent, makeKey } from './fake-aws.js';

const DAY = 86_400_000;
const NOW = IN_PROCESS_EPOCH;
/** the key's uses, in days before now (one beyond CloudTrail's 90 days of event history) */
const USES = [100, 40, 3];

interface Worlds {
  fake: AwsPorts;
  sandbox: AwsPorts;
  key: KeyInfo;
  unused: KeyInfo;
  acct: EvidenceAccount;
  sb: InProcessSandbox;
}

/** The same world in both: a customer key used (GenerateDataKey) at USES days ago, another never. */
function worlds(config: Record<string, number> = {}): Worlds {
  const sb = new InProcessSandbox({ startMs: NOW - 120 * DAY, config });
  const acc = sb.model.acc;
  const plain = acc.state.keys.filter((k) => !k.storeId && !k.manager);
  const asKey = (id: string): KeyInfo =>
    makeKey({ keyId: id, arn: acc.keyArn(id), origin: 'AWS_KMS', customKeyStoreId: undefined });
  const key = asKey(plain[0]!.id);
  const unused = asKey(plain[1]!.id);
  for (const d of USES) {
    sb.advance(NOW - d * DAY - sb.model.now().getTime());
    sb.actor('GenerateDataKey', { KeyId: key.keyId, KeySpec: 'AES_256' });
  }
  sb.advance(NOW - sb.model.now().getTime());

  const acct = new EvidenceAccount();
  acct.keys = [key, unused];
  acct.events.set(
    key.arn,
    USES.map((d) => kmsEvent(key, 'GenerateDataKey', new Date(NOW - d * DAY))),
  );
  addGoodTrail(acct, { name: DEMO_TRAIL }, { name: DEMO_LOG_GROUP });
  return { fake: acct.ports(), sandbox: inProcessPorts(() => sb), key, unused, acct, sb };
}

/** What kscli makes of a query's rows for one key (summarizeUsageRows). */
function readUsage(rows: Array<Record<string, string>>, arn: string) {
  const s = summarizeUsageRows(rows.map(parseUsageRow), [arn]).get(arn)!;
  return {
    operations: s.operations,
    newest: s.newest?.eventTime.toISOString(),
    daily: s.daily?.map((d) => `${d.day} ${d.succeeded}`),
  };
}

const both = async <T>(w: Worlds, read: (p: AwsPorts) => Promise<T>): Promise<{ fake: T; sandbox: T }> => ({
  fake: await read(w.fake),
  sandbox: await read(w.sandbox),
});

/** What an error reads as to kscli (its code), or the answer. */
const settle = <T>(p: Promise<T>): Promise<T | string> =>
  p.catch((e: unknown) => `error ${(e as { code?: string; name?: string }).code ?? (e as Error).name}`);

describe("the evidence tests' fake and the sandbox agree (issue 18)", () => {
  describe('CloudTrail LookupEvents: the time range, newest first', () => {
    const cases: Array<[string, number, number | undefined]> = [
      ['the 90-day window', 90, undefined],
      ['a window that ends 30 days ago (the older part beside a log group)', 90, 30],
      ['the last 10 days', 10, undefined],
    ];
    for (const [name, from, to] of cases)
      it(name, async () => {
        const w = worlds();
        const r = await both(w, async (p) =>
          (
            await p.cloudtrail().lookupEvents({
              attributeKey: 'ResourceName',
              attributeValue: w.key.arn,
              startTime: new Date(NOW - from * DAY),
              ...(to ? { endTime: new Date(NOW - to * DAY) } : {}),
            })
          )
            .filter((e) => e.eventName === 'GenerateDataKey')
            .map((e) => `${e.eventName} ${e.eventTime.toISOString()} ${e.detail.resources?.[0]?.ARN}`),
        );
        expect(r.fake).toEqual(r.sandbox);
        expect(r.sandbox.length).toBeGreaterThan(0);
      });
    it('a key with no events: none', async () => {
      const w = worlds();
      const r = await both(w, (p) =>
        p.cloudtrail().lookupEvents({
          attributeKey: 'ResourceName',
          attributeValue: w.unused.arn,
          startTime: new Date(NOW - 90 * DAY),
        }),
      );
      expect(r.fake).toEqual([]);
      expect(r.sandbox.filter((e) => e.eventSource === 'kms.amazonaws.com' && e.eventName !== 'DescribeKey')).toEqual(
        [],
      );
    });
  });

  describe("Logs Insights: kscli's query", () => {
    /** polls until the query ends; the statuses seen on the way and the key's rows */
    const runQuery = async (p: AwsPorts, key: KeyInfo, stop: boolean) => {
      const logs = p.logs();
      const id = await logs.startQuery({
        logGroupIdentifiers: [DEMO_LOG_GROUP],
        startTime: new Date(NOW - 90 * DAY),
        endTime: new Date(NOW),
        queryString: buildUsageQuery({ kind: 'arns', arns: [key.arn] }, [key.accountId]),
      });
      if (stop) await logs.stopQuery(id);
      const seen: LogsQueryStatus[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await logs.getQueryResults(id);
        seen.push(r.status);
        if (r.status !== 'Scheduled' && r.status !== 'Running')
          return {
            final: r.status,
            waited: seen.slice(0, -1).every((s) => s === 'Scheduled' || s === 'Running'),
            // what kscli reads from the rows (the raw `newest` differs in form: the sandbox prints
            // Logs Insights' "2026-11-30 12:34:56.789", the fake epoch ms; kscli reads both)
            rows: readUsage(r.rows, key.arn),
          };
      }
      return { final: 'still running', waited: false, rows: readUsage([], key.arn) };
    };

    it('over the 90-day window: Complete, the same rows (calls, newest) as the events say', async () => {
      const w = worlds();
      const r = await both(w, (p) => runQuery(p, w.key, false));
      expect(r.fake).toEqual(r.sandbox);
      expect(r.sandbox.final).toBe('Complete');
      // one row per UTC day (`by bin(1d)`): the fake grouped without the day until this test
      // (kscli's `daily` sparkline was then never fed by the fake)
      expect(r.sandbox.rows).toEqual({
        operations: { GenerateDataKey: 2 },
        newest: new Date(NOW - 3 * DAY).toISOString(),
        daily: [
          `${new Date(NOW - 40 * DAY).toISOString().slice(0, 10)} 1`,
          `${new Date(NOW - 3 * DAY).toISOString().slice(0, 10)} 1`,
        ],
      });
    });
    it('stopped right after StartQuery: Cancelled, no rows', async () => {
      // the sandbox's queries run 4 s of sandbox time (a stop meets them Running)
      const w = worlds({ insightsMinRunMs: 4000 });
      const r = await both(w, (p) => runQuery(p, w.key, true));
      expect(r.fake).toEqual(r.sandbox);
      expect(r.sandbox.final).toBe('Cancelled');
    });
  });

  describe('trails, log groups, streams', () => {
    // (a group asked in another Region is not compared: the in-process ports serve one Region)
    it("the trail's reads: the fake's defaults are the sandbox's good trail", async () => {
      const w = worlds();
      const r = await both(w, async (p) => {
        const ct = p.cloudtrail();
        const [trail] = (await ct.describeTrails()).filter((t) => t.name === DEMO_TRAIL);
        const status = await ct.getTrailStatus(trail!.arn);
        const sel = await ct.getEventSelectors(trail!.arn);
        return {
          multiRegion: trail!.isMultiRegionTrail,
          logGroup: trail!.cloudWatchLogsLogGroupArn?.replace(/^.*:log-group:/, ''),
          logging: status.isLogging,
          selectors: (sel.eventSelectors ?? []).map(
            (s) => `${s.readWriteType} management=${s.includeManagementEvents}`,
          ),
        };
      });
      expect(r.fake).toEqual(r.sandbox);
    });
    const groups: Array<[string, string, string]> = [
      ['the trail group in its Region', DEMO_LOG_GROUP, 'us-east-1'],
      ['a group that does not exist: none', 'no-such-group', 'us-east-1'],
    ];
    for (const [name, group, region] of groups)
      it(`DescribeLogGroups: ${name}`, async () => {
        const w = worlds();
        const r = await both(w, async (p) => {
          const g = await settle(p.logs(region).describeLogGroup(group));
          return typeof g === 'string' || !g ? g : { name: g.name, class: g.logGroupClass };
        });
        expect(r.fake).toEqual(r.sandbox);
      });
    it('DescribeLogStreams: no stream of that name in the group: none', async () => {
      const w = worlds();
      const r = await both(w, (p) => settle(p.logs().oldestStreamEvent(DEMO_LOG_GROUP, '999999999999_CloudTrail_xx')));
      expect(r.fake).toEqual(r.sandbox);
      expect(r.sandbox).toBeNull();
    });
  });

  describe('metric filters and alarms', () => {
    it('no kscli filter at first; a second put replaces the first (one filter, the new pattern)', async () => {
      const w = worlds();
      const r = await both(w, async (p) => {
        const logs = p.logs();
        const before = await logs.describeMetricFilters(DEMO_LOG_GROUP, 'kscli-');
        const spec = metricFilterSpec(DEMO_LOG_GROUP);
        await logs.putMetricFilter(spec);
        await logs.putMetricFilter({ ...spec, filterPattern: '{ $.eventSource = kms* }' });
        const after = await logs.describeMetricFilters(DEMO_LOG_GROUP, 'kscli-');
        const otherPrefix = await logs.describeMetricFilters(DEMO_LOG_GROUP, 'someone-else-');
        return {
          before: before.length,
          after: after.map((f) => `${f.filterName} ${f.filterPattern} ${f.metricNamespace}/${f.metricName}`),
          otherPrefix: otherPrefix.length,
        };
      });
      expect(r.fake).toEqual(r.sandbox);
      expect(r.sandbox.after).toHaveLength(1);
    });
    it('an alarm: none at first; once put, INSUFFICIENT_DATA with the spec it was put with', async () => {
      const w = worlds();
      const r = await both(w, async (p) => {
        const cw = p.cloudwatch();
        const spec = alarmSpec([]);
        const before = await cw.describeAlarm(spec.alarmName);
        await cw.putMetricAlarm(spec);
        const a = await cw.describeAlarm(spec.alarmName);
        return {
          before,
          state: a?.stateValue,
          spec: a && [
            a.namespace,
            a.metricName,
            a.statistic,
            a.period,
            a.threshold,
            a.comparisonOperator,
            a.treatMissingData,
          ],
        };
      });
      expect(r.fake).toEqual(r.sandbox);
      expect(r.sandbox.state).toBe('INSUFFICIENT_DATA');
    });
  });
});
