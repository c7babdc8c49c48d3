/**
 * The evidence step the deletion commands run before scheduling (issue 3, "Wiring into the
 * workflow"): each key's verdict becomes the 'usage-verdict' check. in-use blocks the key unless
 * --allow-in-use, unknown unless --allow-unknown-usage; an overridden check stays failed
 * (ok: false, overridden: true) so the plan and the journal record the override.
 */
import type { LookupPrefetch } from './lookup-prefetch.js';
import type { AwsPorts, KeyInfo, Progress } from '../../aws/ports.js';
import type { Check } from '../plan.js';
import { MAX_CLOUDTRAIL_DAYS } from './gather.js';
import {
  gatherUsageEvidence,
  type EvidenceRunSummary,
  type LogPrefetch,
  type UsageEvidenceOptions,
} from './logs-insights-source.js';
import type { EvidenceMode, KeyEvidence, UseVerdict, Verdict } from './types.js';
import { decideVerdict } from './verdict.js';
import { gatherDependents } from './dependents/gather.js';
import { combineVerdict, withServiceGrants } from './dependents/verdict.js';
import type { DependentsMode, DependentsRun, KeyDependents } from './dependents/types.js';

export const DEFAULT_UNUSED_DAYS = 90;

export interface AssessOptions {
  allowInUse: boolean;
  allowUnknownUsage: boolean;
  /** --allow-data-loss: schedule keys that protect data (issue 19) */
  allowDataLoss?: boolean;
  /** --dependents auto|config|direct|off (default auto) */
  dependents?: DependentsMode;
  /** --config-aggregator NAME: Config's queries across the organization */
  configAggregator?: string;
  /** what the data-at-rest search covered (the usage report prints it) */
  onDependents?: (run: DependentsRun) => void;
  /** readers and queries of the data-at-rest search finished, of the total */
  onDependentsProgress?: Progress;
  /** evidence window in days (default 90; above 90 only through a CloudTrail log group) */
  days?: number;
  /** a key with no use for this many days is `unused` (default 90, or --days when larger) */
  unusedDays?: number;
  now?: Date;
  onProgress?: Progress;
  /** --evidence auto|logs|api (default auto) */
  evidence?: EvidenceMode;
  /** --log-group NAME / --log-group-arn ARN for the Logs Insights source */
  logGroup?: string;
  /** the keys' region (default: the ports' region) */
  region?: string;
  onQueryProgress?: UsageEvidenceOptions['onQueryProgress'];
  warn?: (line: string) => void;
  /** what the evidence step did that must be said without being a problem: auto joined two sources */
  note?: (line: string) => void;
  signal?: AbortSignal;
  /** what the evidence rested on (source, coverage, queries): the usage report prints it */
  onSummary?: (summary: EvidenceRunSummary) => void;
  /** the log-group survey and query started before the keys were scanned */
  prefetch?: LogPrefetch;
  /** LookupEvents started while the keys were scanned (usage: lookup-prefetch.ts) */
  lookups?: LookupPrefetch;
  /** how to wait between Logs Insights polls: the command's clock (a test's clock moves sandbox time) */
  sleep?: (ms: number) => Promise<void>;
}

export interface KeyAssessment {
  verdict: Verdict;
  /** name 'usage-verdict'; ok false blocks the key unless overridden */
  check: Check;
  /** name 'data-at-rest' (issue 19): present when data was found under the key; blocks unless --allow-data-loss */
  dataCheck?: Check;
  /** the use verdict alone (what usage-verdict checks) */
  useVerdict?: UseVerdict;
  /** the data at rest under the key, and what the search covered (absent: not searched) */
  dependents?: KeyDependents;
  /** who made the key's cryptographic calls in the window (CloudTrail), most active first */
  callers?: string[];
  evidence: KeyEvidence;
  /** the verdict's reason: which evidence, over which dates */
  reason: string;
}

export function usageCheck(
  verdict: UseVerdict,
  reason: string,
  opts: Pick<AssessOptions, 'allowInUse' | 'allowUnknownUsage'>,
): Check {
  // detail is the reason alone: plans print it after the verdict ("in-use: <detail>")
  if (verdict === 'unused') return { name: 'usage-verdict', ok: true, detail: reason };
  const overrideFlag = verdict === 'in-use' ? '--allow-in-use' : '--allow-unknown-usage';
  const overridden = verdict === 'in-use' ? opts.allowInUse : opts.allowUnknownUsage;
  return {
    name: 'usage-verdict',
    ok: false,
    detail: reason,
    overrideFlag,
    ...(overridden ? { overridden: true } : {}),
  };
}

export async function assessKeysImpl(
  aws: AwsPorts,
  keys: KeyInfo[],
  opts: AssessOptions,
): Promise<Map<string, KeyAssessment>> {
  const now = opts.now ?? new Date();
  const days = opts.days ?? MAX_CLOUDTRAIL_DAYS;
  // a window beyond 90 days is asked for to find rare use: use in it must count (an annual report)
  const unusedDays = opts.unusedDays ?? Math.max(DEFAULT_UNUSED_DAYS, days);
  const region = opts.region ?? aws.region;
  const dependentsMode = opts.dependents ?? 'auto';
  // the data-at-rest search is store-wide and uses other services' quotas: it runs alongside
  const dependentsRead = gatherDependents(aws, keys, {
    mode: dependentsMode,
    region,
    ...(opts.configAggregator ? { aggregator: opts.configAggregator } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onDependentsProgress ? { onProgress: opts.onDependentsProgress } : {}),
  });
  // an unknown aggregator must not leave an unhandled rejection while the use evidence runs
  dependentsRead.catch(() => undefined);
  const { evidence, summary } = await gatherUsageEvidence(aws, keys, {
    mode: opts.evidence ?? 'auto',
    days,
    now,
    region: opts.region ?? aws.region,
    ...(opts.logGroup ? { logGroup: opts.logGroup } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.onQueryProgress ? { onQueryProgress: opts.onQueryProgress } : {}),
    ...(opts.warn ? { warn: opts.warn } : {}),
    ...(opts.note ? { note: opts.note } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.prefetch ? { prefetch: opts.prefetch } : {}),
    ...(opts.lookups ? { lookups: opts.lookups } : {}),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
  });
  opts.onSummary?.(summary);
  const dependents = await dependentsRead;
  opts.onDependents?.(dependents.run);
  const out = new Map<string, KeyAssessment>();
  const byId = new Map(keys.map((k) => [k.keyId, k]));
  for (const [keyId, ev] of evidence) {
    const use = decideVerdict(ev, { now, unusedDays });
    const key = byId.get(keyId);
    let dep = dependents.byKey.get(keyId);
    if (dep && ev.grants.status === 'ok')
      dep = withServiceGrants(dep, ev.grants.grants, dependents.run.coverage, {
        arn: ev.arn,
        region,
        ...(key ? { accountId: key.accountId } : {}),
      });
    const v = combineVerdict(use, dep, opts.allowDataLoss ?? false, key?.accountId);
    out.set(keyId, {
      verdict: v.verdict,
      reason: v.reason,
      check: usageCheck(v.useVerdict, v.useReason, opts),
      ...(v.dataCheck ? { dataCheck: v.dataCheck } : {}),
      useVerdict: v.useVerdict,
      ...(dep ? { dependents: dep } : {}),
      ...(ev.cloudTrail.status === 'ok' && ev.cloudTrail.principals.length
        ? { callers: ev.cloudTrail.principals.map((p) => p.principal) }
        : {}),
      evidence: ev,
    });
  }
  return out;
}
