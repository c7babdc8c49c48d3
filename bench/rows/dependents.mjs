/**
 * What each key protects (issue 19): the data-at-rest search of a 10,000-key store in an account
 * holding 50,000 resources, same sandbox settings as the other rows (20 ms latency, the sandbox's
 * request quotas: Config Select* 20/s, EC2 describes 20/s, DescribeTable and GetBucketEncryption
 * 100/s, ...).
 *
 * dependents-config-10k:  --dependents config (Config's advanced query, one query per group of
 *                         types, paged 100 rows a page): <= 30 s.
 * dependents-direct-10k:  --dependents direct (every service read directly, concurrently, each
 *                         paced under its own quota), against its quota floor: the slowest
 *                         operation's calls / quota, from the sandbox request log: <= 1.3x.
 * Both report the AWS calls each made (by operation, from the request log), side by side, and the
 * CPU each process spent on the search (kscli: this process; the sandbox: its child) with the
 * machine's load average: the floor is AWS's quotas, so on a machine shared with other work the
 * ratio also measures how much CPU kscli and the local stand-in for AWS were given, and the split
 * says which of the two (real AWS spends its CPU elsewhere).
 *
 * The search runs in-process from dist/ (gatherDependents over createAwsPorts pointed at the
 * sandbox) after the store's keys are scanned, so the row times the search alone, not the key scan
 * or the per-key use evidence (other rows time those).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  answered,
  countCalls,
  resetLarge,
  ROOT,
  serveSandbox,
  storeWithKeys,
  RequestLogReader,
} from '../lib/kscli.mjs';
import { loadavg } from 'node:os';
import { cpuSecondsOf, stop } from '../lib/children.mjs';
import { round } from '../lib/stats.mjs';
import { row } from '../lib/row.mjs';

const DATA_OPS = new Set([
  'DescribeConfigurationRecorders',
  'DescribeConfigurationRecorderStatus',
  'SelectResourceConfig',
  'ListBuckets',
  'GetBucketLocation',
  'GetBucketEncryption',
  'DescribeVolumes',
  'DescribeSnapshots',
  'DescribeDBInstances',
  'DescribeDBClusters',
  'DescribeDBSnapshots',
  'DescribeDBClusterSnapshots',
  'ListTables',
  'DescribeTable',
  'ListBackupVaults',
  'ListRecoveryPointsByBackupVault',
  'ListSecrets',
  'DescribeLogGroups',
  'DescribeParameters',
  'ListAliases',
]);

const mod = (path) => import(pathToFileURL(join(ROOT, 'dist', ...path.split('/'))).href);

async function search({ url, storeId, mode, log, sandboxPid }) {
  const [{ createAwsPorts }, { gatherDependents }] = await Promise.all([
    mod('aws/index.js'),
    mod('workflow/evidence/dependents/gather.js'),
  ]);
  const aws = createAwsPorts({
    region: 'us-east-1',
    endpointUrl: url,
    credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-not-a-secret' },
  });
  const keys = await aws.kms().scanKeys((k) => k.customKeyStoreId === storeId);
  const mark = log.mark();
  const cpu0 = process.cpuUsage();
  const sandboxCpu0 = cpuSecondsOf(sandboxPid);
  const t0 = performance.now();
  const result = await gatherDependents(aws, keys, { mode, region: 'us-east-1' });
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const sandboxCpu1 = cpuSecondsOf(sandboxPid);
  const cpuS = {
    kscli: round((cpu.user + cpu.system) / 1e6),
    sandbox: sandboxCpu0 === undefined || sandboxCpu1 === undefined ? null : round(sandboxCpu1 - sandboxCpu0),
  };
  const load1 = round(loadavg()[0]);
  const calls = countCalls(log.since(mark).filter((e) => DATA_OPS.has(e.operation)));
  const found = [...result.byKey.values()].reduce((n, d) => n + d.resources.length, 0);
  const gaps = result.run.coverage.filter((c) => c.core && c.by === 'not-covered').map((c) => c.resourceType);
  return {
    wallS,
    keys: keys.length,
    calls,
    found,
    gaps,
    queries: result.run.queries.map((q) => [q.pages, q.rows]),
    cpuS,
    load1,
  };
}

async function quotaFloor(calls) {
  const { OPERATION_QUOTAS } = await mod('aws/quotas.js');
  let floorS = 0;
  let by = '-';
  for (const [op, quota] of Object.entries(OPERATION_QUOTAS)) {
    const n = answered(calls, op);
    if (n && n / quota > floorS) {
      floorS = n / quota;
      by = `${op} ${n} / ${quota} per s`;
    }
  }
  return { floorS, by };
}

/** `kscli CPU 5.1 s (0.9 ms/call), sandbox 4.0 s; load 3.2` */
function cpuNote(r) {
  const n = total(r.calls);
  const per = n ? ` (${((r.cpuS.kscli * 1000) / n).toFixed(2)} ms/call)` : '';
  const sandbox = r.cpuS.sandbox === null ? '' : `, sandbox ${r.cpuS.sandbox.toFixed(1)} s`;
  return `CPU kscli ${r.cpuS.kscli.toFixed(1)} s${per}${sandbox}; load average ${r.load1}`;
}

const total = (calls) => Object.keys(calls).reduce((n, op) => n + answered(calls, op), 0);

export async function dependentsRows({ home, tmp, keys = 10_000, resources = 50_000, say }) {
  const statePath = join(tmp, 'dependents.json');
  const { status } = await resetLarge(statePath, keys, keys, home, { resources, timeoutMs: 600_000 });
  const storeId = storeWithKeys(status, keys);
  const sandbox = await serveSandbox(statePath, { home, latencyMs: 20 });
  try {
    const log = new RequestLogReader(statePath);
    const config = await search({ url: sandbox.url, storeId, mode: 'config', log, sandboxPid: sandbox.pid });
    say(
      `  dependents via Config: ${config.wallS.toFixed(1)} s, ${total(config.calls)} calls, ${config.found} resources found, gaps ${config.gaps.join(', ') || 'none'}; ${cpuNote(config)}`,
    );
    const direct = await search({ url: sandbox.url, storeId, mode: 'direct', log, sandboxPid: sandbox.pid });
    const { floorS, by } = await quotaFloor(direct.calls);
    say(
      `  dependents via direct reads: ${direct.wallS.toFixed(1)} s, ${total(direct.calls)} calls, floor ${floorS.toFixed(1)} s (${by}); ${cpuNote(direct)}`,
    );
    const side = `Config ${total(config.calls)} calls (${JSON.stringify(config.queries)} pages/rows per query) vs direct ${total(direct.calls)} calls`;
    return [
      row({
        id: 'dependents-config-10k',
        what: `dependents of a ${config.keys}-key store, ${resources} resources, via AWS Config`,
        measured: config.wallS,
        unit: 's',
        referenceKind: 'target',
        reference: 30,
        ratio: config.wallS / 30,
        target: '<= 30 s',
        pass: config.wallS <= 30 && config.keys === keys,
        note: `${side}; ${cpuNote(config)}`,
        details: config,
      }),
      row({
        id: 'dependents-direct-10k',
        what: `dependents of a ${direct.keys}-key store, ${resources} resources, direct reads vs quota floor`,
        measured: direct.wallS,
        unit: 's',
        referenceKind: 'floor',
        reference: round(floorS),
        ratio: direct.wallS / floorS,
        target: '<= 1.3x',
        pass: direct.wallS / floorS <= 1.3 && direct.keys === keys,
        note: `${side}; floor: ${by}; ${cpuNote(direct)}`,
        details: direct,
      }),
    ];
  } finally {
    await stop(sandbox.child);
  }
}
