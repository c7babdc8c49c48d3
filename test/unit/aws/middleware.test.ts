import { serviceError } from './sdk-test-env.js';
import { describe, expect, it } from 'vitest';
import {
  debugLogMiddleware,
  operationOf,
  pacingMiddleware,
  THROTTLE_ROUNDS_PER_ATTEMPT,
} from '../../../src/aws/middleware.js';
import { RegionPacer } from '../../../src/aws/quotas.js';

type Next = Parameters<ReturnType<typeof pacingMiddleware>>[0];
const ok = { output: { $metadata: { httpStatusCode: 200, requestId: 'rq-1', attempts: 1 } } };

/** A downstream handler that fails with the given errors, then succeeds; counts its calls. */
function downstream(failures: Error[]): { next: Next; calls: () => number } {
  let calls = 0;
  const next: Next = async () => {
    calls += 1;
    const failure = failures.shift();
    if (failure) throw failure;
    return ok;
  };
  return { next, calls: () => calls };
}

describe('pacingMiddleware', () => {
  it('takes a token per attempt and re-sends a throttled call after slowing its bucket', async () => {
    const pacer = new RegionPacer();
    const { next, calls } = downstream([
      serviceError('ThrottlingException', 'Rate exceeded'),
      serviceError('ThrottlingException', 'Rate exceeded'),
    ]);
    const handler = pacingMiddleware(pacer)(next, { commandName: 'ListAliasesCommand' });
    await expect(handler({ input: {} })).resolves.toBe(ok);
    expect(calls()).toBe(3);
    expect(pacer.bucket('ListAliases')!.currentRate()).toBeLessThan(475);
  });

  it('does not re-send other errors', async () => {
    const pacer = new RegionPacer();
    const { next, calls } = downstream([serviceError('NotFoundException', 'gone')]);
    const handler = pacingMiddleware(pacer)(next, { commandName: 'DescribeKeyCommand' });
    await expect(handler({ input: {} })).rejects.toMatchObject({ name: 'NotFoundException' });
    expect(calls()).toBe(1);
    expect(pacer.bucket('DescribeKey')!.currentRate()).toBe(1900);
  });

  it('gives up after its rounds and hands the throttle to the SDK retry', async () => {
    const pacer = new RegionPacer({ GetKeyPolicy: 100_000 });
    const throttles = Array.from({ length: THROTTLE_ROUNDS_PER_ATTEMPT + 5 }, () =>
      serviceError('ThrottlingException', 'Rate exceeded'),
    );
    const { next, calls } = downstream(throttles);
    const handler = pacingMiddleware(pacer, 3)(next, { commandName: 'GetKeyPolicyCommand' });
    await expect(handler({ input: {} })).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(calls()).toBe(3);
  });

  it('leaves operations without a quota unpaced', () => {
    const { next } = downstream([]);
    expect(pacingMiddleware(new RegionPacer())(next, { commandName: 'PutMetricAlarmCommand' })).toBe(next);
  });
});

describe('debugLogMiddleware', () => {
  it('logs service.operation, status, duration and request ID, and for errors only the name', async () => {
    const lines: string[] = [];
    let t = 0;
    const clock = () => (t += 12);
    const good = debugLogMiddleware(
      'kms',
      (l) => lines.push(l),
      clock,
    )(async () => ok, { commandName: 'DescribeKeyCommand' });
    await good({ input: {} });
    const denied = Object.assign(serviceError('AccessDeniedException', 'secret-looking detail AKIDXXXX', 400, 'rq-2'), {
      $metadata: { httpStatusCode: 400, requestId: 'rq-2', attempts: 1 },
    });
    const bad = debugLogMiddleware(
      'kms',
      (l) => lines.push(l),
      clock,
    )(
      async () => {
        throw denied;
      },
      { commandName: 'ListKeysCommand' },
    );
    await expect(bad({ input: {} })).rejects.toBe(denied);
    expect(lines).toEqual(['kms.DescribeKey 200 12ms rq-1', 'kms.ListKeys 400 AccessDeniedException 12ms rq-2']);
  });

  it('names network errors by their code', async () => {
    const lines: string[] = [];
    const refused = Object.assign(new Error('connect ECONNREFUSED'), {
      code: 'ECONNREFUSED',
      $metadata: { attempts: 5 },
    });
    const handler = debugLogMiddleware(
      'sts',
      (l) => lines.push(l),
      () => 0,
    )(
      async () => {
        throw refused;
      },
      { commandName: 'GetCallerIdentityCommand' },
    );
    await expect(handler({ input: {} })).rejects.toBe(refused);
    expect(lines).toEqual(['sts.GetCallerIdentity ECONNREFUSED 0ms - attempts=5']);
  });
});

describe('operationOf', () => {
  it('strips the Command suffix', () => {
    expect(operationOf({ commandName: 'ScheduleKeyDeletionCommand' })).toBe('ScheduleKeyDeletion');
  });
});

describe('pacingMiddleware with --debug', () => {
  it('says when AWS throttled a call and the new pace', async () => {
    const pacer = new RegionPacer({ GetKeyLastUsage: 1000 });
    const notes: string[] = [];
    const { next } = downstream([serviceError('ThrottlingException', 'Rate exceeded')]);
    const handler = pacingMiddleware(pacer, 8, (op, rate) => notes.push(`${op} ${rate}`))(next, {
      commandName: 'GetKeyLastUsageCommand',
    });
    await handler({ input: {} });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^GetKeyLastUsage 475(\.\d+)?$/);
  });
});
