/**
 * Turning what a plan read from AWS into its `observations` (document.ts): the same functions run
 * when the plan is made and when `apply` re-reads the world, so the two can be compared field by
 * field (compare.ts).
 */
import type { AwsPorts, KeyInfo, StoreInfo } from '../../aws/ports.js';
import type { KeyAssessment } from '../evidence-port.js';
import type { PlanItem } from '../plan.js';
import type { AlarmContext } from '../evidence/types.js';
import type {
  AlarmObservation,
  BackupObservation,
  KeyObservation,
  Observations,
  StoreObservation,
  UseObservation,
  VerdictObservation,
} from './document.js';
import { compareText } from '../../util/text-order.js';

const iso = (d: Date | string | undefined | null): string | null => (d ? new Date(d).toISOString() : null);

/** A store's observation; also every JSON document's store (ui/render/json-fields.ts storeJson). */
export function storeObservation(s: StoreInfo): StoreObservation & Pick<StoreInfo, 'type'> {
  return {
    storeId: s.id,
    name: s.name,
    type: s.type,
    connectionState: s.connectionState,
    ...(s.connectionErrorCode ? { connectionErrorCode: s.connectionErrorCode } : {}),
    clusterId: s.clusterId ?? null,
    creationDate: s.creationDate.toISOString(),
  };
}

export function keyObservations(keys: KeyInfo[], aliases?: Map<string, string[]>): KeyObservation[] {
  return keys
    .map((k) => {
      const a = aliases?.get(k.keyId);
      return {
        keyId: k.keyId,
        state: k.state,
        deletionDate: iso(k.deletionDate),
        keyManager: k.keyManager,
        ...(a?.length ? { aliases: [...a].sort() } : {}),
      };
    })
    .sort((a, b) => compareText(a.keyId, b.keyId));
}

/** The fields of the evidence module's KeyEvidence that a verdict observation keeps (read defensively: the port types it unknown). */
interface EvidenceShape {
  lastUsage?: { status?: string; operation?: string; timestamp?: Date | string };
  cloudTrail?: {
    status?: string;
    window?: { start: Date | string; end: Date | string };
    newest?: { eventName: string; eventTime: Date | string; principal?: string };
    failedAttemptCount?: number;
  };
}

function newestUse(ev: EvidenceShape): UseObservation | undefined {
  const uses: UseObservation[] = [];
  const lu = ev.lastUsage;
  if (lu?.status === 'ok' && lu.operation && lu.timestamp)
    uses.push({ operation: lu.operation, time: iso(lu.timestamp)! });
  const n = ev.cloudTrail?.status === 'ok' ? ev.cloudTrail.newest : undefined;
  if (n)
    uses.push({ operation: n.eventName, time: iso(n.eventTime)!, ...(n.principal ? { principal: n.principal } : {}) });
  uses.sort((a, b) => compareText(b.time, a.time));
  return uses[0];
}

export function verdictObservation(
  keyId: string,
  a: KeyAssessment & { reason?: string },
  fallbackWindow: { start: Date; end: Date },
): VerdictObservation {
  const ev = (a.evidence ?? {}) as EvidenceShape;
  const w = ev.cloudTrail?.window;
  const use = newestUse(ev);
  return {
    keyId,
    verdict: a.verdict,
    reason: a.reason ?? a.check.detail ?? '',
    window: { start: iso(w?.start ?? fallbackWindow.start)!, end: iso(w?.end ?? fallbackWindow.end)! },
    ...(use ? { newestUse: use } : {}),
    failedAttempts: ev.cloudTrail?.failedAttemptCount ?? 0,
    ...(a.dependents
      ? {
          dataAtRest: {
            status: a.dependents.status,
            resources: a.dependents.resources
              .map((r) => `${r.resourceType} ${r.resourceId}${r.accountId ? ` in ${r.accountId}` : ''}`)
              .filter((x, i, all) => all.indexOf(x) === i)
              .sort(),
            gaps: [...a.dependents.gaps],
          },
        }
      : {}),
  };
}

/** The cluster backups as the plan's backup lines read them (backups --delete). */
export function backupObservations(items: PlanItem[]): BackupObservation[] {
  return items
    .filter((i) => i.targetKind === 'backup')
    .map((i) => ({
      backupId: i.target,
      clusterId: (i.details?.clusterId as string | undefined) ?? null,
      state: String(i.details?.state ?? 'unknown'),
    }))
    .sort((a, b) => compareText(a.backupId, b.backupId));
}

/** A line that only says "--no-alarm waived the alarm" (schedule-deletion's and delete-store's forms). */
function waivedAlarmLine(i: PlanItem): boolean {
  return (
    i.status === 'skip' &&
    (i.checks.some((c) => c.overridden && c.overrideFlag === '--no-alarm') || i.reason.includes('(--no-alarm)'))
  );
}

/** True when the plan's decisions rest on the pending-deletion alarm (an alarm line that --no-alarm did not waive). */
export function restsOnAlarm(items: PlanItem[]): boolean {
  return items.some((i) => (i.targetKind === 'alarm' || i.targetKind === 'metric-filter') && !waivedAlarmLine(i));
}

/** Reads the alarm as `kscli alarm` sees it: the trail it would use, and what exists under kscli's names. */
export async function readAlarmObservation(aws: AwsPorts, ctx: AlarmContext): Promise<AlarmObservation> {
  const { surveyAlarm } = await import('../evidence/alarm-survey.js');
  const s = await surveyAlarm(aws, ctx);
  const f = s.existingFilter;
  const a = s.existingAlarm;
  return {
    trail: s.chosen?.facts.trail.name ?? null,
    logGroup: s.chosen?.logGroupName ?? null,
    homeRegion: s.chosen?.homeRegion ?? null,
    metricFilter: f
      ? {
          filterPattern: f.filterPattern,
          metricName: f.metricName,
          metricNamespace: f.metricNamespace,
          metricValue: f.metricValue,
        }
      : null,
    alarm: a
      ? {
          alarmName: a.alarmName,
          namespace: a.namespace,
          metricName: a.metricName,
          statistic: a.statistic,
          period: a.period,
          evaluationPeriods: a.evaluationPeriods,
          datapointsToAlarm: a.datapointsToAlarm,
          threshold: a.threshold,
          comparisonOperator: a.comparisonOperator,
          ...(a.treatMissingData ? { treatMissingData: a.treatMissingData } : {}),
          alarmActions: [...a.alarmActions].sort(),
        }
      : null,
  };
}

export interface ObservationInputs {
  store: StoreInfo;
  keys: KeyInfo[];
  aliases?: Map<string, string[]>;
  items: PlanItem[];
  /** the verdicts the planner computed (evidence recorder), when it assessed any key */
  verdicts?: VerdictObservation[];
  /** read when restsOnAlarm(items) */
  alarm?: AlarmObservation;
}

export function buildObservations(i: ObservationInputs): Observations {
  const obs: Observations = { store: storeObservation(i.store), keys: keyObservations(i.keys, i.aliases) };
  if (i.verdicts?.length) obs.verdicts = [...i.verdicts].sort((a, b) => compareText(a.keyId, b.keyId));
  if (i.alarm) obs.alarm = i.alarm;
  if (i.items.some((x) => x.targetKind === 'backup')) obs.backups = backupObservations(i.items);
  return obs;
}
