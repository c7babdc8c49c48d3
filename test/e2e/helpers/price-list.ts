/**
 * The sandbox's own CloudHSM price per HSM-hour for a Region, read the way an operator would: the
 * Price List's GetProducts (service code CloudHSM, regionCode filter) through the AWS SDK against
 * the sandbox, and the OnDemand price dimension of the v2 HSM-hour product taken from the price
 * document itself. Independent of kscli's pricing adapter, so that a cost figure kscli shows can be
 * checked against the price list rather than against a number typed into the test.
 */
import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { sdkClientConfig } from './sdk.js';

export async function sandboxPricePerHsmHour(url: string, region: string): Promise<number> {
  const client = new PricingClient(sdkClientConfig(url, { region: 'us-east-1' }));
  try {
    const out = await client.send(
      new GetProductsCommand({
        ServiceCode: 'CloudHSM',
        Filters: [{ Type: 'TERM_MATCH', Field: 'regionCode', Value: region }],
      }),
    );
    const prices: number[] = [];
    for (const raw of out.PriceList ?? []) {
      const doc = JSON.parse(String(raw)) as {
        product: { attributes: Record<string, string> };
        terms: {
          OnDemand: Record<
            string,
            { priceDimensions: Record<string, { unit: string; pricePerUnit: { USD: string } }> }
          >;
        };
      };
      if (!doc.product.attributes.usagetype?.endsWith('CloudHSMv2Usage')) continue;
      for (const term of Object.values(doc.terms.OnDemand))
        for (const dim of Object.values(term.priceDimensions))
          if (/^hrs?$/i.test(dim.unit)) prices.push(Number(dim.pricePerUnit.USD));
    }
    if (prices.length !== 1)
      throw new Error(`the sandbox's price list has ${prices.length} HSM-hour prices for ${region}`);
    return prices[0]!;
  } finally {
    client.destroy();
  }
}

/** HSMs x price x 730 h, rounded as an invoice would show whole dollars. */
export function monthlyUsd(hsms: number, perHour: number): number {
  return Math.round(hsms * perHour * 730);
}
