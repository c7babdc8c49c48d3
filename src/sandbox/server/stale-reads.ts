/**
 * Eventual consistency (aws-facts.md section 9) as an injectable fault: for `staleMs` after a
 * successful mutation of a key or a custom key store, DescribeKey and DescribeCustomKeyStores
 * answer with the state from BEFORE the mutation. The model stays exact; this layer keeps the
 * pre-mutation answers per target and serves them during the window.
 */
import type { CallContext, SandboxModel } from '../contract.js';
import { isMutating } from './request-log.js';

interface Snapshot<T> {
  value: T;
  until: number;
}

type KeyMetadata = { KeyId?: string; Arn?: string };
type StoreEntry = { CustomKeyStoreId?: string };

export class StaleReads {
  private readonly keys = new Map<string, Snapshot<unknown>>();
  private readonly stores = new Map<string, Snapshot<StoreEntry>>();

  /**
   * Captures the current answers about the target of a mutating call, if any; returns a commit
   * function to call with the outcome (a failed mutation changed nothing, so it leaves no window).
   */
  beforeMutation(
    model: SandboxModel,
    ctx: CallContext,
    input: Record<string, unknown>,
    staleMs: number,
    nowMs: number,
  ): (succeeded: boolean) => void {
    if (staleMs <= 0 || ctx.service !== 'kms' || !isMutating(ctx.service, ctx.operation)) return () => {};
    const until = nowMs + staleMs;
    const pending: Array<() => void> = [];
    const keyId = typeof input.KeyId === 'string' ? input.KeyId : undefined;
    if (keyId) {
      const live = this.live(this.keys, keyId, nowMs);
      const answer = live?.value ?? this.peek(model, ctx, 'DescribeKey', { KeyId: keyId });
      const meta = (answer as { KeyMetadata?: KeyMetadata } | undefined)?.KeyMetadata;
      if (answer && meta?.KeyId) {
        pending.push(() => {
          const snap = { value: answer, until };
          this.keys.set(meta.KeyId!, snap);
          if (meta.Arn) this.keys.set(meta.Arn, snap);
        });
      }
    }
    const storeId = typeof input.CustomKeyStoreId === 'string' ? input.CustomKeyStoreId : undefined;
    if (storeId) {
      const live = this.live(this.stores, storeId, nowMs);
      const answer = live ? undefined : this.peek(model, ctx, 'DescribeCustomKeyStores', { CustomKeyStoreId: storeId });
      const entry = live?.value ?? (answer as { CustomKeyStores?: StoreEntry[] } | undefined)?.CustomKeyStores?.[0];
      if (entry) pending.push(() => this.stores.set(storeId, { value: entry, until }));
    }
    return (succeeded) => {
      if (succeeded) for (const apply of pending) apply();
    };
  }

  /** The answer to serve instead of the model's, or the model's answer patched with stale entries. */
  adjust(operation: string, input: Record<string, unknown>, output: unknown, nowMs: number): unknown {
    if (operation === 'DescribeKey' && typeof input.KeyId === 'string') {
      return this.live(this.keys, input.KeyId, nowMs)?.value ?? output;
    }
    if (operation === 'DescribeCustomKeyStores' && output && typeof output === 'object') {
      const out = output as { CustomKeyStores?: StoreEntry[] };
      if (!Array.isArray(out.CustomKeyStores)) return output;
      const requested = typeof input.CustomKeyStoreId === 'string' ? input.CustomKeyStoreId : undefined;
      let changed = false;
      const stores = out.CustomKeyStores.map((s) => {
        const snap = s.CustomKeyStoreId ? this.live(this.stores, s.CustomKeyStoreId, nowMs) : undefined;
        if (snap) changed = true;
        return snap?.value ?? s;
      });
      // a store deleted within the window is still listed
      for (const [id, snap] of this.stores) {
        if (snap.until > nowMs && !stores.some((s) => s.CustomKeyStoreId === id) && (!requested || requested === id)) {
          stores.push(snap.value);
          changed = true;
        }
      }
      return changed ? { ...out, CustomKeyStores: stores } : output;
    }
    return output;
  }

  /** For a DescribeKey/DescribeCustomKeyStores that the model rejects (deleted target) within the window. */
  staleInsteadOfError(operation: string, input: Record<string, unknown>, nowMs: number): unknown | undefined {
    if (operation === 'DescribeKey' && typeof input.KeyId === 'string')
      return this.live(this.keys, input.KeyId, nowMs)?.value;
    if (operation === 'DescribeCustomKeyStores' && typeof input.CustomKeyStoreId === 'string') {
      const snap = this.live(this.stores, input.CustomKeyStoreId, nowMs);
      return snap ? { CustomKeyStores: [snap.value], Truncated: false } : undefined;
    }
    return undefined;
  }

  private live<T>(map: Map<string, Snapshot<T>>, id: string, nowMs: number): Snapshot<T> | undefined {
    const snap = map.get(id);
    if (!snap) return undefined;
    if (snap.until <= nowMs) {
      map.delete(id);
      return undefined;
    }
    return snap;
  }

  /** A read the client did not make: not recorded in CloudTrail, not counted against quotas. */
  private peek(model: SandboxModel, ctx: CallContext, operation: string, input: Record<string, unknown>): unknown {
    try {
      return model.handle({ ...ctx, operation }, input);
    } catch {
      return undefined;
    }
  }
}
