/**
 * A small in-memory AWS account for the evidence tests (`EvidenceAccount`): only what the evidence
 * step calls, as fakePorts, with a request log, optional pacing on a simulated clock, and per-call
 * failure injection.
 */
import type {
  AlarmInfo,
  AlarmSpec,
  AwsPorts,
  EventSelectors,
  GrantInfo,
  KeyInfo,
  LastUsageInfo,
  LogGroupInfo,
  LogsQueryRequest,
  LogsQueryResults,
  LogsQueryStatus,
  LookupQuery,
  MetricFilterSpec,
  TopicInfo,
  TrailEvent,
  TrailEventDetail,
  TrailInfo,
  TrailStatus,
} from '../../../../src/aws/ports.js';
import type { Clock } from '../../../../src/aws/rate-limiter.js';
import { TokenBucket } from '../../../../src/aws/rate-limiter.js';
import { FakeDataServices } from '../../fakes/fake-data.js';
import { paceForQuota } from '../../../../src/aws/quotas.js';
import { CRYPTOGRAPHIC_EVENT_NAMES } from '../../../../src/workflow/evidence/cloudtrail-classify.js';
import { fakePorts } from '../../fakes/fake-ports.js';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export const STORE_ID = 'cks-1234567890abcdef0';

let keySeq = 0;
export function makeKey(over: Partial<KeyInfo> = {}): KeyInfo {
  const n = (keySeq++).toString(16).padStart(12, '0');
  const keyId = over.keyId ?? `1234abcd-12ab-34cd-56ef-${n}`;
  return {
    keyId,
    arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`,
    accountId: ACCOUNT,
    state: 'Enabled',
    keyManager: 'CUSTOMER',
    origin: 'AWS_CLOUDHSM',
    customKeyStoreId: STORE_ID,
    creationDate: new Date('2025-01-01T00:00:00Z'),
    ...over,
  };
}

/** A CloudTrail event as LookupEvents returns it, for a key. */
export function kmsEvent(
  key: KeyInfo,
  eventName: string,
  eventTime: Date,
  over: {
    errorCode?: string;
    errorMessage?: string;
    principal?: string;
    resources?: TrailEventDetail['resources'];
    eventSource?: string;
  } = {},
): TrailEvent {
  const principal = over.principal ?? `arn:aws:iam::${ACCOUNT}:role/app`;
  return {
    eventId: `ev-${eventName}-${eventTime.getTime()}-${Math.random().toString(36).slice(2, 8)}`,
    eventName,
    eventTime,
    eventSource: over.eventSource ?? 'kms.amazonaws.com',
    readOnly: true,
    detail: {
      eventSource: over.eventSource ?? 'kms.amazonaws.com',
      eventName,
      userIdentity: principal.includes(':role/')
        ? {
            type: 'AssumedRole',
            arn: principal.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/') + '/session-1',
            sessionContext: { sessionIssuer: { arn: principal } },
          }
        : { type: 'IAMUser', arn: principal },
      resources: over.resources ?? [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: key.arn }],
      ...(over.errorCode ? { errorCode: over.errorCode } : {}),
      ...(over.errorMessage ? { errorMessage: over.errorMessage } : {}),
    },
  };
}

/** A simulated clock: timers run in time order when `runUntilIdle` drives them; no real waiting. */
export class SimClock implements Clock {
  private t = 0;
  private seq = 0;
  private timers: Array<{ at: number; seq: number; fn: () => void }> = [];
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return timer;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t !== handle);
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }
  /** Runs `work` to completion on simulated time. */
  async run<T>(work: Promise<T>): Promise<T> {
    let done = false;
    let value: T | undefined;
    let error: unknown;
    work.then(
      (v) => ((done = true), (value = v)),
      (e) => ((done = true), (error = e ?? new Error('rejected'))),
    );
    for (;;) {
      await new Promise((r) => setImmediate(r));
      if (done) break;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (!next) throw new Error('simulated run is stuck: no timer left and the work is not done');
      this.t = next.at;
      next.fn();
    }
    if (error) throw error;
    return value as T;
  }
}

export interface CallRecord {
  op: string;
  at: number;
  arg?: unknown;
}

export interface EvidenceAccountOptions {
  /** pace GetKeyLastUsage and LookupEvents like the adapters (real TokenBucket on this clock) */
  clock?: SimClock;
  /** simulated latency of every paced call, ms */
  latencyMs?: number;
}

/** Failure injection: a function per operation that may throw for a given argument. */
type Failer = (arg: any) => void;

/** A field of a CloudTrail event by its Logs Insights name ("resources.0.ARN"). */
function fieldOf(detail: Record<string, any>, path: string): string | undefined {
  let cur: any = detail;
  for (const seg of path.split('.')) cur = cur === null || typeof cur !== 'object' ? undefined : cur[seg];
  return cur === undefined || cur === null ? undefined : String(cur);
}

const GROUP_BY = [
  'resources.0.ARN',
  'resources.1.ARN',
  'eventName',
  'errorCode',
  'recipientAccountId',
  'userIdentity.type',
  'userIdentity.accountId',
  'userIdentity.userName',
  'userIdentity.sessionContext.sessionIssuer.arn',
  'userIdentity.invokedBy',
];

/**
 * A scripted Logs Insights for the evidence tests: each query walks `statuses` (one per poll, the
 * last repeats) and, once Complete, answers `rows` (or, by default, the KMS cryptographic events of
 * every key of the account grouped as kscli's query groups them, over the query's time range).
 * This is a stand-in at unit level; the real engine is the sandbox's (test/e2e).
 */
export class FakeInsights {
  statuses: LogsQueryStatus[] = ['Scheduled', 'Running', 'Complete'];
  rows?: Array<Record<string, string>>;
  /** overrides statistics.recordsMatched (default: the events the rows stand for) */
  recordsMatched?: number;
  started: LogsQueryRequest[] = [];
  stopped: string[] = [];
  /** throws for a StartQuery (e.g. LimitExceededException) */
  failStart?: (req: LogsQueryRequest, n: number) => void;
  /** per query: the status sequence (default `statuses`) */
  statusesFor?: (req: LogsQueryRequest) => LogsQueryStatus[];
  private polls = new Map<string, number>();
  private reqs = new Map<string, LogsQueryRequest>();

  constructor(private readonly acct: EvidenceAccount) {}

  start(req: LogsQueryRequest): string {
    this.failStart?.(req, this.started.length);
    this.started.push(req);
    const id = `q-${this.started.length}`;
    this.reqs.set(id, req);
    this.polls.set(id, 0);
    return id;
  }

  results(id: string): LogsQueryResults {
    const req = this.reqs.get(id)!;
    const seq = this.statusesFor?.(req) ?? this.statuses;
    const n = this.polls.get(id)!;
    this.polls.set(id, n + 1);
    const status = this.stopped.includes(id) ? 'Cancelled' : seq[Math.min(n, seq.length - 1)]!;
    const rows = status === 'Complete' ? (this.rows ?? this.aggregate(req)) : [];
    const matched = this.recordsMatched ?? rows.reduce((a, r) => a + Number(r.calls ?? 0), 0);
    return {
      status,
      rows,
      statistics: { recordsMatched: matched, recordsScanned: matched * 10 + n, bytesScanned: matched * 1000 },
    };
  }

  stop(id: string): boolean {
    this.stopped.push(id);
    return true;
  }

  /** kscli's query, evaluated the plain way over the fake account's events. */
  aggregate(req: LogsQueryRequest): Array<Record<string, string>> {
    // the same list kscli's query asks for: what counts as use is defined once
    const crypto = CRYPTOGRAPHIC_EVENT_NAMES;
    const seen = new Set<TrailEvent>();
    const groups = new Map<string, { row: Record<string, string>; calls: number; newest: number; eventId: string }>();
    for (const list of this.acct.events.values()) {
      for (const e of list) {
        if (seen.has(e)) continue;
        seen.add(e);
        const t = e.eventTime.getTime();
        if (t < Math.floor(req.startTime.getTime() / 1000) * 1000 || t > Math.ceil(req.endTime.getTime() / 1000) * 1000)
          continue;
        if (e.eventSource !== 'kms.amazonaws.com' || !crypto.has(e.eventName)) continue;
        const d = { ...e.detail, eventName: e.eventName };
        // `by bin(1d), ...`: one row per UTC day, as the sandbox's engine and Logs Insights group it
        // (fake-vs-sandbox.test.ts), in Logs Insights' timestamp format
        const row: Record<string, string> = {
          day: new Date(Math.floor(t / 86_400_000) * 86_400_000).toISOString().replace('T', ' ').replace('Z', ''),
        };
        for (const f of GROUP_BY) {
          const v = fieldOf(d, f);
          if (v !== undefined) row[f] = v;
        }
        const key = JSON.stringify(row);
        const g = groups.get(key) ?? { row, calls: 0, newest: -1, eventId: '' };
        g.calls++;
        if (t > g.newest) {
          g.newest = t;
          g.eventId = e.eventId;
          const arn = fieldOf(d, 'userIdentity.arn');
          if (arn) g.row.newestCallerArn = arn;
          const msg = fieldOf(d, 'errorMessage');
          if (msg) g.row.newestErrorMessage = msg;
        }
        groups.set(key, g);
      }
    }
    return [...groups.values()].map((g) => ({
      ...g.row,
      calls: String(g.calls),
      newest: String(g.newest),
      newestEventId: g.eventId,
    }));
  }
}

export class EvidenceAccount {
  insights = new FakeInsights(this);
  /** oldest event per log group name (DescribeLogStreams); absent: no stream */
  oldestStream = new Map<string, Date>();
  keys: KeyInfo[] = [];
  lastUsage = new Map<string, Omit<LastUsageInfo, 'keyId'>>();
  events = new Map<string, TrailEvent[]>();
  /** pages per lookup (default 1 per 50 events, at least 1) */
  lookupPages = new Map<string, number>();
  policies = new Map<string, string>();
  grants = new Map<string, GrantInfo[]>();
  aliases = new Map<string, string[]>();
  trails: TrailInfo[] = [];
  trailStatus = new Map<string, TrailStatus>();
  selectors = new Map<string, EventSelectors>();
  logGroups = new Map<string, LogGroupInfo & { region: string }>();
  filters: Array<MetricFilterSpec & { region: string }> = [];
  alarms = new Map<string, AlarmInfo & { region: string }>();
  topics = new Map<string, TopicInfo>();
  fail: Record<string, Failer> = {};
  calls: CallRecord[] = [];
  private buckets: Record<string, TokenBucket> = {};

  constructor(private readonly opts: EvidenceAccountOptions = {}) {
    if (opts.clock) {
      for (const [op, quota] of [
        ['GetKeyLastUsage', 5],
        ['LookupEvents', 2],
      ] as const) {
        this.buckets[op] = new TokenBucket({ ...paceForQuota(quota), clock: opts.clock });
      }
    }
  }

  private async paced(op: string, arg: unknown): Promise<void> {
    const bucket = this.buckets[op];
    if (bucket) await bucket.take();
    this.calls.push({ op, at: this.opts.clock?.now() ?? 0, arg });
    if (this.opts.clock && this.opts.latencyMs) await this.opts.clock.sleep(this.opts.latencyMs);
  }

  readonly data = new FakeDataServices(
    async (op, args) => this.record(op, args),
    () => REGION,
  );

  private record(op: string, arg?: unknown): void {
    this.calls.push({ op, at: this.opts.clock?.now() ?? 0, arg });
    this.fail[op]?.(arg);
  }

  callsOf(op: string): CallRecord[] {
    return this.calls.filter((c) => c.op === op);
  }

  ports(region = REGION): AwsPorts {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the port objects close over the account
    const self = this;
    const kms = {
      describeKey: async (ref: string) => {
        self.record('DescribeKey', ref);
        const aliasHit = [...self.aliases].find(([, names]) =>
          names.includes(ref.replace(/^arn:.*:(alias\/.*)$/, '$1')),
        );
        return self.keys.find((k) => k.keyId === ref || k.arn === ref || k.keyId === aliasHit?.[0]) ?? null;
      },
      getKeyLastUsage: async (keyId: string) => {
        await self.paced('GetKeyLastUsage', keyId);
        self.fail.GetKeyLastUsage?.(keyId);
        const key = self.keys.find((k) => k.keyId === keyId);
        return {
          keyId,
          keyCreationDate: key?.creationDate,
          ...(self.lastUsage.get(keyId) ?? { trackingStartDate: new Date('2024-01-01T00:00:00Z') }),
        };
      },
      getKeyPolicy: async (keyId: string) => {
        self.record('GetKeyPolicy', keyId);
        return (
          self.policies.get(keyId) ??
          JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'root',
                Effect: 'Allow',
                Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
                Action: 'kms:*',
                Resource: '*',
              },
            ],
          })
        );
      },
      listGrants: async (keyId: string) => {
        self.record('ListGrants', keyId);
        return self.grants.get(keyId) ?? [];
      },
      // every alias of the account (the data-at-rest search matches resources named by alias)
      listAliases: async () => {
        self.record('ListAliases');
        return [...self.aliases].flatMap(([keyId, names]) =>
          names.map((aliasName) => ({
            aliasName,
            aliasArn: `arn:aws:kms:${REGION}:${ACCOUNT}:${aliasName}`,
            targetKeyId: keyId,
          })),
        );
      },
      listKeyAliases: async (keyId: string) => {
        self.record('ListAliases', keyId);
        return (self.aliases.get(keyId) ?? []).map((aliasName) => ({
          aliasName,
          aliasArn: `arn:aws:kms:${REGION}:${ACCOUNT}:${aliasName}`,
          targetKeyId: keyId,
        }));
      },
    };
    const cloudtrail = (r = region) => ({
      lookupEvents: async (q: LookupQuery) => {
        const all = (self.events.get(q.attributeValue) ?? []).filter(
          (e) => (!q.startTime || e.eventTime >= q.startTime) && (!q.endTime || e.eventTime <= q.endTime),
        );
        const pages = self.lookupPages.get(q.attributeValue) ?? Math.max(1, Math.ceil(all.length / 50));
        for (let p = 0; p < pages; p++) {
          await self.paced('LookupEvents', q.attributeValue);
          self.fail.LookupEvents?.(q);
        }
        return [...all].sort((a, b) => b.eventTime.getTime() - a.eventTime.getTime());
      },
      describeTrails: async () => {
        self.record('DescribeTrails', r);
        return self.trails;
      },
      getTrailStatus: async (arn: string) => {
        self.record('GetTrailStatus', arn);
        return self.trailStatus.get(arn) ?? { isLogging: true };
      },
      getEventSelectors: async (arn: string) => {
        self.record('GetEventSelectors', arn);
        return self.selectors.get(arn) ?? { eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true }] };
      },
    });
    const logs = (r = region) => ({
      encryptedLogGroups: async () => self.data.logGroups(),
      describeLogGroup: async (name: string) => {
        self.record('DescribeLogGroups', name);
        const lg = self.logGroups.get(name);
        if (!lg || lg.region !== r) return null;
        const { region: _r, ...info } = lg;
        return info;
      },
      oldestStreamEvent: async (id: string) => {
        self.record('DescribeLogStreams', id);
        return self.oldestStream.get(id.replace(/^arn:.*:log-group:/, '')) ?? null;
      },
      startQuery: async (req: LogsQueryRequest) => {
        self.record('StartQuery', req);
        return self.insights.start(req);
      },
      getQueryResults: async (id: string) => {
        self.record('GetQueryResults', id);
        return self.insights.results(id);
      },
      stopQuery: async (id: string) => {
        self.record('StopQuery', id);
        return self.insights.stop(id);
      },
      describeMetricFilters: async (logGroupName: string, prefix?: string) => {
        self.record('DescribeMetricFilters', logGroupName);
        return self.filters
          .filter(
            (f) => f.region === r && f.logGroupName === logGroupName && (!prefix || f.filterName.startsWith(prefix)),
          )
          .map(({ region: _r, ...f }) => f);
      },
      putMetricFilter: async (spec: MetricFilterSpec) => {
        self.record('PutMetricFilter', spec);
        self.filters = self.filters.filter(
          (f) => !(f.region === r && f.logGroupName === spec.logGroupName && f.filterName === spec.filterName),
        );
        self.filters.push({ ...spec, region: r });
      },
    });
    const cloudwatch = (r = region) => ({
      describeAlarm: async (name: string) => {
        self.record('DescribeAlarms', name);
        const a = self.alarms.get(`${r}/${name}`);
        if (!a) return null;
        const { region: _r, ...info } = a;
        return info;
      },
      putMetricAlarm: async (spec: AlarmSpec) => {
        self.record('PutMetricAlarm', { ...spec, region: r });
        self.alarms.set(`${r}/${spec.alarmName}`, { ...spec, stateValue: 'INSUFFICIENT_DATA', region: r });
      },
    });
    const sns = (r = region) => ({
      getTopic: async (arn: string) => {
        self.record('GetTopicAttributes', { arn, region: r });
        return self.topics.get(arn) ?? null;
      },
    });
    // issue 19: no Config recorder, nothing encrypted: direct reads answer "none found"
    return fakePorts({
      region,
      kms: () => kms,
      cloudtrail,
      logs,
      cloudwatch,
      sns,
      config: () => self.data.config(),
      s3: () => self.data.s3(),
      ec2: () => self.data.ec2(),
      rds: () => self.data.rds(),
      dynamodb: () => self.data.dynamodb(),
      backup: () => self.data.backup(),
      secretsmanager: () => self.data.secretsmanager(),
      ssm: () => self.data.ssm(),
    });
  }
}

/** A trail that can feed the alarm: logging, multi-region, delivering to a STANDARD log group. */
export function addGoodTrail(
  acct: EvidenceAccount,
  over: Partial<TrailInfo> = {},
  logGroupOver: Partial<LogGroupInfo> = {},
): TrailInfo {
  const homeRegion = over.homeRegion ?? REGION;
  const lgName = logGroupOver.name ?? 'aws-cloudtrail-logs';
  const trail: TrailInfo = {
    name: 'management-events',
    arn: `arn:aws:cloudtrail:${homeRegion}:${ACCOUNT}:trail/${over.name ?? 'management-events'}`,
    homeRegion,
    isMultiRegionTrail: true,
    cloudWatchLogsLogGroupArn: `arn:aws:logs:${homeRegion}:${ACCOUNT}:log-group:${lgName}:*`,
    ...over,
  };
  acct.trails.push(trail);
  acct.logGroups.set(lgName, {
    name: lgName,
    arn: `arn:aws:logs:${homeRegion}:${ACCOUNT}:log-group:${lgName}`,
    logGroupClass: 'STANDARD',
    region: homeRegion,
    ...logGroupOver,
  });
  return trail;
}
