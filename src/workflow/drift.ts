/**
 * What changed in the store while a run applied its plan, found by listing the keys again after
 * the apply. Keys created meanwhile were not in the plan, and keys whose deletion someone cancelled
 * meanwhile were planned as "already PendingDeletion": neither is acted on in this run (a cancel is
 * a deliberate act by someone else), but the operator is told, and the next run plans them.
 */
import type { KeyInfo } from '../aws/ports.js';
import type { StepContext } from './context.js';
import { listStoreKeys } from './inventory.js';

export interface KeyDrift {
  keyId: string;
  state: string;
  change: 'created' | 'deletion-cancelled';
  note: string;
}

export function compareKeys(before: KeyInfo[], after: KeyInfo[]): KeyDrift[] {
  const was = new Map(before.map((k) => [k.keyId, k]));
  const out: KeyDrift[] = [];
  for (const k of after) {
    const old = was.get(k.keyId);
    if (!old) {
      out.push({
        keyId: k.keyId,
        state: k.state,
        change: 'created',
        note: `key ${k.keyId} appeared in the store since the plan (${k.state}): not acted on in this run; run again to plan it`,
      });
    } else if (old.state === 'PendingDeletion' && k.state !== 'PendingDeletion') {
      out.push({
        keyId: k.keyId,
        state: k.state,
        change: 'deletion-cancelled',
        note: `key ${k.keyId}: someone cancelled its deletion since the plan (now ${k.state}); not scheduled again in this run`,
      });
    }
  }
  return out;
}

export async function keyDriftSince(ctx: StepContext, before: KeyInfo[]): Promise<KeyDrift[]> {
  return (await storeKeysAfterApply(ctx, before)).drift;
}

/**
 * The store's keys as AWS lists them after the apply, and what changed since the plan. Whatever a
 * command reports about where the keys stand after its apply (delete-store's keysLeft) comes from
 * this list, not from the plan: a colleague may have cancelled a deletion while the plan was on
 * screen, and the report must agree with changedSincePlan.
 */
export async function storeKeysAfterApply(
  ctx: StepContext,
  before: KeyInfo[],
): Promise<{ keys: KeyInfo[]; drift: KeyDrift[] }> {
  const keys = await listStoreKeys(ctx.aws, ctx.store.id);
  return { keys, drift: compareKeys(before, keys) };
}
