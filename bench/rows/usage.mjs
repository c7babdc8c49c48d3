/**
 * `kscli usage` over the store's 200 keys, against the floor that the two slow quotas force:
 * GetKeyLastUsage at 5/s and CloudTrail LookupEvents at 2/s (aws-facts.md sections 5 and 6). The
 * floor is computed from the calls kscli actually made (the sandbox request log, answered calls
 * only), so it stays honest whatever the evidence module decides to ask. No throttling error may
 * reach the user: exit 0 and no word of throttling on stderr.
 * `--evidence api`: this row measures the per-key path at its quota floor; since issue 10 the
 * default (auto) answers from the trail's log group when it covers the window (the usage-logs rows).
 */
import { cpuSecondsOf } from '../lib/children.mjs';
import { answered, countCalls, kscli, timeline } from '../lib/kscli.mjs';
import { median, round } from '../lib/stats.mjs';
import { row } from '../lib/row.mjs';

const GET_KEY_LAST_USAGE_QUOTA = 5;
const LOOKUP_EVENTS_QUOTA = 2;
const TARGET = 1.15;

/**
 * Runs as many times as the budget allows (at least once, at most `maxRuns`): `budgetLeftS()` is
 * asked before each further run, with the duration of the last run.
 */
export async function usageRow(ctx) {
  const { home, url, storeId, storeKeys, sandboxPid, log, maxRuns, budgetLeftS, say } = ctx;
  const runs = [];
  let lastS = 0;
  while (runs.length < maxRuns && (runs.length === 0 || budgetLeftS() > lastS * 1.1)) {
    const mark = log.mark();
    const cpuBefore = cpuSecondsOf(sandboxPid);
    const r = await kscli(['--endpoint-url', url, '--output', 'json', 'usage', storeId, '--evidence', 'api'], {
      home,
      measure: true,
      timeoutMs: 400_000,
    });
    const sandboxCpuS = cpuSecondsOf(sandboxPid) - cpuBefore;
    const entries = log.since(mark);
    const calls = countCalls(entries);
    const when = timeline(entries, r.startedAtMs);
    const gklu = answered(calls, 'GetKeyLastUsage');
    const lookups = answered(calls, 'LookupEvents');
    const floorS = Math.max(gklu / GET_KEY_LAST_USAGE_QUOTA, lookups / LOOKUP_EVENTS_QUOTA);
    let keys = null;
    try {
      keys = JSON.parse(r.stdout).keys.length;
    } catch {
      /* reported below */
    }
    const throttledOnStderr = /throttl|rate exceeded/i.test(r.stderr);
    const one = {
      wallS: r.wallMs / 1000,
      exitCode: r.code,
      keys,
      floorS,
      getKeyLastUsageCalls: gklu,
      lookupEventsCalls: lookups,
      throttledBySandbox: Object.fromEntries(
        Object.entries(calls)
          .filter(([, c]) => c.throttled > 0)
          .map(([op, c]) => [op, c.throttled]),
      ),
      throttlingReachedUser: r.code !== 0 || throttledOnStderr,
      stderrTail: r.stderr.trim().slice(-300),
      kscliCpuS: r.usage ? round(r.usage.userCpuS + r.usage.systemCpuS) : null,
      sandboxCpuS: Number.isFinite(sandboxCpuS) ? round(sandboxCpuS) : null,
      calls,
      timeline: when,
    };
    runs.push(one);
    lastS = one.wallS;
    say(
      `  usage run ${runs.length}: ${one.wallS.toFixed(1)} s, exit ${r.code}, ${keys ?? '?'} keys; ${gklu} GetKeyLastUsage + ${lookups} LookupEvents ` +
        `(floor ${floorS.toFixed(1)} s); throttled by the sandbox: ${JSON.stringify(one.throttledBySandbox)}${one.throttlingReachedUser ? `; REACHED THE USER: ${one.stderrTail}` : ''}; ` +
        `scan ${when.phases.DescribeKey?.fromS.toFixed(1)}..${when.phases.DescribeKey?.toS.toFixed(1)} s, LookupEvents ${when.phases.LookupEvents?.fromS.toFixed(1)}..${when.phases.LookupEvents?.toS.toFixed(1)} s, ` +
        `GetKeyLastUsage ${when.phases.GetKeyLastUsage?.fromS.toFixed(1)}..${when.phases.GetKeyLastUsage?.toS.toFixed(1)} s, last request at ${when.lastRequestS?.toFixed(1)} s`,
    );
    if (r.code !== 0) break;
  }
  const wallS = median(runs.map((r) => r.wallS));
  const floorS = median(runs.map((r) => r.floorS));
  const clean = runs.every((r) => !r.throttlingReachedUser && r.keys === storeKeys);
  return row({
    id: 'usage-vs-floor',
    what: `usage, ${storeKeys} keys, vs quota floor (no throttling error shown)`,
    measured: wallS,
    unit: 's',
    referenceKind: 'floor',
    reference: floorS,
    ratio: wallS / floorS,
    target: `<= ${TARGET}x, exit 0`,
    pass: clean && wallS / floorS <= TARGET,
    note:
      `median of ${runs.length} run(s) (as many as fit the 10-minute budget, at most ${maxRuns}); floor = max(GetKeyLastUsage calls / ${GET_KEY_LAST_USAGE_QUOTA} per s, LookupEvents calls / ${LOOKUP_EVENTS_QUOTA} per s), ` +
      `calls counted in the sandbox request log; every run exited ${clean ? '0 with no throttling message' : 'WITH A PROBLEM (see details)'}`,
    details: { runs },
  });
}
