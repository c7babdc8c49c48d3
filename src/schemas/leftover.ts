/**
 * What still costs money after a store is deleted (delete-store's "leftover"; workflow/cost/
 * leftovers.ts): the CloudHSM cluster with its HSMs and monthly cost, or an external key store's
 * proxy and VPC endpoint service.
 */
import { Type } from '@sinclair/typebox';

export const CostJson = Type.Object(
  {
    hsmCount: Type.Integer({ minimum: 0 }),
    usdPerHour: Type.Number({ description: 'price per HSM-hour in the Region' }),
    monthlyUsd: Type.Integer({ description: 'hsmCount x usdPerHour x 730 hours, rounded' }),
    priceSource: Type.Union([Type.Literal('price-list'), Type.Literal('table')], {
      description: "price-list: the AWS Price List (GetProducts); table: kscli's dated table (the Price List could not be read)",
    }),
    priceDate: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const LeftoverJson = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('cloudhsm-cluster'),
      clusterId: Type.String(),
      region: Type.String(),
      clusterState: Type.String({ description: 'the cluster state, or not-found' }),
      hsmCount: Type.Integer({ minimum: 0 }),
      cost: Type.Optional(CostJson),
      usedByStores: Type.Array(Type.String()),
      nextStep: Type.String(),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('external-key-store'),
      region: Type.String(),
      connectivity: Type.String(),
      uriEndpoint: Type.Optional(Type.String()),
      uriPath: Type.Optional(Type.String()),
      vpcEndpointServiceName: Type.Optional(Type.String()),
      /** VPC_ENDPOINT_SERVICE: the service as EC2 DescribeVpcEndpointServiceConfigurations reports it; null: EC2 has none of that name */
      endpointService: Type.Optional(
        Type.Union([
          Type.Object(
            {
              serviceId: Type.String(),
              serviceName: Type.String(),
              state: Type.String(),
              networkLoadBalancerArns: Type.Array(Type.String()),
              gatewayLoadBalancerArns: Type.Array(Type.String()),
              privateDnsName: Type.Optional(Type.String()),
            },
            { additionalProperties: false },
          ),
          Type.Null(),
        ]),
      ),
      /** why EC2 could not be read */
      endpointServiceError: Type.Optional(Type.String()),
      nextStep: Type.String(),
    },
    { additionalProperties: false },
  ),
]);
