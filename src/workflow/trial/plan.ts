/**
 * The trial's planners: disable-keys, enable-keys, and the trial phase of schedule-deletion and
 * delete-store (--trial-days). Read-only: they return plan lines and the executables that act.
 */
import type { KeyInfo } from '../../aws/ports.js';
import type { StepContext } from '../context.js';
import { aliasesByKey, excludedLine, keyDetails, selectKeys } from '../key-selection.js';
import type { Executable, PlanItem, PlannedStep } from '../plan.js';
import type { KeyRef } from '../../input/validate.js';
import { planDisabledUseAlarm } from './alarm.js';
import { dependentsDynamoDb, type DynamoDbDependents } from './dynamodb.js';
import {
  DISABLE,
  ENABLE,
  endTrialIds,
  evaluateDisable,
  evaluateEnable,
  withUseVerdict,
  type DynamoDependence,
} from './evaluate.js';
import { disableExecutable, enableExecutable } from './executables.js';
import { readTrials, trialSentence, type TrialReport } from './state.js';
import { DYNAMODB_MAX_TRIAL_DAYS, rollbackCommand } from './tags.js';
import type { TrialJson } from '../../schemas/trial.js';
import type { EvidenceOptions, EvidencePort, KeyAssessment } from '../evidence-port.js';
import { assessOptionsFor } from '../assess-options.js';

const noop = async () => ({});

export const BILLING_NOTE =
  'Disabled keys are still billed ($1 per key-month, prorated hourly); a trial costs what the keys already cost.';

export interface TrialOptions {
  days: number;
  allowDynamoDbArchive: boolean;
  /** false with --no-alarm */
  alarm: boolean;
  snsTopicArn?: string;
  logGroup?: string;
  dynamo?: DynamoDbDependents;
  /** the in-use gate's evidence (evaluate.ts withUseVerdict) */
  usage: TrialUsage;
}

/**
 * What the in-use gate reads: the evidence module (loaded only when a key would be disabled) and
 * the run's evidence flags: --allow-in-use, and where the evidence comes from (--evidence,
 * --log-group, --log-group-arn, --days).
 */
export interface TrialUsage {
  port: () => Promise<EvidencePort>;
  evidence: Pick<EvidenceOptions, 'allowInUse' | 'evidence' | 'logGroup' | 'logGroupArn' | 'days' | 'unusedDays'>;
}

/**
 * The usage verdicts of the keys a trial would disable: the use evidence alone (the data-at-rest
 * search is off: it does not gate a reversible step, evaluate.ts withUseVerdict), on the run's
 * sources and clock. Keys that are not to be disabled are not assessed (evidence costs calls).
 */
async function useVerdicts(ctx: StepContext, keys: KeyInfo[], usage: TrialUsage): Promise<Map<string, KeyAssessment>> {
  if (keys.length === 0) return new Map();
  const port = await usage.port();
  return port.assessKeys(
    ctx.aws,
    keys,
    assessOptionsFor(ctx, { ...usage.evidence, allowUnknownUsage: true, alarm: true, dependents: 'off' }),
  );
}

export interface TrialPlanned extends PlannedStep {
  trials: Map<string, TrialReport>;
  /** the latest end among the trials (planned ones: now + days) */
  trialEnd?: Date;
}

/** `step`: the run's next-step line (Deps.nextStep), so the rollback command pastes as printed. */
export function trialJson(
  storeId: string,
  trials: Map<string, TrialReport>,
  step: (args: string[]) => string,
): TrialJson | undefined {
  if (trials.size === 0) return undefined;
  const keys = [...trials.values()];
  const end =
    keys
      .map((t) => t.end)
      .sort()
      .at(-1) ?? null;
  return { end, keys, rollback: rollbackCommand(storeId, step) };
}

/** The keys to disable, as lines: the alarm first (when anything is disabled), then one line per key. */
async function disableLines(
  ctx: StepContext,
  keys: KeyInfo[],
  storeKeys: KeyInfo[],
  trials: Map<string, TrialReport>,
  opts: TrialOptions,
  aliases: Map<string, string[]>,
): Promise<Executable[]> {
  const now = ctx.clock.now();
  const dynamo =
    opts.dynamo ??
    dependentsDynamoDb(
      ctx.aws,
      keys.filter((k) => k.state === 'Enabled'),
      ctx.region,
    );
  const items: PlanItem[] = [];
  for (const k of keys) {
    // only a trial longer than DynamoDB's 7 days needs to know (one ListGrants per Enabled key)
    const dep: DynamoDependence =
      opts.days > DYNAMODB_MAX_TRIAL_DAYS && k.state === 'Enabled' ? await dynamo.tablesUnderKey(k) : { kind: 'none' };
    items.push(
      evaluateDisable(
        k,
        trials.get(k.keyId),
        dep,
        { days: opts.days, now, allowDynamoDbArchive: opts.allowDynamoDbArchive },
        aliases.get(k.keyId),
      ),
    );
  }
  // the in-use gate, on the keys that would be disabled: a key with a known caller is not a trial
  const toDisable = keys.filter((_, i) => items[i]!.status === 'apply');
  const verdicts = await useVerdicts(ctx, toDisable, opts.usage);
  const out: Executable[] = items.map((it) => {
    const item = withUseVerdict(it, verdicts.get(it.target), opts.usage.evidence.allowInUse);
    return item.status === 'apply' ? disableExecutable(ctx, item, opts.days) : { item, apply: noop };
  });
  if (!out.some((e) => e.item.status === 'apply')) return out;
  const alarm: Executable[] = opts.alarm
    ? await planDisabledUseAlarm(ctx.aws, {
        store: ctx.store,
        storeKeys,
        region: ctx.region,
        ...(opts.snsTopicArn ? { snsTopicArn: opts.snsTopicArn } : {}),
        ...(opts.logGroup ? { logGroup: opts.logGroup } : {}),
      })
    : [
        {
          item: {
            target: 'disabled-key-use alarm',
            targetKind: 'alarm',
            action: 'CheckAlarm',
            status: 'skip',
            reason: 'not created (--no-alarm)',
            checks: [],
          },
          apply: noop,
        },
      ];
  return [...alarm, ...out];
}

function trialWarnings(applies: number, days: number): string[] {
  if (applies === 0) return [];
  return [
    `${applies} key(s) will be Disabled for ${days} days: every caller that still uses them fails (DisabledException) until EnableKey; roll back at any time with kscli enable-keys.`,
    BILLING_NOTE,
  ];
}

/** kscli disable-keys: a trial on the store's keys (all, or --key ones, minus --exclude-key). */
export async function planDisableKeys(
  ctx: StepContext,
  storeKeys: KeyInfo[],
  sel: { include: KeyRef[]; exclude: KeyRef[] },
  opts: TrialOptions,
): Promise<TrialPlanned> {
  const selection = await selectKeys(ctx.aws, ctx.store.id, storeKeys, sel.include, sel.exclude, DISABLE);
  const aliases = await aliasesByKey(ctx.aws);
  const { reports } = await readTrials(ctx.aws, selection.selected, ctx.clock.now());
  const executables: Executable[] = selection.refused.map((item) => ({ item, apply: noop }));
  executables.push(...(await disableLines(ctx, selection.selected, storeKeys, reports, opts, aliases)));
  for (const k of selection.excluded) executables.push({ item: excludedLine(k, DISABLE), apply: noop });
  const applies = executables.filter((e) => e.item.action === DISABLE && e.item.status === 'apply').length;
  const overrides: string[] = [];
  if (executables.some((e) => e.item.checks.some((c) => c.overridden && c.name === 'dynamodb-trial-length')))
    overrides.push('--allow-dynamodb-archive');
  if (opts.usage.evidence.allowInUse) overrides.push('--allow-in-use');
  if (!opts.alarm) overrides.push('--no-alarm');
  return {
    warnings: trialWarnings(applies, opts.days),
    overrides,
    executables,
    trials: reports,
    ...(applies ? { trialEnd: new Date(ctx.clock.now().getTime() + opts.days * 86_400_000) } : {}),
  };
}

/**
 * kscli enable-keys: the keys disabled for a trial (tagged), and keys named with --key. A key
 * Disabled before the trial is never enabled unless named.
 */
export async function planEnableKeys(
  ctx: StepContext,
  storeKeys: KeyInfo[],
  sel: { include: KeyRef[]; exclude: KeyRef[] },
): Promise<TrialPlanned> {
  const selection = await selectKeys(ctx.aws, ctx.store.id, storeKeys, sel.include, sel.exclude, ENABLE);
  const named = new Set(sel.include.length ? selection.selected.map((k) => k.keyId) : []);
  const aliases = await aliasesByKey(ctx.aws);
  const { reports } = await readTrials(ctx.aws, selection.selected, ctx.clock.now());
  const connected = ctx.store.connectionState === 'CONNECTED';
  const executables: Executable[] = selection.refused.map((item) => ({ item, apply: noop }));
  for (const k of selection.selected) {
    const item = evaluateEnable(k, reports.get(k.keyId), named.has(k.keyId), connected, aliases.get(k.keyId));
    executables.push(item.status === 'apply' ? enableExecutable(ctx, item, named.has(k.keyId)) : { item, apply: noop });
  }
  for (const k of selection.excluded) executables.push({ item: excludedLine(k, ENABLE), apply: noop });
  const warnings = connected
    ? []
    : [`store is ${ctx.store.connectionState}: EnableKey takes effect when it is connected again`];
  return { warnings, overrides: [], executables, trials: reports };
}

export type TrialPhaseName = 'trial-start' | 'trial-running';

export interface TrialPhasePlan extends TrialPlanned {
  phase: TrialPhaseName;
}

/**
 * The trial phase of schedule-deletion and delete-store, for the keys they would schedule:
 *  - `trial-start`: --trial-days given and keys still Enabled (not in a trial) -> disable them;
 *  - `trial-running`: keys in a trial that has not ended, none with failed calls, none named with
 *    --end-trial -> nothing to do but wait (exit 8 with the end);
 *  - undefined: go on to scheduling, where each trial key's gate (evaluate.ts) blocks a trial with
 *    failed calls or unreadable calls, and says "disabled for N days from T, 0 failed calls" of a
 *    clean one.
 * A trial with failed calls always goes on to the scheduling plan, which blocks it (exit 3).
 */
export async function planTrialPhase(
  ctx: StepContext,
  toSchedule: KeyInfo[],
  storeKeys: KeyInfo[],
  opts: TrialOptions & { requested: boolean; endTrial: string[] },
): Promise<TrialPhasePlan | undefined> {
  const now = ctx.clock.now();
  const { reports } = await readTrials(ctx.aws, toSchedule, now);
  const anyFailed = [...reports.values()].some((r) => r.phase === 'failed' || r.phase === 'unknown');
  if (anyFailed) return undefined;
  const aliases = await aliasesByKey(ctx.aws);
  const enabled = toSchedule.filter((k) => k.state === 'Enabled');
  if (opts.requested && enabled.length > 0) {
    const executables = await disableLines(ctx, toSchedule, storeKeys, reports, opts, aliases);
    const applies = executables.filter((e) => e.item.action === DISABLE && e.item.status === 'apply').length;
    for (const e of executables)
      if (
        e.item.action === DISABLE &&
        e.item.status === 'skip' &&
        e.item.details?.state === 'Disabled' &&
        !reports.has(e.item.target)
      )
        e.item.reason += '; it is scheduled on its own evidence once the trial is over';
    return {
      phase: 'trial-start',
      warnings: trialWarnings(applies, opts.days),
      overrides: [
        ...(opts.allowDynamoDbArchive ? ['--allow-dynamodb-archive'] : []),
        ...(opts.usage.evidence.allowInUse ? ['--allow-in-use'] : []),
      ],
      executables,
      trials: reports,
      trialEnd: new Date(now.getTime() + opts.days * 86_400_000),
    };
  }
  const cut = endTrialIds(opts.endTrial, toSchedule, aliases);
  const running = [...reports.values()].filter((r) => r.phase === 'running' && !cut.has(r.keyId));
  if (running.length === 0) return undefined;
  const executables: Executable[] = toSchedule.map((k) => {
    const r = reports.get(k.keyId);
    const item: PlanItem = {
      target: k.keyId,
      targetKind: 'key',
      action: 'ScheduleKeyDeletion',
      status: 'skip',
      reason: r ? trialSentence(r, now) : 'waits until the trial of the other keys is over',
      checks: [],
      details: { ...keyDetails(k, aliases.get(k.keyId)), ...(r ? { trial: r } : {}) },
    };
    return { item, apply: noop };
  });
  const end = running
    .map((r) => r.end)
    .sort()
    .at(-1)!;
  return {
    phase: 'trial-running',
    warnings: [BILLING_NOTE],
    overrides: [],
    executables,
    trials: reports,
    trialEnd: new Date(end),
  };
}

/**
 * The warning of a scheduling plan whose trial keys failed: who called, and how to roll back
 * (the keys' lines are blocked by their trial gate; this says it once, for the whole store).
 */
export function failedTrialWarnings(
  storeId: string,
  executables: Executable[],
  step: (args: string[]) => string,
): string[] {
  const failed = executables
    .map((e) => e.item.details?.trial as TrialReport | undefined)
    .filter((t): t is TrialReport => !!t && t.phase === 'failed');
  if (failed.length === 0) return [];
  const callers = [...new Set(failed.flatMap((t) => t.failures.map((f) => f.principal)))];
  const calls = failed.reduce((n, t) => n + t.failures.length, 0);
  return [
    `trial failed: ${calls} failed call(s) on ${failed.length} disabled key(s) by ${callers.join(', ')}: these keys are still needed. Roll back with: ${rollbackCommand(storeId, step)}`,
  ];
}
