import { describe, expect, it } from 'vitest';
import { FaultInjector, parsePerOperationFlags, valueFor } from '../../../../src/sandbox/server/faults.js';

const run = (f: FaultInjector, op: string, n: number) => Array.from({ length: n }, () => f.decide('kms', op));

describe('fault decisions', () => {
  it('replays the same faults for the same seed and differs for another', () => {
    const cfg = { errorRate: { '*': 0.3 }, throttleRate: { '*': 0.2 }, dropRate: { '*': 0.1 } };
    const pattern = (seed: number) =>
      run(new FaultInjector({ ...cfg, seed }), 'DescribeKey', 200)
        .map((d) => (d.drop ? 'D' : (d.error?.code[0] ?? '.')))
        .join('');
    expect(pattern(42)).toBe(pattern(42));
    expect(pattern(42)).not.toBe(pattern(43));
  });

  it('injects at roughly the configured rate', () => {
    const decisions = run(new FaultInjector({ errorRate: { '*': 0.25 }, seed: 1 }), 'ListKeys', 4000);
    const errors = decisions.filter((d) => d.error).length;
    expect(errors).toBeGreaterThan(850);
    expect(errors).toBeLessThan(1150);
  });

  it('answers KMSInternalException (500) for KMS and ThrottlingException (400) for throttles', () => {
    const f = new FaultInjector({ errorRate: { ScheduleKeyDeletion: 1 }, throttleRate: { DescribeKey: 1 } });
    expect(f.decide('kms', 'ScheduleKeyDeletion').error).toMatchObject({ code: 'KMSInternalException', status: 500 });
    expect(f.decide('kms', 'DescribeKey').error).toMatchObject({ code: 'ThrottlingException', status: 400 });
    expect(f.decide('cloudhsm', 'ScheduleKeyDeletion').error?.code).toBe('CloudHsmInternalFailureException');
    expect(f.decide('kms', 'ListKeys').error).toBeUndefined();
  });

  it('lets the per-operation value win over the global one', () => {
    const f = new FaultInjector({
      errorRate: { '*': 1, DescribeKey: 0 },
      slowMs: { '*': 10, ListKeys: 500 },
      latencyMs: 5,
    });
    expect(f.decide('kms', 'DescribeKey').error).toBeUndefined();
    expect(f.decide('kms', 'CreateKey').error).toBeDefined();
    expect(f.decide('kms', 'ListKeys').delayMs).toBe(505);
    expect(f.decide('kms', 'DescribeKey').delayMs).toBe(15);
  });

  it('drops before handling or after, never both, and no error on a dropped call', () => {
    const before = new FaultInjector({ dropRate: { '*': 1 }, errorRate: { '*': 1 } }).decide('kms', 'X');
    expect(before).toMatchObject({ drop: true, dropAfter: false, error: undefined });
    const after = new FaultInjector({ dropAfterRate: { '*': 1 } }).decide('kms', 'X');
    expect(after).toMatchObject({ drop: false, dropAfter: true });
  });

  it('can be reconfigured at run time', () => {
    const f = new FaultInjector({});
    expect(f.decide('kms', 'ListKeys').error).toBeUndefined();
    f.configure({ throttleRate: { '*': 1 } });
    expect(f.decide('kms', 'ListKeys').error?.code).toBe('ThrottlingException');
  });

  it('parses R[:Op] flags and rejects the rest', () => {
    expect(parsePerOperationFlags(['0.1', '1:ScheduleKeyDeletion'], 'error-rate', { max: 1 })).toEqual({
      '*': 0.1,
      ScheduleKeyDeletion: 1,
    });
    expect(parsePerOperationFlags(undefined, 'error-rate')).toBeUndefined();
    expect(() => parsePerOperationFlags(['2'], 'error-rate', { max: 1 })).toThrow(/--error-rate 2/);
    expect(() => parsePerOperationFlags(['x:Op'], 'slow-ms')).toThrow();
    expect(valueFor({ '*': 3 }, 'Any')).toBe(3);
  });
});
