/**
 * What a CloudHSM cluster costs: its HSM count x the Region's price per HSM-hour x 730 hours a
 * month (AWS bills HSMs by the hour, no upfront fee; a cluster with no HSM costs nothing for HSMs).
 *
 * The price comes from the AWS Price List (GetProducts, us-east-1 endpoint: the Query API answers
 * only there, in eu-central-1 and in ap-south-1) when it can be read; otherwise from kscli's dated
 * table (price-table.ts), and every figure says which. The first failure of the Price List is
 * remembered for the run (one slow or denied endpoint is not asked again for every Region).
 */
import type { PricingPort } from '../../aws/ports.js';
import { HSM_HOURLY_USD, HSM_HOURLY_USD_DEFAULT, PRICE_TABLE_DATE } from './price-table.js';
import { thousands } from '../../util/text-order.js';

/** The Region whose Price List endpoint kscli calls (the home partition's). */
export const PRICING_REGION = 'us-east-1';
/** AWS's convention for a month of on-demand hours (365 x 24 / 12). */
export const HOURS_PER_MONTH = 730;

export interface HsmPrice {
  region: string;
  usdPerHour: number;
  source: 'price-list' | 'table';
  /** the price document's date (price-list) or the table's date */
  date?: string;
}

export interface CostFigure {
  hsmCount: number;
  usdPerHour: number;
  /** hsmCount x usdPerHour x 730, rounded to whole dollars */
  monthlyUsd: number;
  source: HsmPrice['source'];
  date?: string;
}

export class HsmPriceBook {
  private readonly prices = new Map<string, Promise<HsmPrice>>();
  /** why the Price List was not used (undefined while it answers) */
  unreachable?: string;

  constructor(private readonly pricing: () => PricingPort) {}

  price(region: string): Promise<HsmPrice> {
    let p = this.prices.get(region);
    if (!p) {
      p = this.lookup(region);
      this.prices.set(region, p);
    }
    return p;
  }

  async cost(region: string, hsmCount: number): Promise<CostFigure> {
    return costOf(hsmCount, await this.price(region));
  }

  /** Every price the run used came from the Price List. */
  get allFromPriceList(): boolean {
    return this.unreachable === undefined;
  }

  private async lookup(region: string): Promise<HsmPrice> {
    if (this.unreachable === undefined) {
      try {
        const found = await this.pricing().cloudHsmHourlyPrice(region);
        if (found) return { region, usdPerHour: found.usdPerHour, source: 'price-list', date: found.effectiveDate };
      } catch (err) {
        this.unreachable = (err as Error).message.split('\n')[0];
      }
    }
    return tablePrice(region);
  }
}

export function tablePrice(region: string): HsmPrice {
  return {
    region,
    usdPerHour: HSM_HOURLY_USD[region] ?? HSM_HOURLY_USD_DEFAULT,
    source: 'table',
    date: PRICE_TABLE_DATE,
  };
}

export function costOf(hsmCount: number, price: HsmPrice): CostFigure {
  return {
    hsmCount,
    usdPerHour: price.usdPerHour,
    monthlyUsd: Math.round(hsmCount * price.usdPerHour * HOURS_PER_MONTH),
    source: price.source,
    ...(price.date ? { date: price.date } : {}),
  };
}

/** `$2,336` */
export function formatUsd(usd: number): string {
  return `$${thousands(usd)}`;
}

/** One line saying where the prices came from, for the screen. */
export function priceSourceLine(book: HsmPriceBook): string {
  return book.allFromPriceList
    ? `HSM prices: AWS Price List (${PRICING_REGION}), ${HOURS_PER_MONTH} hours a month`
    : `HSM prices: kscli's price table of ${PRICE_TABLE_DATE}, not AWS's current prices (the AWS Price List could not be read: ${book.unreachable}); ${HOURS_PER_MONTH} hours a month`;
}

/** Where a run's prices came from, for JSON (schemas/cost.ts PriceSourceJson). */
export interface PriceSource {
  source: HsmPrice['source'];
  hoursPerMonth: number;
  /** table: the table's date */
  tableDate?: string;
  /** table: why the Price List was not used */
  priceListError?: string;
}

export function priceSourceOf(book: HsmPriceBook): PriceSource {
  return book.allFromPriceList
    ? { source: 'price-list', hoursPerMonth: HOURS_PER_MONTH }
    : {
        source: 'table',
        hoursPerMonth: HOURS_PER_MONTH,
        tableDate: PRICE_TABLE_DATE,
        ...(book.unreachable ? { priceListError: book.unreachable } : {}),
      };
}

/** A monthly cost for a table cell: `≈ $2,336`, or `-` when there is none. */
export function monthlyText(cost: CostFigure | undefined): string {
  return cost ? `≈ ${formatUsd(cost.monthlyUsd)}` : '-';
}
