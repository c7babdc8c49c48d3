/**
 * Rendering a plan: one line per target with its action, or the reason it is skipped or blocked
 * (architecture.md section 3, "Every key gets a line"). The JSON form is what `--output json`
 * puts under "plan".
 */
import type { PlanItem } from '../../workflow/plan.js';
import type { ItemResult } from '../../workflow/plan-runner/apply-items.js';
import { withRelativeDates } from '../dates.js';
import { renderTable } from '../table.js';
import { outcomeWord, planStatusWord, type Style } from '../style.js';
import type { PlanItemJson } from '../../schemas/plan.js';

/** Where a plan is shown: the terminal's width (undefined: not a terminal) and now, for relative dates. */
export interface PlanLayout {
  width?: number;
  now?: Date;
}

/**
 * Below the width where the plan table fits (about 125 columns), one record per target: status,
 * target and action on the first line, state and reason indented under it.
 */
const PLAN_RECORD = { head: [0, 1, 2] };

/** One plan line in the JSON document: the published schema's type (src/schemas/plan.ts). */
export type { PlanItemJson } from '../../schemas/plan.js';

export function planItemJson(item: PlanItem, res?: ItemResult, describeError?: (e: unknown) => string): PlanItemJson {
  const details = item.details ? { ...item.details } : undefined;
  if (details) delete details.params;
  const out: PlanItemJson = {
    target: item.target,
    targetKind: item.targetKind,
    action: item.action,
    status: item.status,
    reason: item.reason,
    checks: item.checks,
    ...(details && Object.keys(details).length ? { details: JSON.parse(JSON.stringify(details)) } : {}),
  };
  if (res) {
    out.result = res.outcome;
    if (res.note) out.note = res.note;
    if (res.error !== undefined && describeError) out.error = describeError(res.error);
    if (res.result) {
      const r = JSON.parse(JSON.stringify(res.result)) as Record<string, unknown>;
      delete r.note;
      if (Object.keys(r).length) out.details = { ...(out.details ?? {}), ...r };
    }
  }
  return out;
}

export function renderPlanTable(items: PlanItem[], style: Style, layout: PlanLayout = {}): string {
  const human = (s: string) => (layout.now ? withRelativeDates(s, layout.now) : s);
  if (items.length === 0) return 'nothing to plan\n';
  const rows = items.map((i) => {
    const d = i.details ?? {};
    const what = [
      typeof d.state === 'string' ? d.state : '',
      Array.isArray(d.aliases) ? (d.aliases as string[]).join(',') : '',
    ]
      .filter(Boolean)
      .join(' ');
    return [planStatusWord(style, i.status), i.target, i.action, what, human(i.reason)];
  });
  return renderTable(['STATUS', 'TARGET', 'ACTION', 'STATE', 'REASON'], rows, {
    width: layout.width,
    record: PLAN_RECORD,
  });
}

export function renderResultsTable(
  results: ItemResult[],
  style: Style,
  describeError: (e: unknown) => string,
  layout: PlanLayout = {},
): string {
  const human = (s: string) => (layout.now ? withRelativeDates(s, layout.now) : s);
  const rows = results
    .filter((r) => r.item.status !== 'skip' || r.note)
    .map((r) => {
      const outcome = outcomeWord(style, r.outcome);
      const detail =
        r.error !== undefined
          ? describeError(r.error)
          : [
              r.note,
              typeof r.result?.deletionDate === 'string' || r.result?.deletionDate instanceof Date
                ? `deletion ${new Date(r.result.deletionDate as string).toISOString()}`
                : '',
            ]
              .filter(Boolean)
              .join('; ');
      return [outcome, r.item.target, r.item.action, human(detail)];
    });
  if (rows.length === 0) return '';
  return renderTable(['RESULT', 'TARGET', 'ACTION', 'DETAIL'], rows, { width: layout.width, record: PLAN_RECORD });
}

/** What blocks the plan, and the flag that would override each reason. */
export function blockedSummary(items: PlanItem[]): string[] {
  const lines: string[] = [];
  for (const i of items.filter((x) => x.status === 'blocked')) {
    const flags = [
      ...new Set(i.checks.filter((c) => !c.ok && !c.overridden && c.overrideFlag).map((c) => c.overrideFlag!)),
    ];
    const missing = flags.filter((f) => !i.reason.includes(f));
    lines.push(`${i.target}: ${i.reason}${missing.length ? ` [override: ${missing.join(' ')}]` : ''}`);
  }
  return lines;
}
