/**
 * Issue 21, external key stores: after delete-store deletes an XKS store, it reports what is left
 * and still costs money, read-only. For VPC_ENDPOINT_SERVICE connectivity that is the endpoint
 * service as EC2 DescribeVpcEndpointServiceConfigurations reports it (state, Network Load Balancer
 * ARNs from EC2's answer: kscli has no ELBv2 client), the proxy URI, and the next step in words.
 * The store is created here with the SDK on the sandbox's endpoint service (the demo's own XKS
 * store uses a public endpoint), as an operator's colleague would have created it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateCustomKeyStoreCommand, KMSClient } from '@aws-sdk/client-kms';
import { expectExit, isMutatingRequest, sdkClientConfig, startE2E, type E2E } from './helpers/index.js';

const SERVICE_ID = 'vpce-svc-0a1b2c3d4e5f60718';
const SERVICE_NAME = `com.amazonaws.vpce.us-east-1.${SERVICE_ID}`;
const NLB = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/xks-proxy-nlb/0a1b2c3d4e5f6071';

async function createXksStore(url: string, name: string, serviceName: string): Promise<string> {
  const kms = new KMSClient(sdkClientConfig(url));
  const out = await kms.send(
    new CreateCustomKeyStoreCommand({
      CustomKeyStoreName: name,
      CustomKeyStoreType: 'EXTERNAL_KEY_STORE',
      XksProxyConnectivity: 'VPC_ENDPOINT_SERVICE',
      XksProxyUriEndpoint: 'https://xks-proxy.internal.example.com',
      XksProxyUriPath: '/example/kms/xks/v1',
      XksProxyVpcEndpointServiceName: serviceName,
      XksProxyAuthenticationCredential: { AccessKeyId: 'XKSPROXYACCESSKEYVPC', RawSecretAccessKey: 'x'.repeat(43) },
    }),
  );
  kms.destroy();
  return out.CustomKeyStoreId!;
}

describe('delete-store on an external key store with VPC endpoint service connectivity', () => {
  let t: E2E;
  beforeAll(async () => {
    t = await startE2E('xks-leftovers');
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('names the endpoint service, its NLB (from EC2) and the proxy URI, with the next step; only reads EC2', async () => {
    const store = await createXksStore(t.sandbox.url, 'vpc-xks-store', SERVICE_NAME);
    const mark = t.sandbox.mark();
    const r = await t.kscli(['delete-store', store, '--yes', '--output', 'json']);
    expectExit(r, 0);
    expect(r.json().leftover).toEqual({
      kind: 'external-key-store',
      region: 'us-east-1',
      connectivity: 'VPC_ENDPOINT_SERVICE',
      uriEndpoint: 'https://xks-proxy.internal.example.com',
      uriPath: '/example/kms/xks/v1',
      vpcEndpointServiceName: SERVICE_NAME,
      endpointService: {
        serviceId: SERVICE_ID,
        serviceName: SERVICE_NAME,
        state: 'Available',
        networkLoadBalancerArns: [NLB],
        gatewayLoadBalancerArns: [],
        privateDnsName: 'xks-proxy.internal.example.com',
      },
      nextStep: expect.stringContaining(
        `the VPC endpoint service ${SERVICE_ID} and its Network Load Balancer ${NLB} keep billing`,
      ),
    });
    expect(r.json().leftover.nextStep).toMatch(
      /remove cks\.kms\.us-east-1\.amazonaws\.com from the service's allowed principals/,
    );
    const reqs = t.sandbox.requestsSince(mark);
    const ec2 = reqs.filter((q) => q.service === 'ec2');
    expect(ec2.map((q) => `${q.operation}:${q.outcome}`)).toEqual(['DescribeVpcEndpointServiceConfigurations:ok']);
    // the store is the only thing deleted: nothing of EC2 (or anything else) is changed
    expect(reqs.filter(isMutatingRequest).map((q) => q.operation)).toEqual(['DeleteCustomKeyStore']);
  });

  it('the table says it in words; an endpoint service EC2 does not know is said so', async () => {
    const store = await createXksStore(
      t.sandbox.url,
      'vpc-xks-gone',
      'com.amazonaws.vpce.us-east-1.vpce-svc-0ffffffffffffffff',
    );
    const r = await t.kscli(['delete-store', store, '--yes', '--output', 'table']);
    expectExit(r, 0);
    expect(r.stdout).toMatch(
      /still in place: XKS proxy https:\/\/xks-proxy\.internal\.example\.com\/example\/kms\/xks\/v1 behind VPC endpoint service com\.amazonaws\.vpce\.us-east-1\.vpce-svc-0ffffffffffffffff/,
    );
    expect(r.stdout).toMatch(/EC2 reports no such endpoint service in this account and Region/);
    expect(r.stdout).toMatch(/next: EC2 has no endpoint service .* nothing of it bills here; retire the XKS proxy/);
  });

  it('when EC2 cannot be read, the store is still deleted and the service is named, not confirmed', async () => {
    const store = await createXksStore(t.sandbox.url, 'vpc-xks-unread', SERVICE_NAME);
    await t.sandbox.setFaults({ errorRate: { DescribeVpcEndpointServiceConfigurations: 1 } });
    try {
      const r = await t.kscli(['delete-store', store, '--yes', '--output', 'table']);
      expectExit(r, 0);
      expect(r.stdout).toMatch(/store cks-[0-9a-f]{17} deleted/);
      expect(r.stdout).toMatch(/not confirmed: EC2 could not be read/);
      expect(r.stdout).toMatch(
        new RegExp(
          `the VPC endpoint service ${SERVICE_NAME.replace(/\./g, '\\.')} and its Network Load Balancer keep billing`,
        ),
      );
    } finally {
      await t.sandbox.setFaults({});
    }
  });
});
