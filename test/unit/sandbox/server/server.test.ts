/** The HTTP layer over real HTTP, with a fake model: protocols, faults, quotas, log, admin API. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { readRequestLog, startSandbox, type RunningSandbox } from '../../../../src/sandbox/index.js';
import { StateFile } from '../../../../src/sandbox/server/state-file.js';
import { fakeFactory } from './fake-model.js';

let dir: string;
let sb: RunningSandbox;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kscli-srv-'));
  // the quota buckets' clock stands still: a bucket refills only when a test moves it, never
  // because the machine was slow between two requests
  sb = await startSandbox({
    statePath: join(dir, 'state.json'),
    factory: fakeFactory,
    saveDelayMs: 10,
    quotas: { clock: () => 0 },
  });
});
afterEach(async () => {
  await sb.close();
  rmSync(dir, { recursive: true, force: true });
});

const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
const STORE = 'cks-1234567890abcdef0';
const auth = (service: string) =>
  `AWS4-HMAC-SHA256 Credential=AKIDSECRETLOOKING/20261123/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=deadbeef`;

async function kms(op: string, input: unknown = {}) {
  const res = await fetch(sb.url, {
    method: 'POST',
    headers: {
      'x-amz-target': `TrentService.${op}`,
      'content-type': 'application/x-amz-json-1.1',
      authorization: auth('kms'),
    },
    body: JSON.stringify(input),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

describe('sandbox HTTP server', () => {
  it("logs each request's arrival and its answer's time: an injected latency lies between them", async () => {
    sb.faults.configure({ latencyMs: 250 });
    await kms('DescribeKey', { KeyId: KEY });
    const [entry] = readRequestLog(sb.statePath);
    // a lower bound set by the injected delay: slowness elsewhere can only widen it
    expect(Date.parse(entry!.answerTime!) - Date.parse(entry!.time)).toBeGreaterThanOrEqual(250);
  });

  it('marks a request whose client closed the connection before the answer (clientGone); an answered one has no mark', async () => {
    sb.faults.configure({ latencyMs: 300 });
    const gone = new AbortController();
    const asked = fetch(sb.url, {
      method: 'POST',
      headers: {
        'x-amz-target': 'TrentService.DescribeKey',
        'content-type': 'application/x-amz-json-1.1',
        authorization: auth('kms'),
      },
      body: JSON.stringify({ KeyId: KEY }),
      signal: gone.signal,
    });
    // the client gives up while the sandbox holds the answer back (the request has arrived: it is logged)
    await new Promise((ok) => setTimeout(ok, 100));
    gone.abort();
    await expect(asked).rejects.toThrow();
    // the held-back answer is written (to nobody) when its delay ends
    await new Promise((ok) => setTimeout(ok, 400));
    sb.faults.configure({ latencyMs: 0 });
    await kms('DescribeKey', { KeyId: KEY });
    const log = readRequestLog(sb.statePath);
    expect(log.map((e) => e.clientGone ?? false)).toEqual([true, false]);
  });

  it('answers a JSON call with epoch-second dates and a request id', async () => {
    const r = await kms('DescribeKey', { KeyId: KEY });
    expect(r.status).toBe(200);
    expect(r.body.KeyMetadata.CreationDate).toBe(1767323045.5);
    expect(r.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers model errors as JSON with __type and records the outcome in the model', async () => {
    const r = await kms('DescribeKey', { KeyId: 'nope' });
    expect(r.status).toBe(400);
    expect(r.body.__type).toBe('NotFoundException');
  });

  it('answers unknown operations, GET requests and garbage in JSON, never HTML', async () => {
    expect((await kms('FlyToTheMoon')).body.__type).toBe('UnknownOperationException');
    const get = await fetch(`${sb.url}/`);
    expect(get.headers.get('content-type')).toContain('json');
    expect(((await get.json()) as { __type: string }).__type).toBe('MethodNotAllowed');
    const garbage = await fetch(sb.url, { method: 'POST', body: 'hello' });
    expect(((await garbage.json()) as { __type: string }).__type).toBe('UnknownOperationException');
  });

  it('speaks awsQuery XML to STS callers', async () => {
    const res = await fetch(sb.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth('sts') },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    const xml = await res.text();
    expect(xml).toContain(
      '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>',
    );
    expect(xml).toContain('<Account>111122223333</Account>');
  });

  it('logs every request as a JSON line with a safe subset of parameters and no credentials', async () => {
    await kms('DescribeKey', { KeyId: KEY });
    await kms('ScheduleKeyDeletion', { KeyId: KEY, PendingWindowInDays: 7 });
    await kms('Encrypt', { KeyId: KEY, Plaintext: 'c2VjcmV0LXBsYWludGV4dA==' });
    const log = readRequestLog(sb.statePath);
    expect(log.map((e) => [e.operation, e.outcome, e.mutating])).toEqual([
      ['DescribeKey', 'ok', false],
      ['ScheduleKeyDeletion', 'ok', true],
      ['Encrypt', 'UnknownOperationException', false],
    ]);
    expect(log[1]).toMatchObject({
      service: 'kms',
      region: 'us-east-1',
      status: 200,
      params: { KeyId: KEY, PendingWindowInDays: 7 },
    });
    expect(typeof log[1]!.durationMs).toBe('number');
    for (const e of log) expect(Date.parse(e.answerTime!)).toBeGreaterThanOrEqual(Date.parse(e.time));
    expect(log[1]!.sandboxTime).toMatch(/^\d{4}-/);
    const raw = readFileSync(`${sb.statePath}.requests.jsonl`, 'utf8');
    expect(raw).not.toContain('c2VjcmV0LXBsYWludGV4dA==');
    expect(raw).not.toContain('AKIDSECRETLOOKING');
    expect(raw).not.toContain('deadbeef');
    expect(sb.requests()).toHaveLength(3);
  });

  it('saves the state after a mutation and not after reads', async () => {
    const file = new StateFile(sb.statePath);
    await kms('DescribeKey', { KeyId: KEY });
    await new Promise((r) => setTimeout(r, 40));
    expect((file.read().json as any).keys[0].state).toBe('Enabled');
    await kms('ScheduleKeyDeletion', { KeyId: KEY });
    await new Promise((r) => setTimeout(r, 40));
    expect((file.read().json as any).keys[0].state).toBe('PendingDeletion');
  });

  it('serves the change another process made to the state file', async () => {
    const other = new StateFile(sb.statePath);
    const json = other.read().json as any;
    json.keys[0].state = 'Disabled';
    other.write(json);
    expect((await kms('DescribeKey', { KeyId: KEY })).body.KeyMetadata.KeyState).toBe('Disabled');
  });

  it('throttles with ThrottlingException when a quota bucket is empty', async () => {
    const results = [];
    for (let i = 0; i < 7; i++) results.push((await kms('DescribeCustomKeyStores')).status);
    expect(results.filter((s) => s === 200)).toHaveLength(5);
    const r = await kms('DescribeCustomKeyStores');
    expect(r.body).toEqual({
      __type: 'ThrottlingException',
      message: 'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.',
    });
    expect(sb.requests().at(-1)?.fault).toBe('quota');
  });

  it('injects 5xx per operation, changeable at run time through the admin API', async () => {
    const set = await fetch(`${sb.url}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ errorRate: { ScheduleKeyDeletion: 1 } }),
    });
    expect(set.status).toBe(200);
    const r = await kms('ScheduleKeyDeletion', { KeyId: KEY });
    expect(r.status).toBe(500);
    expect(r.body.__type).toBe('KMSInternalException');
    expect((await kms('DescribeKey', { KeyId: KEY })).body.KeyMetadata.KeyState).toBe('Enabled'); // not applied
    expect((await kms('ListKeys')).status).toBe(200);
    const logged = sb.requests().find((e) => e.operation === 'ScheduleKeyDeletion');
    expect(logged).toMatchObject({ outcome: 'KMSInternalException', fault: 'error', handled: false, mutating: true });
  });

  it('drops the connection without an answer, before or after handling', async () => {
    const post = (op: string, input: unknown) =>
      new Promise<string>((resolve) => {
        const req = request(
          sb.url,
          {
            method: 'POST',
            headers: { 'x-amz-target': `TrentService.${op}`, 'content-type': 'application/x-amz-json-1.1' },
          },
          (res) => resolve(`status ${res.statusCode}`),
        );
        req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
        req.end(JSON.stringify(input));
      });
    sb.faults.configure({ dropRate: { ScheduleKeyDeletion: 1 } });
    expect(await post('ScheduleKeyDeletion', { KeyId: KEY })).toBe('ECONNRESET');
    sb.faults.configure({});
    expect((await kms('DescribeKey', { KeyId: KEY })).body.KeyMetadata.KeyState).toBe('Enabled');
    sb.faults.configure({ dropAfterRate: { ScheduleKeyDeletion: 1 } });
    expect(await post('ScheduleKeyDeletion', { KeyId: KEY })).toBe('ECONNRESET');
    sb.faults.configure({});
    expect((await kms('DescribeKey', { KeyId: KEY })).body.KeyMetadata.KeyState).toBe('PendingDeletion');
    expect(
      sb
        .requests()
        .map((e) => e.outcome)
        .filter((o) => o.startsWith('dropped')),
    ).toEqual(['dropped', 'dropped-after-handling']);
    // every request is logged with whether the model handled it, whatever the client was answered
    expect(
      sb
        .requests()
        .filter((e) => e.operation === 'ScheduleKeyDeletion')
        .map((e) => `${e.outcome}:${e.handled}`),
    ).toEqual(['dropped:false', 'dropped-after-handling:true']);
  });

  it('adds latency to every answer', async () => {
    sb.faults.configure({ latencyMs: 120 });
    const t = performance.now();
    await kms('ListKeys');
    expect(performance.now() - t).toBeGreaterThanOrEqual(110);
  });

  it('serves the pre-mutation state during the stale-read window, then the real one', async () => {
    sb.faults.configure({ staleMs: { '*': 150 } });
    await kms('ScheduleKeyDeletion', { KeyId: KEY });
    expect((await kms('DescribeKey', { KeyId: KEY })).body.KeyMetadata.KeyState).toBe('Enabled');
    await kms('DisconnectCustomKeyStore', { CustomKeyStoreId: STORE });
    const stores = (await kms('DescribeCustomKeyStores', { CustomKeyStoreId: STORE })).body.CustomKeyStores;
    expect(stores[0].ConnectionState).toBe('CONNECTED');
    expect(sb.requests().at(-1)?.fault).toBe('stale');
    await new Promise((r) => setTimeout(r, 400)); // also lets the DescribeCustomKeyStores bucket refill
    expect((await kms('DescribeKey', { KeyId: KEY })).body.KeyMetadata.KeyState).toBe('PendingDeletion');
    expect(
      (await kms('DescribeCustomKeyStores', { CustomKeyStoreId: STORE })).body.CustomKeyStores[0].ConnectionState,
    ).toBe('DISCONNECTED');
  });

  it('leaves no stale window after a failed mutation', async () => {
    const other = '0987dcba-09fe-87dc-65ba-ab0987654321';
    await kms('ScheduleKeyDeletion', { KeyId: other });
    sb.faults.configure({ staleMs: { '*': 5000 } });
    expect((await kms('ScheduleKeyDeletion', { KeyId: other })).body.__type).toBe('KMSInvalidStateException');
    expect((await kms('DescribeKey', { KeyId: other })).body.KeyMetadata.KeyState).toBe('PendingDeletion');
    expect(sb.requests().at(-1)?.fault).toBeUndefined();
  });

  it('has an admin API for the request log, status and advancing the clock', async () => {
    await kms('ListKeys');
    const reqs = (await (await fetch(`${sb.url}/__sandbox/requests`)).json()) as {
      requests: Array<{ operation: string }>;
    };
    expect(reqs.requests.map((r) => r.operation)).toEqual(['ListKeys']);
    const adv = (await (
      await fetch(`${sb.url}/__sandbox/advance`, { method: 'POST', body: '{"days": 2}' })
    ).json()) as { from: string; to: string };
    expect(Date.parse(adv.to) - Date.parse(adv.from)).toBeGreaterThanOrEqual(2 * 86_400_000);
    const status = (await (await fetch(`${sb.url}/__sandbox/status`)).json()) as { accountId: string };
    expect(status.accountId).toBe('111122223333');
    const bad = await fetch(`${sb.url}/__sandbox/advance`, { method: 'POST', body: '{"weeks": 1}' });
    expect(bad.status).toBe(400);
    expect((await fetch(`${sb.url}/__sandbox/nothing`)).status).toBe(404);
    // admin calls are not AWS calls: not in the request log
    expect(readRequestLog(sb.statePath).map((e) => e.operation)).toEqual(['ListKeys']);
  });
});
