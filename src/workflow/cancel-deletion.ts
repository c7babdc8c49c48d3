/**
 * cancel-deletion: CancelKeyDeletion for keys PendingDeletion; AWS leaves a cancelled key Disabled
 * (aws-facts 1.2), so --enable adds an EnableKey line per key. A key not pending deletion is skipped
 * with its state. On a disconnected store EnableKey succeeds but takes effect only once the store is
 * connected again (aws-facts 1.2 [12]): the plan says so.
 */
import type { KeyInfo } from '../aws/ports.js';
import { AwsCallError, ExitCode, KscliError } from '../errors.js';
import type { StepContext } from './context.js';
import type { PlannedStep, Executable, PlanItem } from './plan.js';
import { readBack } from './readback.js';
import { aliasesByKey, excludedLine, keyDetails, selectKeys } from './key-selection.js';
import type { KeyRef } from '../input/validate.js';
import type { CallEntry, KeySeenEntry } from './journal.js';

export const CANCEL = 'CancelKeyDeletion';
export const ENABLE = 'EnableKey';

export function evaluateCancel(key: KeyInfo, aliases?: string[]): PlanItem {
  const details = { ...keyDetails(key, aliases), params: { KeyId: key.keyId } };
  if (key.state !== 'PendingDeletion') {
    return {
      target: key.keyId,
      targetKind: 'key',
      action: CANCEL,
      status: 'skip',
      reason: `not pending deletion (${key.state})`,
      checks: [{ name: 'pending-deletion', ok: false }],
      details,
    };
  }
  return {
    target: key.keyId,
    targetKind: 'key',
    action: CANCEL,
    status: 'apply',
    reason: 'cancel the deletion (AWS leaves the key Disabled)',
    checks: [{ name: 'pending-deletion', ok: true }],
    details,
  };
}

export function evaluateEnable(key: KeyInfo, storeConnected: boolean): PlanItem {
  const details = { arn: key.arn, state: key.state, params: { KeyId: key.keyId } };
  const base = { target: key.keyId, targetKind: 'key' as const, action: ENABLE, checks: [], details };
  if (key.state === 'Enabled') return { ...base, status: 'skip', reason: 'already Enabled' };
  if (key.state === 'PendingDeletion')
    return { ...base, status: 'blocked', reason: 'still PendingDeletion: the cancel did not take effect' };
  const later = storeConnected ? '' : ' (takes effect when the store is connected again)';
  return { ...base, status: 'apply', reason: `re-enable${later}` };
}

function cancelExecutable(ctx: StepContext, item: PlanItem): Executable {
  const keyId = item.target;
  return {
    item,
    recheck: async () => {
      const key = await ctx.aws.kms().describeKey(keyId);
      if (!key)
        return {
          ...item,
          status: 'skip',
          reason: 'the key no longer exists (its waiting period ended before the cancel)',
        };
      return evaluateCancel(key, item.details?.aliases as string[] | undefined);
    },
    apply: async () => {
      let note: string | undefined;
      try {
        await ctx.aws.kms().cancelKeyDeletion(keyId);
      } catch (err) {
        // "is not pending deletion": someone cancelled it meanwhile (aws-facts 1.2 [4])
        if (!(
          err instanceof AwsCallError &&
          err.code === 'KMSInvalidStateException' &&
          /not pending deletion/i.test(err.message)
        ))
          throw err;
        note = 'was no longer pending deletion (cancelled by someone else meanwhile)';
      }
      const back = await readBack(
        () => ctx.aws.kms().describeKey(keyId),
        (k) => !!k && k.state !== 'PendingDeletion',
        ctx.clock,
      );
      if (!back.confirmed) {
        throw new KscliError(
          ExitCode.Failure,
          `CancelKeyDeletion on ${keyId} returned, but the key still reads as PendingDeletion`,
          'run the same command again',
        );
      }
      return { state: back.value?.state, ...(note ? { note } : {}) };
    },
  };
}

function enableExecutable(ctx: StepContext, item: PlanItem): Executable {
  const keyId = item.target;
  return {
    item,
    recheck: async () => {
      const key = await ctx.aws.kms().describeKey(keyId);
      if (!key) return { ...item, status: 'skip', reason: 'the key no longer exists' };
      const store = await ctx.aws.kms().describeStore(ctx.store.id);
      return evaluateEnable(key, store?.connectionState === 'CONNECTED');
    },
    apply: async () => {
      await ctx.aws.kms().enableKey(keyId);
      return {};
    },
  };
}

/**
 * Keys whose deletion kscli cancelled (journal: CancelKeyDeletion ok) and that kscli has not
 * re-enabled since: with --enable, a run interrupted between the cancel and the enable is finished
 * by the next one. A key Disabled for any other reason is never enabled by kscli.
 */
export function cancelledNotEnabled(entries: Array<CallEntry | KeySeenEntry>): Set<string> {
  const out = new Set<string>();
  for (const entry of entries) {
    if ('type' in entry) continue;
    const e = entry;
    if (e.phase !== 'outcome' || e.outcome !== 'ok' || !e.target) continue;
    if (e.operation === CANCEL) out.add(e.target);
    if (e.operation === ENABLE) out.delete(e.target);
  }
  return out;
}

export async function planCancelDeletion(
  ctx: StepContext,
  storeKeys: KeyInfo[],
  sel: { include: KeyRef[]; exclude: KeyRef[] },
  opts: { enable: boolean; cancelledEarlier?: Set<string> },
): Promise<PlannedStep> {
  const selection = await selectKeys(ctx.aws, ctx.store.id, storeKeys, sel.include, sel.exclude, CANCEL);
  const aliases = await aliasesByKey(ctx.aws);
  const noop = async () => ({});
  const executables: Executable[] = selection.refused.map((item) => ({ item, apply: noop }));
  const connected = ctx.store.connectionState === 'CONNECTED';
  for (const key of selection.selected) {
    const item = evaluateCancel(key, aliases.get(key.keyId));
    if (opts.enable && item.status === 'skip' && opts.cancelledEarlier?.has(key.keyId) && key.state !== 'Enabled') {
      // cancelled by an earlier kscli run that stopped before its EnableKey: finish the job
      const enable = evaluateEnable(key, connected);
      executables.push(
        enableExecutable(ctx, {
          ...enable,
          reason: `${enable.reason} (kscli cancelled its deletion earlier; the enable had not happened)`,
        }),
      );
      continue;
    }
    executables.push(item.status === 'apply' ? cancelExecutable(ctx, item) : { item, apply: noop });
    if (opts.enable && item.status === 'apply') {
      // planned as it will be after the cancel: Disabled (or Unavailable on a disconnected store)
      const after = evaluateEnable({ ...key, state: connected ? 'Disabled' : 'Unavailable' }, connected);
      executables.push(enableExecutable(ctx, after));
    }
  }
  for (const k of selection.excluded) executables.push({ item: excludedLine(k, CANCEL), apply: noop });
  const warnings: string[] = [];
  if (!opts.enable && executables.some((e) => e.item.status === 'apply')) {
    warnings.push(
      'AWS leaves a cancelled key Disabled: pass --enable to re-enable it, or run "aws kms enable-key" later.',
    );
  }
  return { warnings, overrides: [], executables };
}
