/**
 * The account's clock (src/aws/account-clock.ts): the sandbox's offset is read only from a loopback
 * endpoint, only from a sandbox that says it (another local endpoint, such as LocalStack, leaves
 * this machine's clock), and the clock then keeps that offset exactly.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alignableClock, sandboxClockOffset } from '../../../src/aws/account-clock.js';

let server: Server;
let base: string;
const asked: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push(req.url ?? '');
    if (req.url === '/sandbox/__sandbox/health' || req.url === '/__sandbox/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, now: new Date().toISOString(), clockOffsetMs: 864_000_000 }));
    } else {
      res.writeHead(404);
      res.end('not here');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('sandboxClockOffset', () => {
  it('a loopback sandbox: its clockOffsetMs, from GET /__sandbox/health', async () => {
    expect(await sandboxClockOffset(base)).toBe(864_000_000);
    expect(asked.at(-1)).toBe('/__sandbox/health');
  });
  it('a loopback endpoint that is not the sandbox (404, or no offset): this machine’s clock', async () => {
    const other = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"running"}');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      expect(await sandboxClockOffset(`http://127.0.0.1:${(other.address() as AddressInfo).port}`)).toBeUndefined();
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
    expect(await sandboxClockOffset('http://127.0.0.1:1')).toBeUndefined(); // refused
  });
  it('AWS, or no endpoint: nothing is asked', async () => {
    const before = asked.length;
    expect(await sandboxClockOffset('https://kms.us-east-1.amazonaws.com')).toBeUndefined();
    expect(await sandboxClockOffset(undefined)).toBeUndefined();
    // a non-loopback host naming our server's port is still not asked
    expect(await sandboxClockOffset(base.replace('127.0.0.1', '192.0.2.1'))).toBeUndefined();
    expect(asked.length).toBe(before);
  });
});

describe('alignableClock', () => {
  it('reads its base until aligned, then the base plus the offset; sleeps as the base does', async () => {
    let t = 1_000;
    const slept: number[] = [];
    const { clock, align } = alignableClock({
      now: () => new Date(t),
      sleep: async (ms) => void slept.push(ms),
    });
    expect(clock.now().getTime()).toBe(1_000);
    align(86_400_000);
    t = 2_000;
    expect(clock.now().getTime()).toBe(86_402_000);
    await clock.sleep(5);
    expect(slept).toEqual([5]);
  });
});
