#!/usr/bin/env node
/**
 * kscli's CPU per call of the per-resource operations of the direct data-at-rest search
 * (DescribeTable, GetBucketEncryption), quotas lifted (sandbox --no-quotas, kscli's pacing raised),
 * so that CPU alone sets the pace: N calls each through the real ports (createAwsPorts, as kscli
 * runs them), POOL in flight, after a warm-up; prints calls/s and the CPU per call of kscli (this
 * process) and of the sandbox. With --profile, writes each operation's V8 CPU profile to DIR.
 *
 *   npm run build && node bench/micro-calls.mjs [--calls N] [--pool N] [--profile DIR]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { cpuSecondsOf, killAll, killAllNow, removeDir, startServer, stop } from './lib/children.mjs';
import { BIN, ROOT, childEnv, makeTempDir, resetLarge } from './lib/kscli.mjs';

const { values: opt } = parseArgs({
  options: {
    calls: { type: 'string', default: '1000' },
    pool: { type: 'string', default: '16' },
    profile: { type: 'string' },
  },
});
const N = Number(opt.calls);
const POOL = Number(opt.pool);
const tmp = makeTempDir('kscli-micro-');
const home = join(tmp, 'home');
mkdirSync(home);
process.on('exit', () => {
  killAllNow();
  removeDir(tmp);
});
const mod = (path) => import(pathToFileURL(join(ROOT, 'dist', ...path.split('/'))).href);

try {
  const statePath = join(tmp, 'state.json');
  // 6% of the resources are tables, 5% buckets: enough of each for N calls
  await resetLarge(statePath, 200, 200, home, { resources: Math.ceil((N + 100) / 0.05) });
  const { child, firstLine } = await startServer(
    process.execPath,
    [BIN, 'sandbox', 'serve', '--port', '0', '--state', statePath, '--latency-ms', '20', '--no-quotas'],
    { env: childEnv(home), cwd: home, timeoutMs: 120_000 },
  );
  const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(firstLine)[1];
  const [{ createAwsPorts }, { pool }] = await Promise.all([mod('aws/index.js'), mod('workflow/evidence/gather.js')]);
  const lifted = { DescribeTable: 1e6, GetBucketEncryption: 1e6, ListTables: 1e6, ListBuckets: 1e6 };
  const aws = createAwsPorts({
    region: 'us-east-1',
    endpointUrl: url,
    maxRps: lifted,
    credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-not-a-secret' },
  });
  const ddb = aws.dynamodb('us-east-1');
  const s3 = aws.s3('us-east-1');
  const tables = (await ddb.listTables()).slice(0, N);
  const buckets = (await s3.listBuckets()).slice(0, N);
  await pool(tables.slice(0, 50), POOL, async (t) => void (await ddb.tableKmsKey(t)));
  await pool(buckets.slice(0, 50), POOL, async (b) => void (await s3.bucketKmsKey(b.name)));
  for (const [name, items, call] of [
    ['DescribeTable', tables, (t) => ddb.tableKmsKey(t)],
    ['GetBucketEncryption', buckets, (b) => s3.bucketKmsKey(b.name)],
  ]) {
    const session = new Session();
    if (opt.profile) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const cpu0 = process.cpuUsage();
    const sandbox0 = cpuSecondsOf(child.pid);
    const t0 = performance.now();
    await pool(items, POOL, async (x) => void (await call(x)));
    const wallS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const sandboxS = cpuSecondsOf(child.pid) - sandbox0;
    if (opt.profile) {
      mkdirSync(opt.profile, { recursive: true });
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(join(opt.profile, `${name}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    }
    const perCall = (s) => ((s * 1000) / items.length).toFixed(3);
    process.stdout.write(
      `${name}: ${items.length} calls, ${wallS.toFixed(2)} s (${(items.length / wallS).toFixed(0)}/s), kscli ${perCall((cpu.user + cpu.system) / 1e6)} ms/call, sandbox ${perCall(sandboxS)} ms/call\n`,
    );
  }
  await stop(child);
} finally {
  await killAll();
}
