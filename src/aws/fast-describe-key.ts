/**
 * DescribeKey for the key scan (find-keys, and every command that lists a store's keys), sent
 * without the SDK's per-call middleware stack.
 *
 * Why: no API filters keys by store, so a scan describes every key of the Region, and the quota
 * allows 2,000 DescribeKey per second (aws-facts.md section 6). Through `KMSClient.send`, one
 * DescribeKey costs about 0.55 ms of CPU on our 2-core machines (schema-based serde, a dozen
 * middlewares, several of which copy the whole client config per call): one core then tops out
 * under the quota, and 10,000 keys took 8-9 s instead of the 5 s floor (bench/RESULTS.md,
 * `node bench/profile.mjs`). This path sends the same awsJson1_1 request at about 0.2 ms per call.
 *
 * Everything that matters is still the SDK's, taken from the client itself:
 * - the endpoint, host and signing scope: captured from the SDK's own first DescribeKey request of
 *   the scan (so --endpoint-url, AWS_ENDPOINT_URL*, FIPS and partition rules apply unchanged);
 * - the credentials provider (refreshing), the SigV4 signer (@smithy/signature-v4) and the clock
 *   skew correction (`systemClockOffset`);
 * - the HTTP handler: the same keep-alive sockets, connection and request timeouts.
 * What it does itself mirrors the SDK: errors get the awsJson1_1 shape (`name` from the error type,
 * `$fault`, `$metadata`; wire-protocols.md "Errors"), throttling goes through the operation's pacing
 * bucket with the same rounds as pacingMiddleware, and 5xx and network errors are retried like the
 * SDK's standard mode (exponential back-off with full jitter, `maxAttempts` attempts), so callers
 * see exactly what `kms.send` would have thrown.
 */
import type { KeyMetadata, KMSClient } from '@aws-sdk/client-kms';
import { isThrottlingError } from './errors.js';
import { THROTTLE_ROUNDS_PER_ATTEMPT } from './middleware.js';
import type { Pacing } from './rate-limiter.js';
import { sdkModule } from './sdk-modules.js';

const { DescribeKeyCommand } = sdkModule('@aws-sdk/client-kms');
const { HttpRequest } = sdkModule('@smithy/core/protocols');
const { SignatureV4 } = sdkModule('@smithy/signature-v4');
// the classes' instance types, under the names the code used when it imported them
type HttpRequest = InstanceType<typeof HttpRequest>;
type SignatureV4 = InstanceType<typeof SignatureV4>;

/** Where and how the SDK sent its DescribeKey: reused for every later one. */
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

export interface FastDescribeKeyOptions {
  /** the DescribeKey bucket of the Region's pacer (the one the SDK middleware uses) */
  bucket?: Pacing;
  /** --debug: one line per call, as debugLogMiddleware writes */
  debugLog?: (line: string) => void;
  /** tests: no real sleeping */
  sleep?: (ms: number) => Promise<void>;
}

export type SdkShapedError = Error & {
  code?: string;
  $fault?: 'client' | 'server';
  $metadata: { httpStatusCode?: number; requestId?: string; attempts?: number };
  $response?: unknown;
};

export class FastDescribeKey {
  /** learnt from the SDK's first request */
  private target: Target | undefined;
  /** set while the first request is on its way: resolves once the target is known or the call failed */
  private learning: Promise<void> | undefined;
  private signer: SignatureV4 | undefined;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly kms: KMSClient,
    private readonly options: FastDescribeKeyOptions = {},
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * The key's metadata, as `kms.send(new DescribeKeyCommand({KeyId}))` returns it (dates as Date);
   * throws what the SDK would throw (NotFoundException for a deleted key, etc.).
   */
  async describe(keyId: string): Promise<KeyMetadata | undefined> {
    // while the first call is teaching us the target, the others wait for it rather than all
    // going through the SDK (a scan starts 128 at once)
    while (!this.target && this.learning) await this.learning;
    if (this.target) return this.send(this.target, keyId);
    // The first call goes through the SDK, which resolves the endpoint and signs; a middleware after
    // signing records where it went. If it fails before sending (say, no credentials), the next
    // caller tries the same.
    let learnt!: () => void;
    this.learning = new Promise<void>((resolve) => (learnt = resolve));
    const command = new DescribeKeyCommand({ KeyId: keyId });
    command.middlewareStack.add(
      (next) => async (args) => {
        if (!this.target && HttpRequest.isInstance(args.request)) {
          this.target = targetOf(args.request);
          learnt();
        }
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'kscliCaptureDescribeKeyTarget' },
    );
    try {
      // options ({}) keep the client from serving this command with a handler it cached for the
      // class (the clients cache them, `cacheMiddleware`), which would skip the middleware above,
      // and from caching the handler built with it
      return (await this.kms.send(command, {})).KeyMetadata;
    } finally {
      this.learning = undefined;
      learnt();
    }
  }

  private async send(target: Target, keyId: string): Promise<KeyMetadata | undefined> {
    const maxAttempts = Math.max(1, await this.kms.config.maxAttempts());
    const bucket = this.options.bucket;
    const started = performance.now();
    for (let attempt = 1; ; attempt += 1) {
      let error: SdkShapedError;
      for (let round = 1; ; round += 1) {
        await bucket?.take();
        try {
          const out = await this.once(target, keyId);
          this.log(`${out.status}`, started, out.requestId, attempt);
          return out.metadata;
        } catch (e) {
          error = e as SdkShapedError;
          if (!isThrottlingError(error) || !bucket || round >= THROTTLE_ROUNDS_PER_ATTEMPT) break;
          bucket.onThrottle();
        }
      }
      const throttled = isThrottlingError(error);
      const retryable = throttled || isTransient(error);
      if (!retryable || attempt >= maxAttempts) {
        error.$metadata = { ...error.$metadata, attempts: attempt };
        this.log(
          error.$metadata.httpStatusCode
            ? `${error.$metadata.httpStatusCode} ${error.name}`
            : (error.code ?? error.name),
          started,
          error.$metadata.requestId,
          attempt,
        );
        throw error;
      }
      const base = throttled ? THROTTLE_BASE_MS : TRANSIENT_BASE_MS;
      await this.sleep(Math.random() * Math.min(MAX_DELAY_MS, base * 2 ** (attempt - 1)));
    }
  }

  /** One signed request and its answer; errors in the SDK's shape. */
  private async once(
    target: Target,
    keyId: string,
  ): Promise<{ metadata?: KeyMetadata; status: number; requestId?: string }> {
    const body = JSON.stringify({ KeyId: keyId });
    const headers: Record<string, string> = {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'TrentService.DescribeKey',
      host: target.host,
      'content-length': String(Buffer.byteLength(body)),
    };
    if (target.userAgent) headers['user-agent'] = target.userAgent;
    const request = new HttpRequest({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: 'POST',
      path: target.path,
      headers,
      body,
    });
    const offsetMs = this.kms.config.systemClockOffset ?? 0;
    const signed = await this.signerFor(target).sign(request, { signingDate: new Date(Date.now() + offsetMs) });
    const handler = this.kms.config.requestHandler as unknown as {
      handle(
        r: HttpRequest,
      ): Promise<{ response: { statusCode: number; headers: Record<string, string>; body: AsyncIterable<Buffer> } }>;
    };
    let response;
    try {
      ({ response } = await handler.handle(signed as HttpRequest));
    } catch (e) {
      const err = e as SdkShapedError;
      err.$metadata ??= {};
      throw err;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of response.body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    const text = Buffer.concat(chunks).toString('utf8');
    const status = response.statusCode;
    const requestId = response.headers['x-amzn-requestid'] ?? response.headers['x-amz-request-id'];
    let parsed: Record<string, unknown> | undefined;
    try {
      parsed = text.trim() === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      parsed = undefined;
    }
    if (status >= 200 && status < 300) {
      if (!parsed)
        throw shaped(
          new Error(`Deserialization error: the DescribeKey reply is not JSON (HTTP ${status})`),
          'SerializationException',
          status,
          requestId,
          { statusCode: status },
        );
      return { metadata: toMetadata(parsed.KeyMetadata), status, requestId };
    }
    throw errorFrom(status, response.headers, parsed, requestId);
  }

  private signerFor(target: Target): SignatureV4 {
    this.signer ??= new SignatureV4({
      credentials: this.kms.config.credentials,
      region: target.region,
      service: target.service,
      sha256: this.kms.config.sha256,
      uriEscapePath: true,
    });
    return this.signer;
  }

  private log(status: string, started: number, requestId: string | undefined, attempts: number): void {
    if (!this.options.debugLog) return;
    const tries = attempts > 1 ? ` attempts=${attempts}` : '';
    this.options.debugLog(
      `kms.DescribeKey ${status} ${Math.round(performance.now() - started)}ms ${requestId ?? '-'}${tries}`,
    );
  }
}

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

/** awsJson1_1 timestamps are epoch seconds; the SDK turns them into Dates. */
const DATE_FIELDS = ['CreationDate', 'DeletionDate', 'ValidTo'] as const;

function toMetadata(value: unknown): KeyMetadata | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const meta = { ...(value as Record<string, unknown>) };
  for (const field of DATE_FIELDS) {
    const v = meta[field];
    if (typeof v === 'number') meta[field] = new Date(v * 1000);
    else if (typeof v === 'string') meta[field] = new Date(v);
  }
  return meta as unknown as KeyMetadata;
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
