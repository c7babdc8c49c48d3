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
 * sent DescribeKey alone before (fast-describe-key.ts, now one of its operations), for any awsJson operation:
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
import { errorFrom, roundTrip, sendPaced, shaped, targetOf, type Answered, type Target } from './fast-wire.js';
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
