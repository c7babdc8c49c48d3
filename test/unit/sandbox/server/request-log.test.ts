import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  isMutating,
  readRequestLog,
  RequestLog,
  requestLogPath,
  safeParams,
} from '../../../../src/sandbox/server/request-log.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('isMutating', () => {
  it.each([
    ['kms', 'ScheduleKeyDeletion'],
    ['kms', 'CancelKeyDeletion'],
    ['kms', 'EnableKey'],
    ['kms', 'DisableKey'],
    ['kms', 'ConnectCustomKeyStore'],
    ['kms', 'DisconnectCustomKeyStore'],
    ['kms', 'DeleteCustomKeyStore'],
    ['kms', 'CreateKey'],
    ['kms', 'CreateAlias'],
    ['kms', 'UpdateCustomKeyStore'],
    ['logs', 'PutMetricFilter'],
    ['logs', 'DeleteMetricFilter'],
    ['monitoring', 'PutMetricAlarm'],
    ['monitoring', 'DeleteAlarms'],
    ['cloudhsm', 'DeleteBackup'],
    ['cloudhsm', 'RestoreBackup'],
  ])('%s %s mutates', (service, op) => expect(isMutating(service, op)).toBe(true));

  it.each([
    ['kms', 'DescribeKey'],
    ['kms', 'ListKeys'],
    ['kms', 'GetKeyLastUsage'],
    ['kms', 'Decrypt'],
    ['kms', 'DescribeCustomKeyStores'],
    ['cloudtrail', 'LookupEvents'],
    ['monitoring', 'DescribeAlarms'],
    ['cloudhsm', 'DescribeBackups'],
    ['sts', 'GetCallerIdentity'],
    ['sns', 'GetTopicAttributes'],
    [undefined, undefined],
  ])('%s %s does not', (service, op) => expect(isMutating(service, op)).toBe(false));
});

describe('safe parameters', () => {
  it('redacts key material and secrets at any depth and cuts long values', () => {
    const out = safeParams({
      KeyId: 'k',
      Plaintext: 'secret',
      KeyStorePassword: 'hunter2',
      XksProxyAuthenticationCredential: { AccessKeyId: 'AKIA', RawSecretAccessKey: 'raw' },
      Nested: [{ CiphertextBlob: 'blob', Name: 'n' }],
      Policy: 'x'.repeat(1000),
      Many: Array.from({ length: 30 }, (_, i) => i),
    }) as Record<string, any>;
    expect(out.KeyId).toBe('k');
    expect(JSON.stringify(out)).not.toMatch(/secret|hunter2|AKIA|"raw"|blob/);
    expect(out.Nested[0].Name).toBe('n');
    expect(out.Policy.length).toBeLessThan(300);
    expect(out.Many).toHaveLength(21);
  });
});

describe('request log file', () => {
  it('appends one JSON line per request, mode 0600, readable by state path', () => {
    dir = mkdtempSync(join(tmpdir(), 'kscli-log-'));
    const state = join(dir, 'state.json');
    const log = new RequestLog(requestLogPath(state));
    const base = { time: 't', requestId: 'r', status: 200, durationMs: 1, mutating: false };
    log.append({ ...base, operation: 'A', outcome: 'ok' });
    log.append({ ...base, operation: 'B', outcome: 'NotFoundException', status: 400 });
    log.close();
    expect(readRequestLog(state).map((e) => e.operation)).toEqual(['A', 'B']);
    expect(statSync(requestLogPath(state)).mode & 0o777).toBe(0o600);
    expect(readRequestLog(join(dir, 'none.json'))).toEqual([]);
    appendFileSync(requestLogPath(state), '{"operation": "C", "outc'); // a line being written
    expect(readRequestLog(state).map((e) => e.operation)).toEqual(['A', 'B']);
  });
});
