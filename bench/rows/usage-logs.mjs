/**
 * `kscli usage` when the trail's log group covers the window (issue 10): one Logs Insights query
 * instead of per-key GetKeyLastUsage (5/s) and LookupEvents (2/s) calls. Same sandbox settings as
 * the other rows: 20 ms latency, AWS's request quotas; the large scenario's usage history (log group
 * retention 400 days).
 *
 * usage-logs-200:  the store's 200 keys through the log group, against the per-key API path
 *                  measured in the same run (--evidence api): <= 10 s and >= 10x faster.
 * usage-logs-10k:  a store of 10,000 keys through the log group, against the floor the per-key
 *                  calls that remain force (key policy, grants, aliases, and the key scan: the
 *                  slowest of calls / quota per operation, from the sandbox request log), <= 1.3x;
 *                  and against the API path's quota floor, COMPUTED, not run (83 minutes):
 *                  max(keys / 5 GetKeyLastUsage, keys / 2 LookupEvents), >= 40x.
 * Each run must use the log group (evidence.source logs-insights) and make no per-key
 * GetKeyLastUsage or LookupEvents call; otherwise the row fails whatever the time.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  answered,
  countCalls,
  kscli,
  resetLarge,
  ROOT,
  serveSandbox,
  storeWithKeys,
  timeline,
  RequestLogReader,
} from '../lib/kscli.mjs';
import { stop } from '../lib/children.mjs';
import { median, round } from '../lib/stats.mjs';
import { row } from '../lib/row.mjs';

const API_FLOOR_QUOTAS = { GetKeyLastUsage: 5, LookupEvents: 2 };

/** The per-key calls that remain on the log-group path, and the floor their quotas force. */
async function remainingFloor(calls) {
  const { OPERATION_QUOTAS } = await import(pathToFileURL(join(ROOT, 'dist', 'aws', 'quotas.js')).href);
  let floorS = 0;
  let by = '-';
  const perOp = {};
  for (const [op, quota] of Object.entries(OPERATION_QUOTAS)) {
    const n = answered(calls, op);
    if (!n) continue;
    perOp[op] = { calls: n, quota, seconds: round(n / quota) };
    if (n / quota > floorS) {
      floorS = n / quota;
      by = `${op} ${n} / ${quota} per s`;
    }
  }
  return { floorS, by, perOp };
}

async function usageRun({ home, url, storeId, log, evidence, timeoutMs }) {
  const mark = log.mark();
  const r = await kscli(['--endpoint-url', url, '--output', 'json', 'usage', storeId, '--evidence', evidence], {
    home,
    measure: true,
    timeoutMs,
  });
  const entries = log.since(mark);
  const calls = countCalls(entries);
  let doc = null;
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    /* reported below */
  }
  return {
    wallS: r.wallMs / 1000,
    exitCode: r.code,
    keys: doc?.keys?.length ?? null,
    source: doc?.evidence?.source ?? null,
    verdicts: doc ? Object.fromEntries(doc.keys.map((k) => [k.keyId, k.verdict])) : null,
    queries: doc?.evidence?.queries ?? [],
    calls,
    timeline: timeline(entries, r.startedAtMs),
    stderrTail: r.stderr.trim().slice(-300),
  };
}

const perKeyUseCalls = (run) => answered(run.calls, 'GetKeyLastUsage') + answered(run.calls, 'LookupEvents');

/** Row usage-logs-200: needs a served large scenario whose store has 200 keys. */
export async function usageLogs200Row({ home, url, storeId, storeKeys, statePath, say }) {
  const log = new RequestLogReader(statePath);
  const logsRuns = [];
  // two log-group runs around one API run: the API path takes minutes, the log-group path seconds
  logsRuns.push(await usageRun({ home, url, storeId, log, evidence: 'auto', timeoutMs: 120_000 }));
  say(
    `  usage ${storeKeys} keys via logs: ${logsRuns[0].wallS.toFixed(2)} s, exit ${logsRuns[0].exitCode}, source ${logsRuns[0].source}, per-key use calls ${perKeyUseCalls(logsRuns[0])}`,
  );
  const api = await usageRun({ home, url, storeId, log, evidence: 'api', timeoutMs: 600_000 });
  say(
    `  usage ${storeKeys} keys via the per-key APIs: ${api.wallS.toFixed(1)} s, exit ${api.exitCode} (${answered(api.calls, 'LookupEvents')} LookupEvents, ${answered(api.calls, 'GetKeyLastUsage')} GetKeyLastUsage)`,
  );
  logsRuns.push(await usageRun({ home, url, storeId, log, evidence: 'auto', timeoutMs: 120_000 }));
  say(`  usage ${storeKeys} keys via logs: ${logsRuns[1].wallS.toFixed(2)} s, exit ${logsRuns[1].exitCode}`);
  const wallS = median(logsRuns.map((r) => r.wallS));
  const agree = logsRuns.every((r) => JSON.stringify(r.verdicts) === JSON.stringify(api.verdicts));
  const clean =
    logsRuns.every(
      (r) => r.exitCode === 0 && r.keys === storeKeys && r.source === 'logs-insights' && perKeyUseCalls(r) === 0,
    ) && api.exitCode === 0;
  const speedup = api.wallS / wallS;
  return row({
    id: 'usage-logs-200',
    what: `usage, ${storeKeys} keys, via the log group vs the per-key APIs`,
    measured: wallS,
    unit: 's',
    referenceKind: 'baseline',
    reference: api.wallS,
    ratio: speedup,
    target: '<= 10 s and >= 10x faster',
    pass: clean && wallS <= 10 && speedup >= 10,
    note:
      `median of ${logsRuns.length} log-group runs around 1 API-path run (--evidence api) on the same sandbox; ratio = API time / log-group time; ` +
      `verdicts ${agree ? 'identical for every key' : 'DIFFER between the two paths'}; ${clean ? 'every log-group run used the log group with no per-key GetKeyLastUsage or LookupEvents' : 'A RUN DID NOT USE THE LOG GROUP (see details)'}`,
    details: { logsRuns, api, agree },
  });
}

/** Row usage-logs-10k: resets its own state (a store of `keys` keys) and serves it. */
export async function usageLogs10kRow({ home, tmp, keys, say }) {
  const statePath = join(tmp, 'usage-logs-10k.json');
  const reset = await resetLarge(statePath, keys, keys, home);
  const storeId = storeWithKeys(reset.status, keys);
  say(
    `  sandbox reset --scenario large --keys ${keys} --store-keys ${keys}: ${(reset.wallMs / 1000).toFixed(1)} s; store ${storeId}`,
  );
  const sandbox = await serveSandbox(statePath, { home, latencyMs: 20 });
  try {
    const log = new RequestLogReader(statePath);
    const run = await usageRun({ home, url: sandbox.url, storeId, log, evidence: 'auto', timeoutMs: 900_000 });
    const { floorS, by, perOp } = await remainingFloor(run.calls);
    const apiFloorS = Math.max(keys / API_FLOOR_QUOTAS.GetKeyLastUsage, keys / API_FLOOR_QUOTAS.LookupEvents);
    const clean =
      run.exitCode === 0 && run.keys === keys && run.source === 'logs-insights' && perKeyUseCalls(run) === 0;
    say(
      `  usage ${keys} keys via logs: ${run.wallS.toFixed(1)} s, exit ${run.exitCode}, source ${run.source}; floor of the remaining per-key calls ${floorS.toFixed(1)} s (${by}); ` +
        `API path's quota floor ${apiFloorS.toFixed(0)} s (computed); queries ${JSON.stringify(run.queries.map((q) => ({ status: q.status, rows: q.rows, recordsScanned: q.recordsScanned })))}`,
    );
    const ratio = run.wallS / floorS;
    const speedup = apiFloorS / run.wallS;
    return [
      row({
        id: 'usage-logs-10k-vs-floor',
        what: `usage, ${keys} keys, via the log group vs remaining calls' floor`,
        measured: run.wallS,
        unit: 's',
        referenceKind: 'floor',
        reference: floorS,
        ratio,
        target: '<= 1.3x',
        pass: clean && ratio <= 1.3,
        note: `one run; floor = the slowest remaining operation at its quota (${by}), calls counted in the sandbox request log; ${clean ? 'the log group answered, no per-key GetKeyLastUsage or LookupEvents' : 'THE RUN DID NOT USE THE LOG GROUP (see details)'}`,
        details: { run: { ...run, verdicts: undefined }, perOp },
      }),
      row({
        id: 'usage-logs-10k-vs-api-floor',
        what: `usage, ${keys} keys, via the log group vs API path's quota floor`,
        measured: run.wallS,
        unit: 's',
        referenceKind: 'floor',
        reference: apiFloorS,
        ratio: speedup,
        target: '>= 40x faster',
        pass: clean && speedup >= 40,
        note: `the API path's floor is computed, not run: max(${keys} GetKeyLastUsage / ${API_FLOOR_QUOTAS.GetKeyLastUsage} per s, ${keys} LookupEvents / ${API_FLOOR_QUOTAS.LookupEvents} per s) = ${apiFloorS.toFixed(0)} s; ratio = floor / measured`,
      }),
    ];
  } finally {
    await stop(sandbox.child);
  }
}
