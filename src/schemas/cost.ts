/** Cost fields shared by `stores`, `inventory` and delete-store's leftover (workflow/cost/). */
import { Type } from '@sinclair/typebox';

/** Where the run's HSM prices came from. */
export const PriceSourceJson = Type.Object(
  {
    source: Type.Union([Type.Literal('price-list'), Type.Literal('table')], {
      description: "price-list: the AWS Price List (GetProducts); table: kscli's dated table (the Price List could not be read)",
    }),
    hoursPerMonth: Type.Integer({ description: 'hours a month the monthly figures assume (730)' }),
    tableDate: Type.Optional(Type.String({ description: "the date of kscli's price table" })),
    priceListError: Type.Optional(Type.String({ description: 'why the Price List was not used' })),
  },
  { additionalProperties: false },
);

/** A cluster's HSMs and what they cost a month. */
export const ClusterCostJson = Type.Object(
  {
    state: Type.String({ description: 'the cluster state (ACTIVE, DEGRADED, ...)' }),
    hsmCount: Type.Integer({ minimum: 0 }),
    usdPerHour: Type.Optional(Type.Number({ description: 'price per HSM-hour in the Region' })),
    monthlyUsd: Type.Optional(Type.Integer({ description: 'hsmCount x usdPerHour x hoursPerMonth, rounded' })),
    priceSource: Type.Optional(Type.Union([Type.Literal('price-list'), Type.Literal('table')])),
  },
  { additionalProperties: false },
);
