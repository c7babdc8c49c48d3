/**
 * The wire pieces the fast paths share (fast-json-call.ts for awsJson operations, DescribeKey among
 * them; fast-bucket-encryption.ts for S3's GetBucketEncryption): where the SDK sent its first
 * request, one paced and retried call as the SDK's standard mode makes it, a round trip through the
 * client's own HTTP handler, and errors in the SDK's shape. Why the fast paths exist: see
 * fast-json-call.ts.
 */
import { isThrottlingError } from './errors.js';
import { THROTTLE_ROUNDS_PER_ATTEMPT } from './middleware.js';
import type { Pacing } from './rate-limiter.js';
// a type only: this module loads no SDK code
import type { HttpRequest } from '@smithy/core/protocols';

/** Where and how the SDK sent an operation's first request: reused for every later one. */
export interface Target {
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  /** the Host header the SDK signed (hostname, plus the port when not the default) */
  host: string;
  userAgent?: string;
  region: string;
  service: string;
}

/** Transient failures the SDK's standard retry mode retries (aws-facts.md section 6). */
const TRANSIENT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);
/** The SDK's back-off bases: 50 ms for transient errors, 1 s after throttling; capped at 20 s (aws-facts.md section 6). */
export const TRANSIENT_BASE_MS = 50;
export const THROTTLE_BASE_MS = 1000;
export const MAX_DELAY_MS = 20_000;

export type SdkShapedError = Error & {
  code?: string;
  $fault?: 'client' | 'server';
  $metadata: { httpStatusCode?: number; requestId?: string; attempts?: number };
  $response?: unknown;
};

/** The request's destination and signing scope (from its Authorization header's credential scope). */
export function targetOf(request: HttpRequest): Target {
  const header = (name: string): string | undefined => {
    const key = Object.keys(request.headers).find((k) => k.toLowerCase() === name);
    return key === undefined ? undefined : request.headers[key];
  };
  // Credential=AKID/20261123/us-east-1/kms/aws4_request
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(header('authorization') ?? '');
  return {
    protocol: request.protocol,
    hostname: request.hostname,
    ...(request.port ? { port: request.port } : {}),
    path: request.path,
    host: header('host') ?? (request.port ? `${request.hostname}:${request.port}` : request.hostname),
    userAgent: header('user-agent'),
    region: scope?.[1] ?? 'us-east-1',
    service: scope?.[2] ?? 'kms',
  };
}

/** A reply that came back 2xx: what it carried, its status and request ID (for --debug). */
export interface Answered<T> {
  value: T;
  status: number;
  requestId?: string;
}

export interface PacedCall {
  /** `service.Operation`, for --debug lines */
  label: string;
  /** the client's maxAttempts */
  maxAttempts: number;
  sleep: (ms: number) => Promise<void>;
  bucket?: Pacing;
  debugLog?: (line: string) => void;
}

/**
 * One call of a fast path, as the SDK would make it: each attempt waits for a token of the
 * operation's bucket, a throttled answer slows the bucket and is re-sent (pacingMiddleware's
 * rounds), throttling and transient failures are retried with the standard mode's back-off up to
 * maxAttempts, and the error that ends it carries its attempt count.
 */
export async function sendPaced<T>(call: PacedCall, once: () => Promise<Answered<T>>): Promise<T> {
  const maxAttempts = Math.max(1, call.maxAttempts);
  const { bucket } = call;
  const started = performance.now();
  const log = (status: string, requestId: string | undefined, attempts: number) => {
    if (!call.debugLog) return;
    const tries = attempts > 1 ? ` attempts=${attempts}` : '';
    call.debugLog(`${call.label} ${status} ${Math.round(performance.now() - started)}ms ${requestId ?? '-'}${tries}`);
  };
  for (let attempt = 1; ; attempt += 1) {
    let error: SdkShapedError;
    for (let round = 1; ; round += 1) {
      await bucket?.take();
      try {
        const out = await once();
        log(`${out.status}`, out.requestId, attempt);
        return out.value;
      } catch (e) {
        error = e as SdkShapedError;
        if (!isThrottlingError(error) || !bucket || round >= THROTTLE_ROUNDS_PER_ATTEMPT) break;
        bucket.onThrottle();
      }
    }
    const throttled = isThrottlingError(error);
    if (!(throttled || isTransient(error)) || attempt >= maxAttempts) {
      error.$metadata = { ...error.$metadata, attempts: attempt };
      log(
        error.$metadata.httpStatusCode ? `${error.$metadata.httpStatusCode} ${error.name}` : (error.code ?? error.name),
        error.$metadata.requestId,
        attempt,
      );
      throw error;
    }
    const base = throttled ? THROTTLE_BASE_MS : TRANSIENT_BASE_MS;
    await call.sleep(Math.random() * Math.min(MAX_DELAY_MS, base * 2 ** (attempt - 1)));
  }
}

/**
 * Sends a signed request through the client's HTTP handler (its sockets and timeouts) and reads
 * the whole reply; a network failure is thrown with empty `$metadata`, as the SDK's.
 */
export async function roundTrip(
  requestHandler: unknown,
  request: unknown,
): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  const handler = requestHandler as {
    handle(
      r: unknown,
    ): Promise<{ response: { statusCode: number; headers: Record<string, string>; body: AsyncIterable<Buffer> } }>;
  };
  let response;
  try {
    ({ response } = await handler.handle(request));
  } catch (e) {
    const err = e as SdkShapedError;
    err.$metadata ??= {};
    throw err;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of response.body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return { status: response.statusCode, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') };
}

/** A timestamp member of a reply: a Date (the SDK's first call), epoch seconds or ISO text (the wire). */
export function dateOf(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value * 1000);
  if (typeof value === 'string') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

/**
 * An error as the SDK builds it. A reply that is not the protocol's (`response` given: a proxy page
 * with HTTP 200) gets no `$fault`, as the SDK's deserialization errors, so errors.ts reports it as
 * an unreadable reply rather than as a service error.
 */
export function shaped(
  error: Error,
  name: string,
  status: number | undefined,
  requestId: string | undefined,
  response?: unknown,
): SdkShapedError {
  const e = error as SdkShapedError;
  e.name = name;
  if (response === undefined) e.$fault = status !== undefined && status >= 500 ? 'server' : 'client';
  e.$metadata = { ...(status !== undefined ? { httpStatusCode: status } : {}), ...(requestId ? { requestId } : {}) };
  if (response !== undefined) e.$response = response;
  return e;
}

/**
 * The error the SDK's awsJson1_1 deserializer would throw: the code from the `x-amzn-errortype`
 * header, else the body's `code`, else `__type` (the text after `#`, before `:`); the message from
 * `message` or `Message`.
 */
export function errorFrom(
  status: number,
  headers: Record<string, string>,
  body: Record<string, unknown> | undefined,
  requestId: string | undefined,
): SdkShapedError {
  if (!body) return shaped(new Error(`HTTP ${status} with a body that is not JSON`), 'UnknownError', status, requestId);
  const raw =
    headers['x-amzn-errortype'] ??
    (typeof body.code === 'string' ? body.code : undefined) ??
    (typeof body.__type === 'string' ? body.__type : undefined) ??
    'UnknownError';
  const name = raw.split(':')[0]!.split('#').pop()!;
  const message =
    typeof body.message === 'string' ? body.message : typeof body.Message === 'string' ? body.Message : name;
  return shaped(new Error(message), name, status, requestId);
}

export function isTransient(error: SdkShapedError): boolean {
  const status = error.$metadata?.httpStatusCode;
  return (
    TRANSIENT_NAMES.has(error.name) ||
    TRANSIENT_CODES.has(error.code ?? '') ||
    (status !== undefined && status >= 500 && status <= 504)
  );
}
