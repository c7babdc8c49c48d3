/**
 * kscli stores: the stores of the region, and the keys of each counted by key state.
 */
import type { Deps } from '../../deps.js';
import { countByState } from '../../workflow/inventory.js';
import { countKeysInTrial } from '../../workflow/trial/count.js';
import type { RegionSelection } from '../../workflow/estate/runner.js';
import type { StoreRow, StoresResult } from '../../workflow/results.js';
export type { StoreRow, StoresResult };

export async function runStores(deps: Deps): Promise<StoresResult> {
  const stores = await deps.aws.kms().describeStores();
  const bar = deps.progress.bar('scanning keys');
  // no store, no need to describe every key of the region
  const keys = stores.length
    ? await deps.aws
        .kms()
        .scanKeys(
          (k) => !!k.customKeyStoreId,
          (d, t) => bar.update(d, t),
        )
        .finally(() => bar.stop())
    : [];
  const trials = await countKeysInTrial(deps.aws.kms(), keys);
  const result: StoresResult = {
    region: deps.region,
    stores: stores.map((s) => {
      const mine = keys.filter((k) => k.customKeyStoreId === s.id);
      return {
        store: s,
        keyCount: mine.length,
        keyCounts: countByState(mine),
        trial: trials.get(s.id) ?? { keysInTrial: 0 },
      };
    }),
  };
  // issue 21: each cluster's HSMs and what they cost a month, where the operator decides
  const { readStoreClusters, priceStoreClusters } = await import('../../workflow/cost/store-costs.js');
  await readStoreClusters(deps.aws, result.stores);
  await priceStoreClusters(deps.aws, result);
  return result;
}

/**
 * `stores --regions LIST|all`: the caller's account in several Regions at once, through the estate
 * runner (each Region its own quota bucket; a Region that cannot be read is a gap).
 */
export async function runStoresInRegions(
  deps: Deps,
  selection: Exclude<RegionSelection, { mode: 'home' }>,
): Promise<StoresResult> {
  const [{ withEstate }, { runInventory }, { DEFAULT_CONCURRENCY }] = await Promise.all([
    import('../../aws/estate/sdk-estate.js'),
    import('../../workflow/estate/inventory.js'),
    import('../../input/estate-options.js'),
  ]);
  const result = await withEstate(await deps.awsConfig(), async (estate) => {
    const caller = await estate.callerIdentity();
    const bar = deps.progress.bar('Regions read');
    return runInventory(estate, {
      accounts: [{ id: caller.account, state: 'ACTIVE' }],
      callerAccount: caller.account,
      regions: selection,
      roleName: 'unused',
      sessionName: 'kscli',
      concurrency: DEFAULT_CONCURRENCY,
      onProgress: (p) => bar.update(p.regionsDone, Math.max(p.regionsKnown, p.regionsDone)),
    }).finally(() => bar.stop());
  });
  const out: StoresResult = {
    region: deps.region,
    regions: selection.mode === 'all' ? 'all' : selection.regions,
    stores: result.rows.map((r) => ({
      store: r.store,
      keyCount: r.keyCount,
      keyCounts: r.keyCounts,
      trial: r.trial,
      region: r.region,
      // the estate inventory read each CloudHSM store's cluster already
      ...(r.cluster !== undefined ? { cluster: r.cluster } : {}),
      ...(r.clusterError ? { clusterError: r.clusterError } : {}),
    })),
    gaps: result.gaps,
    skipped: result.skips,
  };
  const { priceStoreClusters } = await import('../../workflow/cost/store-costs.js');
  await priceStoreClusters(deps.aws, out);
  return out;
}
