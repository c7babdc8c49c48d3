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
 */
import type { KeyInfo } from '../aws/ports.js';
import { AwsCallError, ExitCode, KscliError } from '../errors.js';
import type { StepContext, PlannedStep } from './context.js';
import type { EvidencePort } from './evidence-port.js';
import type { Executable, PlanItem } from './plan.js';
import { readBack } from './readback.js';
import { listStoreKeys, nextRunAfter } from './inventory.js';
import { aliasesByKey, keyDetails } from './key-selection.js';
import { evidenceOverrides, planScheduleItems, SECURITY_HUB_WARNING, type ScheduleOptions } from './schedule-deletion.js';
import { disconnectExecutable, evaluateDisconnect, type DisconnectOptions } from './disconnect-store.js';
import { findOrphans, type OrphanedMaterial } from './orphans.js';

export const DELETE_STORE = 'DeleteCustomKeyStore';

export type DeleteStorePhase = 'schedule-keys' | 'keys-pending' | 'disconnect-and-delete' | 'delete';

export interface DeleteStorePlan extends PlannedStep {
  phase: DeleteStorePhase;
  /** when the keys will really be gone (latest DeletionDate + 24 h), in phases 1 and 2 */
  nextRunAfter?: Date;
  orphans?: OrphanedMaterial[];
}

/** Preconditions of DeleteCustomKeyStore (aws-facts 2.2): DISCONNECTED and no keys in any state. */
export function evaluateDeleteStore(storeId: string, storeExists: boolean, connectionState: string | undefined, keys: KeyInfo[], expectDisconnectFirst: boolean): PlanItem {
  const base = { target: storeId, targetKind: 'store' as const, action: DELETE_STORE, checks: [] as PlanItem['checks'], details: { params: { CustomKeyStoreId: storeId } } };
  if (!storeExists) return { ...base, status: 'skip', reason: 'already deleted' };
  const noKeys = keys.length === 0;
  base.checks.push({ name: 'no-keys', ok: noKeys, detail: noKeys ? undefined : `${keys.length} key(s) in the store (${[...new Set(keys.map((k) => k.state))].join(', ')})` });
  if (!noKeys) return { ...base, status: 'blocked', reason: `the store holds ${keys.length} key(s) again: run delete-store again to schedule them` };
  const disconnected = connectionState === 'DISCONNECTED' || expectDisconnectFirst;
  base.checks.push({ name: 'store-disconnected', ok: disconnected, detail: disconnected ? undefined : `store is ${connectionState}` });
  if (!disconnected) return { ...base, status: 'blocked', reason: `store is ${connectionState}, not DISCONNECTED` };
  return { ...base, status: 'apply', reason: expectDisconnectFirst ? 'delete the store once DISCONNECTED' : 'delete the store (DISCONNECTED, no keys)' };
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
      const back = await readBack(() => ctx.aws.kms().describeStore(ctx.store.id), (s) => s === null, ctx.clock);
      if (!back.confirmed) {
        throw new KscliError(ExitCode.Failure, `DeleteCustomKeyStore on ${ctx.store.id} returned, but the store is still listed`, 'run the same command again');
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

export async function planDeleteStore(
  ctx: StepContext,
  /** loaded only when keys are to be scheduled (the evidence module is heavy) */
  loadEvidence: () => Promise<EvidencePort>,
  storeKeys: KeyInfo[],
  opts: { schedule: ScheduleOptions; disconnect: DisconnectOptions },
): Promise<DeleteStorePlan> {
  const pending = storeKeys.filter((k) => k.state === 'PendingDeletion');
  const toSchedule = storeKeys.filter((k) => k.state !== 'PendingDeletion');
  const noop = async () => ({});
  const overrides = evidenceOverrides(opts.schedule.evidence);
  if (opts.schedule.allowDisconnected) overrides.push('--allow-disconnected');

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
        item: { target: 'pending-deletion alarm', targetKind: 'alarm', action: 'CheckAlarm', status: 'skip', reason: 'not created (--no-alarm)', checks: [] },
        apply: noop,
      });
    }
    const aliases = await aliasesByKey(ctx.aws);
    executables.push(...(await planScheduleItems(ctx, evidence, toSchedule, opts.schedule, aliases)));
    for (const k of pending) executables.push({ item: waitingLine(k), apply: noop });
    return { phase: 'schedule-keys', warnings: [SECURITY_HUB_WARNING], overrides, executables, nextRunAfter: nextRunAfter(pending) };
  }

  if (pending.length > 0) {
    // case 2: the keys wait for their deletion date; a CloudHSM store must stay connected meanwhile
    const warnings: string[] = [];
    if (ctx.store.type === 'AWS_CLOUDHSM' && ctx.store.connectionState !== 'CONNECTED') {
      warnings.push(`store is ${ctx.store.connectionState}: reconnect it before the keys' deletion dates, or KMS cannot delete their material from the cluster (it would be orphaned)`);
    }
    return { phase: 'keys-pending', warnings, overrides, executables: pending.map((k) => ({ item: waitingLine(k), apply: noop })), nextRunAfter: nextRunAfter(pending) };
  }

  // cases 3 and 4: no keys left
  const warnings: string[] = [];
  let orphans: OrphanedMaterial[] | undefined;
  if (ctx.store.type === 'AWS_CLOUDHSM') {
    orphans = await findOrphans(ctx.aws, ctx.store.id, ctx.clock.now());
    if (orphans.length) {
      warnings.push(`${orphans.length} deleted key(s) of this store left key material in the cluster (see "kscli orphans ${ctx.store.id}"): clean it up with the cluster tools; the store's deletion does not remove it`);
    }
  }
  const executables: Executable[] = [];
  let phase: DeleteStorePhase = 'delete';
  if (ctx.store.connectionState !== 'DISCONNECTED') {
    phase = 'disconnect-and-delete';
    executables.push(disconnectExecutable(ctx, evaluateDisconnect(ctx.store, storeKeys, opts.disconnect), opts.disconnect));
  }
  executables.push(deleteExecutable(ctx, evaluateDeleteStore(ctx.store.id, true, ctx.store.connectionState, storeKeys, phase === 'disconnect-and-delete')));
  return { phase, warnings, overrides, executables, orphans };
}
