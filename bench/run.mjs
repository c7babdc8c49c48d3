#!/usr/bin/env node
/**
 * kscli's benchmark (issue 5): `npm run bench` (= npm run build && node bench/run.mjs).
 *
 * Starts the sandbox (`kscli sandbox serve --latency-ms 20`, AWS's quotas on) over temporary state
 * made by `kscli sandbox reset --scenario large`, runs each measurement with the compared commands
 * alternating and several runs each, and prints one line per target: measured (median), floor or
 * baseline, ratio, target, PASS/FAIL. The same goes to bench/results.json.
 *
 * Timings on shared machines are noisy, so a FAIL does not fail the run: the exit code is 0 unless
 * the harness itself broke (a command that could not be measured, a crash). Every child process is
 * killed and the temporary directory removed at the end, on error and on Ctrl-C too.
 *
 * Options: --only startup,find-keys,memory,usage,usage-logs,inventory   --rounds N (find-keys runs, default 3)
 *          (run one group alone, e.g. `npm run build && node bench/run.mjs --only usage-logs`)
 *          --usage-logs-keys N (keys of the store of the usage-logs-10k row, default 10000)
 *          --aws-sample N (describe-key processes timed, default 30)   --usage-runs N (max, default 3)
 *          --startup-runs N (default 15)   --budget-s N (whole run, default 560)   --keep (keep temp dir)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { available, killAll, killAllNow, removeDir, stop } from './lib/children.mjs';
import {
  childEnv,
  makeTempDir,
  RequestLogReader,
  resetLarge,
  ROOT,
  serveSandbox,
  storeWithKeys,
} from './lib/kscli.mjs';
import { formatRow, row, verdict } from './lib/row.mjs';
import { findKeysRows } from './rows/find-keys.mjs';
import { memoryRows } from './rows/memory.mjs';
import { startupRows } from './rows/startup.mjs';
import { usageRow } from './rows/usage.mjs';
import { usageLogs10kRow, usageLogs200Row } from './rows/usage-logs.mjs';
import { dependentsRows } from './rows/dependents.mjs';
import { inventoryRows, resetOrg, ORG } from './rows/inventory.mjs';

const { values: opt } = parseArgs({
  options: {
    only: { type: 'string', default: 'startup,find-keys,memory,usage,usage-logs,inventory,dependents' },
    'usage-logs-keys': { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '3' },
    'aws-sample': { type: 'string', default: '30' },
    'usage-runs': { type: 'string', default: '3' },
    'startup-runs': { type: 'string', default: '15' },
    'memory-runs': { type: 'string', default: '1' },
    'budget-s': { type: 'string', default: '560' },
    keep: { type: 'boolean', default: false },
  },
});
const only = new Set(opt.only.split(',').map((s) => s.trim()));
const int = (name) => {
  const n = Number(opt[name]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} ${opt[name]}: expected a whole number >= 1`);
  return n;
};

/** The account of the speed rows and the memory rows (issue 5's targets table). */
const KEYS = 10_000;
const STORE_KEYS = 200;
const MEMORY_KEYS = 100_000;
const RESULTS = join(ROOT, 'bench', 'results.json');

const startedAt = performance.now();
const elapsedS = () => (performance.now() - startedAt) / 1000;
const budgetS = int('budget-s');
const say = (line) => process.stdout.write(`${line}\n`);

const tmp = makeTempDir();
const home = join(tmp, 'home');
mkdirSync(home);
const rows = [];
let broken = false;

let interrupted = false;
let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  await killAll();
  if (!opt.keep) removeDir(tmp);
}
process.on('exit', () => {
  killAllNow();
  if (!opt.keep) removeDir(tmp);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    interrupted = true;
    say(`\ninterrupted (${signal}): stopping every child process`);
    cleanup().finally(() => process.exit(130));
  });
}

/** Runs one group of rows; an exception becomes an ERROR row and marks the run as broken. */
async function section(name, ids, fn) {
  if (!only.has(name) || interrupted) return;
  say(`\n== ${name} (t=${elapsedS().toFixed(0)} s)`);
  try {
    rows.push(...(await fn()));
  } catch (e) {
    broken = true;
    say(`  ERROR: ${e.message}`);
    for (const id of ids)
      rows.push(
        row({
          id,
          what: `${name}: could not be measured`,
          measured: null,
          unit: '',
          referenceKind: '-',
          reference: null,
          ratio: null,
          target: '-',
          pass: null,
          note: `ERROR: ${e.message.split('\n')[0]}`,
          error: e.message,
        }),
      );
  }
}

async function main() {
  const kscliVersion = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  const awsVersion = await available('aws', childEnv(home));
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '?',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
  say(
    `kscli ${kscliVersion} benchmark, ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}`,
  );
  say(`AWS CLI: ${awsVersion ?? 'not on PATH (the AWS CLI baselines are skipped)'}`);
  say(`sandbox: kscli sandbox serve --latency-ms 20 with AWS's request quotas; temp dir ${tmp}`);

  await section('startup', ['startup-version', 'startup-help'], () =>
    startupRows({ home, runs: int('startup-runs'), awsVersion, say }),
  );

  await section('find-keys', ['find-keys-vs-floor', 'find-keys-vs-aws-cli'], async () => {
    const statePath = join(tmp, 'find-keys.json');
    const reset = await resetLarge(statePath, KEYS, STORE_KEYS, home);
    const storeId = storeWithKeys(reset.status, STORE_KEYS);
    say(
      `  sandbox reset --scenario large --keys ${KEYS} --store-keys ${STORE_KEYS}: ${(reset.wallMs / 1000).toFixed(1)} s; store ${storeId}`,
    );
    const sandbox = await serveSandbox(statePath, { home, latencyMs: 20 });
    try {
      return await findKeysRows({
        home,
        url: sandbox.url,
        storeId,
        totalKeys: KEYS,
        storeKeys: STORE_KEYS,
        sandboxPid: sandbox.pid,
        log: new RequestLogReader(statePath),
        rounds: int('rounds'),
        awsSample: int('aws-sample'),
        awsVersion,
        say,
      });
    } finally {
      await stop(sandbox.child);
    }
  });

  await section('memory', ['memory-100k', 'memory-growth'], async () => {
    const small = { statePath: join(tmp, 'memory-small.json'), keys: KEYS };
    const large = { statePath: join(tmp, 'memory-large.json'), keys: MEMORY_KEYS };
    for (const s of [small, large]) {
      const reset = await resetLarge(s.statePath, s.keys, STORE_KEYS, home);
      s.storeId = storeWithKeys(reset.status, STORE_KEYS);
      say(
        `  sandbox reset --scenario large --keys ${s.keys} --store-keys ${STORE_KEYS}: ${(reset.wallMs / 1000).toFixed(1)} s`,
      );
    }
    return memoryRows({ home, small, large, storeKeys: STORE_KEYS, runs: int('memory-runs'), say });
  });

  await section('usage', ['usage-vs-floor'], async () => {
    const statePath = join(tmp, 'usage.json');
    const reset = await resetLarge(statePath, KEYS, STORE_KEYS, home);
    const storeId = storeWithKeys(reset.status, STORE_KEYS);
    const sandbox = await serveSandbox(statePath, { home, latencyMs: 20 });
    try {
      return [
        await usageRow({
          home,
          url: sandbox.url,
          storeId,
          storeKeys: STORE_KEYS,
          sandboxPid: sandbox.pid,
          log: new RequestLogReader(statePath),
          maxRuns: int('usage-runs'),
          budgetLeftS: () => budgetS - elapsedS() - 10,
          say,
        }),
      ];
    } finally {
      await stop(sandbox.child);
    }
  });

  await section(
    'usage-logs',
    ['usage-logs-200', 'usage-logs-10k-vs-floor', 'usage-logs-10k-vs-api-floor'],
    async () => {
      const statePath = join(tmp, 'usage-logs.json');
      const reset = await resetLarge(statePath, KEYS, STORE_KEYS, home);
      const storeId = storeWithKeys(reset.status, STORE_KEYS);
      const sandbox = await serveSandbox(statePath, { home, latencyMs: 20 });
      const out = [];
      try {
        out.push(await usageLogs200Row({ home, url: sandbox.url, storeId, storeKeys: STORE_KEYS, statePath, say }));
      } finally {
        await stop(sandbox.child);
      }
      out.push(...(await usageLogs10kRow({ home, tmp, keys: int('usage-logs-keys'), say })));
      return out;
    },
  );

  await section('inventory', ['inventory-org-time', 'inventory-org-rss', 'inventory-vs-aws-cli'], async () => {
    const statePath = join(tmp, 'org.json');
    const reset = await resetOrg(statePath, home);
    say(
      `  sandbox reset --scenario org --accounts ${ORG.accounts} --regions ${ORG.regions} --stores ${ORG.stores}: ${(reset.wallMs / 1000).toFixed(1)} s`,
    );
    return inventoryRows({ home, statePath, awsVersion, awsSample: 10, say });
  });

  await section('dependents', ['dependents-config-10k', 'dependents-direct-10k'], async () =>
    dependentsRows({ home, tmp, say }),
  );

  say(`\n== results (${elapsedS().toFixed(0)} s in all; medians; PASS/FAIL per target, timings are from this machine)`);
  for (const r of rows) say(formatRow(r));
  say('');
  for (const r of rows) if (r.note) say(`${r.id}: ${r.note}`);
  const passed = rows.filter((r) => r.pass === true).length;
  say(
    `\n${passed} of ${rows.length} targets PASS${broken ? '; the harness could not measure some rows (exit 1)' : ''}`,
  );

  writeFileSync(
    RESULTS,
    `${JSON.stringify(
      {
        schemaVersion: 1,
        generatedAt: new Date().toISOString(),
        command: 'npm run bench',
        kscliVersion,
        awsCliVersion: awsVersion ?? null,
        machine,
        sandbox: { latencyMs: 20, quotas: 'AWS defaults (aws-facts.md section 6), raised for the memory rows only' },
        durationS: Math.round(elapsedS()),
        rows: rows.map((r) => ({ ...r, verdict: verdict(r) })),
      },
      null,
      2,
    )}\n`,
  );
  say(`wrote ${RESULTS}`);
}

try {
  await main();
} catch (e) {
  broken = true;
  say(`benchmark harness error: ${e.stack ?? e}`);
} finally {
  await cleanup();
}
process.exitCode = broken ? 1 : 0;
