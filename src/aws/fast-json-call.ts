/**
 * One awsJson (1.0 or 1.1) operation sent without the SDK's per-call middleware stack, for calls
 * made thousands of times in a row: DescribeTable once per table of the account in the direct
 * data-at-rest search (issue 19).
 *
 * Why: through `client.send`, one DescribeTable cost about 1.7 ms of kscli CPU on our 2-core
 * machines (`node bench/micro-calls.mjs`): the endpoint rule set is evaluated afresh for every table
 * (its cache is keyed by the table name, a context parameter of DynamoDB's rules), the schema-based
 * serde, the user agent and retry middlewares run per call. At the 100/s quota, with
 * GetBucketEncryption at 100/s beside it, that CPU, not the quota, set the pace of bench
 * dependents-direct-10k on a busy machine. This path sends the same request as FastDescribeKey
 * sends DescribeKey (fast-describe-key.ts), for any awsJson operation:
 * - the endpoint, host, user agent and signing scope are the SDK's own, captured from its first
 *   request of the operation (so --endpoint-url, AWS_ENDPOINT_URL*, FIPS and partition rules apply
 *   unchanged); every later input must resolve to the same endpoint (true of a table name:
 *   DynamoDB's rules choose another endpoint only for an ARN naming another account);
 * - the credentials provider, SigV4 signer and clock skew correction are the client's;
 * - the HTTP handler: the same keep-alive sockets and timeouts;
 * - pacing through the operation's bucket, throttling re-sent as pacingMiddleware does, 5xx and
 *   network errors retried as the SDK's standard mode, errors in the SDK's awsJson shape.
 *
 * The answer is the reply's JSON as sent, except for the first call, which is the SDK's output:
 * the two agree on every member name, and differ only in timestamps (epoch seconds on the wire,
 * Dates from the SDK): callers read those through `dateOf`.
 */
import { isThrottlingError } from './errors.js';
import {
  errorFrom,
  isTransient,
  MAX_DELAY_MS,
  shaped,
  targetOf,
  THROTTLE_BASE_MS,
  TRANSIENT_BASE_MS,
  type SdkShapedError,
  type Target,
} from './fast-describe-key.js';
import { THROTTLE_ROUNDS_PER_ATTEMPT } from './middleware.js';
import type { Pacing } from './rate-limiter.js';
import { sdkModule } from './sdk-modules.js';

const { HttpRequest } = sdkModule('@smithy/core/protocols');
const { SignatureV4 } = sdkModule('@smithy/signature-v4');
type HttpRequest = InstanceType<typeof HttpRequest>;
type SignatureV4 = InstanceType<typeof SignatureV4>;

/** The parts of an SDK client this path uses (every v3 client has them). */
export interface JsonSdkClient {
  config: {
    maxAttempts(): Promise<number>;
    systemClockOffset?: number;
    requestHandler: unknown;
    credentials: ConstructorParameters<typeof SignatureV4>[0]['credentials'];
    sha256: ConstructorParameters<typeof SignatureV4>[0]['sha256'];
  };
  send(command: never, options: object): Promise<unknown>;
}

/** A command the SDK can send, with the middleware stack the first call captures the target from. */
interface CapturableCommand {
  middlewareStack: {
    add(
      mw: (
        next: (args: { request?: unknown }) => Promise<unknown>,
      ) => (args: { request?: unknown }) => Promise<unknown>,
      options: { step: 'finalizeRequest'; priority: 'low'; name: string },
    ): void;
  };
}

export interface FastJsonOperation<In> {
  /** `service.Operation`, for --debug lines */
  label: string;
  /** the X-Amz-Target header: `DynamoDB_20120810.DescribeTable` */
  target: string;
  /** `1.0` (DynamoDB) or `1.1` (KMS, Secrets Manager, SSM...) */
  jsonVersion: '1.0' | '1.1';
  /** the SDK command for an input: the first call goes through the SDK to learn the endpoint */
  command(input: In): object;
}

export interface FastJsonCallOptions {
  /** the operation's pacing bucket (the one the SDK middleware uses) */
  bucket?: Pacing;
  /** --debug: one line per call, as debugLogMiddleware writes */
  debugLog?: (line: string) => void;
  /** tests: no real sleeping */
  sleep?: (ms: number) => Promise<void>;
}

export type JsonReply = Record<string, unknown>;

export class FastJsonCall<In extends object> {
  /** learnt from the SDK's first request */
  private target: Target | undefined;
  /** set while the first request is on its way */
  private learning: Promise<void> | undefined;
  private signer: SignatureV4 | undefined;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: JsonSdkClient,
    private readonly operation: FastJsonOperation<In>,
    private readonly options: FastJsonCallOptions = {},
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The reply to `input`; throws what `client.send` would throw for it. */
  async call(input: In): Promise<JsonReply> {
    // while the first call is teaching us the target, the others wait for it rather than all
    // going through the SDK (a pool starts many at once)
    while (!this.target && this.learning) await this.learning;
    if (this.target) return this.send(this.target, input);
    let learnt!: () => void;
    this.learning = new Promise<void>((resolve) => (learnt = resolve));
    // every SDK command has a middleware stack; its overloads are typed per step, so loosely here
    const command = this.operation.command(input) as CapturableCommand;
    command.middlewareStack.add(
      (next) => async (args) => {
        if (!this.target && HttpRequest.isInstance(args.request)) {
          this.target = targetOf(args.request);
          learnt();
        }
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'kscliCaptureJsonTarget' },
    );
    try {
      // options ({}) keep the client from serving this command with a handler it cached for the
      // class (`cacheMiddleware`), which would skip the middleware above
      return (await this.client.send(command as never, {})) as JsonReply;
    } finally {
      this.learning = undefined;
      learnt();
    }
  }

  private async send(target: Target, input: In): Promise<JsonReply> {
    const body = JSON.stringify(input);
    return sendPaced(
      {
        label: this.operation.label,
        maxAttempts: await this.client.config.maxAttempts(),
        sleep: this.sleep,
        ...(this.options.bucket ? { bucket: this.options.bucket } : {}),
        ...(this.options.debugLog ? { debugLog: this.options.debugLog } : {}),
      },
      () => this.once(target, body),
    );
  }

  /** One signed request and its answer; errors in the SDK's shape. */
  private async once(target: Target, body: string): Promise<Answered<JsonReply>> {
    const headers: Record<string, string> = {
      'content-type': `application/x-amz-json-${this.operation.jsonVersion}`,
      'x-amz-target': this.operation.target,
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
    const offsetMs = this.client.config.systemClockOffset ?? 0;
    const signed = await this.signerFor(target).sign(request, { signingDate: new Date(Date.now() + offsetMs) });
    const { status, headers: replyHeaders, text } = await roundTrip(this.client.config.requestHandler, signed);
    const requestId = replyHeaders['x-amzn-requestid'] ?? replyHeaders['x-amz-request-id'];
    let parsed: JsonReply | undefined;
    try {
      const value: unknown = text.trim() === '' ? {} : JSON.parse(text);
      parsed = value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonReply) : undefined;
    } catch {
      parsed = undefined;
    }
    if (status >= 200 && status < 300) {
      if (!parsed)
        throw shaped(
          new Error(`Deserialization error: the ${this.operation.label} reply is not a JSON object (HTTP ${status})`),
          'SerializationException',
          status,
          requestId,
          { statusCode: status },
        );
      return { value: parsed, status, ...(requestId ? { requestId } : {}) };
    }
    throw errorFrom(status, replyHeaders, parsed, requestId);
  }

  private signerFor(target: Target): SignatureV4 {
    this.signer ??= new SignatureV4({
      credentials: this.client.config.credentials,
      region: target.region,
      service: target.service,
      sha256: this.client.config.sha256,
      uriEscapePath: true,
    });
    return this.signer;
  }
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
