/**
 * The one way tests build an AwsPorts: `fakePorts({ kms: {...}, sts: {...} })`. Each service the
 * table (src/aws/services.ts) lists gets a port with exactly its entry's methods; a method the test
 * did not give throws, naming it, instead of answering something made up. A service may be given
 * as a port (every Region) or as a function of the Region asked for.
 */
import type { AwsPorts } from '../../../src/aws/ports.js';
import { AWS_SERVICES, SERVICE_KEYS, type PortOf, type ServiceKey } from '../../../src/aws/services.js';

export type PortPart<K extends ServiceKey> = Partial<PortOf<K>> | ((region: string) => Partial<PortOf<K>>);
export type PartialPorts = { region?: string } & { [K in ServiceKey]?: PortPart<K> };

/** The error a test sees when the code under test calls a method the fake does not give. */
export class NotFakedError extends Error {
  constructor(readonly method: string) {
    super(`fakePorts: ${method} is not faked by this test`);
  }
}

type Methods = Record<string, (...args: unknown[]) => unknown>;

export function fakePorts(partial: PartialPorts = {}): AwsPorts {
  const home = partial.region ?? 'eu-west-1';
  const accessors: Record<string, (region?: string) => unknown> = {};
  for (const service of SERVICE_KEYS) {
    const given = partial[service] as Partial<Methods> | ((region: string) => Partial<Methods>) | undefined;
    accessors[service] = (region = home) => {
      const part = typeof given === 'function' ? given(region) : (given ?? {});
      const port: Methods = {};
      for (const name of Object.keys(AWS_SERVICES[service].methods)) {
        const method = part[name];
        port[name] = method
          ? (...args) => method.apply(part, args)
          : () => Promise.reject(new NotFakedError(`${service}.${name}`));
      }
      return port;
    };
  }
  // the accessors are built from the table, one per ServiceKey with that key's methods
  return { region: home, ...accessors } as unknown as AwsPorts;
}
