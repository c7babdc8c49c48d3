#!/usr/bin/env node
/**
 * Where does find-keys spend its CPU? Runs ONE `kscli find-keys` over the large scenario (10,000
 * keys) against the sandbox (--latency-ms 20, AWS's quotas), both processes under `node --cpu-prof`,
 * and prints each one's CPU time by package and its hottest functions.
 *
 *   npm run build && node bench/profile.mjs [--keys N] [--raise-quotas] [--keep]
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { killAll, killAllNow, removeDir, stop } from './lib/children.mjs';
import { kscli, makeTempDir, resetLarge, serveSandbox, storeWithKeys } from './lib/kscli.mjs';
import { summariseProfile } from './lib/cpu-profile.mjs';

const { values: opt } = parseArgs({
  options: {
    keys: { type: 'string', default: '10000' },
    keep: { type: 'boolean', default: false },
    top: { type: 'string', default: '20' },
    'raise-quotas': { type: 'boolean', default: false },
  },
});
// --raise-quotas: the sandbox's DescribeKey/ListKeys quotas and kscli's --max-rps lifted (as the memory rows of run.mjs do)
const serveQuotas = opt['raise-quotas'] ? ['--quota', 'DescribeKey=100000', '--quota', 'ListKeys=10000'] : [];
const maxRps = opt['raise-quotas'] ? ['--max-rps', 'DescribeKey=100000', '--max-rps', 'ListKeys=10000'] : [];
const say = (line) => process.stdout.write(`${line}\n`);
const tmp = makeTempDir('kscli-profile-');
const home = join(tmp, 'home');
mkdirSync(home);
process.on('exit', () => {
  killAllNow();
  if (!opt.keep) removeDir(tmp);
});

function print(label, file) {
  const s = summariseProfile(file, Number(opt.top));
  say(`\n${label}: ${s.totalMs} ms of CPU sampled`);
  say('  by package / file:');
  for (const [k, ms] of s.byOwner) say(`    ${String(ms).padStart(8)} ms  ${k}`);
  say('  hottest functions (self time):');
  for (const [k, ms] of s.byFunction) say(`    ${String(ms).padStart(8)} ms  ${k}`);
}

try {
  const statePath = join(tmp, 'state.json');
  const reset = await resetLarge(statePath, Number(opt.keys), 200, home);
  const storeId = storeWithKeys(reset.status, 200);
  const sandboxDir = join(tmp, 'prof-sandbox');
  const kscliDir = join(tmp, 'prof-kscli');
  const { child, url } = await serveSandbox(statePath, {
    home,
    extraArgs: serveQuotas,
    nodeArgs: ['--cpu-prof', '--cpu-prof-dir', sandboxDir],
  });
  const r = await kscli(['--endpoint-url', url, ...maxRps, '--output', 'json', 'find-keys', storeId], {
    home,
    measure: true,
    nodeArgs: ['--cpu-prof', '--cpu-prof-dir', kscliDir],
    timeoutMs: 300_000,
  });
  await stop(child);
  say(
    `find-keys over ${opt.keys} keys: exit ${r.code}, ${(r.wallMs / 1000).toFixed(2)} s wall, kscli CPU ${(r.usage.userCpuS + r.usage.systemCpuS).toFixed(2)} s, peak RSS ${(r.usage.maxRssKb / 1024).toFixed(0)} MB`,
  );
  print('kscli find-keys', join(kscliDir, readdirSync(kscliDir)[0]));
  print('sandbox serve', join(sandboxDir, readdirSync(sandboxDir)[0]));
  if (opt.keep) say(`\nprofiles kept in ${kscliDir} and ${sandboxDir}`);
} finally {
  await killAll();
}
