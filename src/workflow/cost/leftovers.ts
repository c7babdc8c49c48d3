/**
 * What still costs money after a store is deleted (issue 21), read-only:
 * - a CloudHSM store: "Deleting a CloudHSM key store does not affect the AWS CloudHSM cluster, its
 *   HSMs, or its users" (aws-facts-cluster-and-scale 7): the cluster keeps billing per HSM-hour.
 *   kscli names it, its HSM count and monthly cost, the other stores of the Region that still use
 *   it (then it must stay), and the next step: `kscli retire-cluster <id>`;
 * - an external key store: DeleteCustomKeyStore removes KMS metadata only; the XKS proxy, the
 *   external key manager and, for VPC_ENDPOINT_SERVICE connectivity, the VPC endpoint service and
 *   its Network Load Balancer stay and keep costing money (facts "External key stores"). kscli
 *   names them from the store's own configuration (read before the deletion) and says what to do
 *   next in words; it does not read EC2 or ELBv2 itself.
 */
import type { AwsPorts, StoreInfo } from '../../aws/ports.js';
import { formatUsd, HOURS_PER_MONTH, type CostFigure, type HsmPriceBook } from './hsm-cost.js';

export interface ClusterLeftover {
  kind: 'cloudhsm-cluster';
  clusterId: string;
  region: string;
  /** ACTIVE, DEGRADED, ... or "not-found" (already deleted) */
  clusterState: string;
  hsmCount: number;
  cost?: CostFigure;
  /** other custom key stores of the Region on this cluster: it must stay while they exist */
  usedByStores: string[];
  nextStep: string;
}

export interface XksLeftover {
  kind: 'external-key-store';
  region: string;
  connectivity: string;
  uriEndpoint?: string;
  uriPath?: string;
  vpcEndpointServiceName?: string;
  nextStep: string;
}

export type StoreLeftover = ClusterLeftover | XksLeftover;

/**
 * The global flags a follow-up command needs to reach the same account and Region (not --yes,
 * --output or --dry-run: the operator chooses those again).
 */
export interface ReachFlags {
  region: string;
  profile?: string;
  endpointUrl?: string;
  sandbox?: boolean;
}

export function reachArgs(f: ReachFlags): string {
  const parts = [`--region ${f.region}`];
  if (f.profile) parts.push(`--profile ${f.profile}`);
  if (f.sandbox) parts.push('--sandbox');
  else if (f.endpointUrl) parts.push(`--endpoint-url ${f.endpointUrl}`);
  return parts.join(' ');
}

export async function clusterLeftover(
  aws: AwsPorts,
  region: string,
  clusterId: string,
  deletedStoreId: string,
  book: HsmPriceBook,
  reach: ReachFlags,
): Promise<ClusterLeftover> {
  const cluster = await aws.cloudhsm(region).describeCluster(clusterId);
  const stores = await aws.kms(region).describeStores();
  const usedByStores = stores.filter((s) => s.clusterId === clusterId && s.id !== deletedStoreId).map((s) => s.id);
  if (!cluster || cluster.state === 'DELETED')
    return {
      kind: 'cloudhsm-cluster',
      clusterId,
      region,
      clusterState: cluster?.state ?? 'not-found',
      hsmCount: 0,
      usedByStores,
      nextStep: `cluster ${clusterId} is already deleted: nothing of it bills any more`,
    };
  const hsmCount = cluster.hsms.length;
  const cost = await book.cost(region, hsmCount);
  let nextStep: string;
  if (usedByStores.length > 0)
    nextStep = `cluster ${clusterId} still serves ${usedByStores.join(', ')}: keep it (retire those stores first)`;
  else if (hsmCount === 0)
    nextStep = `cluster ${clusterId} has no HSMs (no HSM charge); its backups stay: kscli retire-cluster ${clusterId} ${reachArgs(reach)} deletes it`;
  else nextStep = `run kscli retire-cluster ${clusterId} ${reachArgs(reach)}`;
  return {
    kind: 'cloudhsm-cluster',
    clusterId,
    region,
    clusterState: cluster.state,
    hsmCount,
    cost,
    usedByStores,
    nextStep,
  };
}

export function xksLeftover(store: StoreInfo, region: string): XksLeftover | undefined {
  const x = store.xksProxy;
  if (!x) return undefined;
  const vpc = x.connectivity === 'VPC_ENDPOINT_SERVICE';
  const nextStep = vpc
    ? `the VPC endpoint service ${x.vpcEndpointServiceName ?? '(name not given)'} and its Network Load Balancer keep billing: find them with EC2 DescribeVpcEndpointServiceConfigurations (service name) and ELBv2 DescribeLoadBalancers (its NetworkLoadBalancerArns), remove cks.kms.${region}.amazonaws.com from its allowed principals, then delete them once no other store uses them; retire the XKS proxy and, if nothing else uses them, the external keys in the external key manager`
    : `nothing in AWS bills for this store any more; the XKS proxy at ${x.uriEndpoint ?? '?'}${x.uriPath ?? ''} and the external key manager behind it stay: retire the proxy (and the external keys, if nothing else uses them) in your key manager`;
  return {
    kind: 'external-key-store',
    region,
    connectivity: x.connectivity,
    ...(x.uriEndpoint ? { uriEndpoint: x.uriEndpoint } : {}),
    ...(x.uriPath ? { uriPath: x.uriPath } : {}),
    ...(x.vpcEndpointServiceName ? { vpcEndpointServiceName: x.vpcEndpointServiceName } : {}),
    nextStep,
  };
}

/** The screen lines of a leftover. */
export function leftoverLines(l: StoreLeftover, priceLine?: string): string[] {
  if (l.kind === 'external-key-store') {
    const what =
      l.connectivity === 'VPC_ENDPOINT_SERVICE'
        ? `still in place: XKS proxy ${l.uriEndpoint ?? ''}${l.uriPath ?? ''} behind VPC endpoint service ${l.vpcEndpointServiceName ?? '?'} (and its load balancer)`
        : `still in place: XKS proxy ${l.uriEndpoint ?? ''}${l.uriPath ?? ''} (public endpoint)`;
    return [what, `next: ${l.nextStep}`];
  }
  if (l.clusterState === 'not-found' || l.clusterState === 'DELETED') return [l.nextStep];
  const cost = l.cost ? `, ≈ ${formatUsd(l.cost.monthlyUsd)} a month` : '';
  const lines = [`cluster ${l.clusterId} still runs ${l.hsmCount} HSM(s)${cost}: ${l.nextStep}`];
  if (l.cost && priceLine)
    lines.push(`  (${priceLine}; ${l.hsmCount} x $${l.cost.usdPerHour.toFixed(2)} x ${HOURS_PER_MONTH} h)`);
  return lines;
}
