/**
 * Making the plan document from what the planner computed (the same PlannedStep every mutating
 * command prints), the identity of the run, and the observations it rests on.
 */
import type { KeyInfo, StoreInfo } from '../../aws/ports.js';
import type { PlannedStep } from '../plan.js';
import type { PlanItem } from '../plan.js';
import {
  PLAN_KIND,
  PLAN_SCHEMA_VERSION,
  type AlarmObservation,
  type Observations,
  type PlanCommand,
  type PlanFile,
  type PlanFileItem,
  type PlanSubject,
  type SubjectObservations,
  type VerdictObservation,
} from './document.js';
import { storeLabel } from '../plan-runner/subject.js';
import { buildObservations } from './observations.js';
import { sealPlan } from './seal.js';
import { canonicalValue } from './canonical.js';

export function planFileItem(item: PlanItem): PlanFileItem {
  const details = item.details ? { ...item.details } : undefined;
  const params = details?.params as Record<string, unknown> | undefined;
  if (details) delete details.params;
  return {
    target: item.target,
    targetKind: item.targetKind,
    action: item.action,
    status: item.status,
    reason: item.reason,
    checks: item.checks.map((c) => ({ ...c })),
    ...(params && typeof params === 'object' ? { params: canonicalValue(params) as Record<string, unknown> } : {}),
    ...(details && Object.keys(details).length ? { details: canonicalValue(details) as Record<string, unknown> } : {}),
  };
}

/** One line per blocked item, with the flags that would override it (as the terminal plan says). */
export function blockedReasons(items: PlanItem[]): string[] {
  return items
    .filter((i) => i.status === 'blocked')
    .map((i) => {
      const flags = [
        ...new Set(i.checks.filter((c) => !c.ok && !c.overridden && c.overrideFlag).map((c) => c.overrideFlag!)),
      ].filter((f) => !i.reason.includes(f));
      return `${i.target}: ${i.reason}${flags.length ? ` [override: ${flags.join(' ')}]` : ''}`;
    });
}

/** The aliases the plan showed for each key (from its lines), so a moved alias is noticed on apply. */
export function aliasesFromItems(items: PlanItem[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const i of items)
    if (i.targetKind === 'key' && Array.isArray(i.details?.aliases)) m.set(i.target, i.details!.aliases as string[]);
  return m;
}

export interface PlanInputs {
  command: PlanCommand;
  storeId: string;
  options: Record<string, unknown>;
  commandLine: string;
  kscliVersion: string;
  now: Date;
  account: string;
  region: string;
  callerArn: string;
  store: StoreInfo;
  /** every key of the store as scanned for the plan */
  keys: KeyInfo[];
  planned: PlannedStep & { phase?: string; nextRunAfter?: Date };
  verdicts?: VerdictObservation[];
  alarm?: AlarmObservation;
  /** every key's aliases as listed (ListAliases); without it, the aliases the plan's lines show */
  aliases?: Map<string, string[]>;
}

/** The observations of a plan computed now (made and applied alike). */
export function observationsOf(
  i: Pick<PlanInputs, 'store' | 'keys' | 'planned' | 'verdicts' | 'alarm' | 'aliases'>,
): Observations {
  const items = i.planned.executables.map((e) => e.item);
  return buildObservations({
    store: i.store,
    keys: i.keys,
    aliases: i.aliases ?? aliasesFromItems(items),
    items,
    verdicts: i.verdicts,
    alarm: i.alarm,
  });
}

/** What a plan document says besides its plan and observations: who made it, how, when, about what. */
export interface PlanHead {
  command: PlanCommand;
  options: Record<string, unknown>;
  commandLine: string;
  kscliVersion: string;
  now: Date;
  callerArn: string;
  subject: PlanSubject;
}

/** The sealed plan document of any subject (its observations made by the subject's observer). */
export function planDocument<O extends SubjectObservations>(
  h: PlanHead,
  planned: PlannedStep & { phase?: string; nextRunAfter?: Date },
  observations: O,
): PlanFile<O> {
  const items = planned.executables.map((e) => e.item);
  return sealPlan({
    schemaVersion: PLAN_SCHEMA_VERSION,
    kind: PLAN_KIND,
    kscliVersion: h.kscliVersion,
    command: h.command,
    subject: h.subject,
    ...(h.subject.kind === 'store' ? { storeId: h.subject.id } : {}),
    options: canonicalValue(h.options) as Record<string, unknown>,
    commandLine: h.commandLine,
    createdAt: h.now.toISOString(),
    account: h.subject.account,
    region: h.subject.region,
    callerArn: h.callerArn,
    ...(planned.phase ? { phase: planned.phase } : {}),
    blocked: items.some((x) => x.status === 'blocked'),
    blockedReasons: blockedReasons(items),
    items: items.map(planFileItem),
    overrides: planned.overrides.map((flag) => ({ flag, by: h.callerArn })),
    warnings: [...planned.warnings],
    observations,
    ...(planned.nextRunAfter ? { nextRunAfter: planned.nextRunAfter.toISOString() } : {}),
  });
}

/** A store plan's document from its parts (what the store observer reads, given directly). */
export function buildPlanFile(i: PlanInputs): PlanFile<Observations> {
  const subject: PlanSubject = {
    kind: 'store',
    id: i.storeId,
    account: i.account,
    region: i.region,
    label: storeLabel(i.store),
  };
  return planDocument({ ...i, subject }, i.planned, observationsOf(i));
}
