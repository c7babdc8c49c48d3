/**
 * The cost a saved plan records (issue 21, "cost where people decide"): the review document is
 * rendered from the plan file alone (`kscli show FILE --output markdown` on another machine, days
 * later), so what the cluster costs is read when the plan is made and written into the file.
 *   - a CloudHSM store's plan: its cluster's HSMs and monthly cost (deleting the store does not
 *     stop that bill: retire-cluster does);
 *   - a retire-cluster plan: the cluster's HSMs, i.e. what retiring it saves a month.
 * Read-only and never fatal: an unreadable cluster or price is recorded as `error`, the plan is
 * still made. Not part of the observations: `apply` does not refuse a plan because a price moved.
 */
import type { AwsPorts } from '../../aws/ports.js';
import { isStoreObservations, type PlanFile } from '../plan-file/document.js';
import { HsmPriceBook, PRICING_REGION, priceSourceOf, type PriceSource } from './hsm-cost.js';

export interface PlanCost {
  clusterId: string;
  hsmCount?: number;
  usdPerHour?: number;
  /** hsmCount x usdPerHour x hoursPerMonth, rounded to whole dollars */
  monthlyUsd?: number;
  priceSource?: PriceSource;
  /** why the cost is not known (the plan is made all the same) */
  error?: string;
}

/** The cluster a plan is about or rests on, with its HSM count when the plan already observed it. */
function clusterOf(plan: PlanFile): { clusterId: string; hsmCount?: number } | undefined {
  const obs = plan.observations;
  if (isStoreObservations(obs))
    return obs.store.type === 'AWS_CLOUDHSM' && obs.store.clusterId ? { clusterId: obs.store.clusterId } : undefined;
  if ('cluster' in obs) return { clusterId: obs.cluster.clusterId, hsmCount: obs.cluster.hsms.length };
  return undefined;
}

export async function planCostOf(aws: AwsPorts, plan: PlanFile): Promise<PlanCost | undefined> {
  const target = clusterOf(plan);
  if (!target) return undefined;
  const { clusterId } = target;
  try {
    let hsmCount = target.hsmCount;
    if (hsmCount === undefined) {
      const cluster = await aws.cloudhsm().describeCluster(clusterId);
      if (!cluster) return { clusterId, error: `cluster ${clusterId} was not found` };
      hsmCount = cluster.hsmCount;
    }
    const book = new HsmPriceBook(() => aws.pricing(PRICING_REGION));
    const cost = await book.cost(plan.region, hsmCount);
    return {
      clusterId,
      hsmCount,
      usdPerHour: cost.usdPerHour,
      monthlyUsd: cost.monthlyUsd,
      priceSource: priceSourceOf(book),
    };
  } catch (err) {
    return { clusterId, error: (err as Error).message.split('\n')[0] ?? 'unknown error' };
  }
}
