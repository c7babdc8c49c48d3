/**
 * GetBucketEncryption sent without the SDK's per-call middleware stack: the direct data-at-rest
 * search reads it once per bucket of the account (2,500 of 50,000 resources in bench
 * dependents-direct-10k), beside DescribeTable at the same 100/s (fast-json-call.ts says why the
 * SDK's per-call CPU mattered there). Through `s3.send` each one evaluates S3's endpoint rule set
 * afresh (the bucket is one of its parameters), runs S3's dozen extra middlewares and its
 * schema-driven XML parser.
 *
 * As FastDescribeKey and FastJsonCall, everything that matters is the SDK's, learnt from its first
 * request: the host and path layout (virtual-hosted `BUCKET.s3.REGION.amazonaws.com/` on AWS,
 * path-style `ENDPOINT/BUCKET` under --endpoint-url), the query, user agent and signing scope, and
 * the client's credentials, signer settings (S3 signs the payload hash and does not double-escape
 * the path), clock skew and sockets. The SDK keeps every call this path cannot make as it does:
 * - a bucket name that is not plain lower-case DNS (dots, `--x-s3` directory buckets: other hosts,
 *   session auth) goes through `s3.send`;
 * - a redirect (a bucket of another Region; callers read only buckets of the client's Region, but
 *   ListBuckets' BucketRegion may be stale) is re-sent through `s3.send`, which follows it;
 * - when the first request's layout is not one of the two above, every call goes through the SDK.
 * The answer has the SDK's output shape for the members kscli reads (the rules' algorithm, key and
 * bucket-key flag); errors have the SDK's REST-XML shape (`Code` as the name, `$fault`, status,
 * request ID).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { sdkModule } from './sdk-modules.js';
import type { FastJsonCallOptions } from './fast-json-call.js';
import { roundTrip, sendPaced, shaped, targetOf, type Answered, type Target } from './fast-wire.js';

const { GetBucketEncryptionCommand } = sdkModule('@aws-sdk/client-s3');
const { HttpRequest } = sdkModule('@smithy/core/protocols');
const { SignatureV4 } = sdkModule('@smithy/signature-v4');
type HttpRequest = InstanceType<typeof HttpRequest>;
type SignatureV4 = InstanceType<typeof SignatureV4>;

export interface BucketEncryptionRule {
  ApplyServerSideEncryptionByDefault?: { SSEAlgorithm?: string; KMSMasterKeyID?: string };
  BucketKeyEnabled?: boolean;
}
export interface BucketEncryption {
  ServerSideEncryptionConfiguration?: { Rules?: BucketEncryptionRule[] };
}

/** Where a bucket's request goes, from the SDK's first one. */
interface Layout {
  target: Target;
  style: 'virtual' | 'path';
  /** virtual: the hostname after `BUCKET.`; path: the path before `/BUCKET` */
  rest: string;
  /** the Host header after `BUCKET.` (virtual) or whole (path) */
  hostRest: string;
  /** path-style: what follows `/BUCKET` in the path (the SDK sends `/BUCKET/`) */
  suffix: string;
  query: HttpRequest['query'];
}

/** Names S3 hosts as `NAME.s3...` with no special rules: 3-63 of a-z, 0-9 and single hyphens. */
const PLAIN_BUCKET = /^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/;

export class FastBucketEncryption {
  private layout: Layout | undefined;
  /** the first request told us nothing usable: everything goes through the SDK */
  private sdkOnly = false;
  private learning: Promise<void> | undefined;
  private signer: SignatureV4 | undefined;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly s3: S3Client,
    private readonly options: FastJsonCallOptions = {},
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The bucket's default encryption; throws what `s3.send(new GetBucketEncryptionCommand(...))` would. */
  async get(bucket: string): Promise<BucketEncryption> {
    while (!this.layout && !this.sdkOnly && this.learning) await this.learning;
    if (this.layout && PLAIN_BUCKET.test(bucket)) {
      const reply = await this.send(this.layout, bucket);
      if (reply !== 'redirect') return reply;
      return this.viaSdk(bucket, false);
    }
    return this.viaSdk(bucket, !this.layout && !this.sdkOnly && PLAIN_BUCKET.test(bucket));
  }

  private async viaSdk(bucket: string, learn: boolean): Promise<BucketEncryption> {
    const command = new GetBucketEncryptionCommand({ Bucket: bucket });
    if (!learn) return (await this.s3.send(command)) as BucketEncryption;
    let learnt!: () => void;
    this.learning = new Promise<void>((resolve) => (learnt = resolve));
    command.middlewareStack.add(
      (next) => async (args) => {
        if (!this.layout && !this.sdkOnly && HttpRequest.isInstance(args.request)) {
          const layout = layoutOf(args.request, bucket);
          if (layout) this.layout = layout;
          else this.sdkOnly = true;
          learnt();
        }
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'kscliCaptureBucketTarget' },
    );
    try {
      // options ({}) keep the client from serving this command with a cached handler (clients.ts)
      return (await this.s3.send(command, {})) as BucketEncryption;
    } finally {
      this.learning = undefined;
      learnt();
    }
  }

  private async send(layout: Layout, bucket: string): Promise<BucketEncryption | 'redirect'> {
    return sendPaced(
      {
        label: 's3.GetBucketEncryption',
        maxAttempts: await this.s3.config.maxAttempts(),
        sleep: this.sleep,
        ...(this.options.bucket ? { bucket: this.options.bucket } : {}),
        ...(this.options.debugLog ? { debugLog: this.options.debugLog } : {}),
      },
      () => this.once(layout, bucket),
    );
  }

  private async once(layout: Layout, bucket: string): Promise<Answered<BucketEncryption | 'redirect'>> {
    const { target } = layout;
    const virtual = layout.style === 'virtual';
    const headers: Record<string, string> = {
      host: virtual ? `${bucket}.${layout.hostRest}` : layout.hostRest,
    };
    if (target.userAgent) headers['user-agent'] = target.userAgent;
    const request = new HttpRequest({
      protocol: target.protocol,
      hostname: virtual ? `${bucket}.${layout.rest}` : target.hostname,
      port: target.port,
      method: 'GET',
      path: virtual ? target.path : `${layout.rest}/${bucket}${layout.suffix}`,
      query: layout.query,
      headers,
    });
    const offsetMs = this.s3.config.systemClockOffset ?? 0;
    const signed = await this.signerFor(target).sign(request, { signingDate: new Date(Date.now() + offsetMs) });
    const { status, headers: replyHeaders, text } = await roundTrip(this.s3.config.requestHandler, signed);
    const requestId = replyHeaders['x-amz-request-id'];
    if (status >= 300 && status < 400) return { value: 'redirect', status };
    if (status >= 200 && status < 300) {
      const config = /<ServerSideEncryptionConfiguration[\s>][\s\S]*<\/ServerSideEncryptionConfiguration>/.exec(text);
      if (!config)
        throw shaped(
          new Error(`Deserialization error: the GetBucketEncryption reply is not its XML (HTTP ${status})`),
          'SerializationException',
          status,
          requestId,
          { statusCode: status },
        );
      const rules = [...config[0].matchAll(/<Rule>([\s\S]*?)<\/Rule>/g)].map((m) => ruleOf(m[1]!));
      return {
        value: { ServerSideEncryptionConfiguration: { Rules: rules } },
        status,
        ...(requestId ? { requestId } : {}),
      };
    }
    // 301 and 400 AuthorizationHeaderMalformed name another Region: the SDK re-sends those
    const code = element(text, 'Code');
    if (status === 400 && code === 'AuthorizationHeaderMalformed' && replyHeaders['x-amz-bucket-region'])
      return { value: 'redirect', status };
    const name = code ?? (status === 403 ? 'Forbidden' : status === 404 ? 'NotFound' : 'UnknownError');
    throw shaped(new Error(element(text, 'Message') ?? name), name, status, requestId ?? element(text, 'RequestId'));
  }

  private signerFor(target: Target): SignatureV4 {
    // S3's signing: the payload hash is a signed header (x-amz-content-sha256) and the path is
    // not escaped twice (the S3 client's own signer settings)
    this.signer ??= new SignatureV4({
      credentials: this.s3.config.credentials,
      region: target.region,
      service: target.service,
      sha256: this.s3.config.sha256,
      uriEscapePath: false,
      applyChecksum: true,
    });
    return this.signer;
  }
}

/** The layout of the SDK's request for `bucket`, or undefined when it is neither known one. */
function layoutOf(request: HttpRequest, bucket: string): Layout | undefined {
  const target = targetOf(request);
  const query = request.query;
  if (target.service !== 's3') return undefined;
  if (request.hostname.startsWith(`${bucket}.`) && target.host.startsWith(`${bucket}.`))
    return {
      target,
      style: 'virtual',
      rest: request.hostname.slice(bucket.length + 1),
      hostRest: target.host.slice(bucket.length + 1),
      suffix: '',
      query,
    };
  // `/BUCKET/` (the SDK's path-style), after the endpoint's own path if it has one
  const at = request.path.lastIndexOf(`/${bucket}`);
  const after = at >= 0 ? request.path.slice(at + bucket.length + 1) : undefined;
  if (after === '' || after === '/')
    return { target, style: 'path', rest: request.path.slice(0, at), suffix: after, hostRest: target.host, query };
  return undefined;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The text of the first `<name>` element, entities decoded. */
function element(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return m ? m[1]!.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e]!).trim() : undefined;
}

function ruleOf(xml: string): BucketEncryptionRule {
  const algorithm = element(xml, 'SSEAlgorithm');
  const key = element(xml, 'KMSMasterKeyID');
  const bucketKey = element(xml, 'BucketKeyEnabled');
  return {
    ...(algorithm !== undefined || key !== undefined
      ? {
          ApplyServerSideEncryptionByDefault: {
            ...(algorithm !== undefined ? { SSEAlgorithm: algorithm } : {}),
            ...(key !== undefined ? { KMSMasterKeyID: key } : {}),
          },
        }
      : {}),
    ...(bucketKey !== undefined ? { BucketKeyEnabled: bucketKey === 'true' } : {}),
  };
}
