/**
 * disconnect-store: DisconnectCustomKeyStore, then wait until DISCONNECTED.
 *
 * Preconditions (issue 2; aws-facts 1.1, 2.2, 2.4), each one a test in test/unit/workflow/disconnect-store.test.ts:
 *  - already DISCONNECTED          -> nothing to do (exit 0); Disconnect would throw InvalidState
 *  - DISCONNECTING                 -> no call, just wait
 *  - CloudHSM store with keys PendingDeletion -> blocked unless --allow-orphaned-material: when
 *    their waiting period ends KMS cannot delete their material from a disconnected cluster
 *  - Enabled keys in the store     -> blocked unless --force: their callers break at once
 * The re-check before the call lists the keys again (a colleague may have scheduled one meanwhile).
 */
import type { KeyInfo, StoreInfo } from '../aws/ports.js';
import { AwsCallError, ExitCode, KscliError } from '../errors.js';
import type { StepContext } from './context.js';
import type { PlannedStep, Check, Executable, PlanItem } from './plan.js';
import { listStoreKeys } from './inventory.js';

export const DISCONNECT = 'DisconnectCustomKeyStore';
export const WAIT_DISCONNECTED = 'WaitForDisconnected';

export interface DisconnectOptions {
  allowOrphanedMaterial: boolean;
  force: boolean;
  waitTimeoutMs: number;
  /** poll interval for DescribeCustomKeyStores (5 requests/s quota: be gentle) */
  pollMs?: number;
  /** stale reads tolerated while waiting (default STALE_READ_GRACE_MS) */
  staleReadGraceMs?: number;
  /** progress line while waiting */
  onWait?: (state: string, elapsedMs: number, timeoutMs: number) => void;
}

export function evaluateDisconnect(
  store: StoreInfo,
  keys: KeyInfo[],
  opts: Pick<DisconnectOptions, 'allowOrphanedMaterial' | 'force'>,
): PlanItem {
  const checks: Check[] = [];
  const details = { connectionState: store.connectionState, params: { CustomKeyStoreId: store.id } };
  const line = (action: string, status: PlanItem['status'], reason: string): PlanItem => ({
    target: store.id,
    targetKind: 'store',
    action,
    status,
    reason,
    checks,
    details,
  });
  if (store.connectionState === 'DISCONNECTED') return line(DISCONNECT, 'skip', 'already DISCONNECTED');
  if (store.connectionState === 'DISCONNECTING')
    return line(WAIT_DISCONNECTED, 'apply', 'already DISCONNECTING: wait until DISCONNECTED');

  const reasons: string[] = [];
  const pending = keys.filter((k) => k.state === 'PendingDeletion');
  if (store.type === 'AWS_CLOUDHSM') {
    const ok = pending.length === 0;
    const c: Check = {
      name: 'no-keys-pending-deletion',
      ok,
      detail: ok
        ? undefined
        : `${pending.length} key(s) pending deletion: disconnected, KMS cannot delete their material from the cluster, which stays orphaned`,
      overrideFlag: '--allow-orphaned-material',
    };
    if (!ok && opts.allowOrphanedMaterial) c.overridden = true;
    checks.push(c);
    if (!ok && !opts.allowOrphanedMaterial)
      reasons.push(`${c.detail} (wait until they are deleted, or pass --allow-orphaned-material)`);
  }
  const enabled = keys.filter((k) => k.state === 'Enabled');
  const ok = enabled.length === 0;
  const c: Check = {
    name: 'no-enabled-keys',
    ok,
    detail: ok ? undefined : `${enabled.length} key(s) Enabled: everything that uses them breaks at once`,
    overrideFlag: '--force',
  };
  if (!ok && opts.force) c.overridden = true;
  checks.push(c);
  if (!ok && !opts.force) reasons.push(`${c.detail} (schedule or disable them first, or pass --force)`);
  if (reasons.length) return line(DISCONNECT, 'blocked', reasons.join('; '));
  const overridden = checks.filter((x) => x.overridden).map((x) => x.overrideFlag);
  return line(
    DISCONNECT,
    'apply',
    `disconnect (${store.connectionState} now), then wait until DISCONNECTED${overridden.length ? ` (${overridden.join(', ')})` : ''}`,
  );
}

/**
 * How long after the store is known to be on its way to DISCONNECTED (our own Disconnect was
 * accepted, Disconnect answered InvalidState, or a read said DISCONNECTING) a read that still says
 * CONNECTED (or CONNECTING, FAILED) is taken as a stale read, not as a reconnect. KMS reads lag
 * writes by seconds, "sometimes several minutes" (aws-facts 9); and a colleague cannot reconnect a
 * store before it is DISCONNECTED (Connect refuses DISCONNECTING: aws-facts 2.2).
 */
export const STALE_READ_GRACE_MS = 2 * 60 * 1000;

/**
 * Polls DescribeCustomKeyStores until DISCONNECTED (DISCONNECTING comes first: aws-facts 2.2).
 * Call it only once the store is on its way (see STALE_READ_GRACE_MS): reads that still show the
 * state from before the disconnect are waited out during the grace period.
 */
export async function waitUntilDisconnected(ctx: StepContext, opts: DisconnectOptions): Promise<StoreInfo> {
  const start = ctx.clock.now().getTime();
  const poll = opts.pollMs ?? 5000;
  const grace = opts.staleReadGraceMs ?? STALE_READ_GRACE_MS;
  for (;;) {
    const store = await ctx.aws.kms().describeStore(ctx.store.id);
    if (!store)
      throw new KscliError(
        ExitCode.Failure,
        `store ${ctx.store.id} disappeared while kscli waited for it to disconnect`,
      );
    const elapsed = ctx.clock.now().getTime() - start;
    opts.onWait?.(store.connectionState, elapsed, opts.waitTimeoutMs);
    if (store.connectionState === 'DISCONNECTED') return store;
    const onItsWay = store.connectionState === 'DISCONNECTING';
    if (!onItsWay && elapsed >= grace) {
      throw new KscliError(
        ExitCode.Failure,
        `store ${ctx.store.id} still reads as ${store.connectionState} ${Math.round(elapsed / 1000)} s after the disconnect`,
        'someone may have reconnected it: run kscli stores, then run again',
      );
    }
    if (elapsed >= opts.waitTimeoutMs) {
      throw new KscliError(
        ExitCode.Pending,
        onItsWay
          ? `store ${ctx.store.id} is still DISCONNECTING after ${Math.round(elapsed / 1000)} s`
          : `store ${ctx.store.id} still reads as ${store.connectionState} after ${Math.round(elapsed / 1000)} s, though AWS accepted the disconnect (its reads lag behind writes)`,
        onItsWay
          ? 'AWS is still disconnecting it: run the same command again later (or give a longer --wait-timeout)'
          : 'AWS may be slow to show the disconnect, or someone reconnected it: run kscli stores, then run the same command again',
      );
    }
    if (ctx.interrupted?.()) {
      throw new KscliError(
        ExitCode.Interrupted,
        `interrupted while store ${ctx.store.id} was ${store.connectionState}`,
        'AWS keeps disconnecting it: run the same command again to resume',
      );
    }
    await ctx.clock.sleep(poll);
  }
}

export function disconnectExecutable(ctx: StepContext, item: PlanItem, opts: DisconnectOptions): Executable {
  return {
    item,
    recheck: async () => {
      const store = await ctx.aws.kms().describeStore(ctx.store.id);
      if (!store) return { ...item, status: 'blocked', reason: `store ${ctx.store.id} no longer exists` };
      const keys = await listStoreKeys(ctx.aws, ctx.store.id);
      return evaluateDisconnect(store, keys, opts);
    },
    apply: async () => {
      let note: string | undefined;
      const current = await ctx.aws.kms().describeStore(ctx.store.id);
      if (current?.connectionState !== 'DISCONNECTING' && current?.connectionState !== 'DISCONNECTED') {
        try {
          await ctx.aws.kms().disconnectStore(ctx.store.id);
        } catch (err) {
          // Disconnect throws InvalidState only on a store already DISCONNECTING or DISCONNECTED
          // (aws-facts 2.2): e.g. a re-run inside the stale-read window after our own earlier
          // disconnect, or a colleague's. Either way it is on its way: wait for DISCONNECTED.
          if (!(err instanceof AwsCallError && err.code === 'CustomKeyStoreInvalidStateException')) throw err;
          const again = await ctx.aws.kms().describeStore(ctx.store.id);
          if (!again) throw err;
          note =
            again.connectionState === 'DISCONNECTING' || again.connectionState === 'DISCONNECTED'
              ? `was already ${again.connectionState}`
              : `was already disconnecting (AWS refused a second disconnect, though a read still shows ${again.connectionState}: reads lag behind writes)`;
        }
      }
      const store = await waitUntilDisconnected(ctx, opts);
      return { connectionState: store.connectionState, ...(note ? { note } : {}) };
    },
  };
}

export async function planDisconnectStore(
  ctx: StepContext,
  storeKeys: KeyInfo[],
  opts: DisconnectOptions,
): Promise<PlannedStep> {
  const item = evaluateDisconnect(ctx.store, storeKeys, opts);
  const overrides: string[] = [];
  if (opts.force) overrides.push('--force');
  if (opts.allowOrphanedMaterial) overrides.push('--allow-orphaned-material');
  const warnings: string[] = [];
  if (item.status === 'apply' && item.action === DISCONNECT && storeKeys.some((k) => k.state !== 'PendingDeletion')) {
    warnings.push(
      'Disconnecting makes every key of the store Unavailable at once (keys pending deletion stay PendingDeletion).',
    );
  }
  return { warnings, overrides, executables: [disconnectExecutable(ctx, item, opts)] };
}
