/**
 * How a run of delete-store or schedule-deletion ends in a trial phase (issue 20): exit 8 with the
 * date the trial ends, the keys and their failed calls in the JSON (`trial`).
 */
import { ExitCode } from '../errors.js';
import type { EvidenceOptions, EvidencePort } from '../workflow/evidence-port.js';
import type { TrialPhaseOptions } from '../workflow/delete-store.js';
import type { ApplyReport } from '../workflow/plan-runner/apply-items.js';
import type { Finish } from '../workflow/plan-runner/index.js';
import type { PlannedStep } from '../workflow/plan.js';
import { DEFAULT_TRIAL_DAYS, rollbackCommand, trialJson, type TrialReport } from '../workflow/trial/index.js';
import type { PlanExtras } from '../schemas/plan.js';
import type { TrialFlagOptions } from './trial-flags.js';
import type { NextStep } from '../ui/next-step.js';

/** `port`: the evidence module, for the in-use gate on the keys the trial would disable. */
export function trialPhaseOptions(
  t: TrialFlagOptions | undefined,
  evidence: EvidenceOptions,
  port: () => Promise<EvidencePort>,
): TrialPhaseOptions {
  return {
    usage: { port, evidence },
    days: t?.trialDays ?? DEFAULT_TRIAL_DAYS,
    requested: t?.trialDays !== undefined,
    allowDynamoDbArchive: Boolean(t?.allowDynamoDbArchive),
    endTrial: t?.endTrial ?? [],
    alarm: evidence.alarm,
    ...(evidence.snsTopicArn ? { snsTopicArn: evidence.snsTopicArn } : {}),
    ...(evidence.logGroup ? { logGroup: evidence.logGroup } : {}),
  };
}

/** The trial of every key line that carries one (details.trial), for the JSON document. */
export function trialExtra(storeId: string, planned: PlannedStep, step: NextStep): Pick<PlanExtras, 'trial'> {
  const trials = new Map<string, TrialReport>();
  for (const e of planned.executables) {
    const t = e.item.details?.trial as TrialReport | undefined;
    if (t && e.item.targetKind === 'key') trials.set(e.item.target, t);
  }
  const j = trialJson(storeId, trials, step);
  return j ? { trial: j } : {};
}

/** A trial that runs: nothing to do today but wait for its end (exit 8). */
export function trialPendingFinish<D>(
  storeId: string,
  phase: string,
  trials: Map<string, TrialReport> | undefined,
  trialEnd: Date | undefined,
  command: string,
  step: NextStep,
): Finish<D> {
  const list = [...(trials?.values() ?? [])];
  const trial = trialJson(storeId, trials ?? new Map(), step);
  const failed = list.reduce((n, t) => n + t.failures.length, 0);
  return {
    outcome: 'pending',
    exitCode: ExitCode.Pending,
    ...(trialEnd ? { nextRunAfter: trialEnd } : {}),
    lines: [
      `trial: ${list.length} key(s) disabled, ${failed} failed call(s) so far; it ends ${trialEnd?.toISOString() ?? 'later'}. Run "${step([command, storeId])}" again after that date; roll back at any time: ${rollbackCommand(storeId, step)}`,
    ],
    extra: { phase, ...(trial ? { trial } : {}) },
  };
}

/** The keys were just disabled: exit 8 with the trial's end (the latest end of the keys disabled now). */
export function trialStartedFinish<D>(
  storeId: string,
  phase: string,
  report: ApplyReport,
  trials: Map<string, TrialReport> | undefined,
  command: string,
  step: NextStep,
): Finish<D> {
  const all = new Map(trials ?? []);
  let end: string | undefined;
  for (const r of report.results) {
    if (r.outcome !== 'done' || r.item.action !== 'DisableKey') continue;
    const start = r.result?.trialStart as string | undefined;
    const e = r.result?.trialEnd as string | undefined;
    if (!start || !e) continue;
    if (!end || e > end) end = e;
    const days = Math.round((Date.parse(e) - Date.parse(start)) / 86_400_000);
    all.set(r.item.target, { keyId: r.item.target, start, end: e, days, phase: 'running', failures: [] });
  }
  const latest = [...all.values()]
    .map((t) => t.end)
    .sort()
    .at(-1);
  const f = trialPendingFinish<D>(storeId, phase, all, latest ? new Date(latest) : undefined, command, step);
  return { ...f, lines: [`trial started${end ? `: ends ${end}` : ''}`, ...(f.lines ?? [])] };
}
