/**
 * DescribeLogStreams over the events a log group keeps (log-store.ts): one stream per name the
 * CloudTrail delivery wrote (`<account>_CloudTrail_<region>`, A3), with its first and last event
 * times. kscli reads the oldest event of its stream to know since when the log group holds its
 * events (issue 10, logs-coverage.ts).
 *
 * firstEventTimestamp here is the oldest event the group still KEEPS (retention and the sandbox's
 * event cap drop events from the front). Whether AWS moves firstEventTimestamp when retention
 * expires events is UNCONFIRMED; kscli bounds the coverage by the retention anyway.
 */
import { SandboxError } from '../contract.js';
import type { Account } from './account.js';
import type { Handler } from './handler.js';
import { intInRange } from './errors.js';
import { logGroupArn } from './logs.js';
import { retentionCutoff } from './log-store.js';
import { decodeToken, encodeToken, fingerprint } from './paging.js';
import type { LogGroupRecord } from './state.js';

function invalidParam(message: string): SandboxError {
  return new SandboxError('InvalidParameterException', message);
}

function groupOf(acc: Account, input: Record<string, unknown>): LogGroupRecord {
  const byName = input.logGroupName;
  const byId = input.logGroupIdentifier;
  if ((byName === undefined) === (byId === undefined)) throw invalidParam('Specify exactly one of logGroupName and logGroupIdentifier.');
  let name = String(byName ?? byId);
  if (name.startsWith('arn:')) {
    const m = /^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:(.+?)(:\*)?$/.exec(name);
    if (!m) throw invalidParam(`Invalid log group ARN: ${name}`);
    if (m[1] !== acc.region || m[2] !== acc.accountId) throw new SandboxError('ResourceNotFoundException', 'The specified log group does not exist.');
    name = m[3]!;
  }
  const group = acc.state.logGroups.find((g) => g.name === name);
  if (!group) throw new SandboxError('ResourceNotFoundException', 'The specified log group does not exist.');
  return group;
}

interface StreamView {
  name: string;
  first: number;
  last: number;
  bytes: number;
}

const describeLogStreams: Handler = (acc, input) => {
  const group = groupOf(acc, input);
  const limit = intInRange(input.limit, 'limit', 1, 50, 50, (m) => invalidParam(`limit: ${m}`));
  const prefix = typeof input.logStreamNamePrefix === 'string' ? input.logStreamNamePrefix : '';
  const orderBy = input.orderBy ?? 'LogStreamName';
  if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') throw invalidParam(`orderBy must be LogStreamName or LastEventTime.`);
  // AWS: "If you order the results by event time, you cannot specify the logStreamNamePrefix parameter."
  if (orderBy === 'LastEventTime' && prefix) throw invalidParam('Cannot order by LastEventTime with a logStreamNamePrefix.');
  const cutoff = retentionCutoff(group, acc.nowMs());
  const streams = new Map<string, StreamView>();
  for (const e of group.events ?? []) {
    if (e.t < cutoff || !e.s.startsWith(prefix)) continue;
    const s = streams.get(e.s);
    if (!s) streams.set(e.s, { name: e.s, first: e.t, last: e.t, bytes: e.m.length });
    else {
      if (e.t < s.first) s.first = e.t;
      if (e.t > s.last) s.last = e.t;
      s.bytes += e.m.length;
    }
  }
  const list = [...streams.values()].sort((a, b) => (orderBy === 'LastEventTime' ? a.last - b.last : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (input.descending === true) list.reverse();
  const fp = fingerprint([group.name, prefix, orderBy, input.descending]);
  let start = 0;
  if (input.nextToken !== undefined) {
    const body = decodeToken(input.nextToken, fp);
    if (!body || typeof body.p !== 'number') throw invalidParam('The specified nextToken is invalid.');
    start = body.p;
  }
  const page = list.slice(start, start + limit);
  const end = start + page.length;
  return {
    logStreams: page.map((s) => ({
      logStreamName: s.name,
      creationTime: s.first,
      firstEventTimestamp: s.first,
      lastEventTimestamp: s.last,
      lastIngestionTime: s.last,
      uploadSequenceToken: '0',
      arn: `${logGroupArn(acc, group.name)}:log-stream:${s.name}`,
      storedBytes: s.bytes,
    })),
    ...(end < list.length ? { nextToken: encodeToken({ p: end, f: fp }) } : {}),
  };
};

export const logStreamHandlers: Record<string, Handler> = { DescribeLogStreams: describeLogStreams };
