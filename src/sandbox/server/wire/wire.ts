/**
 * The wire protocols (wire-protocols.md): decode an HTTP request into (service, operation, input)
 * and encode the model's answer or error the way each client expects it.
 *
 * - awsJson1_1 (KMS, CloudHSM v2, CloudTrail, CloudWatch Logs) and awsJson1_0 (CloudWatch,
 *   query-compatible): `X-Amz-Target: Prefix.Op`; route on the text after the LAST `.` because the
 *   AWS CLI sends CloudTrail as `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.Op`.
 * - awsQuery (STS, SNS, CloudWatch from older clients): form body `Action=Op&Version=...`, XML reply;
 *   ec2Query the same request with EC2's reply (`<item>` lists, `<Response><Errors>`).
 * - restJson1 / restXml (Account Management; S3): routed on method and path (rest.ts).
 * Which service speaks what, and its target prefix, query version or routes: services/table.ts.
 */
import { SandboxError, type ServiceName } from '../../contract.js';
import type { HttpMethod, RestRequest, WireProtocol } from '../../services/entry.js';
import { SERVICE_NAMES, SERVICES, isServiceName, serviceEntry } from '../../services/table.js';
import { decodeQueryBody } from './query-decode.js';
import { matchRest } from './rest.js';
import {
  encodeEc2Error,
  encodeEc2Response,
  encodeQueryError,
  encodeQueryResponse,
  encodeRestXmlError,
  encodeRestXmlResponse,
} from './xml-encode.js';

export type { WireProtocol } from '../../services/entry.js';

export interface DecodedCall {
  protocol: WireProtocol;
  service: ServiceName;
  operation: string;
  region: string;
  accessKeyId?: string;
  input: Record<string, unknown>;
  /** REST calls: the request as routed (the service's codec may need headers or the raw body) */
  rest?: RestRequest;
}

export interface EncodedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The services of the table by X-Amz-Target prefix, for requests whose credential scope is missing or unusual. */
function serviceByTargetPrefix(prefix: string): ServiceName | undefined {
  return SERVICE_NAMES.find((name) => SERVICES[name].targetPrefix === prefix);
}

/** The query services by API version, for form requests without a credential scope. */
function serviceByQueryVersion(version: string): ServiceName | undefined {
  return SERVICE_NAMES.find((name) => SERVICES[name].queryVersion === version);
}

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
 * Decodes a request: JSON-RPC and query calls are POSTs to `/`; REST calls are routed on method
 * and path (services/table.ts). Throws SandboxError (400, 405) for requests no AWS client would send.
 */
export function decodeCall(
  headers: Record<string, string | string[] | undefined>,
  body: string,
  path = '/',
  method = 'POST',
): DecodedCall {
  const scope = parseCredentialScope(header(headers, 'authorization'));
  const scopeService = isServiceName(scope.service) ? scope.service : undefined;
  const region = scope.region ?? DEFAULT_REGION;
  const target = header(headers, 'x-amz-target');
  const contentType = header(headers, 'content-type') ?? '';

  // a REST route, unless the request is plainly JSON-RPC (a target) or for a non-REST service
  const restScope = scopeService && serviceEntry(scopeService)?.rest ? scopeService : undefined;
  let rest = !target && (restScope || !scopeService) ? matchRest(method, path, restScope) : undefined;
  if (rest && !restScope && SERVICES[rest.service].rest?.signedOnly) rest = undefined;
  if (rest) {
    const entry = SERVICES[rest.service];
    const protocol = entry.protocols.find((p) => p === 'restJson1' || p === 'restXml') ?? 'restJson1';
    const request: RestRequest = {
      method: method as HttpMethod,
      path: path.split('?')[0]!,
      query: rest.query,
      headers,
      body,
      labels: rest.labels,
    };
    const input = entry.rest?.decode
      ? entry.rest.decode(rest.route.operation, request)
      : protocol === 'restJson1'
        ? { ...rest.query, ...parseJsonObject(body), ...rest.labels }
        : { ...rest.query, ...(body ? { Body: body } : {}), ...rest.labels };
    return {
      protocol,
      service: rest.service,
      operation: rest.route.operation,
      region,
      accessKeyId: scope.accessKeyId,
      input,
      rest: request,
    };
  }
  if (method !== 'POST')
    throw new SandboxError('MethodNotAllowed', `AWS APIs are called with POST; got ${method} ${path}.`, 405);

  if (target) {
    const dot = target.lastIndexOf('.');
    const operation = dot >= 0 ? target.slice(dot + 1) : target;
    const prefix = dot >= 0 ? target.slice(0, dot).split('.').pop()! : '';
    const service = scopeService ?? serviceByTargetPrefix(prefix);
    const protocol: WireProtocol =
      contentType.includes('json-1.0') ||
      (!contentType.includes('json-1.1') && service !== undefined && SERVICES[service].protocols[0] === 'awsJson1_0')
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
    const service = scopeService ?? (query.version ? serviceByQueryVersion(query.version) : undefined);
    if (!service) throw new SandboxError('UnknownOperationException', `No service handles the action ${query.action}.`);
    return {
      protocol: SERVICES[service].protocols.includes('ec2Query') ? 'ec2Query' : 'awsQuery',
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
  if (protocol === 'restXml' || protocol === 'ec2Query' || protocol === 'awsQuery') return 'text/xml';
  return protocol === 'awsJson1_0' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
}

export function encodeSuccess(
  call: Pick<DecodedCall, 'protocol' | 'service' | 'operation'>,
  output: unknown,
  requestId: string,
): EncodedResponse {
  const codec = serviceEntry(call.service)?.rest;
  if ((call.protocol === 'restJson1' || call.protocol === 'restXml') && codec?.encode) {
    const answer = codec.encode(call.operation, output, requestId);
    return { ...answer, headers: { 'x-amzn-requestid': requestId, ...answer.headers } };
  }
  if (call.protocol === 'restXml' || call.protocol === 'ec2Query') {
    const xml =
      call.protocol === 'ec2Query'
        ? encodeEc2Response(call.operation, output, requestId, serviceEntry(call.service)?.queryNamespace)
        : encodeRestXmlResponse(call.operation, output);
    return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body: xml };
  }
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
  if (call?.protocol === 'ec2Query' || call?.protocol === 'restXml') {
    return {
      status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body:
        call.protocol === 'ec2Query'
          ? encodeEc2Error(err.code, err.message, requestId)
          : encodeRestXmlError(err.code, err.message, requestId),
    };
  }
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
  if (call && SERVICES[call.service].protocols.includes('awsQuery') && call.protocol !== 'restJson1')
    headers['x-amzn-query-error'] = `${err.code};${status >= 500 ? 'Receiver' : 'Sender'}`;
  return { status, headers, body: JSON.stringify({ __type: err.code, message: err.message, ...(err.details ?? {}) }) };
}
