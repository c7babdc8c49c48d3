/**
 * What changed between the world a plan was made from and the world `apply` finds: one line per
 * difference, in the words an operator uses ("key … was Disabled, is now Enabled", "a new key
 * appeared in the store", "verdict of … changed: unused → in-use (Decrypt 2026-12-01)"). Any line
 * refuses the apply: the plan that was reviewed is not the plan that would run.
 *
 * Deliberately strict, as Terraform's "Saved plan is stale" is (aws-facts-estate-and-scale D): a
 * change that happens not to alter the plan's lines (an unrelated key scheduled by a colleague)
 * still means the reviewer read about a different store.
 */
import { ALARM_FIELDS } from '../evidence/alarm-spec.js';
import type {
  AlarmObservation,
  BackupObservation,
  KeyObservation,
  Observations,
  PlanFileItem,
  VerdictObservation,
} from './document.js';

const day = (iso: string): string => iso.slice(0, 10);

function stateWithDate(k: KeyObservation): string {
  return k.state === 'PendingDeletion' && k.deletionDate
    ? `PendingDeletion (deletion on ${day(k.deletionDate)})`
    : k.state;
}

export function compareKeys(before: KeyObservation[], after: KeyObservation[]): string[] {
  const lines: string[] = [];
  const now = new Map(after.map((k) => [k.keyId, k]));
  const was = new Map(before.map((k) => [k.keyId, k]));
  for (const b of before) {
    const a = now.get(b.keyId);
    if (!a) {
      lines.push(`key ${b.keyId} no longer exists: deleted since the plan (it was ${stateWithDate(b)})`);
      continue;
    }
    if (a.state !== b.state) lines.push(`key ${b.keyId} was ${stateWithDate(b)}, is now ${stateWithDate(a)}`);
    else if (a.deletionDate !== b.deletionDate)
      lines.push(`key ${b.keyId}: deletion date was ${b.deletionDate ?? 'none'}, is now ${a.deletionDate ?? 'none'}`);
    const aliasesBefore = (b.aliases ?? []).join(', ');
    const aliasesAfter = (a.aliases ?? []).join(', ');
    if (b.aliases !== undefined && a.aliases !== undefined && aliasesBefore !== aliasesAfter) {
      lines.push(`key ${b.keyId}: aliases were ${aliasesBefore || 'none'}, are now ${aliasesAfter || 'none'}`);
    }
  }
  for (const a of after) {
    if (!was.has(a.keyId)) lines.push(`a new key appeared in the store: ${a.keyId} (${stateWithDate(a)})`);
  }
  return lines;
}

function useNote(v: VerdictObservation): string {
  const parts: string[] = [];
  if (v.newestUse)
    parts.push(
      `${v.newestUse.operation} ${day(v.newestUse.time)}${v.newestUse.principal ? ` by ${v.newestUse.principal}` : ''}`,
    );
  if (v.failedAttempts > 0) parts.push(`${v.failedAttempts} failed attempt(s)`);
  return parts.length ? ` (${parts.join('; ')})` : ` (${v.reason})`;
}

export function compareVerdicts(
  before: VerdictObservation[],
  after: VerdictObservation[],
  keysMentioned: Set<string>,
): string[] {
  const lines: string[] = [];
  const now = new Map(after.map((v) => [v.keyId, v]));
  for (const b of before) {
    const a = now.get(b.keyId);
    if (!a) {
      if (!keysMentioned.has(b.keyId))
        lines.push(`the usage of key ${b.keyId} was not established again (it was ${b.verdict})`);
      continue;
    }
    if (a.verdict !== b.verdict) lines.push(`verdict of ${b.keyId} changed: ${b.verdict} → ${a.verdict}${useNote(a)}`);
    lines.push(...compareDataAtRest(b, a));
  }
  const was = new Set(before.map((v) => v.keyId));
  for (const a of after) {
    if (!was.has(a.keyId) && !keysMentioned.has(a.keyId))
      lines.push(`key ${a.keyId} is now assessed (${a.verdict}) but was not when the plan was made`);
  }
  return lines;
}

/**
 * The data at rest under a key (issue 19): a resource encrypted under it since the plan, or one
 * gone, or a search that now has a gap, is a difference (the approval rested on what was found).
 */
function compareDataAtRest(before: VerdictObservation, after: VerdictObservation): string[] {
  const b = before.dataAtRest;
  const a = after.dataAtRest;
  if (!b && !a) return [];
  if (!b || !a)
    return [
      `the data at rest under key ${before.keyId} was ${b ? 'searched' : 'not searched'} when the plan was made, and now ${a ? 'is' : 'is not'}`,
    ];
  const lines: string[] = [];
  const added = a.resources.filter((r) => !b.resources.includes(r));
  const gone = b.resources.filter((r) => !a.resources.includes(r));
  if (added.length)
    lines.push(
      `key ${before.keyId} now protects ${added.length} more resource(s) than when the plan was made: ${added.slice(0, 3).join(', ')}${added.length > 3 ? ', ...' : ''}`,
    );
  if (gone.length)
    lines.push(
      `${gone.length} resource(s) under key ${before.keyId} are gone since the plan: ${gone.slice(0, 3).join(', ')}${gone.length > 3 ? ', ...' : ''}`,
    );
  if (a.status !== b.status && !added.length && !gone.length)
    lines.push(
      `the data-at-rest search for key ${before.keyId} changed: ${b.status} → ${a.status}${a.gaps.length ? ` (${a.gaps[0]})` : ''}`,
    );
  return lines;
}

const filterFields = ['filterPattern', 'metricName', 'metricNamespace', 'metricValue'] as const;

export function compareAlarm(before: AlarmObservation | undefined, after: AlarmObservation | undefined): string[] {
  if (!before && !after) return [];
  if (before && !after)
    return [
      'the plan rested on the pending-deletion alarm, which this run did not need to read: the plan no longer fits the store',
    ];
  if (!before && after)
    return [
      'this run depends on the pending-deletion alarm, which the plan did not: the plan no longer fits the store',
    ];
  const b = before!;
  const a = after!;
  const lines: string[] = [];
  if (b.trail !== a.trail)
    lines.push(
      `the trail that feeds the alarm was ${b.trail ?? 'none suitable'}, is now ${a.trail ?? 'none suitable'}`,
    );
  else if (b.logGroup !== a.logGroup)
    lines.push(`the alarm's log group was ${b.logGroup ?? 'none'}, is now ${a.logGroup ?? 'none'}`);
  if (b.metricFilter && !a.metricFilter)
    lines.push(`the metric filter kscli-kms-key-pending-deletion-use on ${b.logGroup ?? 'the log group'} was removed`);
  else if (!b.metricFilter && a.metricFilter)
    lines.push(
      `a metric filter kscli-kms-key-pending-deletion-use now exists on ${a.logGroup ?? 'the log group'} (it did not when the plan was made)`,
    );
  else if (b.metricFilter && a.metricFilter) {
    const d = filterFields
      .filter((f) => b.metricFilter![f] !== a.metricFilter![f])
      .map((f) => `${f} ${JSON.stringify(b.metricFilter![f])} → ${JSON.stringify(a.metricFilter![f])}`);
    if (d.length) lines.push(`the metric filter's configuration changed: ${d.join('; ')}`);
  }
  if (b.alarm && !a.alarm)
    lines.push(`the alarm ${b.alarm.alarmName}${b.homeRegion ? ` in ${b.homeRegion}` : ''} was removed`);
  else if (!b.alarm && a.alarm)
    lines.push(`the alarm ${a.alarm.alarmName} now exists (it did not when the plan was made)`);
  else if (b.alarm && a.alarm) {
    const d: string[] = ALARM_FIELDS.filter((f) => b.alarm![f] !== a.alarm![f]).map(
      (f) => `${f} ${JSON.stringify(b.alarm![f])} → ${JSON.stringify(a.alarm![f])}`,
    );
    const ab = b.alarm.alarmActions.join(', ');
    const aa = a.alarm.alarmActions.join(', ');
    if (ab !== aa) d.push(`actions ${ab || 'none'} → ${aa || 'none'}`);
    if (d.length) lines.push(`the alarm's configuration changed: ${d.join('; ')}`);
  }
  return lines;
}

export function compareBackups(
  before: BackupObservation[] | undefined,
  after: BackupObservation[] | undefined,
): string[] {
  if (!before && !after) return [];
  const lines: string[] = [];
  const now = new Map((after ?? []).map((x) => [x.backupId, x]));
  const was = new Set((before ?? []).map((x) => x.backupId));
  for (const b of before ?? []) {
    const a = now.get(b.backupId);
    if (!a) lines.push(`backup ${b.backupId} no longer exists (it was ${b.state})`);
    else if (a.state !== b.state) lines.push(`backup ${b.backupId} was ${b.state}, is now ${a.state}`);
  }
  for (const a of after ?? [])
    if (!was.has(a.backupId)) lines.push(`a new backup appeared: ${a.backupId} (${a.state})`);
  return lines;
}

/** Every difference between the observations; empty when the world is as the plan found it. */
export function compareObservations(before: Observations, after: Observations | null): string[] {
  if (!after) return [`store ${before.store.storeId} no longer exists`];
  const lines: string[] = [];
  const bs = before.store;
  const as = after.store;
  if (bs.connectionState !== as.connectionState)
    lines.push(
      `store ${bs.storeId} was ${bs.connectionState}, is now ${as.connectionState}${as.connectionErrorCode ? ` (${as.connectionErrorCode})` : ''}`,
    );
  if (bs.clusterId !== as.clusterId)
    lines.push(`store ${bs.storeId}: cluster was ${bs.clusterId ?? 'none'}, is now ${as.clusterId ?? 'none'}`);
  const keyLines = compareKeys(before.keys, after.keys);
  lines.push(...keyLines);
  const mentioned = new Set(
    [...before.keys, ...after.keys].map((k) => k.keyId).filter((id) => keyLines.some((l) => l.includes(id))),
  );
  lines.push(...compareVerdicts(before.verdicts ?? [], after.verdicts ?? [], mentioned));
  lines.push(...compareAlarm(before.alarm, after.alarm));
  lines.push(...compareBackups(before.backups, after.backups));
  return lines;
}

const itemKey = (i: PlanFileItem): string => `${i.targetKind}\u0000${i.target}\u0000${i.action}`;

/**
 * Lines whose status changed between the plan and the plan computed now, for targets no
 * observation line already names (the observations explain most changes; this catches the rest,
 * e.g. a check that reads something the observations do not hold).
 */
export function compareItems(before: PlanFileItem[], after: PlanFileItem[], alreadySaid: string[]): string[] {
  const said = (target: string) => alreadySaid.some((l) => l.includes(target));
  const lines: string[] = [];
  const now = new Map(after.map((i) => [itemKey(i), i]));
  const was = new Set(before.map(itemKey));
  for (const b of before) {
    if (said(b.target)) continue;
    const a = now.get(itemKey(b));
    // a skip line that comes or goes decides nothing (e.g. the alarm line, once no key is left to schedule)
    if (!a) {
      if (b.status !== 'skip')
        lines.push(`the plan's line "${b.action} ${b.target}" (${b.status}) is not in the plan computed now`);
    } else if (a.status !== b.status)
      lines.push(`${b.action} ${b.target} was ${b.status}, is now ${a.status}: ${a.reason}`);
  }
  for (const a of after) {
    if (!was.has(itemKey(a)) && !said(a.target) && a.status !== 'skip')
      lines.push(
        `the plan computed now has a line the saved plan lacks: ${a.action} ${a.target} (${a.status}: ${a.reason})`,
      );
  }
  return lines;
}

/** The full refusal list: world differences first, then plan-line differences they do not explain. */
export function planDifferences(
  saved: { observations: Observations; items: PlanFileItem[] },
  fresh: { observations: Observations; items: PlanFileItem[] } | null,
): string[] {
  const obs = compareObservations(saved.observations, fresh?.observations ?? null);
  if (!fresh) return obs;
  return [...obs, ...compareItems(saved.items, fresh.items, obs)];
}
