/**
 * The cost column of `stores` (issue 21: cost where people decide): each CloudHSM store's cluster,
 * its HSM count and what the HSMs cost a month in the store's Region. Read-only and never fatal:
 * a cluster that cannot be read is shown as such (`clusterError`), and the listing still stands.
 */
import type { AwsPorts, ClusterInfo } from '../../aws/ports.js';
import type { StoreRow, StoresResult } from '../results.js';
import { HsmPriceBook, PRICING_REGION, priceSourceLine, priceSourceOf } from './hsm-cost.js';

/** Reads the clusters of the home-Region rows (DescribeClusters once per cluster). */
export async function readStoreClusters(aws: AwsPorts, rows: StoreRow[]): Promise<void> {
  const hsm = rows.filter((r) => r.store.type === 'AWS_CLOUDHSM' && r.store.clusterId);
  await Promise.all(
    hsm.map(async (r) => {
      try {
        r.cluster = await aws.cloudhsm(r.region).describeCluster(r.store.clusterId!);
      } catch (err) {
        r.clusterError = (err as Error).message.split('\n')[0];
      }
    }),
  );
}

/** Prices every row's cluster (HSM count x the Region's price x 730 h) and says where prices came from. */
export async function priceStoreClusters(aws: AwsPorts, result: StoresResult): Promise<void> {
  const priced = result.stores.filter((r): r is StoreRow & { cluster: ClusterInfo } => !!r.cluster);
  if (priced.length === 0) return;
  const book = new HsmPriceBook(() => aws.pricing(PRICING_REGION));
  for (const r of priced) r.cost = await book.cost(r.region ?? result.region, r.cluster.hsmCount);
  result.prices = priceSourceOf(book);
  result.priceLine = priceSourceLine(book);
}
