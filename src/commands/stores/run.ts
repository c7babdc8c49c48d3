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
  return {
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
}

/**
 * `stores --regions LIST|all`: the caller's account in several Regions at once, through the estate
 * runner (each Region its own quota bucket; a Region that cannot be read is a gap).
 */
export async function runStoresInRegions(
  deps: Deps,
  selection: Exclude<RegionSelection, { mode: 'home' }>,
): Promise<StoresResult> {
  const [{ SdkEstate }, { runInventory }, { DEFAULT_CONCURRENCY }] = await Promise.all([
    import('../../aws/estate/sdk-estate.js'),
    import('../../workflow/estate/inventory.js'),
    import('../../input/estate-options.js'),
  ]);
  const estate = new SdkEstate(await deps.awsConfig());
  const caller = await estate.callerIdentity();
  const bar = deps.progress.bar('Regions read');
  const result = await runInventory(estate, {
    accounts: [{ id: caller.account, state: 'ACTIVE' }],
    callerAccount: caller.account,
    regions: selection,
    roleName: 'unused',
    sessionName: 'kscli',
    concurrency: DEFAULT_CONCURRENCY,
    onProgress: (p) => bar.update(p.regionsDone, Math.max(p.regionsKnown, p.regionsDone)),
  }).finally(() => bar.stop());
  return {
    region: deps.region,
    regions: selection.mode === 'all' ? 'all' : selection.regions,
    stores: result.rows.map((r) => ({
      store: r.store,
      keyCount: r.keyCount,
      keyCounts: r.keyCounts,
      trial: r.trial,
      region: r.region,
    })),
    gaps: result.gaps,
    skipped: result.skips,
  };
}
