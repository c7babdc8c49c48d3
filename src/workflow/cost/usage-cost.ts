/**
 * The cost line of the usage review document (`usage --output markdown`, issue 21): a change board
 * deciding on a CloudHSM store sees what its cluster's HSMs cost a month, and that deleting the
 * store does not stop that bill. Read-only, never fatal: an unreadable cluster is said so.
 */
import type { AwsPorts } from '../../aws/ports.js';
import type { UsageResult } from '../results.js';
import { HsmPriceBook, PRICING_REGION, priceSourceLine } from './hsm-cost.js';

export async function clusterCostOf(
  aws: AwsPorts,
  clusterId: string,
): Promise<NonNullable<UsageResult['clusterCost']>> {
  try {
    const cluster = await aws.cloudhsm().describeCluster(clusterId);
    if (!cluster) return { error: `cluster ${clusterId} was not found` };
    const book = new HsmPriceBook(() => aws.pricing(PRICING_REGION));
    const cost = await book.cost(aws.region, cluster.hsmCount);
    return {
      hsmCount: cluster.hsmCount,
      monthlyUsd: cost.monthlyUsd,
      usdPerHour: cost.usdPerHour,
      priceLine: priceSourceLine(book),
    };
  } catch (err) {
    return { error: (err as Error).message.split('\n')[0] ?? 'unknown error' };
  }
}
