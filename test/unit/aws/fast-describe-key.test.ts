/**
 * FastDescribeKey (src/aws/fast-describe-key.ts) against a real loopback HTTP server: it must send
 * what the SDK sends (target, body, host, a valid SigV4 signature with the SDK's scope) and return
 * and throw exactly what `kms.send(new DescribeKeyCommand(...))` returns and throws.
 */
import { TEST_CREDENTIALS, testClients } from './sdk-test-env.js';
import { describe, expect, it } from 'vitest';
import { rejection, useLoopbackAws, type Reply, type Seen } from './loopback-aws.js';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { FastDescribeKey } from '../../../src/aws/fast-describe-key.js';
import { KmsAdapter } from '../../../src/aws/adapters/kms.js';
import { toPortError } from '../../../src/aws/errors.js';
import { TokenBucket } from '../../../src/aws/rate-limiter.js';
import { ExitCode, KscliError } from '../../../src/errors.js';

const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
const METADATA = {
  KeyId: KEY,
  Arn: `arn:aws:kms:us-east-1:111122223333:key/${KEY}`,
  AWSAccountId: '111122223333',
  KeyState: 'PendingDeletion',
  KeyManager: 'CUSTOMER',
  Origin: 'AWS_CLOUDHSM',
  CustomKeyStoreId: 'cks-1234567890abcdef0',
  CloudHsmClusterId: 'cluster-abcdefghijk',
  CreationDate: 1704164645.123,
  DeletionDate: 1893456000,
  Enabled: false,
};
const ok = (): Reply => ({ body: JSON.stringify({ KeyMetadata: METADATA }) });
const awsError = (type: string, message: string, status = 400): Reply => ({
  status,
  body: JSON.stringify({ __type: type, message }),
});

const serve = useLoopbackAws('application/x-amz-json-1.1', 'x-amzn-requestid');

const noSleep = async () => {};

describe('FastDescribeKey', () => {
  it('learns the endpoint from the SDK on the first call, then sends the same signed request itself and returns what the SDK returns', async () => {
    const { url, seen } = await serve(() => ok());
    const kms = await testClients({ endpointUrl: url }).get('kms');
    const fast = new FastDescribeKey(kms);
    const viaSdk = (await kms.send(new DescribeKeyCommand({ KeyId: KEY }))).KeyMetadata;
    const first = await fast.describe(KEY);
    const second = await fast.describe(KEY);
    expect(seen.map((s) => s.viaSdk)).toEqual([true, true, false]);
    expect(first).toEqual(viaSdk);
    expect(second).toEqual(viaSdk);
    expect(second!.CreationDate).toEqual(new Date('2024-01-02T03:04:05.123Z'));
    expect(second!.DeletionDate).toEqual(new Date(1893456000 * 1000));
    const [sdk, , own] = seen;
    for (const h of ['x-amz-target', 'content-type', 'host', 'user-agent'])
      expect(own!.headers[h]).toBe(sdk!.headers[h]);
    expect(JSON.parse(own!.body)).toEqual(JSON.parse(sdk!.body));
    // same credential scope (key ID, date, Region, service), and a signature that verifies
    const scope = (s: Seen) => /Credential=([^,]+)/.exec(String(s.headers.authorization))![1];
    expect(scope(own!)).toBe(scope(sdk!));
    expect(sdk!.signatureValid).toBe(true); // the checker agrees with the SDK...
    expect(own!.signatureValid).toBe(true); // ...and with us
  });

  it('sends only the first of many concurrent calls through the SDK: the others wait for the endpoint it learns', async () => {
    const { url, seen } = await serve(() => ok());
    const fast = new FastDescribeKey(await testClients({ endpointUrl: url }).get('kms'));
    const all = await Promise.all(Array.from({ length: 10 }, () => fast.describe(KEY)));
    expect(all.every((m) => m?.KeyId === KEY)).toBe(true);
    expect(seen.filter((s) => s.viaSdk)).toHaveLength(1);
    expect(seen).toHaveLength(10);
  });

  it('lets the next caller learn the endpoint when the first call fails before sending', async () => {
    const { url, seen } = await serve(() => ok());
    let failCredentials = true;
    const kms = new KMSClient({
      region: 'us-east-1',
      endpoint: url,
      maxAttempts: 1,
      credentials: async () => {
        if (failCredentials) throw Object.assign(new Error('no credentials yet'), { name: 'CredentialsProviderError' });
        return TEST_CREDENTIALS;
      },
    });
    const fast = new FastDescribeKey(kms);
    expect((await rejection(fast.describe(KEY))).name).toBe('CredentialsProviderError');
    expect(seen).toHaveLength(0);
    failCredentials = false;
    expect((await fast.describe(KEY))!.KeyId).toBe(KEY);
    expect((await fast.describe(KEY))!.KeyId).toBe(KEY);
    expect(seen.map((s) => s.viaSdk)).toEqual([true, false]);
  });

  it('signs the session token of temporary credentials', async () => {
    const creds = { ...TEST_CREDENTIALS, sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN' };
    const { url, seen } = await serve(() => ok());
    const fast = new FastDescribeKey(await testClients({ endpointUrl: url, credentials: creds }).get('kms'));
    await fast.describe(KEY);
    await fast.describe(KEY);
    expect(seen[1]!.viaSdk).toBe(false);
    expect(seen[1]!.headers['x-amz-security-token']).toBe(creds.sessionToken);
    expect(String(seen[1]!.headers.authorization)).toMatch(/SignedHeaders=[^,]*x-amz-security-token/);
    expect(seen[1]!.signatureValid).toBe(true);
  });

  it('throws service errors in the SDK shape: name from __type, $fault, status and request ID', async () => {
    const { url } = await serve((n) =>
      n === 1
        ? ok()
        : awsError(
            'com.amazonaws.kms#NotFoundException',
            'Key arn:aws:kms:us-east-1:111122223333:key/x does not exist',
          ),
    );
    const fast = new FastDescribeKey(await testClients({ endpointUrl: url }).get('kms'));
    await fast.describe(KEY);
    const e = await rejection(fast.describe('x'));
    expect(e.name).toBe('NotFoundException');
    expect(e.message).toBe('Key arn:aws:kms:us-east-1:111122223333:key/x does not exist');
    expect(e.$fault).toBe('client');
    expect(e.$metadata).toEqual({ httpStatusCode: 400, requestId: 'req-2', attempts: 1 });
  });

  it('retries throttling through the pacing bucket, which slows down', async () => {
    const { url, seen } = await serve((n) =>
      n === 2 || n === 3
        ? awsError('ThrottlingException', 'You have exceeded the rate at which you may call KMS.')
        : ok(),
    );
    const bucket = new TokenBucket({ rate: 1000, burst: 10 });
    const fast = new FastDescribeKey(await testClients({ endpointUrl: url }).get('kms'), { bucket, sleep: noSleep });
    await fast.describe(KEY);
    expect((await fast.describe(KEY))!.KeyId).toBe(KEY);
    expect(seen).toHaveLength(4);
    expect(bucket.currentRate()).toBeLessThan(1000);
  });

  it('retries 5xx answers up to maxAttempts, then throws what the SDK would (mapped to exit 1 by the adapter)', async () => {
    let failing = 1;
    const { url, seen } = await serve((n) =>
      n > 1 && failing-- > 0 ? awsError('KMSInternalException', 'internal', 500) : ok(),
    );
    const kms = await testClients({ endpointUrl: url, maxAttempts: 3 }).get('kms');
    const fast = new FastDescribeKey(kms, { sleep: noSleep });
    await fast.describe(KEY);
    expect((await fast.describe(KEY))!.KeyId).toBe(KEY); // one 500, then success
    expect(seen).toHaveLength(3);
    failing = 5;
    const e = await rejection(fast.describe(KEY));
    expect(e.name).toBe('KMSInternalException');
    expect(e.$fault).toBe('server');
    expect(e.$metadata.attempts).toBe(3);
  });

  it('turns a reply that is not JSON into the unreadable-reply error, never a crash', async () => {
    const { url } = await serve((n) =>
      n === 1 ? ok() : { body: '<html>proxy login</html>', headers: { 'content-type': 'text/html' } },
    );
    const fast = new FastDescribeKey(await testClients({ endpointUrl: url }).get('kms'));
    await fast.describe(KEY);
    const raw = await rejection(fast.describe(KEY));
    expect(raw.$metadata.httpStatusCode).toBe(200);
    const mapped = toPortError(raw, { service: 'kms', operation: 'DescribeKey', region: 'us-east-1', endpoint: url });
    expect(mapped).toBeInstanceOf(KscliError);
    expect(mapped.message).toMatch(/^unreadable reply from http:\/\/127\.0\.0\.1:\d+ for kms:DescribeKey \(HTTP 200\)/);
  });

  it('is what scanKeys uses when the adapter has the pacing bucket: deleted keys are skipped, store keys kept', async () => {
    const keys = ['k1', 'k2', 'k3', 'k4'];
    const { url, seen } = await serve((_, s) => {
      const target = String(s.headers['x-amz-target']);
      if (target.endsWith('ListKeys'))
        return { body: JSON.stringify({ Keys: keys.map((KeyId) => ({ KeyId })), Truncated: false }) };
      const id = (JSON.parse(s.body) as { KeyId: string }).KeyId;
      if (id === 'k3') return awsError('NotFoundException', 'gone');
      return {
        body: JSON.stringify({
          KeyMetadata: {
            ...METADATA,
            KeyId: id,
            CustomKeyStoreId: id === 'k2' || id === 'k4' ? 'cks-1234567890abcdef0' : undefined,
          },
        }),
      };
    });
    const clients = testClients({ endpointUrl: url });
    const bucket = new TokenBucket({ rate: 1000, burst: 10 });
    const adapter = new KmsAdapter(
      () => clients.get('kms'),
      { region: 'us-east-1', endpoint: url },
      { scanConcurrency: 1, describeKeyBucket: () => bucket },
    );
    const found = await adapter.scanKeys((k) => k.customKeyStoreId === 'cks-1234567890abcdef0');
    expect(found.map((k) => k.keyId)).toEqual(['k2', 'k4']);
    const describes = seen.filter((s) => String(s.headers['x-amz-target']).endsWith('DescribeKey'));
    expect(describes.map((s) => s.viaSdk)).toEqual([true, false, false, false]);
    expect(describes.every((s) => s.signatureValid)).toBe(true);
  });

  it('maps a persistent failure of the fast path like any SDK failure (exit code 1, no raw error)', async () => {
    const { url } = await serve((n, s) => {
      if (String(s.headers['x-amz-target']).endsWith('ListKeys'))
        return { body: JSON.stringify({ Keys: [{ KeyId: 'k1' }, { KeyId: 'k2' }], Truncated: false }) };
      return n <= 2 ? ok() : awsError('KMSInternalException', 'internal', 500);
    });
    const clients = testClients({ endpointUrl: url });
    const adapter = new KmsAdapter(
      () => clients.get('kms'),
      { region: 'us-east-1', endpoint: url },
      { scanConcurrency: 1, describeKeyBucket: () => undefined },
    );
    const e = await rejection(adapter.scanKeys(() => true));
    expect(e).toBeInstanceOf(KscliError);
    expect((e as KscliError).exitCode).toBe(ExitCode.Failure);
    expect((e as KscliError).message).toMatch(/kms:DescribeKey/);
  });
});
