/**
 * The sandbox's view of the `aws` partition's Regions (aws-facts-estate-and-scale.md B3, from
 * botocore 1.43.11's endpoints.json): which are enabled by default (launched before 2019-03-20,
 * cannot be disabled) and which are opt-in, and where CloudHSM v2 is not offered (KMS is in all 34).
 * kscli itself never uses this list: it asks AWS (account:ListRegions). Only the sandbox needs a
 * world to simulate.
 */

export const DEFAULT_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'sa-east-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
] as const;

export const OPT_IN_REGIONS = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-south-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-west-1',
  'eu-central-2',
  'eu-south-1',
  'eu-south-2',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
] as const;

const OPT_IN: ReadonlySet<string> = new Set(OPT_IN_REGIONS);

/**
 * Regions where the SDK endpoint metadata lists no CloudHSM v2 endpoint. Absence from SDK metadata
 * is not AWS's authoritative word (UNCONFIRMED): the sandbox treats them as "not offered".
 */
export const NO_CLOUDHSM_REGIONS: ReadonlySet<string> = new Set(['ap-east-2', 'ap-southeast-4']);

export function isOptInRegion(region: string): boolean {
  return OPT_IN.has(region);
}

/**
 * The order in which a scenario with M Regions takes them: mostly default Regions, with an opt-in
 * one every few (including ap-southeast-4, which has no CloudHSM), so that even a small scenario
 * has opt-in Regions some accounts have not enabled. M = 17 gives 13 default and 4 opt-in Regions.
 */
export const SCENARIO_REGION_ORDER: readonly string[] = [
  'us-east-1',
  'us-west-2',
  'eu-west-1',
  'ap-southeast-4',
  'eu-central-1',
  'ap-northeast-1',
  'eu-south-1',
  'us-east-2',
  'ap-southeast-2',
  'af-south-1',
  'us-west-1',
  'ca-central-1',
  'eu-west-2',
  'me-south-1',
  'eu-west-3',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'sa-east-1',
  ...OPT_IN_REGIONS.filter((r) => !['ap-southeast-4', 'eu-south-1', 'af-south-1', 'me-south-1'].includes(r)),
];
