/**
 * What is at stake, shown right above the typed confirmation (issue 14): how many keys will be
 * scheduled for deletion, how many of them the evidence says are in use or could not tell, with
 * the flag that overrode it, and the earliest date a key's material can be gone; then the other
 * changes by kind. The confirmation itself stays typing the store ID (ui/prompter.ts).
 */
import type { PlanItem } from '../workflow/plan.js';
import { isoWithRelative } from './dates.js';
import type { IO } from './io.js';
import type { ConfirmDestructive } from './prompter.js';
import { createStyle, type Style } from './style.js';
import { fitText } from './wrap.js';

const DAY_MS = 86_400_000;
const SCHEDULE = 'ScheduleKeyDeletion';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The usage verdict a plan line carries (details.verdict, set by the evidence step), if any. */
const verdictOf = (i: PlanItem): string | undefined =>
  typeof i.details?.verdict === 'string' ? i.details.verdict : undefined;

/** Who called a key, as its line says (details.callers, set by the trial's in-use gate). */
const callersOf = (i: PlanItem): string[] =>
  Array.isArray(i.details?.callers) ? i.details.callers.filter((c): c is string => typeof c === 'string') : [];

/** The resources a key line says are encrypted under the key (issue 19), as "<type> <id>". */
function dependentsOf(i: PlanItem): string[] {
  const d = i.details?.dependents as
    { resources?: Array<{ resourceType: string; resourceId: string; accountId?: string }> } | undefined;
  return (d?.resources ?? []).map(
    (r) => `${r.resourceType} ${r.resourceId}${r.accountId ? ` (account ${r.accountId})` : ''}`,
  );
}

/** The waiting period a ScheduleKeyDeletion line will ask for, in days. */
function windowDays(i: PlanItem): number | undefined {
  const params = i.details?.params as { PendingWindowInDays?: unknown } | undefined;
  return typeof params?.PendingWindowInDays === 'number' ? params.PendingWindowInDays : undefined;
}

/**
 * Lines describing the changes `toApply` will make (only the items that will be applied).
 * `now` dates the earliest deletion: AWS counts the waiting period from the call, which comes
 * after the confirmation, so the real date is never earlier than the one shown.
 */
export function stakeLines(toApply: PlanItem[], now: Date, style: Style): string[] {
  const lines: string[] = [];
  const scheduled = toApply.filter((i) => i.action === SCHEDULE);
  if (scheduled.length) {
    const days = scheduled.map(windowDays).filter((d): d is number => d !== undefined);
    lines.push(`${style.bold(plural(scheduled.length, 'key'))} will be scheduled for deletion`);
    if (days.length)
      lines.push(
        `  earliest deletion: ${style.bold(isoWithRelative(new Date(now.getTime() + Math.min(...days) * DAY_MS), now))}`,
      );
    // by the overridden checks: a key that protects data may be in use as well (issue 19)
    const overridden = (i: PlanItem, flag: string) => i.checks.some((c) => c.overridden && c.overrideFlag === flag);
    const inUse = scheduled.filter((i) => verdictOf(i) === 'in-use' || overridden(i, '--allow-in-use')).length;
    const unknown = scheduled.filter((i) => verdictOf(i) === 'unknown').length;
    const withData = scheduled.filter((i) => overridden(i, '--allow-data-loss'));
    if (withData.length) {
      const resources = withData.flatMap((i) => dependentsOf(i));
      lines.push(
        `  ${style.bad(`${withData.length} of them protect data`)}: ${resources.length} resource(s) encrypted under them become unreadable (overridden with --allow-data-loss)`,
      );
      for (const r of resources.slice(0, 5)) lines.push(`    ${r}`);
      if (resources.length > 5) lines.push(`    ... and ${resources.length - 5} more (see the plan)`);
    }
    if (inUse) lines.push(`  ${style.bad(`${inUse} of them in use`)} (overridden with --allow-in-use)`);
    if (unknown)
      lines.push(`  ${style.warn(`${unknown} of them with unknown usage`)} (overridden with --allow-unknown-usage)`);
    if (!inUse && !unknown && !withData.length && scheduled.some((i) => verdictOf(i) !== undefined))
      lines.push(`  ${style.ok('none of them in use')} by the evidence`);
  }
  // issue 20: a trial disables keys; say how many, and what undoes it
  const disabled = toApply.filter((i) => i.action === 'DisableKey');
  if (disabled.length) {
    lines.push(
      `${style.bold(plural(disabled.length, 'key'))} will be disabled for a trial: their callers fail until EnableKey (${style.bold('kscli enable-keys')}) undoes it`,
    );
    // a key in use reaches here only with --allow-in-use: its known callers will fail (trial/evaluate.ts)
    const inUse = disabled.filter((i) => verdictOf(i) === 'in-use');
    const callers = [...new Set(inUse.flatMap(callersOf))];
    if (inUse.length)
      lines.push(
        `  ${style.bad(`${inUse.length} of them in use`)} (overridden with --allow-in-use)${callers.length ? `: ${callers.join(', ')} will fail` : ''}`,
      );
  }
  const enabled = toApply.filter((i) => i.action === 'EnableKey');
  if (enabled.length && !toApply.some((i) => i.action === 'CancelKeyDeletion'))
    lines.push(`${style.bold(plural(enabled.length, 'key'))} will be enabled again`);
  const others = new Map<string, number>();
  const told = new Set([SCHEDULE, 'DisableKey']);
  if (!toApply.some((i) => i.action === 'CancelKeyDeletion')) told.add('EnableKey');
  for (const i of toApply.filter((x) => !told.has(x.action))) others.set(i.action, (others.get(i.action) ?? 0) + 1);
  if (others.size)
    lines.push(
      `${scheduled.length || disabled.length || (enabled.length && told.has('EnableKey')) ? 'and ' : ''}${[...others].map(([action, n]) => `${action}${n > 1 ? ` x${n}` : ''}`).join(', ')}`,
    );
  return lines;
}

/**
 * The text above the typed confirmation: the message, then what is at stake, fitted to stderr's
 * width on a terminal.
 */
export function confirmationText(io: Pick<IO, 'color' | 'errColumns'>, req: ConfirmDestructive): string {
  const stake = req.changes
    ? stakeLines(req.changes, req.now ?? new Date(), createStyle(io.color)).map((l) => `  ${l}`)
    : [];
  const text = [req.message, ...stake].join('\n');
  return io.errColumns ? fitText(text, io.errColumns) : text;
}
