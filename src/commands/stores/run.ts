/**
 * kscli stores: the stores of the region, and the keys of each counted by key state.
 */
import type { StoreInfo } from '../../aws/ports.js';
import type { Deps } from '../../deps.js';
import { countByState } from '../../workflow/inventory.js';

export interface StoreRow {
  store: StoreInfo;
  keyCount: number;
  keyCounts: Record<string, number>;
}

export interface StoresResult {
  region: string;
  stores: StoreRow[];
}

export async function runStores(deps: Deps): Promise<StoresResult> {
  const stores = await deps.aws.kms().describeStores();
  const bar = deps.progress.bar('scanning keys');
  // no store, no need to describe every key of the region
  const keys = stores.length
    ? await deps.aws
        .kms()
        .scanKeys((k) => !!k.customKeyStoreId, (d, t) => bar.update(d, t))
        .finally(() => bar.stop())
    : [];
  return {
    region: deps.region,
    stores: stores.map((s) => {
      const mine = keys.filter((k) => k.customKeyStoreId === s.id);
      return { store: s, keyCount: mine.length, keyCounts: countByState(mine) };
    }),
  };
}
