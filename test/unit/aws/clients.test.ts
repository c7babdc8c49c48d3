import { TEST_CREDENTIALS } from './sdk-test-env.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createServer } from 'node:net';
import { AwsClients, DEFAULT_MAX_ATTEMPTS } from '../../../src/aws/clients.js';
import { createAwsPorts } from '../../../src/aws/index.js';
import { ExitCode, KscliError } from '../../../src/errors.js';
import { startLoopback, type Loopback } from './loopback-server.js';

type EndpointProvider = () => Promise<{ hostname: string; port?: number; protocol: string }>;
const SERVICES = ['kms', 'sts', 'cloudtrail', 'logs', 'cloudwatch', 'sns', 'cloudhsm'] as const;

describe('client configuration', () => {
  it('passes the configured endpoint to every client, the CloudHSM v2 client included', async () => {
    const clients = new AwsClients({
      region: 'eu-west-1',
      endpointUrl: 'http://127.0.0.1:4566',
      credentials: TEST_CREDENTIALS,
    });
    for (const service of SERVICES) {
      const client = await clients.get(service);
      const endpoint = await (client.config.endpoint as unknown as EndpointProvider)();
      expect([service, endpoint.hostname, Number(endpoint.port)]).toEqual([service, '127.0.0.1', 4566]);
      expect(await (client.config.region as unknown as () => Promise<string>)()).toBe('eu-west-1');
    }
  });

  it('lets a per-service endpoint win over the global one', async () => {
    const clients = new AwsClients({
      region: 'us-east-1',
      endpointUrl: 'http://127.0.0.1:4566',
      serviceEndpoints: { cloudhsm: 'http://127.0.0.1:5001' },
      credentials: TEST_CREDENTIALS,
    });
    const hsm = await (await clients.get('cloudhsm')).config.endpoint!();
    expect(hsm.port).toBe(5001);
    expect(clients.endpointFor('cloudhsm')).toBe('http://127.0.0.1:5001');
    expect(clients.endpointFor('kms')).toBe('http://127.0.0.1:4566');
  });

  it('names the default AWS endpoint when none is configured', () => {
    const clients = new AwsClients({ region: 'eu-west-3' });
    expect(clients.endpointFor('cloudwatch')).toBe('https://monitoring.eu-west-3.amazonaws.com');
    expect(clients.endpointFor('cloudhsm', 'cn-north-1')).toBe('https://cloudhsmv2.cn-north-1.amazonaws.com.cn');
  });

  it('uses standard retries with 5 attempts, the profile, and one shared HTTP handler', async () => {
    const clients = new AwsClients({ region: 'us-east-1', profile: 'ops', credentials: TEST_CREDENTIALS });
    const base = await clients.baseConfig('kms', 'us-east-1');
    expect(base).toMatchObject({ maxAttempts: DEFAULT_MAX_ATTEMPTS, retryMode: 'standard', profile: 'ops' });
    expect(DEFAULT_MAX_ATTEMPTS).toBe(5);
    expect((await clients.baseConfig('cloudhsm', 'us-east-1')).requestHandler).toBe(base.requestHandler);
  });

  it('paces inside the retry loop, before signing, and drops the SDK logger middleware (new and 3.332 clients)', async () => {
    const clients = new AwsClients({ region: 'us-east-1', credentials: TEST_CREDENTIALS, debugLog: () => {} });
    for (const client of [await clients.get('kms'), await clients.get('cloudhsm')]) {
      const names = client.middlewareStack.identify().map((entry) => entry.split(/[ :]/)[0]);
      const at = (name: string) => names.indexOf(name);
      expect(at('kscliPacingMiddleware')).toBeGreaterThan(at('retryMiddleware'));
      expect(at('kscliPacingMiddleware')).toBeLessThan(Math.max(at('httpSigningMiddleware'), at('awsAuthMiddleware')));
      expect(at('kscliDebugLogMiddleware')).toBe(0);
      expect(names).not.toContain('loggerMiddleware');
    }
  });

  it('memoises clients per service and Region', async () => {
    const clients = new AwsClients({ region: 'us-east-1', credentials: TEST_CREDENTIALS });
    expect(await clients.get('kms')).toBe(await clients.get('kms', 'us-east-1'));
    expect(await clients.get('kms', 'eu-west-1')).not.toBe(await clients.get('kms'));
    expect(clients.pacer('eu-west-1')).not.toBe(clients.pacer());
  });
});

describe('clients against a loopback endpoint', () => {
  let server: Loopback;
  let describeAnswers: Array<{ status?: number; body: Record<string, unknown> }>;

  beforeEach(async () => {
    describeAnswers = [];
    server = await startLoopback((req) => {
      if (req.operation === 'DescribeKey') {
        return (
          describeAnswers.shift() ?? {
            body: { KeyMetadata: { KeyId: String(req.body.KeyId), KeyState: 'Enabled', CreationDate: 1700000000 } },
          }
        );
      }
      if (req.operation === 'DescribeClusters')
        return { body: { Clusters: [{ ClusterId: 'cluster-abc', State: 'ACTIVE', Hsms: [] }] } };
      return { status: 400, body: { __type: 'UnknownOperationException', message: req.operation } };
    });
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await server.close();
  });

  it('sends CloudHSM v2 calls to the configured endpoint (its client ignores AWS_ENDPOINT_URL)', async () => {
    const ports = createAwsPorts({ region: 'us-east-1', endpointUrl: server.url, credentials: TEST_CREDENTIALS });
    expect(await ports.cloudhsm().describeCluster('cluster-abc')).toMatchObject({
      clusterId: 'cluster-abc',
      state: 'ACTIVE',
    });
    expect(server.seen.map((r) => r.target)).toEqual(['BaldrApiService.DescribeClusters']);
  });

  it('shares the default credential chain between clients, the old CloudHSM client included', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFROMTHEENVCHAIN');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'not-a-real-secret');
    vi.stubEnv('AWS_SESSION_TOKEN', '');
    const ports = createAwsPorts({ region: 'us-east-1', endpointUrl: server.url });
    await ports.kms().describeKey('k1');
    await ports.cloudhsm().describeCluster('cluster-abc');
    const scopes = server.seen.map((r) => /Credential=([A-Z0-9]+)\//.exec(String(r.headers.authorization))?.[1]);
    expect(scopes).toEqual(['AKIDFROMTHEENVCHAIN', 'AKIDFROMTHEENVCHAIN']);
  });

  it('re-sends a throttled call instead of failing, and slows that operation down', async () => {
    const ports = createAwsPorts({
      region: 'us-east-1',
      endpointUrl: server.url,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    describeAnswers.push({ status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } });
    // maxAttempts 1: the SDK itself does not retry, so only kscli's pacing layer can save the call
    expect(await ports.kms().describeKey('k1')).toMatchObject({ keyId: 'k1', state: 'Enabled' });
    expect(server.seen.map((r) => r.operation)).toEqual(['DescribeKey', 'DescribeKey']);
  });

  it('lowers the rate of the throttled operation in its Region', async () => {
    const clients = new AwsClients({
      region: 'us-east-1',
      endpointUrl: server.url,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    describeAnswers.push({ status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } });
    const { DescribeKeyCommand } = await import('@aws-sdk/client-kms');
    await (await clients.get('kms')).send(new DescribeKeyCommand({ KeyId: 'k1' }));
    expect(clients.pacer().bucket('DescribeKey')!.currentRate()).toBeLessThan(1900);
    expect(clients.pacer().bucket('ListKeys')!.currentRate()).toBe(475);
  });

  it('passes errors other than throttling straight through (no re-send)', async () => {
    const ports = createAwsPorts({
      region: 'us-east-1',
      endpointUrl: server.url,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    describeAnswers.push({ status: 400, body: { __type: 'AccessDeniedException', message: 'not authorized' } });
    const error = await ports
      .kms()
      .describeKey('k1')
      .catch((e: unknown) => e);
    expect((error as KscliError).exitCode).toBe(ExitCode.Credentials);
    expect(server.seen).toHaveLength(1);
  });

  it('logs one line per call with --debug, without credentials or headers', async () => {
    const lines: string[] = [];
    const ports = createAwsPorts({
      region: 'us-east-1',
      endpointUrl: server.url,
      credentials: TEST_CREDENTIALS,
      debugLog: (l) => lines.push(l),
    });
    await ports.kms().describeKey('k1');
    await ports.cloudhsm().describeCluster('cluster-abc');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^kms\.DescribeKey 200 \d+ms req-\d+$/);
    expect(lines[1]).toMatch(/^cloudhsm\.DescribeClusters 200 \d+ms req-\d+$/);
    for (const line of lines) {
      expect(line).not.toContain(TEST_CREDENTIALS.accessKeyId);
      expect(line).not.toContain(TEST_CREDENTIALS.secretAccessKey);
      expect(line.toLowerCase()).not.toContain('authorization');
    }
  });
});

describe('unreachable endpoint', () => {
  it('fails with exit 1 naming the endpoint', async () => {
    // a port that was free a moment ago: nothing listens there
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const endpointUrl = `http://127.0.0.1:${port}`;
    const ports = createAwsPorts({ region: 'us-east-1', endpointUrl, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    const error = await ports
      .kms()
      .describeStores()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KscliError);
    expect((error as KscliError).exitCode).toBe(ExitCode.Failure);
    expect((error as KscliError).message).toBe(
      `cannot reach ${endpointUrl} for kms:DescribeCustomKeyStores (ECONNREFUSED)`,
    );
  });
});
