/** Runs the query engine on its own over plain event objects (no sandbox, no HTTP). */
import type { Value } from '../../../../../src/sandbox/model/logs/logs-insights/functions.js';
import {
  Execution,
  type RecordSource,
  type ResultField,
} from '../../../../../src/sandbox/model/logs/logs-insights/evaluate.js';
import { parseQuery } from '../../../../../src/sandbox/model/logs/logs-insights/parser.js';
import { readPath } from '../../../../../src/sandbox/model/logs/log-store.js';

export interface TestEvent {
  t: number;
  e: Record<string, unknown>;
}

export function sourceOf(events: TestEvent[]): RecordSource {
  return {
    field(_g, name) {
      if (name === '@timestamp') return (i) => events[i]?.t;
      if (name === '@message') return (i) => JSON.stringify(events[i]?.e);
      if (name === '@log') return () => '111122223333:test-group';
      const path = name.split('.');
      return (i): Value => {
        const v = readPath(events[i]?.e, path);
        return typeof v === 'string' || typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : undefined;
      };
    },
    time: (_g, i) => events[i]!.t,
    ptr: (_g, i) => `ptr-${i}`,
  };
}

/** Rows as plain objects (field -> value), in result order. */
export function run(query: string, events: TestEvent[], limit = 10_000, chunk?: number): Array<Record<string, string>> {
  const exec = new Execution(parseQuery(query), sourceOf(events), 1);
  const step = chunk ?? events.length;
  for (let i = 0; i < events.length; i += Math.max(1, step))
    exec.feed(0, i, Math.min(events.length, i + Math.max(1, step)));
  return exec.results(limit).map(toObject);
}

export function toObject(row: ResultField[]): Record<string, string> {
  return Object.fromEntries(row.map((f) => [f.field, f.value]));
}

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
const ACC = '111122223333';
export const keyArn = (n: number): string => `arn:aws:kms:us-east-1:${ACC}:key/0000000${n}-aaaa-4bbb-8ccc-000000000000`;

/** A few CloudTrail-shaped KMS events, oldest first. */
export function kmsEvents(): TestEvent[] {
  const ev = (
    h: number,
    name: string,
    keys: number[],
    who: string,
    extra: Record<string, unknown> = {},
  ): TestEvent => ({
    t: T0 + h * 3_600_000,
    e: {
      eventSource: 'kms.amazonaws.com',
      eventName: name,
      userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${ACC}:assumed-role/${who}/s` },
      readOnly: true,
      recipientAccountId: ACC,
      resources: keys.map((k) => ({ accountId: ACC, type: 'AWS::KMS::Key', ARN: keyArn(k) })),
      ...extra,
    },
  });
  return [
    ev(0, 'Decrypt', [1], 'app-a'),
    ev(1, 'Encrypt', [1], 'app-b'),
    ev(2, 'DescribeKey', [2], 'Admin'),
    ev(3, 'Decrypt', [2], 'app-c', { errorCode: 'AccessDenied', errorMessage: 'denied' }),
    ev(4, 'ReEncrypt', [1, 3], 'app-a'),
    ev(5, 'Decrypt', [1], 'app-a'),
    ev(6, 'Decrypt', [4], 'app-d', { errorCode: 'DisabledException' }),
    {
      t: T0 + 7 * 3_600_000,
      e: { eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', readOnly: true, 'odd-name': 'x', count: 7 },
    },
  ];
}

export { T0 };
