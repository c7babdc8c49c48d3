/**
 * CloudWatch Logs: log groups, metric filters, retention, log streams, and delivery of CloudTrail
 * events to a group. Delivered events are stored (log-store.ts) for Logs Insights
 * (logs-insights.ts) and run through the group's metric filters; matching filters add a datapoint
 * to their metric (alarms.ts). Metric filters work only on STANDARD-class groups and never see
 * events delivered before they existed (aws-facts 4.2).
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import { putDatapoint } from '../cloudwatch/alarms.js';
import { intInRange } from '../errors.js';
import { compileFilterPattern, FilterPatternError, matcherFor } from './filter-pattern.js';
import type { Handler } from '../handler.js';
import { pruneLogGroup, storeLogEvent } from './log-store.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';
import type { LogGroupRecord, MetricTransformation } from '../state.js';

/** aws-facts 4.1: a log group can have at most 100 metric filters */
export const MAX_FILTERS_PER_GROUP = 100;

export function logGroupArn(acc: Account, name: string): string {
  return `arn:aws:logs:${acc.region}:${acc.accountId}:log-group:${name}`;
}

function groupNotFound(): SandboxError {
  return new SandboxError('ResourceNotFoundException', 'The specified log group does not exist.');
}

function invalidParam(message: string): SandboxError {
  return new SandboxError('InvalidParameterException', message);
}

function findGroup(acc: Account, name: unknown): LogGroupRecord | undefined {
  return acc.state.logGroups.find((g) => g.name === name);
}

/** Runs one delivered event through the group's metric filters. */
export function deliverToLogGroup(acc: Account, groupName: string, event: unknown, raw: string, t: number): boolean {
  const group = findGroup(acc, groupName);
  if (!group) return false;
  group.storedBytes += raw.length;
  storeLogEvent(acc, group, event as Record<string, unknown>, raw, t);
  if (group.logGroupClass !== 'STANDARD') return true;
  for (const f of group.filters) {
    if (f.created > t) continue;
    if (!matcherFor(f.pattern)(event, raw)) continue;
    for (const tr of f.transformations) putDatapoint(acc, tr.metricNamespace, tr.metricName, t, metricValue(tr, event));
  }
  return true;
}

function metricValue(tr: MetricTransformation, event: unknown): number {
  if (tr.metricValue.startsWith('$.')) {
    let cur: unknown = event;
    for (const part of tr.metricValue.slice(2).split('.'))
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
    const n = Number(cur);
    return Number.isFinite(n) ? n : 0;
  }
  const n = Number(tr.metricValue);
  return Number.isFinite(n) ? n : 1;
}

const describeLogGroups: Handler = (acc, input) => {
  const limit = intInRange(input.limit, 'limit', 1, 50, 50, (m) => invalidParam(`limit: ${m}`));
  const prefix = typeof input.logGroupNamePrefix === 'string' ? input.logGroupNamePrefix : '';
  const pattern = typeof input.logGroupNamePattern === 'string' ? input.logGroupNamePattern : undefined;
  if (prefix && pattern)
    throw invalidParam('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
  const groups = acc.state.logGroups
    .filter((g) => g.name.startsWith(prefix) && (pattern === undefined || g.name.includes(pattern)))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const fp = fingerprint([prefix, pattern]);
  let start = 0;
  if (input.nextToken !== undefined) {
    const body = decodeToken(input.nextToken, fp);
    if (!body || typeof body.p !== 'number') throw invalidParam('The specified nextToken is invalid.');
    start = body.p;
  }
  const page = groups.slice(start, start + limit);
  const end = start + page.length;
  return {
    logGroups: page.map((g) => ({
      logGroupName: g.name,
      creationTime: g.created,
      ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
      metricFilterCount: g.filters.length,
      arn: `${logGroupArn(acc, g.name)}:*`,
      storedBytes: g.storedBytes,
      ...(g.kmsKeyId ? { kmsKeyId: g.kmsKeyId } : {}),
      logGroupClass: g.logGroupClass,
      logGroupArn: logGroupArn(acc, g.name),
    })),
    ...(end < groups.length ? { nextToken: encodeToken({ p: end, f: fp }) } : {}),
  };
};

const putMetricFilter: Handler = (acc, input) => {
  const groupName = input.logGroupName;
  const name = input.filterName;
  const pattern = input.filterPattern;
  if (typeof name !== 'string' || name.length < 1 || name.length > 512 || /[:*]/.test(name))
    throw invalidParam('filterName must be 1-512 characters without : or *.');
  if (typeof pattern !== 'string') throw invalidParam('filterPattern is required.');
  // aws-facts 4.1: filter patterns are capped at 1024 characters
  if (pattern.length > 1024)
    throw invalidParam(
      "1 validation error detected: Value at 'filterPattern' failed to satisfy constraint: Member must have length less than or equal to 1024",
    );
  const trs = input.metricTransformations;
  // aws-facts 4.2: exactly one metric transformation
  if (!Array.isArray(trs) || trs.length !== 1) throw invalidParam('metricTransformations must contain exactly 1 item.');
  const tr = trs[0] as Record<string, unknown>;
  if (
    typeof tr.metricName !== 'string' ||
    typeof tr.metricNamespace !== 'string' ||
    typeof tr.metricValue !== 'string'
  ) {
    throw invalidParam('metricTransformations needs metricName, metricNamespace and metricValue.');
  }
  try {
    compileFilterPattern(pattern);
  } catch (e) {
    if (e instanceof FilterPatternError) throw invalidParam(`Invalid metric filter pattern: ${e.message}`);
    throw e;
  }
  const group = findGroup(acc, groupName);
  if (!group) throw groupNotFound();
  const existing = group.filters.findIndex((f) => f.name === name);
  if (existing < 0 && group.filters.length >= MAX_FILTERS_PER_GROUP)
    throw new SandboxError('LimitExceededException', 'Resource limit exceeded.');
  const transformation: MetricTransformation = {
    metricName: tr.metricName,
    metricNamespace: tr.metricNamespace,
    metricValue: tr.metricValue,
    ...(typeof tr.defaultValue === 'number' ? { defaultValue: tr.defaultValue } : {}),
    ...(typeof tr.unit === 'string' ? { unit: tr.unit } : {}),
    ...(tr.dimensions && typeof tr.dimensions === 'object'
      ? { dimensions: tr.dimensions as Record<string, string> }
      : {}),
  };
  const record = { name, pattern, transformations: [transformation], created: acc.nowMs() };
  if (existing >= 0) group.filters[existing] = record;
  else group.filters.push(record);
  acc.dirty = true;
  return {};
};

const describeMetricFilters: Handler = (acc, input) => {
  const limit = intInRange(input.limit, 'limit', 1, 50, 50, (m) => invalidParam(`limit: ${m}`));
  if (input.filterNamePrefix !== undefined && input.logGroupName === undefined)
    throw invalidParam('filterNamePrefix requires logGroupName.');
  let groups = acc.state.logGroups;
  if (input.logGroupName !== undefined) {
    const g = findGroup(acc, input.logGroupName);
    if (!g) throw groupNotFound();
    groups = [g];
  }
  const prefix = typeof input.filterNamePrefix === 'string' ? input.filterNamePrefix : '';
  const all: Array<Record<string, unknown>> = [];
  for (const g of groups) {
    for (const f of g.filters) {
      if (!f.name.startsWith(prefix)) continue;
      const tr = f.transformations[0]!;
      if (input.metricName !== undefined && tr.metricName !== input.metricName) continue;
      if (input.metricNamespace !== undefined && tr.metricNamespace !== input.metricNamespace) continue;
      all.push({
        filterName: f.name,
        filterPattern: f.pattern,
        metricTransformations: f.transformations,
        creationTime: f.created,
        logGroupName: g.name,
      });
    }
  }
  const fp = fingerprint([input.logGroupName, prefix, input.metricName, input.metricNamespace]);
  let start = 0;
  if (input.nextToken !== undefined) {
    const body = decodeToken(input.nextToken, fp);
    if (!body || typeof body.p !== 'number') throw invalidParam('The specified nextToken is invalid.');
    start = body.p;
  }
  const page = all.slice(start, start + limit);
  const end = start + page.length;
  return { metricFilters: page, ...(end < all.length ? { nextToken: encodeToken({ p: end, f: fp }) } : {}) };
};

const deleteMetricFilter: Handler = (acc, input) => {
  const group = findGroup(acc, input.logGroupName);
  if (!group) throw groupNotFound();
  const i = group.filters.findIndex((f) => f.name === input.filterName);
  if (i < 0) throw new SandboxError('ResourceNotFoundException', 'The specified metric filter does not exist.');
  group.filters.splice(i, 1);
  acc.dirty = true;
  return {};
};

/** PutRetentionPolicy's allowed values ([M-logs] retentionInDays). */
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const putRetentionPolicy: Handler = (acc, input) => {
  const days = Number(input.retentionInDays);
  if (!RETENTION_DAYS.includes(days)) {
    throw invalidParam(
      `1 validation error detected: Value '${String(input.retentionInDays)}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
    );
  }
  const group = findGroup(acc, input.logGroupName);
  if (!group) throw groupNotFound();
  group.retentionInDays = days;
  // events past the new retention go now (AWS deletes them within days: the sandbox at once)
  pruneLogGroup(acc, group, acc.nowMs(), true);
  acc.dirty = true;
  return {};
};

const deleteRetentionPolicy: Handler = (acc, input) => {
  const group = findGroup(acc, input.logGroupName);
  if (!group) throw groupNotFound();
  delete group.retentionInDays;
  acc.dirty = true;
  return {};
};

/**
 * The log streams of a group, derived from its stored events (CloudTrail writes one stream per
 * account and Region, A3). firstEventTimestamp is the oldest event still kept.
 */
const describeLogStreams: Handler = (acc, input) => {
  const ref = input.logGroupIdentifier ?? input.logGroupName;
  if (input.logGroupIdentifier !== undefined && input.logGroupName !== undefined)
    throw invalidParam('Specify logGroupName or logGroupIdentifier, not both.');
  const name =
    typeof ref === 'string' && ref.startsWith('arn:')
      ? ref.replace(/^arn:[^:]+:logs:[^:]+:\d{12}:log-group:/, '').replace(/:\*$/, '')
      : ref;
  const group = findGroup(acc, name);
  if (!group) throw groupNotFound();
  const limit = intInRange(input.limit, 'limit', 1, 50, 50, (m) => invalidParam(`limit: ${m}`));
  const orderBy = input.orderBy ?? 'LogStreamName';
  if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime')
    throw invalidParam('orderBy must be LogStreamName or LastEventTime.');
  const prefix = typeof input.logStreamNamePrefix === 'string' ? input.logStreamNamePrefix : '';
  if (prefix && orderBy === 'LastEventTime')
    throw invalidParam('Cannot order by LastEventTime with a logStreamNamePrefix.');
  const streams = new Map<string, { first: number; last: number }>();
  for (const e of group.events ?? []) {
    const s = streams.get(e.s);
    if (!s) streams.set(e.s, { first: e.t, last: e.t });
    else {
      if (e.t < s.first) s.first = e.t;
      if (e.t > s.last) s.last = e.t;
    }
  }
  let list = [...streams.entries()].filter(([n]) => n.startsWith(prefix));
  if (orderBy === 'LogStreamName') list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  else list.sort((a, b) => a[1].last - b[1].last);
  if (input.descending === true) list = list.reverse();
  const fp = fingerprint([group.name, prefix, orderBy, input.descending === true]);
  let start = 0;
  if (input.nextToken !== undefined) {
    const body = decodeToken(input.nextToken, fp);
    if (!body || typeof body.p !== 'number') throw invalidParam('The specified nextToken is invalid.');
    start = body.p;
  }
  const page = list.slice(start, start + limit);
  return {
    logStreams: page.map(([n, s]) => ({
      logStreamName: n,
      creationTime: s.first,
      firstEventTimestamp: s.first,
      lastEventTimestamp: s.last,
      lastIngestionTime: s.last,
      uploadSequenceToken: '1',
      arn: `${logGroupArn(acc, group.name)}:log-stream:${n}`,
      storedBytes: 0,
    })),
    ...(start + page.length < list.length ? { nextToken: encodeToken({ p: start + page.length, f: fp }) } : {}),
  };
};

export const logsHandlers: Record<string, Handler> = {
  PutRetentionPolicy: putRetentionPolicy,
  DeleteRetentionPolicy: deleteRetentionPolicy,
  DescribeLogStreams: describeLogStreams,
  DescribeLogGroups: describeLogGroups,
  PutMetricFilter: putMetricFilter,
  DescribeMetricFilters: describeMetricFilters,
  DeleteMetricFilter: deleteMetricFilter,
};
