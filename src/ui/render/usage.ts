/**
 * kscli usage, rendered: a summary table, then every piece of evidence of each key, one line each.
 *
 * JSON (--output json):
 * {
 *   "schemaVersion": 1,
 *   "store": {"storeId", "name", "type", "connectionState", "clusterId", "creationDate"},
 *   "window": {"cloudTrailStart", "cloudTrailEnd", "cloudTrailDays", "requestedDays", "unusedDays"},
 *             (cloudTrail*: what was searched, never more; requestedDays: --days)
 *   "evidence": {"mode", "source": "api" | "logs-insights" | "logs-insights+api", "window", "segments": [{"source", "start", "end", "logGroup"?}],
 *                "logGroup": {"name", "region", "accountId", "arn", "trail"} | null, "limits", "logGroupProblems",
 *                "queries": [{"queryId", "status", "start", "end", "rows", "recordsMatched", "recordsScanned", "bytesScanned"}], "warnings"}
 *               (src/workflow/evidence/summary.ts)
 *   "keys": [{
 *     "keyId", "arn", "verdict": "in-use" | "unused" | "unknown", "evidenceSource": "api" | "logs-insights" | "logs-insights+api",
 *     "lastUsage": {"status", "error"?, "keyCreationDate"?, "trackingStartDate"?, "operation"?, "timestamp"?, "cloudTrailEventId"?},
 *     "cloudTrail": {"status", "error"?, "window": {"start", "end"}, "operations": {"Decrypt": 3}, "principals": [{"principal", "count"}],
 *                    "newest"?: {"eventId", "eventName", "eventTime", "principal"}, "failedAttemptCount",
 *                    "failedAttempts": [{"eventId", "eventName", "eventTime", "principal", "errorCode"?, "errorMessage"?}], "ignoredEventCount",
 *                    "segments"?: [{"source", "start", "end", "logGroup"?}], "failedErrorCodes"?: {"DisabledException": 2}},
 *     "policyPrincipals": {"status", "error"?, "principals": [{"principal", "kind", "actions", "conditional", "note"?}]},
 *     "grants": {"status", "error"?, "grants": [{"grantId", "name"?, "granteePrincipal"?, "retiringPrincipal"?, "operations", "awsService"}]},
 *     "aliases": {"status", "error"?, "names": ["alias/x"]},
 *     "reason": "which evidence the verdict rests on, over which dates"
 *   }],
 *   "note": "Inactivity is a review signal, not proof: ..."
 * }
 * status is ok | access-denied | unavailable for every evidence section, or not-asked when the log
 * group covered the window and the per-key call was not needed.
 */
import type { UsageResult } from '../../commands/usage/run.js';
import type { KeyAssessment } from '../../workflow/evidence/index.js';
import { keyUsageJson } from '../../workflow/evidence/report.js';
import { evidenceSummaryJson, evidenceSummaryLine } from '../../workflow/evidence/summary.js';
import { REVIEW_SIGNAL_NOTE } from '../../workflow/evidence/verdict.js';
import type { Style } from '../style.js';
import { renderTable } from '../table.js';
import { storeJson } from './json-fields.js';
import type { Renderer } from './output.js';
import { renderUsageMarkdown } from '../markdown/usage-review.js';
import type { Body } from '../../schemas/common.js';
import type { UsageDocument } from '../../schemas/usage.js';

/** The published schema's type (src/schemas/usage.ts). */
export type UsageJson = Body<UsageDocument>;

const day = (d: Date | string | undefined): string => (d ? new Date(d).toISOString().slice(0, 10) : '-');
const when = (d: Date | undefined): string => (d ? d.toISOString().replace('.000Z', 'Z') : '-');

function verdictCell(style: Style, v: KeyAssessment['verdict']): string {
  return v === 'unused' ? style.ok(v) : v === 'in-use' ? style.bad(v) : style.warn(v);
}

function gap(s: { status: string; error?: string }): string {
  return `${s.status}${s.error ? ` (${s.error})` : ''}`;
}

/** The per-key block under the summary table: every piece of evidence, one line each. */
function keyBlock(style: Style, a: KeyAssessment): string[] {
  const e = a.evidence;
  const lines = [`${style.bold(e.keyId)}  ${verdictCell(style, a.verdict)}`, `  verdict:       ${a.reason}`];
  const lu = e.lastUsage;
  lines.push(
    lu.status !== 'ok'
      ? `  last use:      GetKeyLastUsage ${gap(lu)}`
      : lu.timestamp
        ? `  last use:      ${lu.operation} at ${when(lu.timestamp)}${lu.cloudTrailEventId ? ` (CloudTrail event ${lu.cloudTrailEventId})` : ''}; tracked since ${day(lu.trackingStartDate)}`
        : `  last use:      none since tracking started ${day(lu.trackingStartDate)} (key created ${day(lu.keyCreationDate ?? e.creationDate)})`,
  );
  const ct = e.cloudTrail;
  if (ct.status !== 'ok') lines.push(`  CloudTrail:    ${gap(ct)}`);
  else {
    const ops = Object.entries(ct.operations)
      .sort((x, y) => y[1] - x[1])
      .map(([op, n]) => `${op} ${n}`)
      .join(', ');
    lines.push(`  CloudTrail:    ${day(ct.window.start)}..${day(ct.window.end)}: ${ops || 'no cryptographic call'}${ct.newest ? `; newest ${ct.newest.eventName} by ${ct.newest.principal} at ${when(ct.newest.eventTime)}` : ''}`);
    if (ct.principals.length) lines.push(`  callers:       ${ct.principals.map((p) => `${p.principal} (${p.count})`).join(', ')}`);
    if (ct.failedAttemptCount) {
      const f = ct.failedAttempts[0]!;
      lines.push(`  failed:        ${ct.failedAttemptCount}, newest ${f.eventName} by ${f.principal} at ${when(f.eventTime)}: ${f.errorCode ?? 'error'} ${f.errorMessage ?? ''}`.trimEnd());
    }
  }
  const pp = e.policyPrincipals;
  lines.push(
    pp.status !== 'ok'
      ? `  key policy:    ${gap(pp)}`
      : `  key policy:    ${pp.principals.map((p) => `${p.principal}${p.note ? ` (${p.note})` : ''} [${p.actions.join(',')}]${p.conditional ? ' with conditions' : ''}`).join('; ') || 'no principal may use it'}`,
  );
  const g = e.grants;
  lines.push(
    g.status !== 'ok'
      ? `  grants:        ${gap(g)}`
      : `  grants:        ${g.grants.map((x) => `${x.granteePrincipal ?? '?'}${x.awsService ? ' (AWS service: it depends on the key)' : ''} [${x.operations.join(',')}]`).join('; ') || 'none'}`,
  );
  lines.push(`  aliases:       ${e.aliases.status !== 'ok' ? gap(e.aliases) : e.aliases.names.join(', ') || 'none'}`);
  return lines;
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
    keys: r.assessments.map(keyUsageJson),
    note: REVIEW_SIGNAL_NOTE,
  });

export const usageRenderer: Renderer<UsageResult> = {
  json: usageJson,
  // the review document is made from the same data as the JSON (src/ui/markdown/usage-review.ts)
  markdown: (r) =>
    renderUsageMarkdown({
      ...usageJson(r),
      ...(r.account ? { account: r.account } : {}),
      ...(r.evidence ? { evidenceLine: evidenceSummaryLine(r.evidence) } : {}),
      region: r.region,
      generatedAt: r.window.cloudTrailEnd.toISOString(),
    }),
  table(r, { style }) {
    const { store, window, assessments: results } = r;
    let out = `${store.id} (${store.name}, ${store.type}, ${store.connectionState}), region ${r.region}: ${r.keys.length} key(s); ${r.evidence ? evidenceSummaryLine(r.evidence) : `CloudTrail ${day(window.cloudTrailStart)}..${day(window.cloudTrailEnd)}`}; unused means no use for ${window.unusedDays} days\n`;
    if (results.length) {
      out += renderTable(
        ['KEY ID', 'VERDICT', 'LAST USE', 'CLOUDTRAIL CALLS', 'FAILED', 'CALLERS', 'GRANTS', 'ALIASES'],
        results.map((a) => {
          const e = a.evidence;
          const calls = Object.values(e.cloudTrail.operations).reduce((x, y) => x + y, 0);
          return [
            e.keyId,
            verdictCell(style, a.verdict),
            e.lastUsage.status !== 'ok' ? e.lastUsage.status : e.lastUsage.timestamp ? `${e.lastUsage.operation} ${day(e.lastUsage.timestamp)}` : `none since ${day(e.lastUsage.trackingStartDate)}`,
            e.cloudTrail.status !== 'ok' ? e.cloudTrail.status : String(calls),
            e.cloudTrail.status !== 'ok' ? '-' : String(e.cloudTrail.failedAttemptCount),
            String(e.cloudTrail.principals.length),
            e.grants.status !== 'ok' ? e.grants.status : String(e.grants.grants.length),
            e.aliases.names.join(',') || '-',
          ];
        }),
      );
      out += '\n';
      for (const a of results) out += `${keyBlock(style, a).join('\n')}\n\n`;
      const count = (v: string) => results.filter((x) => x.verdict === v).length;
      out += `${count('in-use')} in-use, ${count('unused')} unused, ${count('unknown')} unknown\n`;
    }
    out += `${style.dim(REVIEW_SIGNAL_NOTE)}\n`;
    return out;
  },
};
