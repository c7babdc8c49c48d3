/**
 * A saved plan in the terminal (`kscli show FILE --output table`, and the lines `--plan-out` and
 * `kscli apply` print about the file): the header, one line per item (the same table as a live
 * plan), the overrides with who took them, and the digest.
 */
import type { NextStep } from '../next-step.js';
import { applyItems, type PlanFile } from '../../workflow/plan-file/document.js';
import type { PlanItem } from '../../workflow/plan.js';
import { renderPlanTable } from './plan.js';
import type { Style } from '../style.js';

/** The plan file's items in the shape of a live plan's items (the table renderer's input). */
export function planFileItems(plan: PlanFile): PlanItem[] {
  return plan.items.map((i) => ({
    ...i,
    targetKind: i.targetKind as PlanItem['targetKind'],
    ...(i.details ? { details: i.details } : {}),
  }));
}

export function planStatusLine(plan: PlanFile, style: Style): string {
  if (plan.blocked) return style.bad('BLOCKED: this plan is for review only and cannot be applied');
  const n = applyItems(plan).length;
  return n === 0 ? 'nothing to change' : `ready to apply: ${n} change(s)`;
}

/** `next` builds the apply line with the global flags of this run (ui/next-step.ts). */
export function renderPlanFile(plan: PlanFile, path: string, style: Style, next: NextStep): string {
  const { subject } = plan;
  const lines: string[] = [];
  lines.push(
    `${style.bold(`Saved plan: ${plan.command} ${subject.id}`)}${subject.label ? ` (${subject.label})` : ''} in account ${plan.account}, region ${plan.region}`,
  );
  lines.push(
    `made ${plan.createdAt} by ${plan.callerArn} with kscli ${plan.kscliVersion}${plan.phase ? `; delete-store phase ${plan.phase}` : ''}`,
  );
  lines.push(`command: ${plan.commandLine}`);
  let out = `${lines.join('\n')}\n${renderPlanTable(planFileItems(plan), style)}`;
  for (const w of plan.warnings) out += `${style.warn('warning:')} ${w}\n`;
  for (const o of plan.overrides) out += `override: ${o.flag} (taken by ${o.by})\n`;
  for (const b of plan.blockedReasons) out += `blocked: ${b}\n`;
  out += `${planStatusLine(plan, style)}\n`;
  out += `digest: ${plan.digest} (verified: the file is unchanged since it was made)\n`;
  out += plan.blocked ? '' : `apply it with:\n  ${next(['apply', path])}\n`;
  return out;
}

/** After --plan-out: where the plan went and its digest (quote it in the change ticket). */
export function planWrittenLines(path: string, plan: PlanFile, next: NextStep): string[] {
  return [
    `plan written to ${path}`,
    `digest: ${plan.digest}`,
    plan.blocked
      ? 'the plan is blocked: it is written for review and cannot be applied'
      : `apply it with:\n  ${next(['apply', path])}`,
  ];
}
