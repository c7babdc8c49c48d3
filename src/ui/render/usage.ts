/**
 * kscli usage, rendered: the verdict counts, a summary (one row per key, the keys needing a decision
 * first, with an activity sparkline: ui/usage-summary.ts), then the evidence of the keys that need
 * a decision, one line per source (every key with --details).
 *
 * JSON (--output json):
 * {
 *   "schemaVersion": 1,
 *   "store": {"storeId", "name", "type", "connectionState", "clusterId", "creationDate"},
 *   "window": {"cloudTrailStart", "cloudTrailEnd", "cloudTrailDays", "requestedDays", "unusedDays"},
 *             (cloudTrail*: what was searched, never more; requestedDays: --days)
 *   "evidence": {"mode", "source": "api" | "logs-insights" | "logs-insights+api", "window", "segments": [{"source", "start", "end", "logGroup"?}],
 *                "logGroup": {"name", "region", "accountId", "arn", "trail"} | null, "limits", "logGroupProblems",
 *                "uncovered": [{"start", "end", "reason", "remedy"?}], "joined": "why auto joined sources" | null,
 *                "queries": [{"queryId", "status", "start", "end", "rows", "recordsMatched", "recordsScanned", "bytesScanned"}], "warnings"}
 *               (src/workflow/evidence/summary.ts)
 *   "dependents"?: {"mode", "aggregator"?, "region", "coverage": [{"resourceType", "core", "by", "reason"?}],
 *                   "queries": [{"expression", "pages", "rows", "aggregator"?}], "directReads": [{"reader", "resources", "status", "error"?}], "notes"}
 *               (src/workflow/evidence/dependents/, issue 19)
 *   "keys": [{
 *     "keyId", "arn", "verdict": "protects-data" | "in-use" | "unused" | "unknown", "evidenceSource": "api" | "logs-insights" | "logs-insights+api",
 *     "lastUsage": {"status", "error"?, "keyCreationDate"?, "trackingStartDate"?, "operation"?, "timestamp"?, "cloudTrailEventId"?},
 *     "cloudTrail": {"status", "error"?, "window": {"start", "end"}, "operations": {"Decrypt": 3}, "principals": [{"principal", "count"}],
 *                    "newest"?: {"eventId", "eventName", "eventTime", "principal"}, "failedAttemptCount",
 *                    "failedAttempts": [{"eventId", "eventName", "eventTime", "principal", "errorCode"?, "errorMessage"?}], "ignoredEventCount",
 *                    "segments"?: [{"source", "start", "end", "logGroup"?}], "failedErrorCodes"?: {"DisabledException": 2},
 *                    "daily"?: [{"day": "YYYY-MM-DD" (UTC), "succeeded", "failed"}] (days with calls only, oldest first)},
 *     "policyPrincipals": {"status", "error"?, "principals": [{"principal", "kind", "actions", "conditional", "note"?}]},
 *     "grants": {"status", "error"?, "grants": [{"grantId", "name"?, "granteePrincipal"?, "retiringPrincipal"?, "operations", "awsService"}]},
 *     "aliases": {"status", "error"?, "names": ["alias/x"]},
 *     "dataAtRest"?: {"status": "found" | "none-found" | "gap" | "off", "resources": [{"resourceType", "resourceId", "arn"?, "name"?,
 *                    "accountId"?, "region"?, "createdAt"?, "kmsKeyRef", "property", "source", "grantId"?}], "gaps", "staleGrants"},
 *     "reason": "which evidence the verdict rests on, over which dates",
 *     "trial"?: {"keyId", "start", "end", "days", "phase": "running|ended|failed|unknown", "failures": [...], "gap"?, "disabledBy"?} (issue 20),
 *     "trialTagsError"?: "why the key's kscli:trial-* tags could not be read",
 *     "trialRecommended"?: {"why": "unknown" | "old-evidence", "reason", "command"}
 *   }],
 *   "note": "Inactivity is a review signal, not proof: ..."
 * }
 * status is ok | access-denied | unavailable for every evidence section, or not-asked when the log
 * group covered the window and the per-key call was not needed.
 */
import type { UsageResult } from '../../workflow/results.js';
import { keyUsageJson } from '../../workflow/evidence/report.js';
import { evidenceSummaryJson, evidenceSummaryLine } from '../../workflow/evidence/summary.js';
import { REVIEW_SIGNAL_NOTE } from '../../workflow/evidence/verdict.js';
import { renderUsageDetails, renderUsageSummary } from '../usage-summary.js';
import { storeJson } from './json-fields.js';
import type { Renderer } from './output.js';
import { renderUsageMarkdown } from '../markdown/usage-review.js';
import type { Body } from '../../schemas/common.js';
import type { UsageDocument } from '../../schemas/usage.js';
import type { DependentsRun } from '../../workflow/evidence/dependents/types.js';
import { S3_OBJECTS_NOTE, shortType } from '../../workflow/evidence/dependents/resource-types.js';
import type { Style } from '../style.js';
import { fitText } from '../wrap.js';
import { callerLines, trialSentence } from '../../workflow/trial/state.js';

/** The published schema's type (src/schemas/usage.ts). */
export type UsageJson = Body<UsageDocument>;

const day = (d: Date | string | undefined): string => (d ? new Date(d).toISOString().slice(0, 10) : '-');
/** `--details`: the evidence of every key, not only of those needing a decision. */
export interface UsageRenderOptions {
  details?: boolean;
}

const usageJson = (r: UsageResult): UsageJson => ({
  store: storeJson(r.store),
  window: {
    cloudTrailStart: r.window.cloudTrailStart.toISOString(),
    cloudTrailEnd: r.window.cloudTrailEnd.toISOString(),
    cloudTrailDays: r.window.cloudTrailDays,
    requestedDays: r.window.requestedDays,
    unusedDays: r.window.unusedDays,
  },
  evidence: r.evidence ? evidenceSummaryJson(r.evidence) : null,
  ...(r.dependents
    ? { dependents: JSON.parse(JSON.stringify(r.dependents)) as NonNullable<UsageJson['dependents']> }
    : {}),
  keys: r.assessments.map((a) => ({ ...keyUsageJson(a), ...trialFields(r, a.evidence.keyId) })),
  note: REVIEW_SIGNAL_NOTE,
});

/** issue 20: a key's trial, a tag read that failed, and a recommended trial (each only when there is one). */
function trialFields(
  r: UsageResult,
  keyId: string,
): Pick<UsageJson['keys'][number], 'trial' | 'trialTagsError' | 'trialRecommended'> {
  const t = r.trials;
  const report = t?.reports.get(keyId);
  const tagError = t?.tagErrors.get(keyId);
  const rec = t?.recommended.get(keyId);
  return {
    ...(report ? { trial: JSON.parse(JSON.stringify(report)) as NonNullable<UsageJson['keys'][number]['trial']> } : {}),
    ...(tagError ? { trialTagsError: tagError } : {}),
    ...(rec ? { trialRecommended: { ...rec } } : {}),
  };
}

/** issue 20: one line per key in a trial (phase, end, failed calls by caller), then per recommended trial. */
export function trialLines(r: UsageResult, style: Style, now: Date): string[] {
  const t = r.trials;
  if (!t) return [];
  const out: string[] = [];
  for (const k of r.keys) {
    const report = t.reports.get(k.keyId);
    if (report) {
      const word =
        report.phase === 'failed'
          ? style.bad('FAILED')
          : report.phase === 'unknown'
            ? style.warn('unknown')
            : report.phase;
      out.push(`trial ${word}: ${k.keyId} ${trialSentence(report, now)}`);
      for (const c of callerLines(report.failures)) out.push(`  failed: ${c}`);
      if (report.phase === 'failed') out.push(`  the key is still needed: roll back with ${t.rollback}`);
    }
    const tagError = t.tagErrors.get(k.keyId);
    if (tagError) out.push(`${style.warn('trial unknown')}: ${k.keyId}: its tags could not be read (${tagError})`);
  }
  for (const k of r.keys) {
    const rec = t.recommended.get(k.keyId);
    if (rec) out.push(`${style.warn('trial recommended')}: ${k.keyId}: ${rec.reason}: ${rec.command}`);
  }
  return out;
}

export function usageRendererWith(opts: UsageRenderOptions): Renderer<UsageResult> {
  return {
    json: usageJson,
    // the review document is made from the same data as the JSON (src/ui/markdown/usage-review.ts)
    markdown: (r) =>
      renderUsageMarkdown({
        ...usageJson(r),
        ...(r.account ? { account: r.account } : {}),
        ...(r.evidence ? { evidenceLine: evidenceSummaryLine(r.evidence) } : {}),
        region: r.region,
        generatedAt: r.window.cloudTrailEnd.toISOString(),
        ...(r.clusterCost ? { clusterCost: r.clusterCost } : {}),
      }),
    table(r, { style, width, now }) {
      const { store, window, assessments: results } = r;
      let out = `${store.id} (${store.name}, ${store.type}, ${store.connectionState}), region ${r.region}: ${r.keys.length} key(s); ${r.evidence ? evidenceSummaryLine(r.evidence) : `CloudTrail ${day(window.cloudTrailStart)}..${day(window.cloudTrailEnd)}`}; unused means no use for ${window.unusedDays} days\n`;
      if (results.length) {
        const view = {
          style,
          width,
          now: now ?? window.cloudTrailEnd,
          window: { start: window.cloudTrailStart, end: window.cloudTrailEnd },
        };
        const count = (v: string) => results.filter((x) => x.verdict === v).length;
        // the counts first, each in its verdict's colour and said in words
        out += `${style.bad(`${count('protects-data')} protects-data`)}, ${style.bad(`${count('in-use')} in-use`)}, ${style.warn(`${count('unknown')} unknown`)}, ${style.ok(`${count('unused')} unused`)}\n`;
        if (r.dependents) out += `${dependentsLine(r.dependents, style)}\n`;
        out += '\n';
        out += renderUsageSummary(results, view);
        out += '\n';
        out += renderUsageDetails(results, view, Boolean(opts.details));
        const trials = trialLines(r, style, view.now);
        if (trials.length) {
          const block = `${trials.join('\n')}\n\n`;
          out += width ? fitText(block, width) : block;
        }
        out += `${count('protects-data')} protects-data, ${count('in-use')} in-use, ${count('unused')} unused, ${count('unknown')} unknown\n`;
      }
      out += `${style.dim(REVIEW_SIGNAL_NOTE)}\n`;
      return out;
    },
  };
}

/** How the data-at-rest search covered the resource types (issue 19), in two or three lines. */
export function dependentsLine(run: DependentsRun, style: Style): string {
  if (run.mode === 'off') return style.warn('data at rest: not searched (--dependents off)');
  const by = (b: string) => run.coverage.filter((c) => c.by === b).map((c) => shortType(c.resourceType));
  const parts = [
    by('config').length ? `AWS Config (${by('config').join(', ')})` : '',
    by('config-aggregator').length ? `aggregator ${run.aggregator ?? '?'} (${by('config-aggregator').join(', ')})` : '',
    by('direct').length ? `direct reads (${by('direct').join(', ')})` : '',
  ].filter(Boolean);
  const missing = run.coverage.filter((c) => c.by === 'not-covered');
  const core = missing.filter((c) => c.core);
  let line = `data at rest in ${run.region}: ${parts.join(' + ') || 'nothing searched'}`;
  if (core.length)
    line += `\n${style.warn('not covered:')} ${core.map((c) => `${shortType(c.resourceType)} (${c.reason ?? '?'})`).join('; ')}`;
  const other = missing.filter((c) => !c.core);
  if (other.length)
    line += `\n${style.dim(`not searched (Config does not record them here): ${other.map((c) => shortType(c.resourceType)).join(', ')}`)}`;
  return `${line}\n${style.dim(S3_OBJECTS_NOTE)}`;
}
