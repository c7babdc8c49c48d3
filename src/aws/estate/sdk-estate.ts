/**
 * EstateAws on the AWS SDK. One HTTP handler (one keep-alive socket pool) for the whole run; one
 * STS client in the home Region assumes every role (Regional STS endpoint: its tokens are valid in
 * every Region, opt-in ones included; aws-facts-estate-and-scale.md B2); per account and Region a
 * KMS client (and a CloudHSM one when a CloudHSM store is there) built when that Region's work
 * starts and dropped when it ends, each with its own pacer: every account and Region is its own
 * quota bucket.
 *
 * Loaded only by the estate commands (dynamic import): --help never loads it or the SDK.
 *
 * The table of AWS services (../services.ts): KMS, CloudHSM and STS clients, the KMS and CloudHSM
 * ports' method lists and adapters come from their entries (AWS_SERVICES.<service>.client/adapter/
 * methods), so the estate builds them exactly as createAwsPorts does. What still DEVIATES from the
 * table, and why:
 * - Organizations (ListAccounts, ListAccountsForParent, ListChildren, DescribeOrganization), the
 *   Account Management API (ListRegions) and STS AssumeRole are NOT entries. An entry becomes a
 *   member of AwsPorts (ports.ts derives the per-Region ports type from the table), built by
 *   createAwsPorts for every command and faked by every unit test's model of AWS; these three are
 *   not per-Region ports of one account: Organizations and Account are global services (us-east-1)
 *   called with the caller's or each member account's credentials, and AssumeRole produces the
 *   credentials the other ports are built with. Making them entries needs a second kind of entry
 *   (global, outside AwsPorts) in the table; not done yet (issue 11 follow-up).
 * - Consequences, all for those three only: (1) endpoints: `--endpoint-url` and AWS_ENDPOINT_URL
 *   apply (config.endpointUrl), but config.ts does not resolve AWS_ENDPOINT_URL_ORGANIZATIONS /
 *   AWS_ENDPOINT_URL_ACCOUNT (it resolves the table's services only). With no endpoint passed the
 *   SDK clients (>= 3.1169) read those variables themselves, but when AWS_ENDPOINT_URL is also set
 *   kscli passes it explicitly and it wins over the more specific variable (the SDK's order is the
 *   reverse), and error messages name the default host `https://<service>.us-east-1.amazonaws.com`
 *   (site() below) rather than the variable's. AssumeRole uses the table's STS client, so it
 *   follows AWS_ENDPOINT_URL_STS. (2) lazy loading is done here by hand (dynamic import() of
 *   @aws-sdk/client-organizations / client-account on first call), not by lazyPort over an entry.
 *   (3) --max-rps: their operations have no quota in the table, so they are never paced and
 *   --max-rps cannot name them (quotas.ts OPERATION_QUOTAS is built from the table); the
 *   Organizations client has its own unpaced RegionPacer({}) and the Account client the caller
 *   account-Region's pacer, which paces nothing of ListRegions.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsConfig, AwsPorts, CallerIdentity, CloudHsmPort, KmsPort } from '../ports.js';
import { mapFailure } from '../errors.js';
import { DEFAULT_MAX_ATTEMPTS, defaultEndpoint, SCAN_CONCURRENCY } from '../clients.js';
import { instrument, type MiddlewareStackLike } from '../middleware.js';
import { OPERATION_QUOTAS, RegionPacer } from '../quotas.js';
import type { TokenBucket } from '../rate-limiter.js';
import { lazyPort } from '../index.js';
import { AWS_SERVICES, type ClientOf, type ServiceKey } from '../services.js';
import type {
  AccountAccess,
  AccountSession,
  EstateAws,
  OrgAccountInfo,
  OrganizationInfo,
  OrganizationsPort,
  RegionInfo,
} from './ports.js';

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
type CredentialProvider = () => Promise<Credentials>;

/**
 * Credentials are assumed again this long before they expire (the SDK's own identity cache uses
 * the same 5 minutes), so no call is signed with credentials that expire on its way.
 */
export const REFRESH_MARGIN_MS = 5 * 60_000;
/** Session length asked for: 1 h is the default maximum of a role and the cap under role chaining. */
export const SESSION_SECONDS = 3600;
/** Organizations and the Account Management API are global services hosted in us-east-1. */
const GLOBAL_REGION = 'us-east-1';
/** Sockets for the whole estate run: the global concurrency plus the scans inside one Region. */
const MAX_SOCKETS = 256;

/** The table's services used here, and the two global services outside it (see the top comment). */
type EstateService = Extract<ServiceKey, 'kms' | 'sts' | 'cloudhsm'> | 'organizations' | 'account';

/** Whose call this is: the account's credentials and the account-Region's pacer. */
interface CallContextStore {
  accountId: string;
  credentials: CredentialProvider;
  pacer: RegionPacer;
}

/**
 * The pacer of the account-Region making the call (each account and Region is its own quota
 * bucket), for a client shared by every account of one Region.
 */
class ContextPacer extends RegionPacer {
  constructor(
    private readonly current: () => CallContextStore,
    private readonly paced: Readonly<Record<string, number>>,
  ) {
    super(paced);
  }

  override bucket(operation: string): TokenBucket | undefined {
    if (!Object.hasOwn(this.paced, operation) && !Object.hasOwn(OPERATION_QUOTAS, operation)) return undefined;
    const of = () => this.current().pacer.bucket(operation);
    return {
      take: () => of()?.take() ?? Promise.resolve(),
      onThrottle: () => of()?.onThrottle(),
      currentRate: () => of()?.currentRate() ?? 0,
    } as unknown as TokenBucket;
  }
}

export class SdkEstate implements EstateAws {
  private handler: Promise<NodeHttpHandler> | undefined;
  private homeSts: Promise<ClientOf<'sts'>> | undefined;
  /**
   * One KMS client per Region, shared by every account: building an SDK client per account-Region
   * cost most of kscli's CPU over 17,000 of them. Each call still signs with its own account's
   * credentials and takes its own account-Region's pacing tokens: the client's credentials and
   * pacer read them from the call's async context (`inAccount`), and a call made outside one fails
   * rather than borrow another account's credentials.
   */
  private readonly kmsByRegion = new Map<string, Promise<ClientOf<'kms'>>>();
  readonly context = new AsyncLocalStorage<CallContextStore>();

  constructor(
    readonly config: AwsConfig,
    private readonly now: () => number = Date.now,
  ) {}

  get homeRegion(): string {
    return this.config.region;
  }

  endpoint(service: EstateService): string | undefined {
    const perService =
      service === 'organizations' || service === 'account' ? undefined : this.config.serviceEndpoints?.[service];
    return perService ?? this.config.endpointUrl;
  }

  site(service: EstateService, region: string): { region: string; endpoint: string } {
    const fallback =
      service === 'organizations' || service === 'account'
        ? `https://${service}.${GLOBAL_REGION}.amazonaws.com`
        : defaultEndpoint(service, region);
    return { region, endpoint: this.endpoint(service) ?? fallback };
  }

  httpHandler(): Promise<NodeHttpHandler> {
    this.handler ??= (async () => {
      const [{ NodeHttpHandler }, http, https] = await Promise.all([
        import('@smithy/node-http-handler'),
        import('node:http'),
        import('node:https'),
      ]);
      const agentOptions = { keepAlive: true, maxSockets: MAX_SOCKETS };
      return new NodeHttpHandler({
        httpAgent: new http.Agent(agentOptions),
        httpsAgent: new https.Agent(agentOptions),
        connectionTimeout: 5_000,
        requestTimeout: 30_000,
        throwOnRequestTimeout: true,
      });
    })();
    return this.handler;
  }

  /** Options shared by every client of the run. `credentials` undefined: the SDK's default chain. */
  async base(service: EstateService, region: string, credentials?: CredentialProvider | Credentials) {
    const endpoint = this.endpoint(service);
    return {
      region,
      ...(endpoint ? { endpoint } : {}),
      ...(this.config.profile && !credentials ? { profile: this.config.profile } : {}),
      maxAttempts: this.config.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      retryMode: 'standard' as const,
      cacheMiddleware: true as const,
      requestHandler: await this.httpHandler(),
      ...(credentials ? { credentials } : {}),
    };
  }

  /** The STS client of the home Region with the current credentials (static ones with --sandbox). */
  sts(): Promise<ClientOf<'sts'>> {
    this.homeSts ??= (async () =>
      AWS_SERVICES.sts.client(
        await this.base(
          'sts',
          this.config.region,
          this.config.credentials ? { ...this.config.credentials } : undefined,
        ),
      ))();
    return this.homeSts;
  }

  /** The current credentials, resolved once by the home STS client's chain and shared. */
  homeCredentials(): CredentialProvider {
    if (this.config.credentials) {
      const c = { ...this.config.credentials };
      return async () => c;
    }
    return async () => {
      const provider = (await this.sts()).config.credentials as unknown as CredentialProvider;
      return provider();
    };
  }

  async callerIdentity(): Promise<CallerIdentity> {
    return mapFailure(
      { service: 'sts', operation: 'GetCallerIdentity', ...this.site('sts', this.config.region) },
      async () => {
        const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
        const out = await (await this.sts()).send(new GetCallerIdentityCommand({}));
        return { account: out.Account ?? '', arn: out.Arn ?? '', userId: out.UserId ?? '' };
      },
    );
  }

  organizations(): OrganizationsPort {
    return new SdkOrganizations(this);
  }

  session(access: AccountAccess): AccountSession {
    return new SdkAccountSession(this, access, this.now);
  }

  private currentContext(): CallContextStore {
    const c = this.context.getStore();
    if (!c) throw new Error('kscli bug: a KMS call of the estate outside an account context');
    return c;
  }

  private accountClient: Promise<import('@aws-sdk/client-account').AccountClient> | undefined;

  /** The Account Management client, shared by every account like the KMS clients (one ListRegions each). */
  sharedAccount(): Promise<import('@aws-sdk/client-account').AccountClient> {
    this.accountClient ??= (async () => {
      const { AccountClient } = await import('@aws-sdk/client-account');
      const credentials = Object.assign(async () => this.currentContext().credentials(), { memoized: true });
      const c = new AccountClient(await this.base('account', GLOBAL_REGION, credentials));
      this.instrumentClient(c, 'account', new ContextPacer(() => this.currentContext(), this.config.maxRps ?? {}));
      return c;
    })();
    return this.accountClient;
  }

  /** The KMS client of a Region, for every account (see kmsByRegion). */
  sharedKms(region: string): Promise<ClientOf<'kms'>> {
    let client = this.kmsByRegion.get(region);
    if (!client) {
      client = (async () => {
        // `memoized`: the SDK calls it for every request instead of caching one identity per client
        const credentials = Object.assign(async () => this.currentContext().credentials(), { memoized: true });
        const c = await AWS_SERVICES.kms.client(await this.base('kms', region, credentials));
        this.instrumentClient(c, 'kms', new ContextPacer(() => this.currentContext(), this.config.maxRps ?? {}));
        return c;
      })();
      this.kmsByRegion.set(region, client);
      client.catch(() => this.kmsByRegion.delete(region));
    }
    return client;
  }

  instrumentClient(client: { middlewareStack: unknown }, service: string, pacer: RegionPacer): void {
    instrument(client.middlewareStack as MiddlewareStackLike, service, pacer, this.config.debugLog);
  }
}

class SdkOrganizations implements OrganizationsPort {
  private client: Promise<import('@aws-sdk/client-organizations').OrganizationsClient> | undefined;
  private readonly pacer = new RegionPacer({});

  constructor(private readonly estate: SdkEstate) {}

  private org() {
    this.client ??= (async () => {
      const { OrganizationsClient } = await import('@aws-sdk/client-organizations');
      const c = new OrganizationsClient(
        await this.estate.base('organizations', GLOBAL_REGION, this.estate.homeCredentials()),
      );
      this.estate.instrumentClient(c, 'organizations', this.pacer);
      return c;
    })();
    return this.client;
  }

  private site(operation: string) {
    return { service: 'organizations', operation, ...this.estate.site('organizations', GLOBAL_REGION) };
  }

  async describeOrganization(): Promise<OrganizationInfo> {
    return mapFailure(this.site('DescribeOrganization'), async () => {
      const { DescribeOrganizationCommand } = await import('@aws-sdk/client-organizations');
      const out = await (await this.org()).send(new DescribeOrganizationCommand({}));
      return { id: out.Organization?.Id ?? '', managementAccountId: out.Organization?.MasterAccountId ?? '' };
    });
  }

  async listAccounts(): Promise<OrgAccountInfo[]> {
    return mapFailure(this.site('ListAccounts'), async () => {
      const { ListAccountsCommand } = await import('@aws-sdk/client-organizations');
      const org = await this.org();
      const out: OrgAccountInfo[] = [];
      let token: string | undefined;
      // "can occasionally return an empty set of results even when more results are available":
      // only a missing NextToken ends the listing (aws-facts-estate-and-scale.md B1)
      do {
        const page: import('@aws-sdk/client-organizations').ListAccountsCommandOutput = await org.send(
          new ListAccountsCommand({ MaxResults: 20, NextToken: token }),
        );
        for (const a of page.Accounts ?? []) out.push(toAccount(a));
        token = page.NextToken;
      } while (token);
      return out;
    });
  }

  async listAccountsUnder(parentId: string): Promise<OrgAccountInfo[]> {
    return mapFailure(this.site('ListAccountsForParent'), async () => {
      const { ListAccountsForParentCommand, ListChildrenCommand } = await import('@aws-sdk/client-organizations');
      const org = await this.org();
      const out: OrgAccountInfo[] = [];
      const parents = [parentId];
      while (parents.length > 0) {
        const parent = parents.shift()!;
        let token: string | undefined;
        do {
          const page: import('@aws-sdk/client-organizations').ListAccountsForParentCommandOutput = await org.send(
            new ListAccountsForParentCommand({ ParentId: parent, MaxResults: 20, NextToken: token }),
          );
          for (const a of page.Accounts ?? []) out.push(toAccount(a));
          token = page.NextToken;
        } while (token);
        // ListAccountsForParent returns direct children only: walk the OUs below
        token = undefined;
        do {
          const page: import('@aws-sdk/client-organizations').ListChildrenCommandOutput = await org.send(
            new ListChildrenCommand({
              ParentId: parent,
              ChildType: 'ORGANIZATIONAL_UNIT',
              MaxResults: 20,
              NextToken: token,
            }),
          );
          for (const c of page.Children ?? []) if (c.Id) parents.push(c.Id);
          token = page.NextToken;
        } while (token);
      }
      return out;
    });
  }
}

function toAccount(a: { Id?: string; Name?: string; Email?: string; State?: string; Status?: string }): OrgAccountInfo {
  return {
    id: a.Id ?? '',
    ...(a.Name ? { name: a.Name } : {}),
    ...(a.Email ? { email: a.Email } : {}),
    state: a.State ?? a.Status ?? 'UNKNOWN',
  };
}

interface RegionClients {
  pacer: RegionPacer;
  cloudhsm?: Promise<ClientOf<'cloudhsm'>>;
  ports?: Promise<AwsPorts>;
}

class SdkAccountSession implements AccountSession {
  private creds: Promise<Credentials> | undefined;
  private readonly regions = new Map<string, RegionClients>();

  constructor(
    private readonly estate: SdkEstate,
    private readonly access: AccountAccess,
    private readonly now: () => number,
  ) {}

  get accountId(): string {
    return this.access.accountId;
  }

  /** The credentials of this account: the current ones for the caller's account, else assumed. */
  private credentials(): Promise<Credentials> {
    if (!this.access.roleArn) return this.estate.homeCredentials()();
    const stale = (c: Credentials) => !c.expiration || c.expiration.getTime() - this.now() < REFRESH_MARGIN_MS;
    const current = this.creds;
    if (current) {
      return current.then((c) => (stale(c) && this.creds === current ? this.assume() : c));
    }
    return this.assume();
  }

  private assume(): Promise<Credentials> {
    const access = this.access;
    const p = mapFailure(
      { service: 'sts', operation: 'AssumeRole', ...this.estate.site('sts', this.estate.homeRegion) },
      async () => {
        const { AssumeRoleCommand } = await import('@aws-sdk/client-sts');
        const out = await (
          await this.estate.sts()
        ).send(
          new AssumeRoleCommand({
            RoleArn: access.roleArn,
            RoleSessionName: access.sessionName ?? 'kscli',
            DurationSeconds: SESSION_SECONDS,
            ...(access.externalId ? { ExternalId: access.externalId } : {}),
          }),
        );
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole answered without credentials');
        return {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
          expiration: c.Expiration,
        };
      },
    );
    this.creds = p;
    p.catch(() => {
      if (this.creds === p) this.creds = undefined;
    });
    return p;
  }

  async ready(): Promise<void> {
    await this.credentials();
  }

  invalidate(): void {
    this.creds = undefined;
    // clients cache the identity they resolved: build new ones
    this.regions.clear();
  }

  private provider(): CredentialProvider {
    return () => this.credentials();
  }

  private clientsOf(region: string): RegionClients {
    let r = this.regions.get(region);
    if (!r) {
      r = { pacer: new RegionPacer(this.estate.config.maxRps ?? {}) };
      this.regions.set(region, r);
    }
    return r;
  }

  async listRegions(): Promise<RegionInfo[]> {
    const store: CallContextStore = {
      accountId: this.accountId,
      credentials: this.provider(),
      pacer: this.clientsOf(GLOBAL_REGION).pacer,
    };
    return this.estate.context.run(store, () => this.listRegionsInContext());
  }

  private async listRegionsInContext(): Promise<RegionInfo[]> {
    return mapFailure(
      { service: 'account', operation: 'ListRegions', ...this.estate.site('account', GLOBAL_REGION) },
      async () => {
        const { ListRegionsCommand } = await import('@aws-sdk/client-account');
        const client = await this.estate.sharedAccount();
        const out: RegionInfo[] = [];
        let token: string | undefined;
        do {
          const page: import('@aws-sdk/client-account').ListRegionsCommandOutput = await client.send(
            new ListRegionsCommand({ MaxResults: 50, NextToken: token }),
          );
          for (const r of page.Regions ?? [])
            if (r.RegionName) out.push({ name: r.RegionName, status: r.RegionOptStatus ?? 'UNKNOWN' });
          token = page.NextToken;
        } while (token);
        return out;
      },
    );
  }

  kms(region: string): KmsPort {
    const clients = this.clientsOf(region);
    const store: CallContextStore = { accountId: this.accountId, credentials: this.provider(), pacer: clients.pacer };
    const port = lazyPort(AWS_SERVICES.kms.methods, () =>
      AWS_SERVICES.kms.adapter(() => this.estate.sharedKms(region), {
        site: this.estate.site('kms', region),
        bucket: (operation) => clients.pacer.bucket(operation),
        scanConcurrency: SCAN_CONCURRENCY,
        debugLog: this.estate.config.debugLog,
      }),
    ) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    // every call of this port, and everything it awaits, runs as this account in this Region
    const inContext = {} as Record<string, (...args: unknown[]) => Promise<unknown>>;
    for (const name of Object.keys(AWS_SERVICES.kms.methods))
      inContext[name] = (...args) => this.estate.context.run(store, () => port[name]!(...args));
    return inContext as unknown as KmsPort;
  }

  cloudhsm(region: string): CloudHsmPort {
    const clients = this.clientsOf(region);
    const client = () =>
      (clients.cloudhsm ??= (async () => {
        const c = await AWS_SERVICES.cloudhsm.client(await this.estate.base('cloudhsm', region, this.provider()));
        this.estate.instrumentClient(c, 'cloudhsm', clients.pacer);
        return c;
      })());
    return lazyPort(AWS_SERVICES.cloudhsm.methods, () =>
      AWS_SERVICES.cloudhsm.adapter(client, {
        site: this.estate.site('cloudhsm', region),
        bucket: (operation) => clients.pacer.bucket(operation),
        scanConcurrency: SCAN_CONCURRENCY,
        debugLog: this.estate.config.debugLog,
      }),
    ) as CloudHsmPort;
  }

  async ports(region: string): Promise<AwsPorts> {
    const clients = this.clientsOf(region);
    clients.ports ??= (async () => {
      const { createAwsPorts } = await import('../index.js');
      // the evidence code reads a handful of calls per key: static credentials valid for at least
      // REFRESH_MARGIN_MS are enough, and its clients live only as long as this Region's work
      const c = await this.credentials();
      return createAwsPorts({
        ...this.estate.config,
        region,
        credentials: {
          accessKeyId: c.accessKeyId,
          secretAccessKey: c.secretAccessKey,
          ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
        },
      });
    })();
    return clients.ports;
  }

  release(region: string): void {
    this.regions.delete(region);
  }
}
