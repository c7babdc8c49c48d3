/**
 * `kscli usage` for a person (issue 14, "usage at a glance"): first a summary, one row per key,
 * the keys that need a decision (in-use, unknown) first; then the evidence of those keys in full
 * (every key with --details). The JSON document is not made here: it keeps every key, in the
 * store's order, with ISO dates only.
 *
 * Summary row: key ID, verdict, last use as a relative date, callers, activity over the window,
 * key state, aliases. In a terminal too narrow for the table (under about 130 columns), each key is
 * a record of two lines: key, verdict and aliases, then the rest indented under it.
 */
import type { KeyAssessment } from '../workflow/evidence/index.js';
import { relativeDate } from './dates.js';
import { activitySeries, sparkline, sum } from './sparkline.js';
import { verdictWord, type Style } from './style.js';
import { renderTable } from './table.js';
import { fitText } from './wrap.js';

export interface UsageView {
  style: Style;
  /** the terminal's width; undefined when the output is not a terminal */
  width?: number;
  now: Date;
  /** the CloudTrail window the evidence covers */
  window: { start: Date; end: Date };
}

/** protects-data and in-use first, then unknown (both need a decision), then unused; the store's order within each. */
const RANK: Record<string, number> = { 'protects-data': 0, 'in-use': 0, unknown: 1, unused: 2 };
export function byDecision(results: KeyAssessment[]): KeyAssessment[] {
  return results
    .map((a, i) => ({ a, i }))
    .sort((x, y) => (RANK[x.a.verdict] ?? 1) - (RANK[y.a.verdict] ?? 1) || x.i - y.i)
    .map((x) => x.a);
}

export const needsDecision = (a: KeyAssessment): boolean => a.verdict !== 'unused';

const day = (d: Date | string | undefined): string => (d ? new Date(d).toISOString().slice(0, 10) : '-');

/**
 * The newest call, successful or failed, from GetKeyLastUsage and CloudTrail together: a key only
 * failed calls reach is still used (its callers depend on it), and says so.
 */
function lastUseCell(a: KeyAssessment, view: UsageView): string {
  const e = a.evidence;
  const ok = [e.lastUsage.timestamp, e.cloudTrail.newest?.eventTime].filter((d): d is Date => d instanceof Date);
  const newestOk = ok.length ? new Date(Math.max(...ok.map((d) => d.getTime()))) : undefined;
  const newestFailed = e.cloudTrail.failedAttempts[0]?.eventTime;
  if (newestFailed && (!newestOk || newestFailed > newestOk)) return `${relativeDate(newestFailed, view.now)} (failed)`;
  if (newestOk) return relativeDate(newestOk, view.now);
  if (e.lastUsage.status !== 'ok') return e.lastUsage.status;
  const tracked = e.lastUsage.trackingStartDate;
  const created = e.lastUsage.keyCreationDate ?? e.creationDate;
  // tracking began before the key existed: GetKeyLastUsage has seen its whole life
  return tracked && created && tracked.getTime() > created.getTime() ? `none since ${day(tracked)}` : 'never';
}

/** Successful calls per bucket, with their number; failed calls on a second line, in red and named. */
function activityCell(a: KeyAssessment, view: UsageView): string {
  const ct = a.evidence.cloudTrail;
  if (ct.status !== 'ok') return view.style.warn(ct.status);
  if (!ct.daily) return view.style.dim('no per-day counts');
  const s = activitySeries(ct.daily, view.window);
  const lines = [`${sparkline(s.succeeded)} ${sum(s.succeeded)}`];
  if (sum(s.failed) > 0) lines.push(view.style.bad(`${sparkline(s.failed)} ${sum(s.failed)} failed`));
  return lines.join('\n');
}

/** The DATA column (issue 19): resources found under the key, or why none can be said. */
function dataCell(a: KeyAssessment, view: UsageView): string {
  const d = a.dependents;
  if (!d) return '-';
  if (d.status === 'off') return view.style.dim('not searched');
  if (d.status === 'found') return view.style.bad(`${d.resources.length} resource(s)`);
  if (d.status === 'gap') return view.style.warn('not covered');
  return 'none found';
}

function summaryRow(a: KeyAssessment, view: UsageView): string[] {
  const e = a.evidence;
  return [
    e.keyId,
    verdictWord(view.style, a.verdict),
    lastUseCell(a, view),
    e.cloudTrail.status !== 'ok' ? view.style.warn(e.cloudTrail.status) : String(e.cloudTrail.principals.length),
    activityCell(a, view),
    e.state,
    dataCell(a, view),
    e.aliases.status !== 'ok' ? view.style.warn(e.aliases.status) : e.aliases.names.join('\n') || '-',
  ];
}

/** The legend under the summary: what the activity line counts, over which dates. */
export function activityLegend(view: UsageView): string {
  const s = activitySeries([], view.window);
  const unit = s.bucketDays === 1 ? 'day' : 'week';
  return view.style.dim(
    `activity: successful cryptographic calls per ${unit} from ${day(view.window.start)} (left) to ${day(view.window.end)} (right), · for none, then their total; failed calls on a line of their own`,
  );
}

/** The summary: one row per key (one record of two lines in a narrow terminal), decisions first. */
export function renderUsageSummary(results: KeyAssessment[], view: UsageView): string {
  const rows = byDecision(results).map((a) => summaryRow(a, view));
  const table = renderTable(
    ['KEY ID', 'VERDICT', 'LAST USE', 'CALLERS', 'ACTIVITY', 'STATE', 'DATA', 'ALIASES'],
    rows,
    {
      width: view.width,
      record: { head: [0, 1, 7], flow: true },
    },
  );
  // the legend explains sparklines: when no row drew one (no per-day counts anywhere), it explains nothing
  if (!results.some((a) => a.evidence.cloudTrail.status === 'ok' && a.evidence.cloudTrail.daily)) return table;
  const legend = activityLegend(view);
  return `${table}${view.width ? fitText(legend, view.width) : legend}\n`;
}

const when = (d: Date | undefined): string => (d ? d.toISOString().replace('.000Z', 'Z') : '-');
const gap = (s: { status: string; error?: string }): string => `${s.status}${s.error ? ` (${s.error})` : ''}`;

/** The evidence of one key, one line per source. */
export function keyDetails(a: KeyAssessment, view: Pick<UsageView, 'style' | 'now'>): string[] {
  const { style } = view;
  const e = a.evidence;
  const lines = [`${style.bold(e.keyId)}  ${verdictWord(style, a.verdict)}`, `  verdict:       ${a.reason}`];
  const lu = e.lastUsage;
  lines.push(
    lu.status !== 'ok'
      ? `  last use:      GetKeyLastUsage ${gap(lu)}`
      : lu.timestamp
        ? `  last use:      ${lu.operation} at ${when(lu.timestamp)} (${relativeDate(lu.timestamp, view.now)})${lu.cloudTrailEventId ? ` (CloudTrail event ${lu.cloudTrailEventId})` : ''}; tracked since ${day(lu.trackingStartDate)}`
        : `  last use:      none since tracking started ${day(lu.trackingStartDate)} (key created ${day(lu.keyCreationDate ?? e.creationDate)})`,
  );
  const ct = e.cloudTrail;
  if (ct.status !== 'ok') lines.push(`  CloudTrail:    ${gap(ct)}`);
  else {
    const ops = Object.entries(ct.operations)
      .sort((x, y) => y[1] - x[1])
      .map(([op, n]) => `${op} ${n}`)
      .join(', ');
    lines.push(
      `  CloudTrail:    ${day(ct.window.start)}..${day(ct.window.end)}: ${ops || 'no cryptographic call'}${ct.newest ? `; newest ${ct.newest.eventName} by ${ct.newest.principal} at ${when(ct.newest.eventTime)}` : ''}`,
    );
    if (ct.principals.length)
      lines.push(`  callers:       ${ct.principals.map((p) => `${p.principal} (${p.count})`).join(', ')}`);
    if (ct.failedAttemptCount) {
      const f = ct.failedAttempts[0]!;
      lines.push(
        `  ${style.bad('failed:')}        ${ct.failedAttemptCount}, newest ${f.eventName} by ${f.principal} at ${when(f.eventTime)}: ${f.errorCode ?? 'error'} ${f.errorMessage ?? ''}`.trimEnd(),
      );
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
  lines.push(...dataLines(a, style));
  return lines;
}

/** The data at rest under the key (issue 19): one line per resource, then what the search missed. */
function dataLines(a: KeyAssessment, style: Style): string[] {
  const d = a.dependents;
  if (!d) return [];
  if (d.status === 'off') return ['  data at rest:  not searched (--dependents off)'];
  const lines: string[] = [];
  if (d.resources.length === 0)
    lines.push(
      `  data at rest:  ${d.status === 'gap' ? style.warn('none found, but not every type was covered') : 'none found'}`,
    );
  else lines.push(`  data at rest:  ${style.bad(`${d.resources.length} resource(s) encrypted under the key`)}`);
  for (const r of d.resources) {
    const where = [
      r.accountId ? `account ${r.accountId}` : undefined,
      r.region,
      r.createdAt ? `created ${day(r.createdAt)}` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    const id = r.arn && r.arn !== r.resourceId ? `${r.resourceId} (${r.arn})` : r.resourceId;
    lines.push(
      `    ${r.resourceType} ${id}${r.name ? ` ${r.name}` : ''}${where ? `; ${where}` : ''} [${r.source}${r.grantId ? ` ${r.grantId}` : ''}]`,
    );
  }
  for (const g of d.gaps) lines.push(`    ${style.warn('not covered:')} ${g}`);
  for (const s of d.staleGrants)
    lines.push(`    ${style.dim(`grant ${s.grantId} names ${s.resource}, not found (likely stale)`)}`);
  return lines;
}

/**
 * The evidence blocks: the keys that need a decision, or every key with `all` (--details), in the
 * summary's order; then a line saying how many were left out and how to see them.
 */
export function renderUsageDetails(
  results: KeyAssessment[],
  view: Pick<UsageView, 'style' | 'now' | 'width'>,
  all: boolean,
): string {
  const shown = byDecision(results).filter((a) => all || needsDecision(a));
  let text = shown.map((a) => `${keyDetails(a, view).join('\n')}\n\n`).join('');
  const hidden = results.length - shown.length;
  if (hidden > 0)
    text += `${view.style.dim(`evidence of the ${hidden} unused key(s) not shown: add --details to see it`)}\n\n`;
  return view.width ? fitText(text, view.width) : text;
}
