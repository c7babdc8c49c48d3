/**
 * EC2 VPC endpoint services (PrivateLink services this account provides), as far as kscli reads
 * them: an external key store with VPC_ENDPOINT_SERVICE connectivity names one by its service name,
 * and the service fronts a Network Load Balancer. Deleting the key store leaves both in place (and
 * billing); `delete-store` reads the service with DescribeVpcEndpointServiceConfigurations to say
 * so. EC2 query protocol; the output already uses EC2's wire names (`serviceConfigurationSet`,
 * `networkLoadBalancerArnSet`, ...).
 *
 * Errors as EC2 sends them: an unknown ServiceId is InvalidVpcEndpointServiceId.NotFound, an
 * unknown filter name InvalidParameterValue; a filter that matches nothing is an empty set.
 * MaxResults 5..1000 with NextToken; without it, everything in one page.
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import type { Handler } from '../handler.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';

/** A query-protocol list as the decoder gives it (kept here: handlers.ts imports this file). */
function listOf(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

export interface VpcEndpointServiceRecord {
  id: string;
  /** com.amazonaws.vpce.<region>.<id> */
  name: string;
  /** Pending | Available | Deleting | Deleted | Failed */
  state: string;
  nlbArns: string[];
  azs: string[];
  privateDnsName?: string;
  acceptanceRequired: boolean;
  tags?: Record<string, string>;
}

/** The endpoint service of the demo's XKS proxy (no demo store uses it until one is created on it). */
export const DEMO_VPCE_SERVICE_ID = 'vpce-svc-0a1b2c3d4e5f60718';

export function demoEndpointService(accountId: string, region: string): VpcEndpointServiceRecord {
  return {
    id: DEMO_VPCE_SERVICE_ID,
    name: `com.amazonaws.vpce.${region}.${DEMO_VPCE_SERVICE_ID}`,
    state: 'Available',
    nlbArns: [`arn:aws:elasticloadbalancing:${region}:${accountId}:loadbalancer/net/xks-proxy-nlb/0a1b2c3d4e5f6071`],
    azs: [`${region}a`, `${region}b`],
    privateDnsName: 'xks-proxy.internal.example.com',
    acceptanceRequired: false,
    tags: { Name: 'xks-proxy' },
  };
}

const FILTERS: Record<string, (s: VpcEndpointServiceRecord) => string[]> = {
  'service-name': (s) => [s.name],
  'service-id': (s) => [s.id],
  'service-state': (s) => [s.state],
  'tag-key': (s) => Object.keys(s.tags ?? {}),
};

function item(s: VpcEndpointServiceRecord): Record<string, unknown> {
  return {
    serviceType: [{ serviceType: 'Interface' }],
    serviceId: s.id,
    serviceName: s.name,
    serviceState: s.state,
    availabilityZoneSet: s.azs,
    acceptanceRequired: s.acceptanceRequired,
    managesVpcEndpoints: false,
    networkLoadBalancerArnSet: s.nlbArns,
    gatewayLoadBalancerArnSet: [],
    baseEndpointDnsNameSet: [`${s.id}.${s.azs[0]?.slice(0, -1) ?? 'us-east-1'}.vpce.amazonaws.com`],
    ...(s.privateDnsName ? { privateDnsName: s.privateDnsName } : {}),
    tagSet: Object.entries(s.tags ?? {}).map(([key, value]) => ({ key, value })),
  };
}

const describeVpcEndpointServiceConfigurations: Handler = (acc: Account, input) => {
  let items = acc.state.vpcEndpointServices ?? [];
  const ids = listOf(input.ServiceId).map(String);
  if (ids.length > 0) {
    const missing = ids.find((id) => !items.some((s) => s.id === id));
    if (missing)
      throw new SandboxError(
        'InvalidVpcEndpointServiceId.NotFound',
        `The Vpc Endpoint Service Id '${missing}' does not exist`,
      );
    items = items.filter((s) => ids.includes(s.id));
  }
  for (const f of listOf(input.Filter)) {
    const r = (f ?? {}) as Record<string, unknown>;
    const name = String(r.Name ?? '');
    const values = listOf(r.Value).map(String);
    if (name.startsWith('tag:')) {
      const key = name.slice(4);
      items = items.filter((s) => s.tags?.[key] !== undefined && values.includes(s.tags[key]!));
      continue;
    }
    const read = FILTERS[name];
    if (!read) throw new SandboxError('InvalidParameterValue', `The filter '${name}' is invalid`);
    items = items.filter((s) => read(s).some((v) => values.includes(v)));
  }
  if (input.MaxResults === undefined) return { serviceConfigurationSet: items.map(item) };
  const n = Number(input.MaxResults);
  if (!Number.isInteger(n) || n < 5 || n > 1000)
    throw new SandboxError(
      'InvalidParameterValue',
      `Value ( ${String(input.MaxResults)} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
    );
  const fp = fingerprint({ ids, f: input.Filter });
  let start = 0;
  if (input.NextToken !== undefined && input.NextToken !== '') {
    const body = decodeToken(input.NextToken, fp);
    if (!body || typeof body.p !== 'number')
      throw new SandboxError('InvalidParameterValue', 'The specified NextToken is not valid.');
    start = body.p;
  }
  const slice = items.slice(start, start + n);
  const next = start + n < items.length ? encodeToken({ p: start + n, f: fp }) : undefined;
  return { serviceConfigurationSet: slice.map(item), ...(next ? { nextToken: next } : {}) };
};

export const endpointServiceHandlers: Record<string, Handler> = {
  DescribeVpcEndpointServiceConfigurations: describeVpcEndpointServiceConfigurations,
};
