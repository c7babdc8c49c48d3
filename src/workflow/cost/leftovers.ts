/**
 * What still costs money after a store is deleted (issue 21), read-only:
 * - a CloudHSM store: "Deleting a CloudHSM key store does not affect the AWS CloudHSM cluster, its
 *   HSMs, or its users" (aws-facts-cluster-and-scale 7): the cluster keeps billing per HSM-hour.
 *   kscli names it, its HSM count and monthly cost, the other stores of the Region that still use
 *   it (then it must stay), and the next step: `kscli retire-cluster <id>`;
 * - an external key store: DeleteCustomKeyStore removes KMS metadata only; the XKS proxy, the
 *   external key manager and, for VPC_ENDPOINT_SERVICE connectivity, the VPC endpoint service and
 *   its Network Load Balancer stay and keep costing money (facts "External key stores"). kscli
 *   names the proxy from the store's own configuration (read before the deletion), reads the
 *   endpoint service with EC2 DescribeVpcEndpointServiceConfigurations (its state and the load
 *   balancer ARNs EC2 reports: kscli has no ELBv2 client and needs none for that), and says what
 *   to do next in words. Read-only: nothing is changed.
 */
import type { AwsPorts, StoreInfo } from '../../aws/ports.js';
import type { VpcEndpointServiceInfo } from '../../aws/data-ports.js';
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
  /** the endpoint service as EC2 reports it (VPC_ENDPOINT_SERVICE only; null: EC2 has no such service) */
  endpointService?: VpcEndpointServiceInfo | null;
  /** why EC2 could not be read (the service and its load balancer are then named, not confirmed) */
  endpointServiceError?: string;
  nextStep: string;
}

export type StoreLeftover = ClusterLeftover | XksLeftover;

/**
 * A follow-up command as the operator pastes it: `kscli <args>` with the run's context flags
 * (--sandbox, --region, --profile, --endpoint-url, --expected-account, --journal), quoted for the
 * shell (Deps.nextStep, ui/next-step.ts; issue 23). Not --yes, --output or --dry-run: the operator
 * chooses those again.
 */
export type StepLine = (args: string[]) => string;

export async function clusterLeftover(
  aws: AwsPorts,
  region: string,
  clusterId: string,
  deletedStoreId: string,
  book: HsmPriceBook,
  step: StepLine,
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
    nextStep = `cluster ${clusterId} has no HSMs (no HSM charge); its backups stay: ${step(['retire-cluster', clusterId])} deletes it`;
  else nextStep = `run ${step(['retire-cluster', clusterId])}`;
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

export async function xksLeftover(aws: AwsPorts, store: StoreInfo, region: string): Promise<XksLeftover | undefined> {
  const x = store.xksProxy;
  if (!x) return undefined;
  const proxy = `${x.uriEndpoint ?? '?'}${x.uriPath ?? ''}`;
  const retireProxy = `retire the XKS proxy at ${proxy} and, if nothing else uses them, the external keys in the external key manager`;
  const base = {
    kind: 'external-key-store' as const,
    region,
    connectivity: x.connectivity,
    ...(x.uriEndpoint ? { uriEndpoint: x.uriEndpoint } : {}),
    ...(x.uriPath ? { uriPath: x.uriPath } : {}),
    ...(x.vpcEndpointServiceName ? { vpcEndpointServiceName: x.vpcEndpointServiceName } : {}),
  };
  if (x.connectivity !== 'VPC_ENDPOINT_SERVICE')
    return {
      ...base,
      nextStep: `nothing in AWS bills for this store any more; ${retireProxy}`,
    };
  const name = x.vpcEndpointServiceName;
  let endpointService: VpcEndpointServiceInfo | null | undefined;
  let endpointServiceError: string | undefined;
  if (name) {
    try {
      endpointService = await aws.ec2(region).vpcEndpointService(name);
    } catch (err) {
      endpointServiceError = (err as Error).message.split('\n')[0];
    }
  }
  const kmsPrincipal = `cks.kms.${region}.amazonaws.com`;
  let nextStep: string;
  if (endpointService === null)
    nextStep = `EC2 has no endpoint service ${name} in this account and Region (already deleted, or owned by another account): nothing of it bills here; ${retireProxy}`;
  else if (endpointService && (endpointService.state === 'Deleted' || endpointService.state === 'Deleting'))
    nextStep = `the endpoint service ${endpointService.serviceId} is ${endpointService.state.toLowerCase()}; delete its load balancer if nothing else uses it, and ${retireProxy}`;
  else {
    const nlbs = endpointService?.networkLoadBalancerArns ?? [];
    const svc = endpointService ? endpointService.serviceId : (name ?? '(name not given)');
    const nlbText = nlbs.length > 0 ? `its Network Load Balancer ${nlbs.join(', ')}` : 'its Network Load Balancer';
    nextStep = `the VPC endpoint service ${svc} and ${nlbText} keep billing: remove ${kmsPrincipal} from the service's allowed principals, then, once no other key store or client uses them, delete the endpoint service (EC2 DeleteVpcEndpointServiceConfigurations) and the load balancer (ELBv2 DeleteLoadBalancer); ${retireProxy}`;
  }
  return {
    ...base,
    ...(name ? { endpointService: endpointService ?? null } : {}),
    ...(endpointServiceError ? { endpointServiceError } : {}),
    nextStep,
  };
}

/** The screen lines of a leftover. */
export function leftoverLines(l: StoreLeftover, priceLine?: string): string[] {
  if (l.kind === 'external-key-store') return xksLines(l);
  if (l.clusterState === 'not-found' || l.clusterState === 'DELETED') return [l.nextStep];
  const cost = l.cost ? `, ≈ ${formatUsd(l.cost.monthlyUsd)} a month` : '';
  const lines = [`cluster ${l.clusterId} still runs ${l.hsmCount} HSM(s)${cost}: ${l.nextStep}`];
  if (l.cost && priceLine)
    lines.push(`  (${priceLine}; ${l.hsmCount} x $${l.cost.usdPerHour.toFixed(2)} x ${HOURS_PER_MONTH} h)`);
  return lines;
}

function xksLines(l: XksLeftover): string[] {
  const proxy = `${l.uriEndpoint ?? ''}${l.uriPath ?? ''}`;
  if (l.connectivity !== 'VPC_ENDPOINT_SERVICE')
    return [`still in place: XKS proxy ${proxy} (public endpoint)`, `next: ${l.nextStep}`];
  const lines = [`still in place: XKS proxy ${proxy} behind VPC endpoint service ${l.vpcEndpointServiceName ?? '?'}`];
  const e = l.endpointService;
  if (e) {
    lines.push(`  endpoint service ${e.serviceId}: ${e.state} (EC2 DescribeVpcEndpointServiceConfigurations)`);
    for (const arn of e.networkLoadBalancerArns) lines.push(`  Network Load Balancer ${arn}`);
    for (const arn of e.gatewayLoadBalancerArns) lines.push(`  Gateway Load Balancer ${arn}`);
  } else if (e === null) lines.push('  EC2 reports no such endpoint service in this account and Region');
  if (l.endpointServiceError) lines.push(`  not confirmed: EC2 could not be read (${l.endpointServiceError})`);
  lines.push(`next: ${l.nextStep}`);
  return lines;
}
