/**
 * Rendering a plan: one line per target with its action, or the reason it is skipped or blocked
 * (architecture.md section 3, "Every key gets a line"). The JSON form is what `--output json`
 * puts under "plan".
 */
import type { PlanItem } from '../../workflow/plan.js';
import type { ItemResult } from '../../workflow/plan-runner/apply-items.js';
import { renderTable } from '../table.js';
import type { Style } from '../style.js';
import type { PlanItemJson } from '../../schemas/plan.js';

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

function statusCell(status: string, style: Style): string {
  if (status === 'apply') return style.bold('apply');
  if (status === 'blocked') return style.bad('BLOCKED');
  return style.dim('skip');
}

export function renderPlanTable(items: PlanItem[], style: Style): string {
  if (items.length === 0) return 'nothing to plan\n';
  const rows = items.map((i) => {
    const d = i.details ?? {};
    const what = [typeof d.state === 'string' ? d.state : '', Array.isArray(d.aliases) ? (d.aliases as string[]).join(',') : ''].filter(Boolean).join(' ');
    return [statusCell(i.status, style), i.target, i.action, what, i.reason];
  });
  return renderTable(['STATUS', 'TARGET', 'ACTION', 'STATE', 'REASON'], rows);
}

export function renderResultsTable(results: ItemResult[], style: Style, describeError: (e: unknown) => string): string {
  const rows = results
    .filter((r) => r.item.status !== 'skip' || r.note)
    .map((r) => {
      const outcome = r.outcome === 'done' ? style.ok('done') : r.outcome === 'failed' || r.outcome === 'blocked' ? style.bad(r.outcome) : style.dim(r.outcome);
      const detail = r.error !== undefined ? describeError(r.error) : [r.note, typeof r.result?.deletionDate === 'string' || r.result?.deletionDate instanceof Date ? `deletion ${new Date(r.result.deletionDate as string).toISOString()}` : ''].filter(Boolean).join('; ');
      return [outcome, r.item.target, r.item.action, detail];
    });
  if (rows.length === 0) return '';
  return renderTable(['RESULT', 'TARGET', 'ACTION', 'DETAIL'], rows);
}

/** What blocks the plan, and the flag that would override each reason. */
export function blockedSummary(items: PlanItem[]): string[] {
  const lines: string[] = [];
  for (const i of items.filter((x) => x.status === 'blocked')) {
    const flags = [...new Set(i.checks.filter((c) => !c.ok && !c.overridden && c.overrideFlag).map((c) => c.overrideFlag!))];
    const missing = flags.filter((f) => !i.reason.includes(f));
    lines.push(`${i.target}: ${i.reason}${missing.length ? ` [override: ${missing.join(' ')}]` : ''}`);
  }
  return lines;
}
