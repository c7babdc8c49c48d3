/**
 * Secrets (issue 6, item 6): with recognisable dummy credentials and a session token in the
 * environment, the workflow runs with and without --debug, including failing calls (a store that
 * does not exist, AWS 5xx answers, an endpoint that refuses connections). The secret key, the
 * session token and the full access key ID must never appear in stdout, stderr, the journal, the
 * lock files or the sandbox's request log; journal and lock files are mode 0600.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO, requestLogFile, secretsIn, startE2E, type E2E, type RunResult } from './helpers/index.js';

let t: E2E;
const runs: RunResult[] = [];
/** lock files seen while a run held them: path -> mode and content */
const locksSeen = new Map<string, { mode: number; content: string }>();

beforeAll(async () => {
  t = await startE2E('secrets', {}, { runner: 'child' });
});
afterAll(async () => {
  await t?.stop();
});

async function run(
  args: string[],
  code: number | number[],
  opts: { endpoint?: boolean; watchLocks?: boolean; timeoutMs?: number } = {},
): Promise<RunResult> {
  let watching = opts.watchLocks ?? false;
  const watcher = (async () => {
    while (watching) {
      if (existsSync(t.ws.lockDir)) {
        for (const name of readdirSync(t.ws.lockDir)) {
          const path = join(t.ws.lockDir, name);
          try {
            locksSeen.set(path, { mode: statSync(path).mode & 0o777, content: readFileSync(path, 'utf8') });
          } catch {
            // released between readdir and stat
          }
        }
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const r = await t.kscli(args, { endpoint: opts.endpoint, timeoutMs: opts.timeoutMs });
  watching = false;
  await watcher;
  runs.push(r);
  const codes = Array.isArray(code) ? code : [code];
  expect(codes, r.describe()).toContain(r.code);
  return r;
}

function journalFiles(): string[] {
  if (!existsSync(t.ws.journalDir)) return [];
  return readdirSync(t.ws.journalDir).map((n) => join(t.ws.journalDir, n));
}

describe('no credential in any output, journal, lock or request log', () => {
  it('read-only commands, with and without --debug', async () => {
    await run(['stores', '--output', 'json'], 0);
    const debug = await run(['stores', '--output', 'json', '--debug'], 0);
    // the --debug runs must really log something, or this test would prove nothing
    expect(debug.stderr, debug.describe()).toMatch(/debug/i);
    await run(['find-keys', DEMO.hsmStore, '--debug'], 0);
    // CloudTrail events carry userIdentity.accessKeyId: the evidence output must not leak ours
    await run(['usage', DEMO.hsmStore, '--output', 'json', '--debug'], 0);
    await run(['orphans', DEMO.hsmStore, '--debug'], 0);
  });

  it('failing calls with --debug: a store that does not exist, AWS 5xx errors, a refused connection', async () => {
    await run(['find-keys', 'cks-00000000000000000', '--debug'], 3);
    await run(['delete-store', 'cks-00000000000000000', '--yes', '--debug'], 3);
    await t.sandbox.setFaults({ errorRate: { '*': 1 } });
    try {
      await run(['stores', '--debug'], 1);
      await run(['stores'], 1);
    } finally {
      await t.sandbox.setFaults({});
    }
    await run(['--endpoint-url', 'http://127.0.0.1:1', 'find-keys', DEMO.hsmStore, '--debug'], 1, { endpoint: false });
  });

  it('the mutating workflow with --debug: schedule (exit 8), disconnect, advance, delete (exit 0)', async () => {
    await run(['delete-store', DEMO.hsmStore, '--yes', '--allow-in-use', '--allow-data-loss', '--debug'], 8, {
      watchLocks: true,
    });
    // delete-store made the alarm without an SNS action: adding one is a different configuration (--replace)
    await run(['alarm', DEMO.hsmStore, '--sns-topic-arn', DEMO.topicArn, '--replace', '--yes', '--debug'], 0);
    await run(['disconnect-store', DEMO.xksStore, '--yes', '--force', '--debug'], 0, {
      watchLocks: true,
      timeoutMs: 120_000,
    });
    await t.sandbox.advanceDays(31);
    await run(['delete-store', DEMO.hsmStore, '--yes', '--debug'], 0, { watchLocks: true, timeoutMs: 120_000 });
    await run(['delete-store', DEMO.idleStore, '--yes'], 0, { watchLocks: true });
  });

  it('stdout and stderr of every run are free of the credentials', () => {
    expect(runs.length).toBeGreaterThan(10);
    for (const r of runs) {
      expect(secretsIn(r.stdout), `stdout of kscli ${r.args.join(' ')}`).toEqual([]);
      expect(secretsIn(r.stderr), `stderr of kscli ${r.args.join(' ')}`).toEqual([]);
    }
  });

  it('the journals are free of the credentials and are mode 0600', () => {
    const files = journalFiles();
    expect(files.length, 'journals written').toBeGreaterThanOrEqual(2);
    for (const f of files) {
      expect(secretsIn(readFileSync(f, 'utf8')), f).toEqual([]);
      expect((statSync(f).mode & 0o777).toString(8), f).toBe('600');
    }
  });

  it('the lock files seen during the runs were mode 0600 and free of the credentials', () => {
    expect(locksSeen.size, 'a lock file was seen while a mutating run held it').toBeGreaterThan(0);
    for (const [path, lock] of locksSeen) {
      expect(lock.mode.toString(8), path).toBe('600');
      expect(secretsIn(lock.content), path).toEqual([]);
    }
  });

  it("the sandbox's request log is free of the credentials", () => {
    const text = readFileSync(requestLogFile(t.sandbox.statePath), 'utf8');
    expect(text.length).toBeGreaterThan(0);
    expect(secretsIn(text)).toEqual([]);
  });
});
