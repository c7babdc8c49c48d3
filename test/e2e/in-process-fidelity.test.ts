/**
 * Most e2e files run kscli in the test's process (helpers/run-in-process.ts: the built program,
 * without Node's start-up and src/main.ts around it). That must not change what a test sees. Each
 * command here runs twice against one served sandbox, as `node bin/kscli.js` and in process, and
 * the two runs must agree on the exit code, stdout, stderr, the requests the sandbox saw
 * (operation, region, outcome, the parameters of mutating ones) and the files kscli wrote.
 *
 * The commands cover what the in-process files lean on: read commands in every output format,
 * dry runs and saved plans, errors from argv, from the environment and from AWS, the shared config
 * files, and one apply (on a sandbox reset to the demo account before each of the two runs).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, runKscli, startE2E, type E2E, type LoggedRequest, type RunResult } from './helpers/index.js';
import { runInProcess } from './helpers/run-in-process.js';

let t: E2E;
beforeAll(async () => {
  t = await startE2E('in-process-fidelity');
});
afterAll(async () => {
  await t?.stop();
});

/**
 * dates, times and durations differ between two runs a second apart (a minute or a day may turn
 * between them: "Planned at 20:21 UTC" then "20:22 UTC"); nothing else may
 */
const steady = (text: string): string =>
  text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
    .replace(/\d{4}-\d\d-\d\d( \d\d:\d\d( UTC)?)?/g, '<date>')
    .replace(/\b\d+(\.\d+)? ?(ms|s)\b/g, '<duration>')
    .replace(/\/kscli-e2e-[^/\s"]+/g, '/<workspace>')
    // random per query and per reset of the account; a plan's digest covers its times
    .replace(/"(queryId|eventId|cloudTrailEventId|grantId)": "[^"]+"/g, '"$1": "<id>"')
    .replace(/sha256:[0-9a-f]{64}/g, 'sha256:<digest>');

const lines = (text: string): string[] => steady(text).split('\n');

const seen = (requests: LoggedRequest[]): string[] =>
  requests
    .map(
      (r) =>
        `${r.service}:${r.operation} ${r.region ?? ''} -> ${r.outcome}${r.mutating ? ` ${JSON.stringify(r.params)}` : ''}`,
    )
    .sort();

interface Both {
  child: RunResult;
  inProcess: RunResult;
  childRequests: LoggedRequest[];
  inProcessRequests: LoggedRequest[];
  /** what `read` found after each run (files kscli wrote) */
  childFiles: string[];
  inProcessFiles: string[];
}

/**
 * The same argv and env, once as a child and once in process; `before` runs before each run and
 * `read` after it.
 */
async function both(
  args: string[],
  opts: { extra?: Record<string, string | undefined>; before?: () => Promise<void>; read?: () => string[] } = {},
): Promise<Both> {
  const full = ['--endpoint-url', t.sandbox.url, ...args];
  const env = t.env({ extra: opts.extra });
  const once = async (run: typeof runKscli) => {
    await opts.before?.();
    const mark = t.sandbox.mark();
    const result = await run(full, { env });
    return { result, requests: t.sandbox.requestsSince(mark), files: opts.read?.() ?? [] };
  };
  const child = await once(runKscli);
  const inProcess = await once(runInProcess);
  return {
    child: child.result,
    inProcess: inProcess.result,
    childRequests: child.requests,
    inProcessRequests: inProcess.requests,
    childFiles: child.files,
    inProcessFiles: inProcess.files,
  };
}

function expectSame(r: Both): void {
  // the diffs say what differs (line by line); the child's run is the reference
  const what = `kscli ${r.child.args.join(' ')}`;
  expect(r.inProcess.code, `${what}: exit code`).toBe(r.child.code);
  expect(lines(r.inProcess.stdout), `${what}: stdout`).toEqual(lines(r.child.stdout));
  expect(lines(r.inProcess.stderr), `${what}: stderr`).toEqual(lines(r.child.stderr));
  expect(seen(r.inProcessRequests), `${what}: requests`).toEqual(seen(r.childRequests));
}

const CASES: Array<{ name: string; args: string[]; extra?: Record<string, string | undefined>; code: number }> = [
  { name: 'find-keys, a table', args: ['find-keys', DEMO.hsmStore], code: 0 },
  { name: 'find-keys --output json', args: ['find-keys', DEMO.hsmStore, '--output', 'json'], code: 0 },
  { name: 'inventory --output csv', args: ['inventory', '--output', 'csv'], code: 0 },
  { name: 'usage --output json', args: ['usage', DEMO.hsmStore, '--output', 'json'], code: 0 },
  { name: 'delete-store --dry-run, a plan', args: ['delete-store', DEMO.hsmStore, '--dry-run'], code: 3 },
  {
    name: 'delete-store --dry-run --output markdown',
    args: ['delete-store', DEMO.hsmStore, '--dry-run', '--output', 'markdown'],
    code: 3,
  },
  { name: 'a mutating command without --yes and without a terminal', args: ['alarm', DEMO.hsmStore], code: 2 },
  { name: 'an unknown flag', args: ['find-keys', DEMO.hsmStore, '--colour'], code: 2 },
  { name: 'a store that does not exist', args: ['find-keys', 'cks-00000000000000000'], code: 3 },
  { name: 'no credentials', args: ['find-keys', DEMO.hsmStore], extra: { AWS_ACCESS_KEY_ID: undefined }, code: 4 },
  {
    name: 'a profile the shared files do not have',
    args: ['find-keys', DEMO.hsmStore],
    extra: { AWS_PROFILE: 'nobody' },
    code: 4,
  },
  { name: '--help of a command', args: ['delete-store', '--help'], code: 0 },
];

describe('a kscli run in process is the run of the binary', () => {
  for (const c of CASES) {
    it(`${c.name}: exit ${c.code}`, async () => {
      // each run on the demo account as the scenario makes it: the first run's calls are CloudTrail
      // events (and Logs Insights records) the second would otherwise read
      const r = await both(c.args, { extra: c.extra, before: () => t.sandbox.reset() });
      expect(r.child.code, r.child.describe()).toBe(c.code);
      expectSame(r);
    });
  }

  it('--plan-out writes the same plan file, relative to the working directory', async () => {
    const dir = (name: string) => {
      mkdirSync(join(t.ws.dir, name), { recursive: true });
      return join(t.ws.dir, name);
    };
    const args = ['--endpoint-url', t.sandbox.url, 'alarm', DEMO.hsmStore, '--sns-topic-arn', DEMO.topicArn];
    const child = await runKscli([...args, '--plan-out', 'plan.json'], { env: t.env(), cwd: dir('child') });
    const inProcess = await runInProcess([...args, '--plan-out', 'plan.json'], { env: t.env(), cwd: dir('in') });
    expect(inProcess.code, inProcess.describe()).toBe(child.code);
    expect(child.code, child.describe()).toBe(0);
    expect(lines(inProcess.stdout)).toEqual(lines(child.stdout));
    const plan = (name: string) => {
      const doc = JSON.parse(readFileSync(join(t.ws.dir, name, 'plan.json'), 'utf8'));
      return steady(JSON.stringify({ ...doc, planId: undefined })).split(',');
    };
    expect(plan('in'), 'the plan files').toEqual(plan('child'));
  });

  it('an apply: the same requests, output and journal (the demo account reset before each run)', async () => {
    const journal = join(t.ws.home, '.kscli', 'journal');
    const before = async () => {
      await t.sandbox.reset();
      if (existsSync(journal)) rmSync(journal, { recursive: true });
    };
    const args = ['alarm', DEMO.hsmStore, '--sns-topic-arn', DEMO.topicArn, '--yes', '--output', 'json'];
    const r = await both(args, { before, read: () => readJournalText(journal) });
    expect(r.child.code, r.child.describe()).toBe(0);
    expect(r.childRequests.some((q) => q.operation === 'PutMetricAlarm')).toBe(true);
    expectSame(r);
    expect(r.childFiles.length, 'the child journaled the apply').toBeGreaterThan(0);
    expect(r.inProcessFiles, 'the journal').toEqual(r.childFiles);
  });
});

/** every journal file's lines, without times and run IDs */
function readJournalText(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readJournalFiles(dir).map((line) => steady(line.replace(/"runId":"[^"]*"/g, '"runId":"<run>"')));
}

function readJournalFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter((l) => l !== ''),
    );
}
