/**
 * Lazily built AWS SDK clients, one per service of the service table (services.ts) and Region, all
 * sharing one HTTP handler (one keep-alive socket pool), one credential provider and one pacer per
 * Region.
 *
 * Every SDK module is loaded (with `require`: sdk-modules.ts says why) inside its table entry, so
 * `kscli --help`, `--version` and flag errors never load the SDK (start-up target of issue 5).
 *
 * Every client gets `endpoint` explicitly when one is configured: the CloudHSM v2 client (3.332,
 * the newest published) ignores AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>
 * (wire-protocols.md), so kscli resolves them itself (config.ts) and passes them to all clients.
 */
import type { KMSClientConfig } from '@aws-sdk/client-kms';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsConfig } from './ports.js';
import { AWS_SERVICES, clientRegion, type BaseClientConfig, type ClientOf, type ServiceKey } from './services.js';
import type { AdapterSite } from './adapters/site.js';
import { RegionPacer } from './quotas.js';
import type { Clock } from './rate-limiter.js';
import { instrument, type MiddlewareStackLike, type Pacer } from './middleware.js';
import { sdkModule } from './sdk-modules.js';

/** SDK attempts per call (the SDK's default is 3; aws-facts.md section 6). */
export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * DescribeKey calls in flight during a key scan. The quota floor is 2000/s; at 20 ms per call that
 * is 40 in flight. 128 leaves room for slower networks, server queueing and event-loop pauses; the
 * token bucket, not this number, sets the pace, so idle slots cost nothing.
 */
export const SCAN_CONCURRENCY = 128;

/** Sockets per host: the scan's concurrency plus room for the other ports used meanwhile. */
const MAX_SOCKETS = SCAN_CONCURRENCY + 32;
/** TCP connect; AWS endpoints answer in milliseconds, a blackholed one should fail fast (then retry). */
const CONNECTION_TIMEOUT_MS = 5_000;
/** Whole request; KMS calls take tens of ms, LookupEvents pages up to a few seconds. */
const REQUEST_TIMEOUT_MS = 30_000;

/** The credentials an SDK client signs with: static ones or a provider (the SDK's own type). */
export type ClientCredentials = KMSClientConfig['credentials'];

/** What `AwsClients.build` may set apart from the shared defaults (the estate's per-account clients). */
export interface BuildOptions {
  /** signs with these instead of the shared credentials */
  credentials?: ClientCredentials;
  /** paces with this instead of the Region's pacer */
  pacer?: Pacer;
}

export interface AwsClientsOptions {
  /** sockets per host of the shared pool (default: the scan's concurrency plus 32) */
  maxSockets?: number;
  /** draw from this one's socket pool instead of opening another (the estate's per-Region ports) */
  sharePoolOf?: AwsClients;
  /** the pacers' clock (tests drive it; default the real one) */
  clock?: Clock;
}

export class AwsClients {
  private readonly clients = new Map<string, Promise<unknown>>();
  private readonly pacers = new Map<string, RegionPacer>();
  private handler: Promise<NodeHttpHandler> | undefined;
  private shared: Promise<ClientCredentials> | undefined;

  constructor(
    readonly config: AwsConfig,
    private readonly options: AwsClientsOptions = {},
  ) {}

  /**
   * The SDK client of `service` for `region`, built on first use (service table: services.ts). A
   * global service's client lives in its partition's global Region, whatever `region` says.
   */
  get<K extends ServiceKey>(service: K, region = this.config.region): Promise<ClientOf<K>> {
    const where = clientRegion(service, region);
    const key = `${service}/${where}`;
    let client = this.clients.get(key) as Promise<ClientOf<K>> | undefined;
    if (!client) {
      client = this.build(service, where);
      this.clients.set(key, client);
      // a failed creation (say, a module that cannot load) is not cached
      client.catch(() => this.clients.delete(key));
    }
    return client;
  }

  /**
   * A new SDK client of `service` for `region` (not cached): the same construction as `get`, with
   * other credentials or another pacer (the estate's clients sign as each account in turn).
   */
  async build<K extends ServiceKey>(service: K, region: string, options: BuildOptions = {}): Promise<ClientOf<K>> {
    const where = clientRegion(service, region);
    const base = await this.baseConfig(service, where, options.credentials);
    const created = (await AWS_SERVICES[service].client(base)) as ClientOf<K>;
    instrument(
      (created as { middlewareStack: MiddlewareStackLike }).middlewareStack,
      service,
      options.pacer ?? this.pacer(where),
      this.config.debugLog,
    );
    return created;
  }

  /** The endpoint a service's calls go to, for error messages. */
  endpointFor(service: ServiceKey, region = this.config.region): string {
    return this.endpointOverride(service) ?? defaultEndpoint(service, clientRegion(service, region));
  }

  /** Region and endpoint of a service's calls, as adapters name them in errors. */
  site(service: ServiceKey, region = this.config.region): AdapterSite {
    return { region: clientRegion(service, region), endpoint: this.endpointFor(service, region) };
  }

  private endpointOverride(service: ServiceKey): string | undefined {
    return this.config.serviceEndpoints?.[service] ?? this.config.endpointUrl;
  }

  /** The pacer of one Region: quotas are per account and Region. */
  pacer(region = this.config.region): RegionPacer {
    let pacer = this.pacers.get(region);
    if (!pacer) {
      pacer = new RegionPacer(this.config.maxRps ?? {}, this.options.clock);
      this.pacers.set(region, pacer);
    }
    return pacer;
  }

  /** The options every client of `service` in `region` is built with. */
  async baseConfig(service: ServiceKey, region: string, credentials?: ClientCredentials): Promise<BaseClientConfig> {
    const endpoint = this.endpointOverride(service);
    return {
      region,
      ...(endpoint ? { endpoint } : {}),
      ...(this.config.profile ? { profile: this.config.profile } : {}),
      maxAttempts: this.config.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      retryMode: 'standard',
      // resolve each command's middleware stack once instead of per request: the SDK's documented
      // saving of up to 1 ms per call is what lets one event loop reach DescribeKey's 2000/s
      // (kscli adds its middleware right after creating the client, before the first call)
      cacheMiddleware: true,
      requestHandler: await this.httpHandler(),
      // the home Region's STS client resolves the chain that everyone else shares
      ...(credentials
        ? { credentials }
        : service === 'sts' && region === this.config.region && !this.config.credentials
          ? {}
          : { credentials: await this.credentials() }),
    };
  }

  /**
   * One credential provider for all clients. Static credentials when configured (--sandbox);
   * otherwise the SDK's default chain (env, shared files with `profile`, SSO, IMDS...) as resolved by
   * the STS client, shared so that SSO, assume-role or IMDS is resolved once per run, not once per
   * client, and so the 3.332 CloudHSM client (which predates the `profile` option) uses it too.
   */
  credentials(): Promise<ClientCredentials> {
    this.shared ??= this.config.credentials
      ? Promise.resolve({ ...this.config.credentials })
      : this.get('sts', this.config.region).then((sts) => sts.config.credentials);
    return this.shared;
  }

  /** One handler, so every client draws from one keep-alive pool of sockets. */
  httpHandler(): Promise<NodeHttpHandler> {
    if (this.options.sharePoolOf) return this.options.sharePoolOf.httpHandler();
    this.handler ??= (async () => {
      const { NodeHttpHandler } = sdkModule('@smithy/node-http-handler');
      const [http, https] = await Promise.all([import('node:http'), import('node:https')]);
      const agentOptions = { keepAlive: true, maxSockets: this.options.maxSockets ?? MAX_SOCKETS };
      const debugLog = this.config.debugLog;
      return new NodeHttpHandler({
        httpAgent: new http.Agent(agentOptions),
        httpsAgent: new https.Agent(agentOptions),
        connectionTimeout: CONNECTION_TIMEOUT_MS,
        requestTimeout: REQUEST_TIMEOUT_MS,
        throwOnRequestTimeout: true,
        // socket-exhaustion warnings go to --debug only: the adapters never print
        logger: {
          debug: () => {},
          info: () => {},
          warn: (...args: unknown[]) => debugLog?.(`http: ${args.map(String).join(' ')}`),
          error: (...args: unknown[]) => debugLog?.(`http: ${args.map(String).join(' ')}`),
        },
      });
    })();
    return this.handler;
  }
}

/** The default host of `service` in the Region its client lives in (clientRegion). */
export function defaultEndpoint(service: ServiceKey, region: string): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://${AWS_SERVICES[service].endpointPrefix}.${region}.${suffix}`;
}
