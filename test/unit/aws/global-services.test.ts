/**
 * Global services (Organizations, Account Management) are entries of the service table like the
 * others: their endpoint variables resolve, their clients live in the partition's global Region
 * whatever the home Region, errors name their host, and `--max-rps` can name and pace their
 * operations (issue 17).
 */
import { TEST_CREDENTIALS } from './sdk-test-env.js';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveAwsConfig, parseMaxRps, SERVICE_ENDPOINT_ENV } from '../../../src/aws/config.js';
import { AwsClients } from '../../../src/aws/clients.js';
import { portsOver } from '../../../src/aws/index.js';
import { SdkEstate } from '../../../src/aws/estate/sdk-estate.js';
import { globalRegionFor, clientRegion } from '../../../src/aws/services.js';
import type { Clock } from '../../../src/aws/rate-limiter.js';
import { startLoopback, type Loopback } from './loopback-server.js';

const noProfileRegion = async () => undefined;
const servers: Loopback[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Answers Organizations' ListAccounts with `pages` pages of one account each. */
async function organizationsServer(pages = 1): Promise<Loopback> {
  const server = await startLoopback((req) => {
    const page = Number(req.body.NextToken ?? 0);
    return {
      body: {
        Accounts: [{ Id: `20000000000${page}`, Name: `a${page}`, State: 'ACTIVE' }],
        ...(page + 1 < pages ? { NextToken: String(page + 1) } : {}),
      },
    };
  });
  servers.push(server);
  return server;
}

/** A clock that moves only when told. */
class ManualClock implements Clock {
  t = 0;
  private timers: Array<{ at: number; fn: () => void }> = [];
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { at: this.t + ms, fn };
    this.timers.push(timer);
    return timer;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t !== handle);
  }
  advance(ms: number): void {
    this.t += ms;
    const due = this.timers.filter((t) => t.at <= this.t);
    this.timers = this.timers.filter((t) => t.at > this.t);
    for (const t of due) t.fn();
  }
}

describe('global services in the service table', () => {
  it('have endpoint variables named as the SDK names them', () => {
    expect(SERVICE_ENDPOINT_ENV.organizations).toBe('AWS_ENDPOINT_URL_ORGANIZATIONS');
    expect(SERVICE_ENDPOINT_ENV.account).toBe('AWS_ENDPOINT_URL_ACCOUNT');
  });

  it("live in the partition's global Region whatever the home Region; regional ones do not move", () => {
    expect(clientRegion('organizations', 'eu-west-1')).toBe('us-east-1');
    expect(clientRegion('account', 'ap-south-2')).toBe('us-east-1');
    expect(clientRegion('kms', 'eu-west-1')).toBe('eu-west-1');
    expect(clientRegion('sts', 'eu-west-1')).toBe('eu-west-1');
    expect(globalRegionFor('cn-north-1')).toBe('cn-northwest-1');
    expect(globalRegionFor('us-gov-east-1')).toBe('us-gov-west-1');
  });

  it('name their global host in errors when no endpoint is configured', () => {
    const clients = new AwsClients({ region: 'eu-west-1', credentials: TEST_CREDENTIALS });
    expect(clients.site('organizations', 'eu-west-1')).toEqual({
      region: 'us-east-1',
      endpoint: 'https://organizations.us-east-1.amazonaws.com',
    });
    expect(clients.site('account')).toEqual({
      region: 'us-east-1',
      endpoint: 'https://account.us-east-1.amazonaws.com',
    });
    expect(clients.site('kms')).toEqual({ region: 'eu-west-1', endpoint: 'https://kms.eu-west-1.amazonaws.com' });
  });

  it('send to AWS_ENDPOINT_URL_ORGANIZATIONS over AWS_ENDPOINT_URL, signed for us-east-1, through the estate', async () => {
    const org = await organizationsServer(2);
    const other = await organizationsServer();
    const config = await resolveAwsConfig(
      {},
      { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: other.url, AWS_ENDPOINT_URL_ORGANIZATIONS: org.url },
      { profileRegion: noProfileRegion },
    );
    expect(config.serviceEndpoints).toEqual({ organizations: org.url });
    const estate = new SdkEstate({ ...config, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    const accounts = await estate.organizations().listAccounts();
    expect(accounts.map((a) => a.id)).toEqual(['200000000000', '200000000001']);
    expect(org.seen.map((r) => r.operation)).toEqual(['ListAccounts', 'ListAccounts']);
    expect(other.seen).toEqual([]);
    expect(String(org.seen[0]!.headers.authorization)).toContain('/us-east-1/organizations/aws4_request');
  });

  it("name the endpoint variable's host when it cannot be reached", async () => {
    const estate = new SdkEstate({
      region: 'eu-west-1',
      serviceEndpoints: { organizations: 'http://127.0.0.1:9' },
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    await expect(estate.organizations().describeOrganization()).rejects.toThrow(/127\.0\.0\.1:9/);
  });
});

describe('--max-rps names a global operation', () => {
  it('accepts Organizations operations (no published quota) and the Account quota, case-insensitively', () => {
    expect(parseMaxRps(['listaccounts=2', 'ListRegions=1'])).toEqual({ ListAccounts: 2, ListRegions: 1 });
  });

  it('paces a named global operation, and leaves it unpaced when not named', async () => {
    const org = await organizationsServer(3);
    const clock = new ManualClock();
    const config = { region: 'eu-west-1', endpointUrl: org.url, credentials: TEST_CREDENTIALS, maxAttempts: 1 };
    // named: 1 per second, burst 1: the first page goes at once, each next one after a token accrues
    const paced = new AwsClients({ ...config, maxRps: { ListAccounts: 1 } }, { clock });
    const listing = portsOver(async () => paced, config.region)
      .organizations()
      .listAccounts();
    await until(() => org.seen.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(org.seen).toHaveLength(1);
    clock.advance(1100);
    await until(() => org.seen.length === 2);
    clock.advance(1100);
    expect(await listing).toHaveLength(3);
    // the global client's pacer is the global Region's
    expect(paced.pacer('us-east-1').bucket('ListAccounts')?.ceiling).toBeCloseTo(0.95);

    // not named: AWS publishes no quota, so nothing waits for the clock
    org.seen.length = 0;
    const unpaced = new AwsClients(config, { clock });
    expect(
      await portsOver(async () => unpaced, config.region)
        .organizations()
        .listAccounts(),
    ).toHaveLength(3);
    expect(unpaced.pacer('us-east-1').bucket('ListAccounts')).toBeUndefined();
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
}
