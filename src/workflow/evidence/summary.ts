/**
 * What a usage run's evidence rested on, for people and for the archive (issue 10): the source
 * (api, logs-insights, logs-insights+api), the stretches searched and by what, the log group and the
 * trail that vouches for it, what bounds its coverage, the queries (with bytes scanned: what AWS
 * bills) and the fallbacks. `kscli usage --output json` prints it as "evidence":
 *
 *   {"mode": "auto"|"logs"|"api", "source": "api"|"logs-insights"|"logs-insights+api",
 *    "window": {"start", "end", "days"},
 *    "segments": [{"source": "lookup-events"|"logs-insights", "start", "end", "logGroup"?}],
 *    "logGroup": {"name", "region", "accountId", "arn", "trail"} | null,
 *    "limits": ["log group X keeps events 30 days", ...], "logGroupProblems": ["..."],
 *    "uncovered": [{"start", "end", "reason", "remedy"?}]   (stretches no source searched, issue 23),
 *    "joined": "why auto joined the log group and LookupEvents" | null,
 *    "queries": [{"queryId", "status", "start", "end", "rows", "recordsMatched", "recordsScanned", "bytesScanned"}],
 *    "warnings": ["..."]}
 */
import type { EvidenceRunSummary } from './logs-insights-source.js';
import { day } from './verdict.js';
import type { Static } from '@sinclair/typebox';
import type { EvidenceSummary } from '../../schemas/usage.js';

export function evidenceSummaryJson(s: EvidenceRunSummary): Static<typeof EvidenceSummary> {
  return {
    mode: s.mode,
    source: s.source,
    window: { start: s.window.start.toISOString(), end: s.window.end.toISOString(), days: s.window.days },
    segments: s.segments.map((g) => ({
      source: g.source,
      start: g.start.toISOString(),
      end: g.end.toISOString(),
      ...(g.logGroup ? { logGroup: g.logGroup } : {}),
    })),
    logGroup: s.logGroup ?? null,
    limits: s.limits,
    logGroupProblems: s.logGroupProblems,
    uncovered: s.uncovered.map((u) => ({
      start: u.start.toISOString(),
      end: u.end.toISOString(),
      reason: u.reason,
      ...(u.remedy ? { remedy: u.remedy } : {}),
    })),
    joined: s.joined ?? null,
    queries: s.queries.map((q) => ({
      queryId: q.queryId,
      status: q.status,
      start: q.start.toISOString(),
      end: q.end.toISOString(),
      rows: q.rows,
      ...q.statistics,
    })),
    warnings: s.warnings,
  };
}

/** e.g. "evidence: log group aws-cloudtrail-logs-1111 (trail management-events) via Logs Insights 2025-10-31..2026-11-30" */
export function evidenceSummaryLine(s: EvidenceRunSummary): string {
  const parts = s.segments.map((g) =>
    g.source === 'logs-insights'
      ? `log group ${g.logGroup}${s.logGroup ? ` (trail ${s.logGroup.trail})` : ''} via Logs Insights ${day(g.start)}..${day(g.end)}`
      : `CloudTrail LookupEvents ${day(g.start)}..${day(g.end)}`,
  );
  const gaps = s.uncovered.map((u) => `; not searched ${day(u.start)}..${day(u.end)}`).join('');
  // auto joined two sources: said in the line itself, not only by the "+" (issue 23)
  return `evidence: ${parts.join(' + ')}${s.joined ? ' (joined by --evidence auto)' : ''}${gaps}`;
}
