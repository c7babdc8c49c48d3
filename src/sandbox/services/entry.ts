/**
 * What the sandbox needs to know about one AWS service: how its requests arrive on the wire (the
 * SigV4 signing name, the protocol and how operations are routed), what its handlers are, which of
 * its operations change state, and the errors it answers for injected faults and throttling.
 * One entry per service in table.ts; the behaviour lives in the service's folder under model/.
 */
import type { Handler } from '../model/handler.js';
import type { OrgState } from '../model/org/org-state.js';

/**
 * The wire protocols (wire-protocols.md). JSON-RPC ones route on `X-Amz-Target: <prefix>.<Op>`;
 * the query ones on the form body's `Action`; the REST ones on the HTTP method and path.
 */
export type WireProtocol = 'awsJson1_1' | 'awsJson1_0' | 'awsQuery' | 'ec2Query' | 'restJson1' | 'restXml';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD' | 'PATCH';

/**
 * One REST operation: `path` is the service model's requestUri, e.g. `/{Bucket}/{Key+}?tagging`
 * (`{Name}` matches one segment, `{Name+}` the rest of the path; after `?` query keys that must be
 * present, `key=value` for a fixed value). Labels become input members of the same name.
 */
export interface RestRoute {
  method: HttpMethod;
  path: string;
  operation: string;
}

/** A REST request as the codec sees it, after routing. */
export interface RestRequest {
  method: HttpMethod;
  path: string;
  /** the query string, decoded (repeated keys: the last one) */
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** the route's path labels, decoded */
  labels: Record<string, string>;
}

/** An answer as the HTTP layer sends it. */
export interface RestAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RestCodec {
  routes: readonly RestRoute[];
  /** routed only when the request names the service in its credential scope (S3's `GET /` looks like anything) */
  signedOnly?: boolean;
  /** input for the handler; default: labels, query, and the JSON body (restJson1) or `Body` (restXml) */
  decode?(operation: string, req: RestRequest): Record<string, unknown>;
  /** the success answer; default: JSON (restJson1) or `<OpResult>` XML (restXml) of the output */
  encode?(operation: string, output: unknown, requestId: string): RestAnswer;
}

/** Organizations and Account Management answer for the whole organization, before any cell. */
export type GlobalHandler = (
  org: OrgState | undefined,
  account: string,
  operation: string,
  input: Record<string, unknown>,
  /** a lone account (no organization): the Regions it holds something in, home Region first */
  loneRegions?: string[],
) => unknown;

export interface ServiceEntry {
  /** the SigV4 signing name (credential scope), which is how requests are routed first */
  signingName: string;
  /** the first is what the sandbox answers in when the request does not tell (CloudWatch: both) */
  protocols: readonly WireProtocol[];
  /** regional services keep state per account and Region; global ones per organization */
  scope: 'regional' | 'global';
  /** JSON protocols: the X-Amz-Target prefix, for requests without a usable credential scope */
  targetPrefix?: string;
  /** query protocols: the API version (routes scope-less requests) and the XML namespace of answers */
  queryVersion?: string;
  queryNamespace?: string;
  /** query protocols: output members that are maps (`<entry><key/><value/>`), per operation */
  queryMapMembers?: Record<string, readonly string[]>;
  /** awsQuery: lists whose items the model names (RDS's `<DBInstances><DBInstance>`) instead of `<member>` */
  queryListMembers?: Record<string, string>;
  /** REST protocols: the routes and, optionally, how bodies are read and written */
  rest?: RestCodec;
  /** the operations of a regional service, answered by the account cell of the call's Region */
  handlers: Record<string, Handler>;
  /** a global service's operations */
  global?: GlobalHandler;
  /** state-changing operations beyond the Create*, Delete*, Put* names (request log, stale reads) */
  mutating?: readonly string[];
  /** CloudTrail's eventSource; default `<signingName>.amazonaws.com` */
  eventSource?: string;
  /** the error of an injected 5xx, in the service's words; default InternalFailure */
  internalError?: { code: string; message: string };
  /** the error of throttling; default ThrottlingException (JSON) or Throttling (query); status default 400 (EC2, S3: 503) */
  throttlingError?: { code: string; message: string; status?: number };
}
