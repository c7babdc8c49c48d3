/**
 * delete-store: the whole multi-week job, derived from AWS itself on every run (issue 2):
 *   1. keys not yet scheduled   -> alarm + evidence + schedule them -> pending (exit 8, run again after
 *                                  the latest DeletionDate + 24 h)
 *   2. keys still pending        -> nothing to do today -> pending (exit 8) with the keys left
 *   3. no keys, store connected  -> report orphans, disconnect, wait, delete -> done
 *   4. no keys, disconnected     -> delete -> done
 *   5. after deleting a CloudHSM store, the backups and orphans reports (the command prints them)
 * A pending-deletion key still blocks DeleteCustomKeyStore (aws-facts 2.3), and KMS deletes keys up
 * to 24 h after their DeletionDate (aws-facts 9), hence "run again after". Running it again at any
 * point never repeats a finished step: every step is planned from the state it finds.
 *
 * A blocked plan is narrowed with --key / --exclude-key (issue 2), as in schedule-deletion: the
 * keys left out are not scheduled and get a skip line saying so; an --exclude-key (or --key) that
 * matches no key of the store blocks. The store cannot be deleted while a left-out key exists, so
 * the plan, the pending message and, once only left-out keys remain, a blocked delete line say so.
 */
import type { KeyInfo } from '../aws/ports.js';
import { AwsCallError, ExitCode, KscliError } from '../errors.js';
import { stepCommand, type StepContext } from './context.js';
import type { PlannedStep, Executable, PlanItem } from './plan.js';
import type { EvidencePort } from './evidence-port.js';
import { readBack } from './readback.js';
import { listStoreKeys, nextRunAfter } from './inventory.js';
import { aliasesByKey, excludedLine, keyDetails, selectKeys } from './key-selection.js';
import {
  evidenceOverrides,
  planScheduleItems,
  SCHEDULE,
  SECURITY_HUB_WARNING,
  type ScheduleOptions,
} from './schedule-deletion.js';
import type { KeyRef } from '../input/validate.js';
import { disconnectExecutable, evaluateDisconnect, type DisconnectOptions } from './disconnect-store.js';
import { findOrphans, type OrphanedMaterial } from './orphans.js';
import { failedTrialWarnings, planTrialPhase, type TrialOptions, type TrialReport } from './trial/index.js';

/** The trial options of delete-store and schedule-deletion: `requested` with --trial-days. */
export type TrialPhaseOptions = TrialOptions & { requested: boolean; endTrial: string[] };

export const DELETE_STORE = 'DeleteCustomKeyStore';

export type DeleteStorePhase =
  'trial-start' | 'trial-running' | 'schedule-keys' | 'keys-pending' | 'disconnect-and-delete' | 'delete';

export interface DeleteStorePlan extends PlannedStep {
  phase: DeleteStorePhase;
  /** when the keys will really be gone (latest DeletionDate + 24 h), in phases 1 and 2 */
  nextRunAfter?: Date;
  orphans?: OrphanedMaterial[];
  /** keys not PendingDeletion that --exclude-key / --key left out: the store cannot be deleted while they exist */
  keptKeys: KeyInfo[];
  /** issue 20: the keys in a trial, and the latest trial end (phases trial-start, trial-running) */
  trials?: Map<string, TrialReport>;
  trialEnd?: Date;
}

/** --key / --exclude-key as parsed (both empty: every key of the store). */
export interface DeleteStoreSelection {
  include: KeyRef[];
  exclude: KeyRef[];
}

/** Why the store cannot be deleted yet, for a plan line or a message. */
export function keptKeysSentence(kept: KeyInfo[]): string {
  return `${kept.length} key(s) left out with --exclude-key/--key stay in the store (${kept.map((k) => k.keyId).join(', ')}): it cannot be deleted while they exist; run delete-store without leaving them out to schedule them`;
}

/** Preconditions of DeleteCustomKeyStore (aws-facts 2.2): DISCONNECTED and no keys in any state. */
export function evaluateDeleteStore(
  storeId: string,
  storeExists: boolean,
  connectionState: string | undefined,
  keys: KeyInfo[],
  expectDisconnectFirst: boolean,
): PlanItem {
  const base = {
    target: storeId,
    targetKind: 'store' as const,
    action: DELETE_STORE,
    checks: [] as PlanItem['checks'],
    details: { params: { CustomKeyStoreId: storeId } },
  };
  if (!storeExists) return { ...base, status: 'skip', reason: 'already deleted' };
  const noKeys = keys.length === 0;
  base.checks.push({
    name: 'no-keys',
    ok: noKeys,
    detail: noKeys
      ? undefined
      : `${keys.length} key(s) in the store (${[...new Set(keys.map((k) => k.state))].join(', ')})`,
  });
  if (!noKeys)
    return {
      ...base,
      status: 'blocked',
      reason: `the store holds ${keys.length} key(s) again: run delete-store again to schedule them`,
    };
  const disconnected = connectionState === 'DISCONNECTED' || expectDisconnectFirst;
  base.checks.push({
    name: 'store-disconnected',
    ok: disconnected,
    detail: disconnected ? undefined : `store is ${connectionState}`,
  });
  if (!disconnected) return { ...base, status: 'blocked', reason: `store is ${connectionState}, not DISCONNECTED` };
  return {
    ...base,
    status: 'apply',
    reason: expectDisconnectFirst ? 'delete the store once DISCONNECTED' : 'delete the store (DISCONNECTED, no keys)',
  };
}

function deleteExecutable(ctx: StepContext, item: PlanItem): Executable {
  return {
    item,
    // the keys are listed again right before the delete call (issue 2)
    recheck: async () => {
      const store = await ctx.aws.kms().describeStore(ctx.store.id);
      const keys = store ? await listStoreKeys(ctx.aws, ctx.store.id) : [];
      return evaluateDeleteStore(ctx.store.id, !!store, store?.connectionState, keys, false);
    },
    apply: async () => {
      let note: string | undefined;
      try {
        await ctx.aws.kms().deleteStore(ctx.store.id);
      } catch (err) {
        // a retried DeleteCustomKeyStore whose first attempt succeeded answers NotFound: done
        if (!(err instanceof AwsCallError && err.code === 'CustomKeyStoreNotFoundException')) throw err;
        note = 'was already deleted';
      }
      const back = await readBack(
        () => ctx.aws.kms().describeStore(ctx.store.id),
        (s) => s === null,
        ctx.clock,
      );
      if (!back.confirmed) {
        throw new KscliError(
          ExitCode.Failure,
          `DeleteCustomKeyStore on ${ctx.store.id} returned, but the store is still listed`,
          'run the same command again',
        );
      }
      return note ? { note } : {};
    },
  };
}

function waitingLine(key: KeyInfo): PlanItem {
  return {
    target: key.keyId,
    targetKind: 'key',
    action: 'ScheduleKeyDeletion',
    status: 'skip',
    reason: `already PendingDeletion${key.deletionDate ? ` (deletion on ${key.deletionDate.toISOString()})` : ''}`,
    checks: [{ name: 'not-pending', ok: true }],
    details: keyDetails(key),
  };
}

/** The skip line of a key that --key did not name (with --key, only the named keys are scheduled). */
function notNamedLine(key: KeyInfo): PlanItem {
  return {
    target: key.keyId,
    targetKind: 'key',
    action: SCHEDULE,
    status: 'skip',
    reason: 'not named with --key: not scheduled; the store cannot be deleted while it exists',
    checks: [],
    details: keyDetails(key),
  };
}

/** The delete line once only left-out keys remain: blocked, naming them. */
function keptBlocksDeleteLine(storeId: string, kept: KeyInfo[]): PlanItem {
  return {
    target: storeId,
    targetKind: 'store',
    action: DELETE_STORE,
    status: 'blocked',
    reason: keptKeysSentence(kept),
    checks: [{ name: 'no-keys', ok: false, detail: `${kept.length} key(s) left out with --exclude-key/--key` }],
    details: { params: { CustomKeyStoreId: storeId } },
  };
}

export async function planDeleteStore(
  ctx: StepContext,
  /** loaded only when keys are to be scheduled (the evidence module is heavy) */
  loadEvidence: () => Promise<EvidencePort>,
  storeKeys: KeyInfo[],
  opts: {
    schedule: ScheduleOptions;
    disconnect: DisconnectOptions;
    selection?: DeleteStoreSelection;
    /** the trial phase (issue 20): always consulted, --trial-days starts one */
    trial?: TrialPhaseOptions;
  },
): Promise<DeleteStorePlan> {
  const noop = async () => ({});
  const include = opts.selection?.include ?? [];
  const exclude = opts.selection?.exclude ?? [];
  // the same selection rules as schedule-deletion: a named key outside the store, or an exclude
  // that matches nothing (a typo in the key to protect), is a blocked line
  const selection =
    include.length || exclude.length
      ? await selectKeys(ctx.aws, ctx.store.id, storeKeys, include, exclude, SCHEDULE)
      : { selected: storeKeys, excluded: [], refused: [] };
  const refused: Executable[] = selection.refused.map((item) => ({ item, apply: noop }));
  const inScope = new Set(selection.selected.map((k) => k.keyId));
  const excludedIds = new Set(selection.excluded.map((k) => k.keyId));

  const pending = storeKeys.filter((k) => k.state === 'PendingDeletion');
  const toSchedule = selection.selected.filter((k) => k.state !== 'PendingDeletion');
  // left out and not on their way out: they keep the store alive
  const keptKeys = storeKeys.filter((k) => k.state !== 'PendingDeletion' && !inScope.has(k.keyId));
  const keptLines: Executable[] = keptKeys.map((k) => ({
    item: excludedIds.has(k.keyId)
      ? excludedLine(k, SCHEDULE, 'not scheduled; the store cannot be deleted while it exists')
      : notNamedLine(k),
    apply: noop,
  }));
  const waitingLines: Executable[] = pending.map((k) => {
    const item = waitingLine(k);
    // --exclude-key protects a key from being scheduled; it does not cancel a deletion
    if (excludedIds.has(k.keyId))
      item.reason += '; --exclude-key does not cancel its deletion (kscli cancel-deletion does)';
    return { item, apply: noop };
  });
  const overrides = evidenceOverrides(opts.schedule.evidence);
  if (opts.schedule.allowDisconnected) overrides.push('--allow-disconnected');
  const keptWarning = keptKeys.length ? [keptKeysSentence(keptKeys)] : [];

  if (toSchedule.length > 0 && opts.trial) {
    // case 0 (issue 20): disable the keys first, or wait for the trial to end
    const trial = await planTrialPhase(ctx, toSchedule, storeKeys, opts.trial);
    if (trial) {
      return {
        ...trial,
        executables: [...trial.executables, ...waitingLines, ...keptLines, ...refused],
        warnings: [...trial.warnings, ...keptWarning],
        // both name --allow-in-use when it was given: said once
        overrides: [...new Set([...overrides, ...trial.overrides])],
        keptKeys,
      };
    }
  }

  if (toSchedule.length > 0) {
    // case 1: the alarm first (it must exist before any key becomes PendingDeletion), then the keys
    const evidence = await loadEvidence();
    const executables: Executable[] = [];
    if (opts.schedule.evidence.alarm) {
      executables.push(
        ...(await evidence.planAlarm(ctx.aws, {
          store: ctx.store,
          storeKeys,
          region: ctx.region,
          snsTopicArn: opts.schedule.evidence.snsTopicArn,
          logGroup: opts.schedule.evidence.logGroup,
        })),
      );
    } else {
      executables.push({
        item: {
          target: 'pending-deletion alarm',
          targetKind: 'alarm',
          action: 'CheckAlarm',
          status: 'skip',
          reason: 'not created (--no-alarm)',
          checks: [],
        },
        apply: noop,
      });
    }
    const aliases = await aliasesByKey(ctx.aws);
    executables.push(...(await planScheduleItems(ctx, evidence, toSchedule, opts.schedule, aliases)));
    executables.push(...waitingLines, ...keptLines, ...refused);
    return {
      phase: 'schedule-keys',
      warnings: [
        ...failedTrialWarnings(ctx.store.id, executables, (args) => stepCommand(ctx, args)),
        SECURITY_HUB_WARNING,
        ...keptWarning,
      ],
      overrides,
      executables,
      nextRunAfter: nextRunAfter(pending),
      keptKeys,
    };
  }

  if (pending.length > 0) {
    // case 2: the keys wait for their deletion date; a CloudHSM store must stay connected meanwhile
    const warnings: string[] = [...keptWarning];
    if (ctx.store.type === 'AWS_CLOUDHSM' && ctx.store.connectionState !== 'CONNECTED') {
      warnings.push(
        `store is ${ctx.store.connectionState}: reconnect it before the keys' deletion dates, or KMS cannot delete their material from the cluster (it would be orphaned)`,
      );
    }
    return {
      phase: 'keys-pending',
      warnings,
      overrides,
      executables: [...waitingLines, ...keptLines, ...refused],
      nextRunAfter: nextRunAfter(pending),
      keptKeys,
    };
  }

  if (keptKeys.length > 0) {
    // only left-out keys remain: nothing to schedule, and the store cannot be disconnected and deleted
    const phase: DeleteStorePhase = ctx.store.connectionState === 'DISCONNECTED' ? 'delete' : 'disconnect-and-delete';
    return {
      phase,
      warnings: [],
      overrides,
      executables: [...keptLines, ...refused, { item: keptBlocksDeleteLine(ctx.store.id, keptKeys), apply: noop }],
      keptKeys,
    };
  }

  // cases 3 and 4: no keys left
  const warnings: string[] = [];
  let orphans: OrphanedMaterial[] | undefined;
  if (ctx.store.type === 'AWS_CLOUDHSM') {
    orphans = await findOrphans(ctx.aws, ctx.store.id, ctx.clock.now());
    if (orphans.length) {
      warnings.push(
        `${orphans.length} deleted key(s) of this store left key material in the cluster (see "${stepCommand(ctx, ['orphans', ctx.store.id])}"): clean it up with the cluster tools; the store's deletion does not remove it`,
      );
    }
  }
  const executables: Executable[] = [...refused];
  let phase: DeleteStorePhase = 'delete';
  if (ctx.store.connectionState !== 'DISCONNECTED') {
    phase = 'disconnect-and-delete';
    executables.push(
      disconnectExecutable(ctx, evaluateDisconnect(ctx.store, storeKeys, opts.disconnect), opts.disconnect),
    );
  }
  executables.push(
    deleteExecutable(
      ctx,
      evaluateDeleteStore(ctx.store.id, true, ctx.store.connectionState, storeKeys, phase === 'disconnect-and-delete'),
    ),
  );
  return { phase, warnings, overrides, executables, orphans, keptKeys };
}
