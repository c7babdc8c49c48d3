/**
 * kscli's own table of CloudHSM prices per HSM-hour, used only when the AWS Price List cannot be
 * read (no pricing:GetProducts permission, no route to api.pricing.us-east-1.amazonaws.com, a
 * Region the list does not name). Every figure shown from it says so, with the table's date.
 *
 * Sources (aws-facts-cluster-and-scale 11, estate C3): us-east-1 ~$1.60/h (Infracost's golden
 * figure, $1,168 for 730 h), us-west-2 $1.45/h (cited); AWS's own prices are UNCONFIRMED and the
 * other Regions are estimates in the same range. The Price List is the authority.
 */
export const PRICE_TABLE_DATE = '2026-12-07';

export const HSM_HOURLY_USD: Readonly<Record<string, number>> = {
  'us-east-1': 1.6,
  'us-east-2': 1.6,
  'us-west-1': 1.74,
  'us-west-2': 1.45,
  'ca-central-1': 1.77,
  'eu-west-1': 1.61,
  'eu-west-2': 1.76,
  'eu-central-1': 1.86,
  'ap-southeast-1': 1.94,
  'ap-southeast-2': 1.95,
  'ap-northeast-1': 1.99,
  'ap-south-1': 1.66,
};

/** For a Region the table does not name: the highest figure, so that a cost is never understated. */
export const HSM_HOURLY_USD_DEFAULT = Math.max(...Object.values(HSM_HOURLY_USD));
