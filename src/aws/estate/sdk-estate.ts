/**
 * EstateAws on the AWS SDK, every client built by the service table's code (AwsClients over
 * ../services.ts): endpoints (AWS_ENDPOINT_URL_ORGANIZATIONS, _ACCOUNT, _STS ...), `--max-rps`
 * names, pacing and the hosts named in errors are the same as for every other command.
 *
 * - One HTTP handler (one keep-alive socket pool) for the whole run.
 * - The home Region's ports sign with the current credentials: STS (GetCallerIdentity, and
 *   AssumeRole for every account: a Regional STS endpoint's tokens are valid in every Region, opt-in
 *   ones included; aws-facts-estate-and-scale.md B2) and Organizations (a global service).
 * - Per account and Region a pacer (every account and Region is its own quota bucket); one KMS
 *   client per Region and one Account Management client, shared by every account (see kmsByRegion),
 *   a CloudHSM client per account and Region when a CloudHSM store is there, dropped when that
 *   Region's work ends.
 *
 * Loaded only by the estate commands (dynamic import): --help never loads it or the SDK.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AssumedCredentials, AwsConfig, AwsPorts, CallerIdentity, CloudHsmPort, KmsPort } from '../ports.js';
import { AwsClients, SCAN_CONCURRENCY, type BuildOptions } from '../clients.js';
import type { Pacer } from '../middleware.js';
import { PACEABLE_OPERATIONS, RegionPacer } from '../quotas.js';
import type { Pacing } from '../rate-limiter.js';
import { lazyPort, portsOver } from '../index.js';
import { AWS_SERVICES, entryOf, type ClientOf, type PortOf } from '../services.js';
import type { AccountAccess, AccountPort, AccountSession, EstateAws, OrganizationsPort, RegionInfo } from './ports.js';

type CredentialProvider = () => Promise<AssumedCredentials>;

/**
 * Credentials are assumed again this long before they expire (the SDK's own identity cache uses
 * the same 5 minutes), so no call is signed with credentials that expire on its way.
 */
export const REFRESH_MARGIN_MS = 5 * 60_000;
/** Session length asked for: 1 h is the default maximum of a role and the cap under role chaining. */
export const SESSION_SECONDS = 3600;
/** Sockets for the whole estate run: the global concurrency plus the scans inside one Region. */
const MAX_SOCKETS = 256;

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
class ContextPacer implements Pacer {
  constructor(
    private readonly current: () => CallContextStore,
    private readonly named: Readonly<Record<string, number>>,
  ) {}

  bucket(operation: string): Pacing | undefined {
    if (!Object.hasOwn(this.named, operation) && !PACEABLE_OPERATIONS.includes(operation)) return undefined;
    const of = () => this.current().pacer.bucket(operation);
    return {
      take: () => of()?.take() ?? Promise.resolve(),
      onThrottle: () => of()?.onThrottle(),
      currentRate: () => of()?.currentRate() ?? 0,
    };
  }
}

/** Runs `fn` over a new estate and closes it afterwards, whatever `fn` did (SdkEstate.close). */
export async function withEstate<T>(config: AwsConfig, fn: (estate: SdkEstate) => Promise<T>): Promise<T> {
  const estate = new SdkEstate(config);
  try {
    return await fn(estate);
  } finally {
    estate.close();
  }
}

export class SdkEstate implements EstateAws {
  readonly clients: AwsClients;
  /** the ports of the home Region, with the current credentials */
  private readonly home: AwsPorts;
  /**
   * One KMS client per Region, shared by every account: building an SDK client per account-Region
   * cost most of kscli's CPU over 17,000 of them. Each call still signs with its own account's
   * credentials and takes its own account-Region's pacing tokens: the client's credentials and
   * pacer read them from the call's async context (`inAccount`), and a call made outside one fails
   * rather than borrow another account's credentials.
   */
  private readonly kmsByRegion = new Map<string, Promise<ClientOf<'kms'>>>();
  /** The Account Management client, shared by every account like the KMS clients. */
  private accountClient: Promise<ClientOf<'account'>> | undefined;
  readonly context = new AsyncLocalStorage<CallContextStore>();
  /** what a shared client signs and paces with: the current call's account and Region */
  private readonly inContext: BuildOptions;

  constructor(
    readonly config: AwsConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.clients = new AwsClients(config, { maxSockets: MAX_SOCKETS });
    this.home = portsOver(async () => this.clients, config.region);
    this.inContext = {
      // `memoized`: the SDK calls it for every request instead of caching one identity per client
      credentials: Object.assign(async () => this.currentContext().credentials(), { memoized: true }),
      pacer: new ContextPacer(() => this.currentContext(), config.maxRps ?? {}),
    };
  }

  /**
   * Ends the estate's async context. While any AsyncLocalStorage is enabled (from its first `run`),
   * Node 20 keeps async hooks on for every promise of the process: kscli's own process exits after
   * the command, but a process that runs kscli's commands in it (the end-to-end harness, a library
   * user) paid for them for the rest of its life, 10-25% of the CPU of promise-heavy work measured
   * in the test workers after one in-process `inventory` (issue 17). A call still under way fails
   * as a call outside an account context does (it never borrows other credentials); a new call
   * through the estate enables its context again.
   */
  close(): void {
    this.context.disable();
  }

  get homeRegion(): string {
    return this.config.region;
  }

  callerIdentity(): Promise<CallerIdentity> {
    return this.home.sts().getCallerIdentity();
  }

  organizations(): OrganizationsPort {
    return this.home.organizations();
  }

  /** STS AssumeRole with the current credentials, in the home Region. */
  assumeRole(access: AccountAccess & { roleArn: string }): Promise<AssumedCredentials> {
    return this.home.sts().assumeRole({
      roleArn: access.roleArn,
      sessionName: access.sessionName ?? 'kscli',
      durationSeconds: SESSION_SECONDS,
      ...(access.externalId ? { externalId: access.externalId } : {}),
    });
  }

  /** The current credentials, resolved once by the home STS client's chain and shared. */
  homeCredentials(): CredentialProvider {
    return async () => {
      const c = await this.clients.credentials();
      if (!c) throw new Error('kscli bug: no shared credentials');
      return typeof c === 'function' ? c() : c;
    };
  }

  session(access: AccountAccess): AccountSession {
    return new SdkAccountSession(this, access, this.now);
  }

  private currentContext(): CallContextStore {
    const c = this.context.getStore();
    if (!c) throw new Error('kscli bug: a call of the estate outside an account context');
    return c;
  }

  /** The Account Management client (global), for every account. */
  sharedAccount(): Promise<ClientOf<'account'>> {
    if (!this.accountClient) {
      const client = this.clients.build('account', this.homeRegion, this.inContext);
      this.accountClient = client;
      client.catch(() => {
        if (this.accountClient === client) this.accountClient = undefined;
      });
    }
    return this.accountClient;
  }

  /** The KMS client of a Region, for every account (see kmsByRegion). */
  sharedKms(region: string): Promise<ClientOf<'kms'>> {
    let client = this.kmsByRegion.get(region);
    if (!client) {
      client = this.clients.build('kms', region, this.inContext);
      this.kmsByRegion.set(region, client);
      client.catch(() => this.kmsByRegion.delete(region));
    }
    return client;
  }

  /** A port of the table over `client`, its DescribeKey fast path paced by `pacer`. */
  port<K extends 'kms' | 'cloudhsm' | 'account'>(
    service: K,
    region: string,
    client: () => Promise<ClientOf<K>>,
    pacer: RegionPacer,
  ): PortOf<K> {
    const entry = entryOf(service);
    return lazyPort(entry.methods, () =>
      entry.adapter(client, {
        site: this.clients.site(service, region),
        bucket: (operation: string) => pacer.bucket(operation),
        scanConcurrency: SCAN_CONCURRENCY,
        debugLog: this.config.debugLog,
      }),
    );
  }
}

interface RegionClients {
  pacer: RegionPacer;
  cloudhsm?: Promise<ClientOf<'cloudhsm'>>;
  ports?: Promise<AwsPorts>;
}

class SdkAccountSession implements AccountSession {
  private creds: Promise<AssumedCredentials> | undefined;
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
  private credentials(): Promise<AssumedCredentials> {
    if (!this.access.roleArn) return this.estate.homeCredentials()();
    const stale = (c: AssumedCredentials) => !c.expiration || c.expiration.getTime() - this.now() < REFRESH_MARGIN_MS;
    const current = this.creds;
    if (current) {
      return current.then((c) => (stale(c) && this.creds === current ? this.assume() : c));
    }
    return this.assume();
  }

  private assume(): Promise<AssumedCredentials> {
    const roleArn = this.access.roleArn!;
    const p = this.estate.assumeRole({ ...this.access, roleArn });
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

  /** Every call of `port`, and everything it awaits, runs as this account in `region`. */
  private inAccount<T extends object>(port: T, methods: Record<keyof T, true>, region: string): T {
    const store: CallContextStore = {
      accountId: this.accountId,
      credentials: this.provider(),
      pacer: this.clientsOf(region).pacer,
    };
    const wrapped = {} as Record<keyof T, unknown>;
    for (const name of Object.keys(methods) as Array<keyof T>) {
      const method = port[name];
      if (typeof method === 'function')
        wrapped[name] = (...args: unknown[]) => this.estate.context.run(store, () => method.apply(port, args));
    }
    return wrapped as T;
  }

  listRegions(): Promise<RegionInfo[]> {
    const global = this.estate.clients.site('account', this.estate.homeRegion).region;
    const port: AccountPort = this.estate.port(
      'account',
      global,
      () => this.estate.sharedAccount(),
      this.clientsOf(global).pacer,
    );
    return this.inAccount(port, AWS_SERVICES.account.methods, global).listRegions();
  }

  kms(region: string): KmsPort {
    const port = this.estate.port('kms', region, () => this.estate.sharedKms(region), this.clientsOf(region).pacer);
    return this.inAccount(port, AWS_SERVICES.kms.methods, region);
  }

  cloudhsm(region: string): CloudHsmPort {
    const clients = this.clientsOf(region);
    const client = () =>
      (clients.cloudhsm ??= this.estate.clients.build('cloudhsm', region, {
        credentials: this.provider(),
        pacer: clients.pacer,
      }));
    return this.estate.port('cloudhsm', region, client, clients.pacer);
  }

  async ports(region: string): Promise<AwsPorts> {
    const clients = this.clientsOf(region);
    clients.ports ??= (async () => {
      // the evidence code reads a handful of calls per key: static credentials valid for at least
      // REFRESH_MARGIN_MS are enough, and its clients live only as long as this Region's work
      const c = await this.credentials();
      const config: AwsConfig = {
        ...this.estate.config,
        region,
        credentials: {
          accessKeyId: c.accessKeyId,
          secretAccessKey: c.secretAccessKey,
          ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
        },
      };
      const shared = new AwsClients(config, { sharePoolOf: this.estate.clients });
      return portsOver(async () => shared, region);
    })();
    return clients.ports;
  }

  release(region: string): void {
    this.regions.delete(region);
  }
}
