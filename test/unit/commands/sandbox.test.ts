/**
 * `kscli sandbox serve | reset | advance | status` in-process through the CLI's `run`, with the
 * real model, a temp state file and scripted signals.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../src/cli.js';
import { memoryIO } from '../../../src/ui/io.js';
import { requestLogPath } from '../../../src/sandbox/index.js';

let dir: string;
let state: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kscli-sbcmd-'));
  state = join(dir, 'state.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function signals() {
  const handlers: { int: Array<() => void>; term: Array<() => void> } = { int: [], term: [] };
  return {
    handlers,
    system: {
      pid: process.pid,
      hostname: 'test',
      isProcessAlive: () => true,
      onInterrupt: (h: () => void) => (
        handlers.int.push(h),
        () => (handlers.int = handlers.int.filter((x) => x !== h))
      ),
      onTerminate: (h: () => void) => (
        handlers.term.push(h),
        () => (handlers.term = handlers.term.filter((x) => x !== h))
      ),
    },
  };
}

async function kscli(args: string[], extra: Record<string, unknown> = {}) {
  const io = memoryIO();
  const code = await run(args, { io, env: { HOME: dir }, ...extra } as any);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe('kscli sandbox', () => {
  it('status creates the demo account when there is none and reports it as JSON', async () => {
    const r = await kscli(['--output', 'json', 'sandbox', 'status', '--state', state]);
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ schemaVersion: 1, statePath: state, accountId: '111122223333' });
    expect(doc.stores.map((s: any) => s.id)).toEqual(
      expect.arrayContaining(['cks-1234567890abcdef0', 'cks-0987654321fedcba0', 'cks-11111111111111111']),
    );
    expect(existsSync(state)).toBe(true);
  });

  it('status prints a table by default on a terminal', async () => {
    const io = memoryIO({ isTTY: true });
    expect(await run(['sandbox', 'status', '--state', state], { io, env: { HOME: dir } })).toBe(0);
    expect(io.stdout()).toMatch(/cks-1234567890abcdef0\s+\S+\s+AWS_CLOUDHSM\s+CONNECTED/);
  });

  it('advance moves the clock and reports the key that came due (the demo key pending deletion for 5 days)', async () => {
    await kscli(['sandbox', 'reset', '--state', state]);
    const before = JSON.parse((await kscli(['--output', 'json', 'sandbox', 'status', '--state', state])).out);
    const r = await kscli(['--output', 'json', 'sandbox', 'advance', '--days', '6', '--state', state]);
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out);
    expect(Date.parse(report.to) - Date.parse(report.from)).toBeGreaterThanOrEqual(6 * 86_400_000 - 1000);
    expect(report.deletedKeys).toHaveLength(1);
    expect(report.deletedKeys[0]).toMatchObject({
      storeId: 'cks-1234567890abcdef0',
      backingKeysDeletionStatus: 'SUCCESS',
    });
    const after = JSON.parse((await kscli(['--output', 'json', 'sandbox', 'status', '--state', state])).out);
    expect(Date.parse(after.now) - Date.parse(before.now)).toBeGreaterThanOrEqual(6 * 86_400_000 - 1000);
  });

  it('advance needs exactly one of --days and --hours (exit 2)', async () => {
    expect((await kscli(['sandbox', 'advance', '--state', state])).code).toBe(2);
    expect((await kscli(['sandbox', 'advance', '--days', '1', '--hours', '2', '--state', state])).code).toBe(2);
    const bad = await kscli(['sandbox', 'advance', '--days', 'abc', '--state', state]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--days abc');
  });

  it('reset --scenario large builds N keys with M in the demo store, and starts a new request log', async () => {
    writeFileSync(requestLogPath(state), '{"old": true}\n');
    const r = await kscli([
      '--output',
      'json',
      'sandbox',
      'reset',
      '--scenario',
      'large',
      '--keys',
      '300',
      '--store-keys',
      '40',
      '--state',
      state,
    ]);
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    const store = doc.stores.find((s: any) => s.id === 'cks-1234567890abcdef0');
    const inStore = Object.values(store.keyStates as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(inStore).toBe(40);
    expect(existsSync(requestLogPath(state))).toBe(false);
    expect((await kscli(['sandbox', 'reset', '--keys', '5', '--state', state])).code).toBe(2); // --keys is for large only
  });

  it('reset --scenario large --used-share / --noise-events shape the usage history; bad values exit 2 with the fix', async () => {
    const keysWithHistory = (share: string) => {
      const json = JSON.parse(readFileSync(state, 'utf8'));
      const storeArns = new Set(
        json.keys
          .filter((k: any) => k.storeId === 'cks-1234567890abcdef0')
          .map((k: any) => `arn:aws:kms:us-east-1:111122223333:key/${k.id}`),
      );
      const used = new Set<string>();
      for (const e of json.logGroups[0].events ?? []) {
        const ev = JSON.parse(e.m);
        if (
          ['Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncrypt'].includes(
            ev.eventName,
          )
        )
          for (const r of ev.resources ?? []) if (storeArns.has(r.ARN)) used.add(r.ARN);
      }
      return {
        used: used.size,
        events: (json.logGroups[0].events ?? []).length,
        retention: json.logGroups[0].retentionInDays,
        share,
      };
    };
    expect(
      (
        await kscli([
          'sandbox',
          'reset',
          '--scenario',
          'large',
          '--keys',
          '300',
          '--store-keys',
          '40',
          '--used-share',
          '25%',
          '--noise-events',
          '50',
          '--state',
          state,
        ])
      ).code,
    ).toBe(0);
    expect(keysWithHistory('25%')).toMatchObject({ used: 10, retention: 400 });
    expect(
      (
        await kscli([
          'sandbox',
          'reset',
          '--scenario',
          'large',
          '--keys',
          '300',
          '--store-keys',
          '40',
          '--used-share',
          '0',
          '--noise-events',
          '0',
          '--state',
          state,
        ])
      ).code,
    ).toBe(0);
    expect(keysWithHistory('0')).toMatchObject({ used: 0, events: 0 });
    for (const bad of [
      ['--used-share', '150%'],
      ['--used-share', 'lots'],
      ['--noise-events', '-3'],
    ]) {
      const r = await kscli(['sandbox', 'reset', '--scenario', 'large', ...bad, '--state', state]);
      expect(r.code, bad.join(' ')).toBe(2);
      expect(r.err).toContain(bad[0]!);
    }
    expect((await kscli(['sandbox', 'reset', '--used-share', '10%', '--state', state])).code).toBe(2); // large only
  });

  it('a corrupt state file: one line naming the file and the fix, exit 2', async () => {
    writeFileSync(state, '{ not json');
    const r = await kscli(['sandbox', 'status', '--state', state]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`the sandbox state file ${state} is corrupt`);
    expect(r.err).toContain(`kscli sandbox reset --state ${state}`);
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('serve prints "listening on URL" first, answers AWS calls, and saves the state on SIGTERM', async () => {
    const { handlers, system } = signals();
    const io = memoryIO();
    const done = run(['sandbox', 'serve', '--port', '0', '--state', state, '--quota', 'ListKeys=1000'], {
      io,
      env: { HOME: dir },
      system,
    } as any);
    let first = '';
    for (let i = 0; i < 200 && !io.stdout().includes('\n'); i++) await new Promise((r) => setTimeout(r, 10));
    first = io.stdout().split('\n')[0]!;
    expect(first).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = first.slice('listening on '.length);
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'x-amz-target': 'TrentService.DisconnectCustomKeyStore',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: JSON.stringify({ CustomKeyStoreId: 'cks-11111111111111111' }),
    });
    expect(res.status).toBe(200);
    expect(handlers.term).toHaveLength(1);
    handlers.term[0]!();
    expect(await done).toBe(0);
    expect(io.stderr()).toContain(`state saved to ${state}`);
    expect(readFileSync(state, 'utf8')).toMatch(/DISCONNECT/);
    await expect(fetch(url)).rejects.toThrow(); // stopped listening
  });

  it('`sandbox advance` while serve runs goes through the server (no lost update): a key scheduled for 7 days is gone after 8', async () => {
    const { handlers, system } = signals();
    const io = memoryIO();
    const done = run(['sandbox', 'serve', '--state', state], { io, env: { HOME: dir }, system } as any);
    for (let i = 0; i < 200 && !io.stdout().includes('\n'); i++) await new Promise((r) => setTimeout(r, 10));
    const url = io.stdout().split('\n')[0]!.slice('listening on '.length);
    const kms = async (op: string, input: unknown) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'x-amz-target': `TrentService.${op}`, 'content-type': 'application/x-amz-json-1.1' },
        body: JSON.stringify(input),
      });
      return (await res.json()) as any;
    };
    const key = '0b7fd7d4-5f2c-4c1e-9a4e-3f0e5d2a9b11';
    // no wait for the debounced save: the server does the advance on its in-memory state
    expect((await kms('ScheduleKeyDeletion', { KeyId: key, PendingWindowInDays: 7 })).KeyState).toBe('PendingDeletion');
    const adv = await kscli(['--output', 'json', 'sandbox', 'advance', '--days', '8', '--state', state]);
    expect(adv.code, adv.err).toBe(0);
    expect(adv.err).toContain('through the running server');
    expect(JSON.parse(adv.out).deletedKeys.map((k: any) => k.keyId)).toContain(key);
    expect((await kms('DescribeKey', { KeyId: key })).__type).toBe('NotFoundException');
    const status = await kscli(['--output', 'json', 'sandbox', 'status', '--state', state]);
    expect(Date.parse(JSON.parse(status.out).now) - Date.now()).toBeGreaterThan(7 * 86_400_000);
    handlers.int[0]!();
    expect(await done).toBe(0);
    expect(existsSync(`${state}.server.json`)).toBe(false); // unregistered on stop
    // and a record left by a server that died: advance falls back to the file
    writeFileSync(`${state}.server.json`, JSON.stringify({ pid: 999999, url: url, startedAt: '2026-01-01T00:00:00Z' }));
    const offline = await kscli(['--output', 'json', 'sandbox', 'advance', '--hours', '1', '--state', state]);
    expect(offline.code, offline.err).toBe(0);
    expect(offline.err).not.toContain('through the running server');
  });

  it('uses $KSCLI_SANDBOX_STATE when --state is not given', async () => {
    const io = memoryIO();
    const custom = join(dir, 'custom', 'sb.json');
    expect(
      await run(['--output', 'json', 'sandbox', 'status'], { io, env: { HOME: dir, KSCLI_SANDBOX_STATE: custom } }),
    ).toBe(0);
    expect(JSON.parse(io.stdout()).statePath).toBe(custom);
    expect(existsSync(custom)).toBe(true);
  });

  it('serve on a port in use: one line naming it, exit 2', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', () => ok()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await kscli(['sandbox', 'serve', '--port', String(port), '--state', state]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`cannot listen on 127.0.0.1:${port}: the port is in use`);
      expect(r.out).toBe('');
    } finally {
      blocker.close();
    }
  });

  it('serve rejects bad fault flags with exit 2 before listening', async () => {
    const r = await kscli(['sandbox', 'serve', '--state', state, '--error-rate', '1.5']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--error-rate 1.5');
    expect(r.out).toBe('');
  });
});
