/**
 * The AWS Price List Query API (service `pricing`, awsJson1_1, target prefix
 * `AWSPriceListService`): GetProducts and DescribeServices over the sandbox's price list
 * (price-list.ts). A global service: AWS has its endpoints in us-east-1, eu-central-1 and
 * ap-south-1 only (the home partition's us-east-1 is the one kscli uses); the sandbox answers
 * whatever Region a request is signed for (no endpoint exists elsewhere for a client to reach).
 *
 * GetProducts: `ServiceCode` (required), `Filters` [{Type, Field, Value}] (TERM_MATCH, and the
 * newer EQUALS, CONTAINS, ANY_OF, NONE_OF), `FormatVersion` (aws_v1), `MaxResults` 1-100,
 * `NextToken`. Each PriceList entry is a price document as a JSON STRING, as AWS returns it.
 */
import { SandboxError } from '../../contract.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';
import { CLOUDHSM_PRODUCTS, type Product } from './price-list.js';

const CATALOG: Record<string, readonly Product[]> = { CloudHSM: CLOUDHSM_PRODUCTS };

const FILTER_TYPES = new Set(['TERM_MATCH', 'EQUALS', 'CONTAINS', 'ANY_OF', 'NONE_OF']);

function invalidParameter(message: string): SandboxError {
  return new SandboxError('InvalidParameterException', message);
}

interface Filter {
  Type: string;
  Field: string;
  Value: string;
}

function readFilters(raw: unknown): Filter[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidParameter('Filters must be a list.');
  return raw.map((f: unknown) => {
    const r = (f ?? {}) as Record<string, unknown>;
    if (typeof r.Type !== 'string' || !FILTER_TYPES.has(r.Type))
      throw invalidParameter(`Invalid filter type ${String(r.Type)}; valid: ${[...FILTER_TYPES].join(', ')}.`);
    if (typeof r.Field !== 'string' || typeof r.Value !== 'string')
      throw invalidParameter('Each filter needs a Field and a Value.');
    return { Type: r.Type, Field: r.Field, Value: r.Value };
  });
}

function matches(p: Product, f: Filter): boolean {
  const v = f.Field === 'sku' ? p.sku : p.attributes[f.Field];
  if (v === undefined) return false;
  switch (f.Type) {
    case 'CONTAINS':
      return v.includes(f.Value);
    case 'ANY_OF':
      return f.Value.split(',').includes(v);
    case 'NONE_OF':
      return !f.Value.split(',').includes(v);
    default:
      return v === f.Value;
  }
}

function getProducts(input: Record<string, unknown>): unknown {
  const code = input.ServiceCode;
  if (typeof code !== 'string' || code === '') throw invalidParameter('ServiceCode is required.');
  const products = CATALOG[code];
  if (!products) throw new SandboxError('NotFoundException', `Service code ${code} was not found.`);
  if (input.FormatVersion !== undefined && input.FormatVersion !== 'aws_v1')
    throw invalidParameter(`Unsupported FormatVersion ${String(input.FormatVersion)}.`);
  const max = input.MaxResults === undefined ? 100 : Number(input.MaxResults);
  if (!Number.isInteger(max) || max < 1 || max > 100) throw invalidParameter('MaxResults must be between 1 and 100.');
  const filters = readFilters(input.Filters);
  const hits = products.filter((p) => filters.every((f) => matches(p, f)));
  const fp = fingerprint([code, filters]);
  let start = 0;
  if (input.NextToken !== undefined && input.NextToken !== null) {
    const body = decodeToken(input.NextToken, fp);
    if (!body || typeof body.p !== 'number') throw new SandboxError('InvalidNextTokenException', 'Invalid NextToken.');
    start = body.p;
  }
  const page = hits.slice(start, start + max);
  const end = start + page.length;
  return {
    FormatVersion: 'aws_v1',
    PriceList: page.map((p) => p.document),
    ...(end < hits.length ? { NextToken: encodeToken({ p: end, f: fp }) } : {}),
  };
}

function describeServices(input: Record<string, unknown>): unknown {
  const codes = typeof input.ServiceCode === 'string' ? [input.ServiceCode] : Object.keys(CATALOG);
  return {
    FormatVersion: 'aws_v1',
    Services: codes
      .filter((c) => CATALOG[c])
      .map((c) => ({
        ServiceCode: c,
        AttributeNames: Object.keys(CATALOG[c]![0]!.attributes),
      })),
  };
}

/** Answers one Price List call (a global handler of the services table: no account state). */
export function handlePricing(
  _org: unknown,
  _account: string,
  operation: string,
  input: Record<string, unknown>,
): unknown {
  if (operation === 'GetProducts') return getProducts(input);
  if (operation === 'DescribeServices') return describeServices(input);
  throw new SandboxError(
    'UnknownOperationException',
    `The operation ${operation} is not supported by the kscli sandbox for pricing.`,
  );
}
