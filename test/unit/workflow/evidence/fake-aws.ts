/**
 * Small in-memory AWS ports for the evidence tests: only what the evidence step calls, with a
 * request log, optional pacing on a simulated clock, and per-call failure injection.
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
  LookupQuery,
  MetricFilterSpec,
  TopicInfo,
  TrailEvent,
  TrailInfo,
  TrailStatus,
} from '../../../../src/aws/ports.js';
import type { Clock } from '../../../../src/aws/rate-limiter.js';
import { TokenBucket } from '../../../../src/aws/rate-limiter.js';
import { paceForQuota } from '../../../../src/aws/quotas.js';

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
export function kmsEvent(key: KeyInfo, eventName: string, eventTime: Date, over: { errorCode?: string; errorMessage?: string; principal?: string; resources?: unknown[]; eventSource?: string } = {}): TrailEvent {
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
        ? { type: 'AssumedRole', arn: principal.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/') + '/session-1', sessionContext: { sessionIssuer: { arn: principal } } }
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

export interface FakeAccountOptions {
  /** pace GetKeyLastUsage and LookupEvents like the adapters (real TokenBucket on this clock) */
  clock?: SimClock;
  /** simulated latency of every paced call, ms */
  latencyMs?: number;
}

/** Failure injection: a function per operation that may throw for a given argument. */
type Failer = (arg: any) => void;

export class FakeAccount {
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

  constructor(private readonly opts: FakeAccountOptions = {}) {
    if (opts.clock) {
      for (const [op, quota] of [['GetKeyLastUsage', 5], ['LookupEvents', 2]] as const) {
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
        const aliasHit = [...self.aliases].find(([, names]) => names.includes(ref.replace(/^arn:.*:(alias\/.*)$/, '$1')));
        return self.keys.find((k) => k.keyId === ref || k.arn === ref || k.keyId === aliasHit?.[0]) ?? null;
      },
      getKeyLastUsage: async (keyId: string) => {
        await self.paced('GetKeyLastUsage', keyId);
        self.fail.GetKeyLastUsage?.(keyId);
        const key = self.keys.find((k) => k.keyId === keyId);
        return { keyId, keyCreationDate: key?.creationDate, ...(self.lastUsage.get(keyId) ?? { trackingStartDate: new Date('2024-01-01T00:00:00Z') }) };
      },
      getKeyPolicy: async (keyId: string) => {
        self.record('GetKeyPolicy', keyId);
        return self.policies.get(keyId) ?? JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] });
      },
      listGrants: async (keyId: string) => {
        self.record('ListGrants', keyId);
        return self.grants.get(keyId) ?? [];
      },
      listKeyAliases: async (keyId: string) => {
        self.record('ListAliases', keyId);
        return (self.aliases.get(keyId) ?? []).map((aliasName) => ({ aliasName, aliasArn: `arn:aws:kms:${REGION}:${ACCOUNT}:${aliasName}`, targetKeyId: keyId }));
      },
    };
    const cloudtrail = (r = region) => ({
      lookupEvents: async (q: LookupQuery) => {
        const all = (self.events.get(q.attributeValue) ?? []).filter((e) => (!q.startTime || e.eventTime >= q.startTime) && (!q.endTime || e.eventTime <= q.endTime));
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
      describeLogGroup: async (name: string) => {
        self.record('DescribeLogGroups', name);
        const lg = self.logGroups.get(name);
        if (!lg || lg.region !== r) return null;
        const { region: _r, ...info } = lg;
        return info;
      },
      describeMetricFilters: async (logGroupName: string, prefix?: string) => {
        self.record('DescribeMetricFilters', logGroupName);
        return self.filters.filter((f) => f.region === r && f.logGroupName === logGroupName && (!prefix || f.filterName.startsWith(prefix))).map(({ region: _r, ...f }) => f);
      },
      putMetricFilter: async (spec: MetricFilterSpec) => {
        self.record('PutMetricFilter', spec);
        self.filters = self.filters.filter((f) => !(f.region === r && f.logGroupName === spec.logGroupName && f.filterName === spec.filterName));
        self.filters.push({ ...spec, region: r });
      },
      deleteMetricFilter: async () => {
        throw new Error('not used');
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
      deleteAlarms: async () => {
        throw new Error('not used');
      },
    });
    const sns = (r = region) => ({
      getTopic: async (arn: string) => {
        self.record('GetTopicAttributes', { arn, region: r });
        return self.topics.get(arn) ?? null;
      },
    });
    const unused = () => {
      throw new Error('port not used by the evidence step');
    };
    return {
      region,
      kms: () => kms as any,
      sts: unused as any,
      cloudtrail: cloudtrail as any,
      logs: logs as any,
      cloudwatch: cloudwatch as any,
      sns: sns as any,
      cloudhsm: unused as any,
    };
  }
}

/** A trail that can feed the alarm: logging, multi-region, delivering to a STANDARD log group. */
export function addGoodTrail(acct: FakeAccount, over: Partial<TrailInfo> = {}, logGroupOver: Partial<LogGroupInfo> = {}): TrailInfo {
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
  acct.logGroups.set(lgName, { name: lgName, arn: `arn:aws:logs:${homeRegion}:${ACCOUNT}:log-group:${lgName}`, logGroupClass: 'STANDARD', region: homeRegion, ...logGroupOver });
  return trail;
}
