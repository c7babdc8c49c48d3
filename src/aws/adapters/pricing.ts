/**
 * PricingPort on the AWS SDK: the AWS Price List Query API (GetProducts), which has endpoints only
 * in us-east-1, eu-central-1 and ap-south-1 (the home partition's us-east-1 is the one kscli uses:
 * services.ts builds this client there whatever --region says).
 *
 * Each PriceList entry is a price document as a JSON string. The CloudHSM on-demand price is under
 * terms.OnDemand.*.priceDimensions.*.pricePerUnit.USD, unit `Hrs`. Which product is CloudHSM v2:
 * usagetype `*CloudHSMv2Usage`, instanceFamily `CloudHSM-v2` (aws-facts-cluster-and-scale 11;
 * the exact attribute names are UNCONFIRMED against the live list, so either one identifies it,
 * and a list where neither matches gives null: kscli then uses its dated table, and says so).
 */
import type { PricingClient } from '@aws-sdk/client-pricing';
import type { HsmHourlyPrice, PricingPort } from '../ports.js';
import { mapFailure } from '../errors.js';
import type { AdapterSite } from './site.js';
import { sdkModule } from '../sdk-modules.js';

const { GetProductsCommand } = sdkModule('@aws-sdk/client-pricing');

interface PriceDimension {
  unit?: string;
  pricePerUnit?: Record<string, string>;
}
interface PriceDocument {
  product?: { attributes?: Record<string, string> };
  terms?: { OnDemand?: Record<string, { effectiveDate?: string; priceDimensions?: Record<string, PriceDimension> }> };
  publicationDate?: string;
}

/** Is this product the CloudHSM v2 HSM-hour (not classic CloudHSM, not something else)? */
export function isCloudHsmV2(attributes: Record<string, string> | undefined): boolean {
  if (!attributes) return false;
  return (attributes.usagetype ?? '').endsWith('CloudHSMv2Usage') || attributes.instanceFamily === 'CloudHSM-v2';
}

/** The hourly USD price of a price document (a JSON string), or undefined. */
export function hourlyPriceOf(raw: string, region: string): HsmHourlyPrice | undefined {
  let doc: PriceDocument;
  try {
    doc = JSON.parse(raw) as PriceDocument;
  } catch {
    return undefined;
  }
  const attributes = doc.product?.attributes;
  if (!isCloudHsmV2(attributes)) return undefined;
  if (attributes?.regionCode && attributes.regionCode !== region) return undefined;
  for (const term of Object.values(doc.terms?.OnDemand ?? {})) {
    for (const dim of Object.values(term.priceDimensions ?? {})) {
      const usd = Number(dim.pricePerUnit?.USD);
      if (/^hrs?$/i.test(dim.unit ?? '') && Number.isFinite(usd) && usd > 0)
        return {
          region,
          usdPerHour: usd,
          ...(term.effectiveDate || doc.publicationDate
            ? { effectiveDate: term.effectiveDate ?? doc.publicationDate }
            : {}),
          ...(attributes?.usagetype ? { usageType: attributes.usagetype } : {}),
        };
    }
  }
  return undefined;
}

export class PricingAdapter implements PricingPort {
  constructor(
    private readonly client: () => Promise<PricingClient>,
    private readonly where: AdapterSite,
  ) {}

  async cloudHsmHourlyPrice(region: string): Promise<HsmHourlyPrice | null> {
    return mapFailure({ service: 'pricing', operation: 'GetProducts', ...this.where }, async () => {
      const client = await this.client();
      let token: string | undefined;
      do {
        const out = await client.send(
          new GetProductsCommand({
            ServiceCode: 'CloudHSM',
            FormatVersion: 'aws_v1',
            Filters: [{ Type: 'TERM_MATCH', Field: 'regionCode', Value: region }],
            MaxResults: 100,
            ...(token ? { NextToken: token } : {}),
          }),
        );
        for (const raw of (out.PriceList ?? []) as string[]) {
          const price = hourlyPriceOf(String(raw), region);
          if (price) return price;
        }
        token = out.NextToken;
      } while (token);
      return null;
    });
  }
}
