/**
 * What a plan rests on, as the plan runner has it once the plan is computed (identity, store, the
 * keys scanned, the planned step), and the two things done with it: making a plan file from it
 * (`--plan-out`), and, on `kscli apply`, comparing a plan computed now against the saved one.
 * Kept apart from the runner so that the runner stays one sequence and this stays one concept.
 */
import type { AwsPorts, CallerIdentity, KeyInfo, StoreInfo } from '../../aws/ports.js';
import { aliasesByKey } from '../key-selection.js';
import type { PlannedStep } from '../plan.js';
import type { Executable } from '../plan.js';
import type { AlarmContext } from '../evidence/types.js';
import { buildPlanFile, observationsOf, planFileItem } from './build.js';
import { planDifferences } from './compare.js';
import type {
  AlarmObservation,
  Observations,
  PlanCommand,
  PlanFile,
  PlanFileItem,
  VerdictObservation,
} from './document.js';
import { readAlarmObservation, restsOnAlarm } from './observations.js';
import { ExitCode, KscliError } from '../../errors.js';
import type { PreparedPlan } from '../plan-runner/types.js';

export interface PlanBasis {
  identity: CallerIdentity;
  region: string;
  store: StoreInfo;
  /** every key of the store as scanned for the plan */
  keys: KeyInfo[];
  planned: PlannedStep & { phase?: string; nextRunAfter?: Date };
  /** the verdicts the planner computed (Deps.recordedVerdicts) */
  verdicts: VerdictObservation[];
}

/** The alarm options of the command (--sns-topic-arn, --log-group): the alarm is read as the command reads it. */
export interface AlarmOptions {
  snsTopicArn?: string;
  logGroup?: string;
}

function alarmOptionsOf(options: Record<string, unknown>): AlarmOptions {
  const ev = (options.evidence ?? options) as Record<string, unknown>;
  return {
    ...(typeof ev.snsTopicArn === 'string' ? { snsTopicArn: ev.snsTopicArn } : {}),
    ...(typeof ev.logGroup === 'string' ? { logGroup: ev.logGroup } : {}),
  };
}

/** Reads the alarm when the plan rests on it (an alarm or metric-filter line that --no-alarm did not waive). */
export async function alarmObservationFor(
  aws: AwsPorts,
  basis: PlanBasis,
  options: Record<string, unknown>,
): Promise<AlarmObservation | undefined> {
  const items = basis.planned.executables.map((e) => e.item);
  if (!restsOnAlarm(items)) return undefined;
  const ctx: AlarmContext = {
    store: basis.store,
    storeKeys: basis.keys,
    region: basis.region,
    ...alarmOptionsOf(options),
  };
  return readAlarmObservation(aws, ctx);
}

export interface SaveInputs {
  aws: AwsPorts;
  command: PlanCommand;
  /** the command's typed options (JSON values): `apply` plans again with exactly these */
  options: Record<string, unknown>;
  commandLine: string;
  kscliVersion: string;
  now: Date;
}

/**
 * Every key's aliases: the reviewer identifies keys by them, so an alias moved to another key
 * since the plan is a difference (one ListAliases, paged).
 */
async function storeAliases(aws: AwsPorts, keys: KeyInfo[]): Promise<Map<string, string[]>> {
  const ids = new Set(keys.map((k) => k.keyId));
  const all = await aliasesByKey(aws);
  return new Map([...all].filter(([id]) => ids.has(id)));
}

export async function planFileFrom(basis: PlanBasis, i: SaveInputs): Promise<PlanFile> {
  const alarm = await alarmObservationFor(i.aws, basis, i.options);
  const aliases = await storeAliases(i.aws, basis.keys);
  return buildPlanFile({
    command: i.command,
    storeId: basis.store.id,
    options: i.options,
    commandLine: i.commandLine,
    kscliVersion: i.kscliVersion,
    now: i.now,
    account: basis.identity.account,
    region: basis.region,
    callerArn: basis.identity.arn,
    store: basis.store,
    keys: basis.keys,
    planned: basis.planned,
    verdicts: basis.verdicts,
    alarm,
    aliases,
  });
}

/** The plan computed now, in the saved plan's terms. */
export async function currentView(
  aws: AwsPorts,
  basis: PlanBasis,
  options: Record<string, unknown>,
): Promise<{ observations: Observations; items: PlanFileItem[] }> {
  const alarm = await alarmObservationFor(aws, basis, options);
  const aliases = await storeAliases(aws, basis.keys);
  return {
    observations: observationsOf({
      store: basis.store,
      keys: basis.keys,
      planned: basis.planned,
      verdicts: basis.verdicts,
      alarm,
      aliases,
    }),
    items: basis.planned.executables.map((e) => planFileItem(e.item)),
  };
}

/** Every difference between the saved plan and the plan computed now (empty: apply may go ahead). */
export async function staleness(aws: AwsPorts, saved: PlanFile, basis: PlanBasis): Promise<string[]> {
  if (basis.store.id !== saved.storeId) return [`the plan is for store ${saved.storeId}, not ${basis.store.id}`];
  return planDifferences(saved, await currentView(aws, basis, saved.options));
}

const itemKey = (target: string, action: string) => `${target}\u0000${action}`;

/**
 * The executables computed now, limited to the saved plan's apply items: an item the saved plan
 * does not list as "apply" is never acted on, whatever the planner says now (it is turned into a
 * skip line that says so). `staleness` refuses such a plan first; this is the second lock on the
 * same door, so that no code path can act on a key the reviewer did not see.
 */
export function restrictToPlan(executables: Executable[], saved: PlanFile): Executable[] {
  const allowed = new Set(saved.items.filter((i) => i.status === 'apply').map((i) => itemKey(i.target, i.action)));
  return executables.map((ex) =>
    ex.item.status !== 'apply' || allowed.has(itemKey(ex.item.target, ex.item.action))
      ? ex
      : {
          item: {
            ...ex.item,
            status: 'skip',
            reason: `not in the saved plan ${saved.digest.slice(0, 19)}…: not acted on`,
          },
          apply: async () => ({}),
        },
  );
}

/**
 * What a saved plan rests on, from the plan runner's prepared plan. Saved plans are made for store
 * subjects (their observations are a store's and its keys'); a plan about another subject is
 * refused with bad input until its observations are modelled.
 */
export function basisOf(prepared: PreparedPlan, verdicts: VerdictObservation[]): PlanBasis {
  const { subject } = prepared;
  if (subject.kind !== 'store')
    throw new KscliError(
      ExitCode.BadInput,
      `${prepared.command} cannot save or apply a plan file: plan files hold a store's observations, and this plan is about ${subject.kind} ${subject.id}`,
      'run it without --plan-out / --output markdown (use --dry-run to review the plan)',
    );
  return {
    identity: prepared.identity,
    region: prepared.ctx.region,
    store: subject.store,
    keys: subject.keys,
    planned: prepared.planned,
    verdicts,
  };
}
