/**
 * What retire-cluster's plan rests on, read before it (not one mutating call): the cluster, the
 * stores of the account that use it (every Region, through `readStores`), its audit log, its
 * backups; and the re-check before each mutating call (the cluster, and the stores of its Region).
 */
import type { Check } from '../plan.js';
import { readAuditEvidence } from './audit-log.js';
import {
  evaluateAuditLog,
  evaluateStoresOnCluster,
  type Recheck,
  type RetireClusterContext,
  type RetireClusterFacts,
  type RetireClusterOptions,
  type StoresEvidence,
} from '../retire-cluster.js';

/** Reads the custom key stores of every Region to search (commands: the estate runner). */
export type StoresReader = (clusterId: string) => Promise<StoresEvidence>;

export async function gatherRetireFacts(
  ctx: RetireClusterContext,
  clusterId: string,
  readStores: StoresReader,
  opts: Pick<RetireClusterOptions, 'days'>,
): Promise<RetireClusterFacts | null> {
  const hsm = ctx.aws.cloudhsm(ctx.region);
  const cluster = await hsm.describeCluster(clusterId);
  if (!cluster) return null;
  const [stores, audit, backups] = await Promise.all([
    readStores(clusterId),
    readAuditEvidence(ctx.aws.logs(ctx.region), ctx.clock, clusterId, opts.days),
    hsm.describeBackups([clusterId]),
  ]);
  return { region: ctx.region, cluster, stores, audit, backups };
}

/**
 * The re-check: the cluster as it is now, and the stores of its Region read again (a colleague
 * may have created a store on it since the plan); the other Regions and the audit log as planned.
 */
export function recheckFor(ctx: RetireClusterContext, facts: RetireClusterFacts, opts: RetireClusterOptions): Recheck {
  return async () => {
    const clusterId = facts.cluster.clusterId;
    const cluster = await ctx.aws.cloudhsm(ctx.region).describeCluster(clusterId);
    const here = (await ctx.aws.kms(ctx.region).describeStores())
      .filter((s) => s.clusterId === clusterId)
      .map((s) => ({ storeId: s.id, name: s.name, region: ctx.region, connectionState: s.connectionState }));
    const stores: StoresEvidence = {
      ...facts.stores,
      storesOnCluster: [...facts.stores.storesOnCluster.filter((s) => s.region !== ctx.region), ...here],
    };
    const checks: Check[] = [...evaluateStoresOnCluster(clusterId, stores), ...evaluateAuditLog(facts.audit, opts)];
    return { cluster, checks };
  };
}
