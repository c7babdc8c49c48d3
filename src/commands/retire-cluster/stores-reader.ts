/**
 * retire-cluster's first precondition reads, never assumes: which custom key stores of the account
 * still name the cluster, in every Region the account has enabled (account:ListRegions, as
 * `stores --regions all`), or the Regions of --regions. A Region that cannot be read is a gap (the
 * plan blocks on it): a store there could still use the cluster.
 */
import type { Deps } from '../../deps.js';
import type { RegionSelection } from '../../workflow/estate/runner.js';
import type { StoresReader } from '../../workflow/cluster/facts.js';
import type { RegionGap, StoreOnCluster } from '../../workflow/retire-cluster.js';
import { compareText } from '../../util/text-order.js';

const CONCURRENCY = 8;
const ENABLED = ['ENABLED', 'ENABLED_BY_DEFAULT', 'DISABLING'];

async function enabledRegions(deps: Deps): Promise<string[]> {
  const { withEstate } = await import('../../aws/estate/sdk-estate.js');
  return withEstate(await deps.awsConfig(), async (estate) => {
    const caller = await estate.callerIdentity();
    const regions = await estate.session({ accountId: caller.account }).listRegions();
    return regions.filter((r) => ENABLED.includes(r.status)).map((r) => r.name);
  });
}

export function storesReader(deps: Deps, selection: RegionSelection): StoresReader {
  return async (clusterId) => {
    const gaps: RegionGap[] = [];
    let regions: string[];
    if (selection.mode === 'list') regions = selection.regions;
    else {
      try {
        regions = await enabledRegions(deps);
      } catch (err) {
        // the Region the cluster is in is still read; the others are one gap, named
        regions = [deps.region];
        gaps.push({
          region: 'all other Regions',
          reason: `account:ListRegions failed (${(err as Error).message.split('\n')[0]}); pass --regions to name them`,
        });
      }
    }
    if (!regions.includes(deps.region)) regions = [deps.region, ...regions];
    const storesOnCluster: StoreOnCluster[] = [];
    const queue = [...regions];
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
        for (let r = queue.shift(); r !== undefined; r = queue.shift()) {
          const region = r;
          try {
            for (const s of await deps.aws.kms(region).describeStores())
              if (s.clusterId === clusterId)
                storesOnCluster.push({ storeId: s.id, name: s.name, region, connectionState: s.connectionState });
          } catch (err) {
            gaps.push({ region, reason: (err as { code?: string }).code ?? (err as Error).message.split('\n')[0]! });
          }
        }
      }),
    );
    return {
      regions: [...regions].sort(),
      storesOnCluster: storesOnCluster.sort((a, b) => compareText(a.storeId, b.storeId)),
      gaps: gaps.sort((a, b) => compareText(a.region, b.region)),
    };
  };
}
