#!/usr/bin/env node
/**
 * Where does the direct data-at-rest search (bench row dependents-direct-10k) spend its time and
 * CPU? Runs the direct search in-process (as the row does) against `kscli sandbox serve`
 * (--latency-ms 20, AWS's quotas), prints the wall time, the quota floor, the calls by operation
 * with when each operation's calls ran, and the CPU each process used; with --profile, both
 * processes run under `node --cpu-prof` and each one's hottest packages and functions are printed.
 *
 *   npm run build && node bench/profile-dependents.mjs [--keys N] [--resources N] [--profile] [--keep]
 *
 * kscli's profile covers the search alone (the inspector's profiler runs around it, not around the
 * key scan that precedes it); the sandbox's covers the whole server process.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { cpuSecondsOf, killAll, killAllNow, removeDir, stop } from './lib/children.mjs';
import {
  ROOT,
  answered,
  countCalls,
  makeTempDir,
  resetLarge,
  serveSandbox,
  storeWithKeys,
  timeline,
  RequestLogReader,
} from './lib/kscli.mjs';
import { summariseProfile } from './lib/cpu-profile.mjs';

const { values: opt } = parseArgs({
  options: {
    keys: { type: 'string', default: '2000' },
    resources: { type: 'string', default: '10000' },
    profile: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    top: { type: 'string', default: '20' },
  },
});
const say = (line) => process.stdout.write(`${line}\n`);
const tmp = makeTempDir('kscli-profile-dependents-');
const home = join(tmp, 'home');
mkdirSync(home);
process.on('exit', () => {
  killAllNow();
  if (!opt.keep) removeDir(tmp);
});

const mod = (path) => import(pathToFileURL(join(ROOT, 'dist', ...path.split('/'))).href);

function print(label, file) {
  const s = summariseProfile(file, Number(opt.top));
  say(`\n${label}: ${s.totalMs} ms of CPU sampled`);
  say('  by package / file:');
  for (const [k, ms] of s.byOwner.slice(0, 15)) say(`    ${String(ms).padStart(8)} ms  ${k}`);
  say('  hottest functions (self time):');
  for (const [k, ms] of s.byFunction) say(`    ${String(ms).padStart(8)} ms  ${k}`);
}

try {
  const keys = Number(opt.keys);
  const statePath = join(tmp, 'state.json');
  const reset = await resetLarge(statePath, keys, keys, home, {
    resources: Number(opt.resources),
    timeoutMs: 600_000,
  });
  const storeId = storeWithKeys(reset.status, keys);
  const sandboxDir = join(tmp, 'prof-sandbox');
  const { child, url } = await serveSandbox(statePath, {
    home,
    nodeArgs: opt.profile ? ['--cpu-prof', '--cpu-prof-dir', sandboxDir] : [],
  });
  const [{ createAwsPorts }, { gatherDependents }, { OPERATION_QUOTAS }] = await Promise.all([
    mod('aws/index.js'),
    mod('workflow/evidence/dependents/gather.js'),
    mod('aws/quotas.js'),
  ]);
  const aws = createAwsPorts({
    region: 'us-east-1',
    endpointUrl: url,
    credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-not-a-secret' },
  });
  const scanned = await aws.kms().scanKeys((k) => k.customKeyStoreId === storeId);
  const log = new RequestLogReader(statePath);
  const mark = log.mark();
  const session = new Session();
  if (opt.profile) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const sandboxCpu0 = cpuSecondsOf(child.pid);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const startedAt = Date.now();
  const result = await gatherDependents(aws, scanned, { mode: 'direct', region: 'us-east-1' });
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const sandboxCpuS = cpuSecondsOf(child.pid) - sandboxCpu0;
  const kscliProfile = join(tmp, 'kscli.cpuprofile');
  if (opt.profile) writeFileSync(kscliProfile, JSON.stringify((await session.post('Profiler.stop')).profile));
  const entries = log.since(mark);
  const calls = countCalls(entries);
  let floorS = 0;
  let by = '-';
  let total = 0;
  for (const op of Object.keys(calls)) total += answered(calls, op);
  for (const [op, quota] of Object.entries(OPERATION_QUOTAS)) {
    const n = answered(calls, op);
    if (n && n / quota > floorS) {
      floorS = n / quota;
      by = `${op} ${n} / ${quota} per s`;
    }
  }
  const kscliCpuS = (cpu.user + cpu.system) / 1e6;
  say(
    `direct search, ${scanned.length} keys, ${opt.resources} resources: ${wallS.toFixed(2)} s wall, floor ${floorS.toFixed(2)} s (${by}), ratio ${(wallS / floorS).toFixed(2)}x`,
  );
  say(
    `  ${total} calls; CPU kscli ${kscliCpuS.toFixed(2)} s (${((kscliCpuS / total) * 1000).toFixed(2)} ms/call), sandbox ${sandboxCpuS.toFixed(2)} s (${((sandboxCpuS / total) * 1000).toFixed(2)} ms/call)`,
  );
  say(`  readers: ${result.run.directReads.map((r) => `${r.reader} ${r.status} ${r.resources}`).join(', ')}`);
  const t = timeline(entries, startedAt);
  for (const [op, p] of Object.entries(t.phases).sort((a, b) => a[1].fromS - b[1].fromS))
    say(
      `  ${op.padEnd(34)} ${String(p.count).padStart(6)} calls  ${p.fromS.toFixed(2)}..${p.toS.toFixed(2)} s  (${calls[op].throttled} throttled)`,
    );
  await stop(child);
  if (opt.profile) print('kscli (the search)', kscliProfile);
  if (opt.profile) print('sandbox serve', join(sandboxDir, readdirSync(sandboxDir)[0]));
  if (opt.keep) say(`\nkept in ${tmp}`);
} finally {
  await killAll();
}
