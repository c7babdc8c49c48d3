/**
 * kscli usage: the evidence of each key's use and its verdict. Read-only.
 *
 * Evidence: the trail's log group through one Logs Insights query where it covers the window
 * (issue 10, src/workflow/evidence/logs-insights-source.ts), else the per-key APIs: GetKeyLastUsage
 * (5/s) and LookupEvents (2/s), paced by the adapters and gathered side by side, so 200 keys take
 * about max(200/5, lookups/2) seconds. On a terminal: the query's status and records scanned, then
 * a progress bar with an ETA. Ctrl-C stops the running queries (StopQuery) and exits 130.
 */
import type { Deps } from '../../deps.js';
import { ExitCode, KscliError } from '../../errors.js';
import { evidenceProgress, type QueryProgressView } from '../../ui/query-progress.js';
import type { KeyAssessment, LogPrefetch } from '../../workflow/evidence/index.js';
import type { EvidenceRunSummary } from '../../workflow/evidence/logs-insights-source.js';
import type { EvidenceMode } from '../../workflow/evidence/types.js';
import type { DependentsMode, DependentsRun } from '../../workflow/evidence/dependents/types.js';
import { selectKeys } from '../../workflow/key-selection.js';
import { accountOrUndefined, recordKeysSeen, scanStoreKeys } from '../../workflow/store-session.js';
import { describeStoreOrDeleted } from '../../workflow/store-or-record.js';
import type { KeyRef } from '../../input/validate.js';
import type { UsageWindow, UsageResult, UsageTrials } from '../../workflow/results.js';
import { recommendTrial } from '../../workflow/trial/recommend.js';
import { readTrials } from '../../workflow/trial/state.js';
import { rollbackCommand } from '../../workflow/trial/tags.js';
import { compareText } from '../../util/text-order.js';
export type { UsageWindow, UsageResult };

const DAY_MS = 86_400_000;

export interface UsageOptions {
  storeId: string;
  /** --key: only these keys of the store (default: all) */
  include: KeyRef[];
  days: number;
  unusedDays: number;
  /** --evidence (default auto) */
  evidence?: EvidenceMode;
  /** --log-group NAME / --log-group-arn ARN */
  logGroup?: string;
  /** --dependents (default auto) and --config-aggregator (issue 19) */
  dependents?: DependentsMode;
  configAggregator?: string;
}

export async function runUsage(deps: Deps, o: UsageOptions): Promise<UsageResult> {
  const { storeId, days, unusedDays } = o;
  const store = await describeStoreOrDeleted(deps, storeId, 'usage');
  const now = deps.clock.now();
  // the real evidence module (not deps.evidence(), the deletion steps' narrower seam): usage is its report
  const { assessKeys, prefetchLogEvidence, LookupPrefetch, MAX_CLOUDTRAIL_DAYS, POOL_SIZES } =
    await import('../../workflow/evidence/index.js');
  // Ctrl-C stops the running Logs Insights queries (StopQuery), then exits 130
  const abort = new AbortController();
  const offInterrupt = deps.system.onInterrupt(() => {
    deps.io.err.write('\ninterrupted: stopping the Logs Insights queries (Ctrl-C again to quit at once)\n');
    abort.abort();
  });
  // query progress waits for the scan's bar to end, then shows on the evidence step's line
  let queryView: (p: QueryProgressView) => void = () => {};
  let lastView: QueryProgressView | undefined;
  let prefetch: LogPrefetch | undefined;
  let lookups: InstanceType<typeof LookupPrefetch> | undefined;
  try {
    // the log group's survey and query need only the account and region: they run while the keys are scanned
    if ((o.evidence ?? 'auto') !== 'api') {
      const owner = await deps
        .identity()
        .then((id) => id.account)
        .catch(() => undefined);
      if (owner) {
        prefetch = await prefetchLogEvidence(deps.aws, {
          mode: o.evidence ?? 'auto',
          days,
          now,
          region: deps.region,
          owner,
          ...(o.logGroup ? { logGroup: o.logGroup } : {}),
          signal: abort.signal,
          sleep: (ms: number) => deps.clock.sleep(ms),
          onQueryProgress: (p) => queryView((lastView = p)),
        });
      }
    }
    // The per-key path over the whole window (--evidence api, or no usable log group) asks
    // LookupEvents (2/s) for every key: start them as the scan finds the keys, not after it
    // (lookup-prefetch.ts). Not with --key: keys the selection would drop are not asked about.
    const perKeyOnly =
      (o.evidence ?? 'auto') === 'api' || (o.evidence !== 'logs' && prefetch?.coverage.extent === 'none');
    lookups =
      perKeyOnly && o.include.length === 0
        ? new LookupPrefetch(
            deps.aws,
            new Date(now.getTime() - Math.min(Math.max(days, 1), MAX_CLOUDTRAIL_DAYS) * DAY_MS),
            POOL_SIZES.cloudTrail,
            abort.signal,
          )
        : undefined;
    const early = lookups;
    const storeKeys = await scanStoreKeys(deps, storeId, undefined, early && ((k) => early.add(k)));
    const selection = await selectKeys(deps.aws, storeId, storeKeys, o.include, [], 'usage');
    if (selection.refused.length) {
      throw new KscliError(
        ExitCode.Blocked,
        selection.refused.map((r) => r.reason).join('; '),
        `run "${deps.nextStep(['find-keys', storeId])}" to list the keys of the store`,
      );
    }
    const keys = selection.selected.sort(
      (a, b) => a.creationDate.getTime() - b.creationDate.getTime() || compareText(a.keyId, b.keyId),
    );
    await recordKeysSeen(deps, storeId, 'usage', storeKeys);
    const bar = deps.progress.bar('examining key usage');
    const shown = evidenceProgress(deps.progress, bar);
    queryView = shown.onQuery;
    if (lastView) shown.onQuery(lastView);
    let assessed: Map<string, KeyAssessment>;
    let summary: EvidenceRunSummary | undefined;
    let dependents: DependentsRun | undefined;
    // one bar for both searches: the keys' use evidence and the data-at-rest readers (issue 19)
    const counts = { keys: [0, keys.length], data: [0, 0] };
    const redraw = () => shown.onKeys(counts.keys[0]! + counts.data[0]!, counts.keys[1]! + counts.data[1]!);
    try {
      // allow both: `usage` reports verdicts, it blocks nothing
      assessed = await assessKeys(deps.aws, keys, {
        allowInUse: true,
        allowUnknownUsage: true,
        days,
        unusedDays,
        now,
        evidence: o.evidence ?? 'auto',
        ...(o.logGroup ? { logGroup: o.logGroup } : {}),
        region: deps.region,
        signal: abort.signal,
        sleep: (ms: number) => deps.clock.sleep(ms),
        onProgress: (done, total) => {
          counts.keys = [done, total ?? keys.length];
          redraw();
        },
        onDependentsProgress: (done, total) => {
          counts.data = [done, total ?? counts.data[1]!];
          redraw();
        },
        dependents: o.dependents ?? 'auto',
        ...(o.configAggregator ? { configAggregator: o.configAggregator } : {}),
        onDependents: (run) => (dependents = run),
        onQueryProgress: shown.onQuery,
        warn: (line) => deps.io.err.write(`${deps.style.warn('warning:')} ${line}\n`),
        onSummary: (s) => (summary = s),
        ...(prefetch ? { prefetch } : {}),
        ...(lookups ? { lookups } : {}),
      });
    } finally {
      bar.stop();
    }
    // issue 20: each key's trial from its tags (non-Enabled keys only) and its failed calls
    const { reports, tagErrors } = await readTrials(deps.aws, keys, now);
    const trials: UsageTrials = {
      reports,
      tagErrors,
      recommended: new Map(),
      rollback: rollbackCommand(storeId, (args) => deps.nextStep(args)),
    };
    for (const k of keys) {
      const rec = recommendTrial(k, assessed.get(k.keyId), reports.has(k.keyId), { now, unusedDays }, (args) =>
        deps.nextStep(args),
      );
      if (rec) trials.recommended.set(k.keyId, rec);
    }
    // what was searched, never more: the earliest stretch of the evidence
    const searchedFrom =
      summary?.segments.reduce((a, g) => (g.start < a ? g.start : a), now) ??
      new Date(now.getTime() - Math.min(days, 90) * DAY_MS);
    return {
      store,
      account: await accountOrUndefined(deps),
      region: deps.region,
      window: {
        cloudTrailStart: searchedFrom,
        cloudTrailEnd: now,
        cloudTrailDays: Math.round((now.getTime() - searchedFrom.getTime()) / DAY_MS),
        requestedDays: days,
        unusedDays,
      },
      keys,
      assessments: keys.map((k) => assessed.get(k.keyId)!),
      ...(summary ? { evidence: summary } : {}),
      ...(dependents ? { dependents } : {}),
      trials,
    };
  } finally {
    // a query nobody will read (the command failed first) is stopped, not left running
    prefetch?.cancel();
    // lookups still queued (an error before the evidence step) are not started
    lookups?.close();
    offInterrupt();
  }
}
