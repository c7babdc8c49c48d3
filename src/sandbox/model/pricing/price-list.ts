/**
 * The sandbox's AWS Price List: the CloudHSM products of each Region, with on-demand prices per
 * HSM-hour, as price documents shaped like AWS's (product, serviceCode, terms.OnDemand with
 * priceDimensions and pricePerUnit.USD; aws-facts-cluster-and-scale 11: service `CloudHSM`,
 * instanceFamily `CloudHSM-v2`, usagetype `*CloudHSMv2Usage`).
 *
 * The prices are SANDBOX FIGURES: us-east-1 ($1.60) and us-west-2 ($1.45) follow the third-party
 * figures the facts cite (AWS's own prices are UNCONFIRMED), the others are made up in the same
 * range. A classic CloudHSM (v1) product per Region, with its upfront fee, makes the instance
 * family matter to a client that filters on it.
 */

export interface RegionPrice {
  region: string;
  location: string;
  /** USD per HSM-hour */
  hourly: number;
  /** the usage type prefix AWS puts before the usage type outside us-east-1 */
  prefix: string;
}

export const HSM_PRICES: readonly RegionPrice[] = [
  { region: 'us-east-1', location: 'US East (N. Virginia)', hourly: 1.6, prefix: '' },
  { region: 'us-east-2', location: 'US East (Ohio)', hourly: 1.6, prefix: 'USE2-' },
  { region: 'us-west-1', location: 'US West (N. California)', hourly: 1.74, prefix: 'USW1-' },
  { region: 'us-west-2', location: 'US West (Oregon)', hourly: 1.45, prefix: 'USW2-' },
  { region: 'ca-central-1', location: 'Canada (Central)', hourly: 1.77, prefix: 'CAN1-' },
  { region: 'eu-west-1', location: 'EU (Ireland)', hourly: 1.61, prefix: 'EU-' },
  { region: 'eu-west-2', location: 'EU (London)', hourly: 1.76, prefix: 'EUW2-' },
  { region: 'eu-central-1', location: 'EU (Frankfurt)', hourly: 1.86, prefix: 'EUC1-' },
  { region: 'ap-southeast-1', location: 'Asia Pacific (Singapore)', hourly: 1.94, prefix: 'APS1-' },
  { region: 'ap-southeast-2', location: 'Asia Pacific (Sydney)', hourly: 1.95, prefix: 'APS2-' },
  { region: 'ap-northeast-1', location: 'Asia Pacific (Tokyo)', hourly: 1.99, prefix: 'APN1-' },
  { region: 'ap-south-1', location: 'Asia Pacific (Mumbai)', hourly: 1.66, prefix: 'APS3-' },
];

/** The publication date of the sandbox's price list (what a client may show as its date). */
export const PRICE_LIST_PUBLICATION = '2026-11-01T00:00:00Z';

export interface Product {
  attributes: Record<string, string>;
  sku: string;
  document: string;
}

function sku(region: string, family: string): string {
  let h = 0;
  for (const c of `${region}/${family}`) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h.toString(36).toUpperCase().padStart(8, 'X').slice(0, 16);
}

function product(p: RegionPrice, family: 'CloudHSM-v2' | 'CloudHSM-v1'): Product {
  const id = sku(p.region, family);
  const usagetype = `${p.prefix}${family === 'CloudHSM-v2' ? 'CloudHSMv2Usage' : 'CloudHSMUsage'}`;
  const attributes: Record<string, string> = {
    servicecode: 'CloudHSM',
    location: p.location,
    locationType: 'AWS Region',
    regionCode: p.region,
    usagetype,
    instanceFamily: family,
    operation: '',
    servicename: 'AWS CloudHSM',
  };
  // classic CloudHSM (v1) is retired; its (made-up) price is there only to be filtered out
  const hourly = family === 'CloudHSM-v2' ? p.hourly : p.hourly * 1.15;
  const offer = 'JRTCKXETXF';
  const doc = {
    product: { productFamily: 'Dedicated Hardware Security Module', attributes, sku: id },
    serviceCode: 'CloudHSM',
    terms: {
      OnDemand: {
        [`${id}.${offer}`]: {
          priceDimensions: {
            [`${id}.${offer}.6YS6EN2CT7`]: {
              unit: 'Hrs',
              endRange: 'Inf',
              description: `$${hourly.toFixed(2)} per hour for ${family} HSM usage in ${p.location}`,
              appliesTo: [],
              rateCode: `${id}.${offer}.6YS6EN2CT7`,
              beginRange: '0',
              pricePerUnit: { USD: hourly.toFixed(10) },
            },
          },
          sku: id,
          effectiveDate: '2026-11-01T00:00:00Z',
          offerTermCode: offer,
          termAttributes: {},
        },
      },
    },
    version: '20261101000000',
    publicationDate: PRICE_LIST_PUBLICATION,
  };
  return { attributes, sku: id, document: JSON.stringify(doc) };
}

/** Every product of the service code `CloudHSM`, in a stable order. */
export const CLOUDHSM_PRODUCTS: readonly Product[] = HSM_PRICES.flatMap((p) => [
  product(p, 'CloudHSM-v2'),
  product(p, 'CloudHSM-v1'),
]);

/** The sandbox's hourly HSM price of a Region (tests compare kscli's figures with it). */
export function sandboxHourlyPrice(region: string): number | undefined {
  return HSM_PRICES.find((p) => p.region === region)?.hourly;
}
