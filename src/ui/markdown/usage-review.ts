/**
 * `kscli usage --output markdown`: the evidence of each key's use as a review document (issue 9),
 * from the same data as `--output json` (src/workflow/evidence/report.ts):
 *   # Key usage: <store>        store, account, region, window, when
 *   ## Verdicts                 one row per key: key, aliases, verdict, last use, CloudTrail calls, failed, callers, grants, evidence
 *   ## Trials                  (issue 20, when a key is in a trial or one is recommended) phase, window, failed calls, callers
 *   ## Evidence per key         ### <keyId>: each source, one bullet (and whether it could be read)
 *   the review-signal note
 */
import type { KeyUsage, UsageDocument } from '../../schemas/usage.js';
import { bullets, cell, code, heading, table, text, utc } from './gfm.js';
import { thousands } from '../../util/text-order.js';

/** One key as `--output json` has it (src/schemas/usage.ts KeyUsage): every section may be a gap. */
export type UsageKeyDoc = KeyUsage;

/** The `--output json` document (src/schemas/usage.ts), with what the review adds. */
export type UsageDoc = Pick<UsageDocument, 'store' | 'window' | 'keys' | 'note'> & {
  account?: string;
  region: string;
  generatedAt: string;
  /** where the evidence came from (CloudTrail LookupEvents, Logs Insights), one line */
  evidenceLine?: string;
  /** what the store's cluster costs a month (issue 21), or why it is not known */
  clusterCost?: { hsmCount: number; monthlyUsd: number; usdPerHour: number; priceLine: string } | { error: string };
};

function clusterCell(clusterId: string, c: UsageDoc['clusterCost']): string {
  if (!c) return code(clusterId);
  if ('error' in c) return `${code(clusterId)}: cost not known (${text(c.error)})`;
  return `${code(clusterId)}: ${c.hsmCount} HSM(s), **≈ $${thousands(c.monthlyUsd)} a month** (${c.hsmCount} x $${c.usdPerHour.toFixed(2)} an hour; ${text(c.priceLine)}); deleting the store does not stop this: ${code(`kscli retire-cluster ${clusterId}`)} afterwards`;
}

const day = (d: string | undefined): string => (d ? d.slice(0, 10) : '-');
const gap = (s: { status: string; error?: string }): string => `${s.status}${s.error ? ` (${s.error})` : ''}`;

function lastUse(k: UsageKeyDoc): string {
  const lu = k.lastUsage;
  if (lu.status !== 'ok') return `GetKeyLastUsage ${gap(lu)}`;
  return lu.timestamp ? `${lu.operation} ${day(lu.timestamp)}` : `none since ${day(lu.trackingStartDate)}`;
}

function calls(k: UsageKeyDoc): string {
  const ct = k.cloudTrail;
  if (ct.status !== 'ok') return gap(ct);
  return String(Object.values(ct.operations).reduce((a, b) => a + b, 0));
}

function evidenceBullets(k: UsageKeyDoc): string[] {
  const out: string[] = [
    `Verdict: **${text(k.verdict)}**: ${text(k.reason)}`,
    `Last use (GetKeyLastUsage): ${text(lastUse(k))}`,
  ];
  const ct = k.cloudTrail;
  if (ct.status !== 'ok') out.push(`CloudTrail: ${text(gap(ct))}`);
  else {
    const ops = Object.entries(ct.operations)
      .sort((a, b) => b[1] - a[1])
      .map(([op, n]) => `${op} ${n}`)
      .join(', ');
    out.push(
      `CloudTrail ${day(ct.window.start)}..${day(ct.window.end)}: ${text(ops || 'no cryptographic call')}${ct.newest ? `; newest ${text(ct.newest.eventName)} by ${code(ct.newest.principal)} at ${utc(ct.newest.eventTime)}` : ''}`,
    );
    if (ct.principals.length)
      out.push(`Callers: ${ct.principals.map((p) => `${code(p.principal)} (${p.count})`).join(', ')}`);
    if (ct.failedAttemptCount) {
      const f = ct.failedAttempts[0];
      out.push(
        `Failed attempts: ${ct.failedAttemptCount}${f ? `, newest ${text(f.eventName)} by ${code(f.principal)} at ${utc(f.eventTime)}: ${text(`${f.errorCode ?? 'error'} ${f.errorMessage ?? ''}`.trim())}` : ''}`,
      );
    }
  }
  const pp = k.policyPrincipals;
  out.push(
    pp.status !== 'ok'
      ? `Key policy: ${text(gap(pp))}`
      : `Key policy: ${pp.principals.map((p) => `${code(p.principal)}${p.note ? ` (${text(p.note)})` : ''}${p.conditional ? ' with conditions' : ''}`).join('; ') || 'no principal may use it'}`,
  );
  const g = k.grants;
  out.push(
    g.status !== 'ok'
      ? `Grants: ${text(gap(g))}`
      : `Grants: ${g.grants.map((x) => `${code(x.granteePrincipal ?? '?')}${x.awsService ? ' (AWS service: it depends on the key)' : ''} [${text(x.operations.join(', '))}]`).join('; ') || 'none'}`,
  );
  // issue 19: what the key protects, one bullet per resource (never "no data" when not covered)
  const d = k.dataAtRest;
  if (d) {
    if (d.status === 'off') out.push('Data at rest: not searched (--dependents off)');
    else if (!d.resources.length)
      out.push(
        `Data at rest: ${d.status === 'gap' ? `none found, but not covered: ${text(d.gaps.join('; '))}` : 'none found'}`,
      );
    else
      out.push(
        `Data at rest: **${d.resources.length} resource(s) encrypted under the key**: ${d.resources
          .map(
            (r) =>
              `${text(r.resourceType)} ${code(r.resourceId)}${r.accountId ? ` (account ${code(r.accountId)})` : ''}${r.region ? ` ${text(r.region)}` : ''}${r.createdAt ? `, created ${day(r.createdAt)}` : ''}`,
          )
          .join('; ')}`,
      );
  }
  out.push(...trialBullets(k));
  return out;
}

/** issue 20: the key's trial (phase, window, failed calls by caller), or why a trial is recommended. */
function trialBullets(k: UsageKeyDoc): string[] {
  const out: string[] = [];
  const t = k.trial;
  if (t) {
    const n = t.failures.length;
    out.push(
      `Trial: **${text(t.phase)}**, disabled ${utc(t.start)} until ${utc(t.end)} (${t.days} days), ${n} failed call(s)${t.gap ? `; failed calls not read: ${text(t.gap)}` : ''}${t.disabledBy ? `; disabled by ${code(t.disabledBy.principal)}` : ''}`,
    );
    for (const f of t.failures)
      out.push(
        `Failed call: ${text(f.operation)} by ${code(f.principal)} at ${utc(f.time)} (${text(f.errorCode)}; account ${code(f.account ?? '?')}, ${text(f.region ?? '?')})`,
      );
  }
  if (k.trialTagsError) out.push(`Trial: unknown, the key's tags could not be read (${text(k.trialTagsError)})`);
  if (k.trialRecommended)
    out.push(`**Trial recommended**: ${text(k.trialRecommended.reason)}: ${code(k.trialRecommended.command)}`);
  return out;
}

/** issue 20: a section only when a key is in a trial or one is recommended. */
function trialsSection(doc: UsageDoc): string | undefined {
  const rows = doc.keys
    .filter((k) => k.trial || k.trialRecommended || k.trialTagsError)
    .map((k) => [
      code(k.keyId),
      k.trial ? `**${text(k.trial.phase)}**` : k.trialTagsError ? 'unknown' : 'recommended',
      k.trial ? `${day(k.trial.start)}..${day(k.trial.end)}` : '-',
      k.trial ? String(k.trial.failures.length) : '-',
      cell(
        k.trial
          ? [...new Set(k.trial.failures.map((f) => f.principal))].join(', ') || '-'
          : (k.trialRecommended?.reason ?? k.trialTagsError ?? '-'),
      ),
    ]);
  if (rows.length === 0) return undefined;
  return `${heading(2, 'Trials')}\n${table(['Key', 'Trial', 'Window', 'Failed calls', 'Callers / why'], rows)}`;
}

export function renderUsageMarkdown(doc: UsageDoc): string {
  const s = doc.store;
  const parts: string[] = [];
  parts.push(heading(1, `Key usage: ${text(s.storeId)}`));
  parts.push(
    table(
      ['Field', 'Value'],
      [
        ['Store', `${code(s.storeId)} ${text(`(${s.name}, ${s.type}, ${s.connectionState})`)}`],
        ...(s.clusterId ? [['Cluster', clusterCell(s.clusterId, doc.clusterCost)]] : []),
        ...(doc.account ? [['Account', code(doc.account)]] : []),
        ['Region', code(doc.region)],
        [
          'CloudTrail window',
          `${day(doc.window.cloudTrailStart)}..${day(doc.window.cloudTrailEnd)} (${doc.window.cloudTrailDays} days)`,
        ],
        ...(doc.evidenceLine ? [['Evidence source', text(doc.evidenceLine)]] : []),
        ['Unused means', `no use for ${doc.window.unusedDays} days`],
        ['Generated at', utc(doc.generatedAt)],
      ],
    ),
  );
  const count = (v: string) => doc.keys.filter((k) => k.verdict === v).length;
  parts.push(
    `${heading(2, `Verdicts (${doc.keys.length} key(s): ${count('protects-data')} protects-data, ${count('in-use')} in-use, ${count('unused')} unused, ${count('unknown')} unknown)`)}`,
  );
  if (doc.keys.length) {
    parts.push(
      table(
        ['Key', 'Aliases', 'Verdict', 'Last use', 'CloudTrail calls', 'Failed', 'Callers', 'Grants', 'Evidence'],
        doc.keys.map((k) => {
          const ct = k.cloudTrail;
          const names = k.aliases.names;
          return [
            code(k.keyId),
            names.length ? names.map(code).join(', ') : '-',
            `**${text(k.verdict)}**`,
            cell(lastUse(k)),
            cell(calls(k)),
            cell(ct.status === 'ok' ? String(ct.failedAttemptCount) : '-'),
            cell(ct.status === 'ok' ? String(ct.principals.length) : '-'),
            cell(k.grants.status === 'ok' ? String(k.grants.grants.length) : k.grants.status),
            cell(k.reason),
          ];
        }),
      ),
    );
    const trials = trialsSection(doc);
    if (trials) parts.push(trials);
    parts.push(heading(2, 'Evidence per key'));
    for (const k of doc.keys) parts.push(`${heading(3, code(k.keyId))}\n${bullets(evidenceBullets(k))}`);
  } else parts.push('The store holds no keys (or none matched --key).\n');
  parts.push(`> ${text(doc.note)}\n`);
  return parts.join('\n');
}
