/**
 * kscli usage <storeId> [--key K...] [--days N] [--unused-days N]: the evidence of each key's use
 * and a verdict (issue 3; rules in src/workflow/evidence/verdict.ts). Read-only.
 *
 * Pacing: GetKeyLastUsage (5/s) and LookupEvents (2/s) are paced by the adapters and gathered side
 * by side, so 200 keys take about max(200/5, lookups/2) seconds; a progress bar with an ETA shows
 * on a terminal.
 *
 * JSON (--output json):
 * {
 *   "schemaVersion": 1,
 *   "store": {"storeId", "name", "type", "connectionState", "clusterId", "creationDate"},
 *   "window": {"cloudTrailStart", "cloudTrailEnd", "cloudTrailDays", "unusedDays"},
 *   "keys": [{
 *     "keyId", "arn", "verdict": "in-use" | "unused" | "unknown",
 *     "lastUsage": {"status", "error"?, "keyCreationDate"?, "trackingStartDate"?, "operation"?, "timestamp"?, "cloudTrailEventId"?},
 *     "cloudTrail": {"status", "error"?, "window": {"start", "end"}, "operations": {"Decrypt": 3}, "principals": [{"principal", "count"}],
 *                    "newest"?: {"eventId", "eventName", "eventTime", "principal"}, "failedAttemptCount",
 *                    "failedAttempts": [{"eventId", "eventName", "eventTime", "principal", "errorCode"?, "errorMessage"?}], "ignoredEventCount"},
 *     "policyPrincipals": {"status", "error"?, "principals": [{"principal", "kind", "actions", "conditional", "note"?}]},
 *     "grants": {"status", "error"?, "grants": [{"grantId", "name"?, "granteePrincipal"?, "retiringPrincipal"?, "operations", "awsService"}]},
 *     "aliases": {"status", "error"?, "names": ["alias/x"]},
 *     "reason": "which evidence the verdict rests on, over which dates"
 *   }],
 *   "note": "Inactivity is a review signal, not proof: ..."
 * }
 * status is ok | access-denied | unavailable for every evidence section.
 */
import type { Command } from 'commander';
import type { App, CommandModule } from '../cli.js';
import type { Deps } from '../deps.js';
import { ExitCode, KscliError } from '../errors.js';
import { writeJson } from '../ui/json.js';
import { renderTable } from '../ui/table.js';
import type { KeyAssessment } from '../workflow/evidence/index.js';
import { REVIEW_SIGNAL_NOTE } from '../workflow/evidence/verdict.js';
import { selectKeys } from '../workflow/key-selection.js';
import { parsePositiveInt, validateStoreId } from '../workflow/validate.js';
import type { EvidenceRunSummary } from '../workflow/evidence/logs-insights-source.js';
import { evidenceSummaryJson, evidenceSummaryLine } from '../workflow/evidence/summary.js';
import { evidenceProgress } from '../ui/query-progress.js';
import { addEvidenceSourceOptions, collect, describeStore, isJson, parseEvidenceSourceOptions, parseKeyOptions, recordKeysSeen, scanStoreKeys, storeJson, withDeps } from './common.js';

const DAY_MS = 86_400_000;

const day = (d: Date | string | undefined): string => (d ? new Date(d).toISOString().slice(0, 10) : '-');
const when = (d: Date | undefined): string => (d ? d.toISOString().replace('.000Z', 'Z') : '-');

function verdictCell(deps: Deps, v: KeyAssessment['verdict']): string {
  return v === 'unused' ? deps.style.ok(v) : v === 'in-use' ? deps.style.bad(v) : deps.style.warn(v);
}

function gap(s: { status: string; error?: string }): string {
  return `${s.status}${s.error ? ` (${s.error})` : ''}`;
}

/** The per-key block under the summary table: every piece of evidence, one line each. */
function keyBlock(deps: Deps, a: KeyAssessment): string[] {
  const e = a.evidence;
  const lines = [`${deps.style.bold(e.keyId)}  ${verdictCell(deps, a.verdict)}`, `  verdict:       ${a.reason}`];
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

export const usageCommand: CommandModule = {
  register(program: Command, app: App) {
    const cmd = program
      .command('usage')
      .argument('<storeId>', 'custom key store ID (cks-...)')
      .description('show the evidence of each key\'s use (GetKeyLastUsage, CloudTrail, key policy, grants, aliases) and a verdict: in-use, unused or unknown')
      .option('--key <id|arn|alias>', 'only this key of the store (repeatable); default: every key of the store', collect, [])
      .option('--log-group <name>', 'the CloudTrail log group (of a trail of this account) to query for evidence')
      .option('--unused-days <n>', 'a key with no use (nor failed attempt) for this many days is unused (default 90, or --days when larger)');
    addEvidenceSourceOptions(cmd);
    cmd
      .addHelpText(
        'after',
        `
Evidence sources (--evidence):
  auto     the trail's CloudWatch Logs log group, through one Logs Insights query for every key,
           when a trail that records KMS read events has delivered to it for the whole window and
           its retention reaches back that far; the per-key APIs for the part it does not cover;
           the per-key APIs alone when no log group can be trusted or the query fails (a warning
           says why). The default.
  logs     the log group, or refuse (exit 3) when none can be trusted; exit 1 when the query fails
  api      GetKeyLastUsage and CloudTrail LookupEvents per key (90 days at most)
  --days may exceed 90 where the log group keeps events that long; each verdict line states the
  dates and the source actually searched.

Verdicts:
  in-use   successful cryptographic use in the last --unused-days, or failed attempts in that period
           (a caller getting "is disabled" errors still depends on the key)
  unused   none, and the evidence covers that whole period
  unknown  the evidence has a gap: access denied, API unavailable, or the key is older than both
           GetKeyLastUsage's tracking start and the CloudTrail window
  Inactivity is a review signal, not proof. schedule-deletion and delete-store refuse in-use keys
  (unless --allow-in-use) and unknown ones (unless --allow-unknown-usage).

Examples:
  kscli usage cks-1234567890abcdef0
  kscli usage cks-1234567890abcdef0 --key 1234abcd-12ab-34cd-56ef-1234567890ab --days 30
  kscli usage cks-1234567890abcdef0 --output json > usage-evidence.json
  kscli usage cks-1234567890abcdef0 --days 400 --evidence logs
  kscli usage cks-1234567890abcdef0 --log-group-arn arn:aws:logs:us-east-1:999988887777:log-group:org-trail
`,
      )
      .action((storeIdInput: string, opts: Record<string, any>) => {
        const storeId = validateStoreId(storeIdInput);
        const source = parseEvidenceSourceOptions(opts);
        const days = source.days ?? 90;
        const unusedDays = parsePositiveInt(opts.unusedDays, '--unused-days', 3650) ?? Math.max(90, days);
        const logGroup: string | undefined = source.logGroupArn ?? opts.logGroup;
        return withDeps(app, async (deps) => {
          const { include } = parseKeyOptions(opts, deps.region);
          const store = await describeStore(deps, storeId);
          const storeKeys = await scanStoreKeys(deps, storeId);
          const selection = await selectKeys(deps.aws, storeId, storeKeys, include, [], 'usage');
          if (selection.refused.length) {
            throw new KscliError(ExitCode.Blocked, selection.refused.map((r) => r.reason).join('; '), `run "kscli find-keys ${storeId}" to list the keys of the store`);
          }
          const keys = selection.selected.sort((a, b) => a.creationDate.getTime() - b.creationDate.getTime() || a.keyId.localeCompare(b.keyId));
          await recordKeysSeen(deps, storeId, 'usage', storeKeys);
          const now = deps.clock.now();
          // the real evidence module (not deps.evidence(), the deletion steps' narrower seam): usage is its report
          const { assessKeys } = await import('../workflow/evidence/index.js');
          const bar = deps.progress.bar('examining key usage');
          const shown = evidenceProgress(deps.progress, bar);
          // Ctrl-C stops the running Logs Insights queries (StopQuery), then exits 130
          const abort = new AbortController();
          const offInterrupt = deps.system.onInterrupt(() => {
            deps.io.err.write('\ninterrupted: stopping the Logs Insights queries (Ctrl-C again to quit at once)\n');
            abort.abort();
          });
          let assessed: Map<string, KeyAssessment>;
          let summary: EvidenceRunSummary | undefined;
          try {
            // allow both: `usage` reports verdicts, it blocks nothing
            assessed = await assessKeys(deps.aws, keys, {
              allowInUse: true,
              allowUnknownUsage: true,
              days,
              unusedDays,
              now,
              evidence: source.evidence,
              ...(logGroup ? { logGroup } : {}),
              region: deps.region,
              signal: abort.signal,
              onProgress: shown.onKeys,
              onQueryProgress: shown.onQuery,
              warn: (line) => deps.io.err.write(`${deps.style.warn('warning:')} ${line}\n`),
              onSummary: (s) => (summary = s),
            });
          } finally {
            offInterrupt();
            bar.stop();
          }
          const { keyUsageJson } = await import('../workflow/evidence/report.js');
          const results = keys.map((k) => assessed.get(k.keyId)!);
          const searchedFrom = summary?.segments.reduce((a, s) => (s.start < a ? s.start : a), now) ?? new Date(now.getTime() - Math.min(days, 90) * DAY_MS);
          // cloudTrailStart/Days: what was searched (never more), as before issue 10; "evidence" says by what
          const window = {
            cloudTrailStart: searchedFrom.toISOString(),
            cloudTrailEnd: now.toISOString(),
            cloudTrailDays: Math.round((now.getTime() - searchedFrom.getTime()) / DAY_MS),
            requestedDays: days,
            unusedDays,
          };
          if (isJson(deps)) {
            writeJson(deps.io.out, { store: storeJson(store), window, evidence: summary ? evidenceSummaryJson(summary) : null, keys: results.map(keyUsageJson), note: REVIEW_SIGNAL_NOTE });
            return ExitCode.Ok;
          }
          const out = deps.io.out;
          out.write(
            `${store.id} (${store.name}, ${store.type}, ${store.connectionState}), region ${deps.region}: ${keys.length} key(s); ${summary ? evidenceSummaryLine(summary) : `CloudTrail ${day(window.cloudTrailStart)}..${day(now)}`}; unused means no use for ${unusedDays} days\n`,
          );
          if (results.length) {
            out.write(
              renderTable(
                ['KEY ID', 'VERDICT', 'LAST USE', 'CLOUDTRAIL CALLS', 'FAILED', 'CALLERS', 'GRANTS', 'ALIASES'],
                results.map((a) => {
                  const e = a.evidence;
                  const calls = Object.values(e.cloudTrail.operations).reduce((x, y) => x + y, 0);
                  return [
                    e.keyId,
                    verdictCell(deps, a.verdict),
                    e.lastUsage.status !== 'ok' ? e.lastUsage.status : e.lastUsage.timestamp ? `${e.lastUsage.operation} ${day(e.lastUsage.timestamp)}` : `none since ${day(e.lastUsage.trackingStartDate)}`,
                    e.cloudTrail.status !== 'ok' ? e.cloudTrail.status : String(calls),
                    e.cloudTrail.status !== 'ok' ? '-' : String(e.cloudTrail.failedAttemptCount),
                    String(e.cloudTrail.principals.length),
                    e.grants.status !== 'ok' ? e.grants.status : String(e.grants.grants.length),
                    e.aliases.names.join(',') || '-',
                  ];
                }),
              ),
            );
            out.write('\n');
            for (const a of results) out.write(`${keyBlock(deps, a).join('\n')}\n\n`);
            const count = (v: string) => results.filter((r) => r.verdict === v).length;
            out.write(`${count('in-use')} in-use, ${count('unused')} unused, ${count('unknown')} unknown\n`);
          }
          out.write(`${deps.style.dim(REVIEW_SIGNAL_NOTE)}\n`);
          return ExitCode.Ok;
        });
      });
  },
};
