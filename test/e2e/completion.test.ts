/**
 * `kscli completion` and the store lookup behind it, against the sandbox over HTTP: the store IDs
 * of the account, answered from a cache for 60 s, and never holding the shell past its time limit.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, expectExit, startE2E, type E2E } from './helpers/index.js';

const SANDBOX_STORES = [DEMO.idleStore, DEMO.xksStore, DEMO.hsmStore].sort();
/**
 * The lookups whose answer a test checks get a generous limit: the product's 1.5 s is about a TAB on
 * a person's machine, and a loaded 2-core CI box can take longer than that just to start node and
 * the sandbox (the time limit itself has its own tests below, with 300 ms).
 */
const PATIENT = { KSCLI_COMPLETION_TIMEOUT_MS: '60000' };

let t: E2E;
beforeAll(async () => {
  t = await startE2E('completion', {}, { runner: 'child' });
});
afterAll(() => t?.stop());

describe('kscli completion', () => {
  it.each(['bash', 'zsh', 'fish'])('%s prints a script naming every command', async (shell) => {
    const r = await t.kscli(['completion', shell], { endpoint: false });
    expectExit(r, 0);
    for (const command of [
      'stores',
      'find-keys',
      'usage',
      'alarm',
      'schedule-deletion',
      'cancel-deletion',
      'disconnect-store',
      'delete-store',
      'backups',
      'orphans',
      'sandbox',
      'schema',
      'completion',
    ]) {
      expect(r.stdout, command).toMatch(new RegExp(`\\b${command}\\b`));
    }
  });
});

describe('kscli __complete-stores (what the scripts call on TAB)', () => {
  it("prints the sandbox's store IDs, one per line, with one DescribeCustomKeyStores; then answers from the cache without calling AWS", async () => {
    const mark = t.sandbox.mark();
    const first = await t.kscli(['__complete-stores'], { extra: PATIENT });
    expectExit(first, 0);
    expect(first.stdout.split('\n').filter(Boolean)).toEqual(SANDBOX_STORES);
    expect(t.sandbox.requestsSince(mark).filter((q) => q.operation === 'DescribeCustomKeyStores')).toHaveLength(1);
    const cacheDir = join(t.ws.home, '.kscli', 'cache');
    expect(readdirSync(cacheDir).filter((f) => f.startsWith('stores-'))).toHaveLength(1);

    const again = t.sandbox.mark();
    const second = await t.kscli(['__complete-stores'], { extra: PATIENT });
    expect(second.stdout).toBe(first.stdout);
    expect(t.sandbox.requestsSince(again), 'a TAB within 60 s calls nothing').toEqual([]);

    // --region typed on the line is another target: its own lookup (the demo's stores live in
    // us-east-1; every other Region of the sandbox is its own, empty, state)
    const other = t.sandbox.mark();
    expect((await t.kscli(['__complete-stores', '--region', 'eu-west-1'], { extra: PATIENT })).stdout).toBe('');
    expect(t.sandbox.requestsSince(other).filter((q) => q.operation === 'DescribeCustomKeyStores')).toHaveLength(1);
  });

  it('with --sandbox typed on the line, asks the in-process sandbox', async () => {
    const r = await t.kscli(['--sandbox', '__complete-stores'], {
      endpoint: false,
      extra: { KSCLI_SANDBOX_STATE: join(t.ws.dir, 'inprocess.json'), ...PATIENT },
    });
    expectExit(r, 0);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(SANDBOX_STORES);
  });

  describe('an endpoint that never answers', () => {
    let server: Server;
    let url = '';
    const sockets: Socket[] = [];
    beforeAll(async () => {
      // accepts the connection, reads the request, never answers
      server = createServer((s) => {
        sockets.push(s);
        s.on('error', () => {});
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    afterAll(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it('gives up after the time limit: exit 0, nothing printed, nothing on stderr', async () => {
      const r = await t.kscli(['--endpoint-url', url, '__complete-stores'], {
        endpoint: false,
        extra: { KSCLI_COMPLETION_TIMEOUT_MS: '300' },
      });
      expectExit(r, 0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('');
      // node start-up plus 300 ms, not the SDK's 30 s request timeout
      expect(r.durationMs).toBeLessThan(10_000);
    });
  });
  it('offers the last known IDs when the cache is stale and AWS is slow', async () => {
    const seeded = await t.kscli(['__complete-stores'], { extra: PATIENT });
    expect(seeded.stdout.split('\n').filter(Boolean)).toEqual(SANDBOX_STORES);
    // every answer 5 s late, and the cache counted as stale (TTL 0): the 300 ms limit wins
    await t.sandbox.setFaults({ slowMs: { '*': 5_000 } });
    try {
      const r = await t.kscli(['--debug', '__complete-stores'], {
        extra: { KSCLI_COMPLETION_TIMEOUT_MS: '300', KSCLI_COMPLETION_TTL_MS: '0' },
      });
      expectExit(r, 0);
      expect(r.stdout.split('\n').filter(Boolean)).toEqual(SANDBOX_STORES);
      expect(r.stderr).toContain('store IDs from stale-cache');
      expect(r.durationMs).toBeLessThan(5_000);
    } finally {
      await t.sandbox.setFaults({});
    }
  });
});
