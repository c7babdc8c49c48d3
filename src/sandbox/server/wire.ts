/**
 * The wire protocols (wire-protocols.md): decode an HTTP request into (service, operation, input)
 * and encode the model's answer or error the way each client expects it.
 *
 * - awsJson1_1 (KMS, CloudHSM v2, CloudTrail, CloudWatch Logs) and awsJson1_0 (CloudWatch,
 *   query-compatible): `X-Amz-Target: Prefix.Op`; route on the text after the LAST `.` because the
 *   AWS CLI sends CloudTrail as `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.Op`.
 * - awsQuery (STS, SNS, CloudWatch from older clients): form body `Action=Op&Version=...`, XML reply.
 */
import { SandboxError, type ServiceName } from '../contract.js';
import { decodeQueryBody } from './query-decode.js';
import { encodeQueryError, encodeQueryResponse } from './xml-encode.js';

export type WireProtocol = 'awsJson1_1' | 'awsJson1_0' | 'awsQuery' | 'restJson1';

export interface DecodedCall {
  protocol: WireProtocol;
  service: ServiceName;
  operation: string;
  region: string;
  accessKeyId?: string;
  input: Record<string, unknown>;
}

export interface EncodedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const SERVICES: ReadonlySet<string> = new Set<ServiceName>([
  'kms',
  'cloudhsm',
  'cloudtrail',
  'logs',
  'monitoring',
  'sns',
  'sts',
  'organizations',
  'account',
  'pricing',
]);

/**
 * restJson1 operations (the Account Management API: `POST /listRegions` with a JSON body, no
 * X-Amz-Target), by path. Service `account` in the credential scope.
 */
const REST_JSON_ROUTES: Record<string, { service: ServiceName; operation: string }> = {
  '/listRegions': { service: 'account', operation: 'ListRegions' },
  '/getRegionOptStatus': { service: 'account', operation: 'GetRegionOptStatus' },
};

/** The X-Amz-Target prefixes, for requests whose credential scope is missing or unusual. */
const TARGET_PREFIXES: Record<string, ServiceName> = {
  TrentService: 'kms',
  BaldrApiService: 'cloudhsm',
  CloudTrail_20131101: 'cloudtrail',
  Logs_20140328: 'logs',
  GraniteServiceVersion20100801: 'monitoring',
  AWSOrganizationsV20161128: 'organizations',
  AWSPriceListService: 'pricing',
};

/** awsQuery API versions, for form requests without a credential scope. */
const QUERY_VERSIONS: Record<string, ServiceName> = {
  '2011-06-15': 'sts',
  '2010-03-31': 'sns',
  '2010-08-01': 'monitoring',
};

export const DEFAULT_REGION = 'us-east-1';

/** `Credential=AKID/DATE/REGION/SERVICE/aws4_request` from a SigV4 Authorization header (signature not checked). */
export function parseCredentialScope(authorization: string | undefined): {
  accessKeyId?: string;
  region?: string;
  service?: string;
} {
  const m = authorization
    ? /Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/.exec(authorization)
    : null;
  if (!m) return {};
  return { accessKeyId: m[1], region: m[3], service: m[4] };
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseJsonObject(body: string): Record<string, unknown> {
  let input: unknown = {};
  if (body.trim() !== '') {
    try {
      input = JSON.parse(body);
    } catch {
      throw new SandboxError('SerializationException', 'The request body is not valid JSON.');
    }
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SandboxError('SerializationException', 'The request body must be a JSON object.');
  }
  return input as Record<string, unknown>;
}

/**
 * Decodes a POST (to `/`, or to a restJson1 path). Throws SandboxError (400) for requests no AWS
 * client would send.
 */
export function decodeCall(
  headers: Record<string, string | string[] | undefined>,
  body: string,
  path = '/',
): DecodedCall {
  const scope = parseCredentialScope(header(headers, 'authorization'));
  const scopeService = scope.service && SERVICES.has(scope.service) ? (scope.service as ServiceName) : undefined;
  const region = scope.region ?? DEFAULT_REGION;
  const target = header(headers, 'x-amz-target');
  const contentType = header(headers, 'content-type') ?? '';

  const rest = REST_JSON_ROUTES[path.split('?')[0]!];
  if (!target && rest) {
    return {
      protocol: 'restJson1',
      service: rest.service,
      operation: rest.operation,
      region,
      accessKeyId: scope.accessKeyId,
      input: parseJsonObject(body),
    };
  }

  if (target) {
    const dot = target.lastIndexOf('.');
    const operation = dot >= 0 ? target.slice(dot + 1) : target;
    const prefix = dot >= 0 ? target.slice(0, dot).split('.').pop()! : '';
    const service = scopeService ?? TARGET_PREFIXES[prefix];
    const protocol: WireProtocol =
      contentType.includes('json-1.0') || (!contentType.includes('json-1.1') && service === 'monitoring')
        ? 'awsJson1_0'
        : 'awsJson1_1';
    if (!service) throw new SandboxError('UnknownOperationException', `No service handles the target ${target}.`);
    if (!operation) throw new SandboxError('UnknownOperationException', `The target ${target} names no operation.`);
    return { protocol, service, operation, region, accessKeyId: scope.accessKeyId, input: parseJsonObject(body) };
  }

  if (contentType.includes('application/x-www-form-urlencoded') || /(^|&)Action=/.test(body)) {
    let query;
    try {
      query = decodeQueryBody(body);
    } catch {
      throw new SandboxError('MissingAction', 'The request must contain the parameter Action.');
    }
    const service = scopeService ?? (query.version ? QUERY_VERSIONS[query.version] : undefined);
    if (!service) throw new SandboxError('UnknownOperationException', `No service handles the action ${query.action}.`);
    return {
      protocol: 'awsQuery',
      service,
      operation: query.action,
      region,
      accessKeyId: scope.accessKeyId,
      input: query.input,
    };
  }

  throw new SandboxError(
    'UnknownOperationException',
    'The request has neither an X-Amz-Target header nor an awsQuery Action: not an AWS API call.',
  );
}

/** JSON.stringify with Dates as epoch seconds (numbers, fractions allowed), as the JSON protocols want. */
export function toAwsJson(value: unknown): string {
  return JSON.stringify(value ?? {}, function (this: Record<string, unknown>, key, v) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : v;
  });
}

function jsonContentType(protocol: WireProtocol): string {
  if (protocol === 'restJson1') return 'application/json';
  return protocol === 'awsJson1_0' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
}

export function encodeSuccess(
  call: Pick<DecodedCall, 'protocol' | 'service' | 'operation'>,
  output: unknown,
  requestId: string,
): EncodedResponse {
  if (call.protocol === 'awsQuery') {
    return {
      status: 200,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: encodeQueryResponse(call.service, call.operation, output, requestId),
    };
  }
  return {
    status: 200,
    headers: { 'content-type': jsonContentType(call.protocol), 'x-amzn-requestid': requestId },
    body: toAwsJson(output),
  };
}

/**
 * An error in the caller's protocol. Without a decoded call (garbage, wrong method) the answer is
 * JSON anyway: a client must never get HTML (wire-protocols.md, "Errors").
 */
export function encodeError(
  call: Pick<DecodedCall, 'protocol' | 'service'> | undefined,
  err: SandboxError,
  requestId: string,
): EncodedResponse {
  const status = err.status;
  if (call?.protocol === 'awsQuery') {
    return {
      status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: encodeQueryError(call.service, err.code, err.message, status, requestId),
    };
  }
  const headers: Record<string, string> = {
    'content-type': jsonContentType(call?.protocol ?? 'awsJson1_1'),
    'x-amzn-requestid': requestId,
    'x-amzn-errortype': err.code,
  };
  // CloudWatch's JSON is query-compatible: the SDK and botocore take the awsQuery error code from
  // this header (e.g. `ResourceNotFound;Sender`), which can differ from the JSON __type.
  if (call?.service === 'monitoring')
    headers['x-amzn-query-error'] = `${err.code};${status >= 500 ? 'Receiver' : 'Sender'}`;
  return { status, headers, body: JSON.stringify({ __type: err.code, message: err.message, ...(err.details ?? {}) }) };
}
