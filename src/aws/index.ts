/**
 * createAwsPorts: the AWS side of the deps object, one lazy port per entry of the service table
 * (services.ts). This is kscli's ONE laziness mechanism: an accessor returns at once without
 * loading anything, and the port's first call prepares the configuration (deps starts the
 * `--sandbox` here) and loads the adapter module (which imports the SDK client). So a command that never calls AWS never loads the SDK, and `--help`, `--version` and
 * bad input stay fast (test/e2e/lazy-sdk.test.ts).
 * Ports are memoised per service and Region (one for a global service); the clients behind them
 * are shared (clients.ts).
 */
import type { AwsConfig, AwsPorts } from './ports.js';
import { AwsClients, SCAN_CONCURRENCY } from './clients.js';
import { clientRegion, entryOf, SERVICE_KEYS, type MethodNames, type PortOf, type ServiceKey } from './services.js';

/** A port whose every method first loads the real adapter (once), then delegates to it. */
export function lazyPort<T extends object>(methods: MethodNames<T>, load: () => Promise<T>): T {
  const get = retryingOnce(load);
  const port = {} as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of Object.keys(methods)) {
    port[name] = async (...args: unknown[]) => {
      const real = (await get()) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      return real[name]!(...args);
    };
  }
  return port as unknown as T;
}

/** `load` run once and shared; a failed load is not kept, so the next call tries again. */
function retryingOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () =>
    (loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    }));
}

export interface CreateAwsPortsOptions {
  /** DescribeKey calls in flight during scanKeys (default SCAN_CONCURRENCY) */
  scanConcurrency?: number;
  /**
   * Runs once, on the first call of any port, before a client is built; returns the configuration
   * the clients use (deps.ts starts the in-process sandbox here and points every client at it).
   */
  prepare?: (config: AwsConfig) => Promise<AwsConfig>;
}

export function createAwsPorts(config: AwsConfig, options: CreateAwsPortsOptions = {}): AwsPorts {
  const clients = retryingOnce(async (): Promise<AwsClients> => {
    return new AwsClients(options.prepare ? await options.prepare(config) : config);
  });
  return portsOver(clients, config.region, options.scanConcurrency);
}

/**
 * One lazy port per entry of the service table over `clients` (built on the first call of any
 * port), memoised per service and Region; a global service's port is the same for every Region.
 */
export function portsOver(
  clients: () => Promise<AwsClients>,
  home: string,
  scanConcurrency = SCAN_CONCURRENCY,
): AwsPorts {
  const ports = new Map<string, unknown>();

  function port<K extends ServiceKey>(service: K, region = home): PortOf<K> {
    const key = `${service}/${clientRegion(service, region)}`;
    let made = ports.get(key) as PortOf<K> | undefined;
    if (!made) {
      const entry = entryOf(service);
      const where = clientRegion(service, region);
      made = lazyPort<PortOf<K>>(entry.methods, () =>
        clients().then((shared) =>
          entry.adapter(() => shared.get(service, where), {
            site: shared.site(service, where),
            bucket: (operation) => shared.pacer(where).bucket(operation),
            scanConcurrency,
            debugLog: shared.config.debugLog,
          }),
        ),
      );
      ports.set(key, made);
    }
    return made;
  }

  const accessors = Object.fromEntries(
    SERVICE_KEYS.map((service) => [service, (region?: string) => port(service, region)]),
  );
  return { region: home, ...accessors } as AwsPorts;
}
