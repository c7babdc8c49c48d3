/**
 * FastBucketEncryption (src/aws/fast-bucket-encryption.ts) through the S3 adapter: after the SDK's
 * first GetBucketEncryption it must send what the SDK sends (method, path, query, host, user
 * agent, a valid SigV4 signature with S3's payload hash), read the same key from the XML, and
 * throw what `s3.send` would throw; the calls it cannot make go through the SDK.
 */
import { TEST_CREDENTIALS, testClients } from './sdk-test-env.js';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { rejection, useLoopbackAws, type Reply, type Seen } from './loopback-aws.js';
import { S3Client } from '@aws-sdk/client-s3';
import { S3Adapter } from '../../../src/aws/adapters/s3.js';
import { FastBucketEncryption } from '../../../src/aws/fast-bucket-encryption.js';
import { TokenBucket } from '../../../src/aws/rate-limiter.js';
import { KscliError } from '../../../src/errors.js';

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const encryption = (algorithm: string, key?: string): Reply => ({
  body:
    `<?xml version="1.0" encoding="UTF-8"?>\n<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule>` +
    `<ApplyServerSideEncryptionByDefault><SSEAlgorithm>${algorithm}</SSEAlgorithm>${key ? `<KMSMasterKeyID>${key}</KMSMasterKeyID>` : ''}</ApplyServerSideEncryptionByDefault>` +
    `<BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`,
});
const s3Error = (code: string, message: string, status: number, headers?: Record<string, string>): Reply => ({
  status,
  body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>RID</RequestId></Error>`,
  ...(headers ? { headers } : {}),
});

const serve = useLoopbackAws('application/xml', 'x-amz-request-id');

function adapters(url: string) {
  const clients = testClients({ endpointUrl: url });
  const site = { region: 'us-east-1', endpoint: url };
  const bucket = new TokenBucket({ rate: 1000, burst: 10 });
  return {
    fast: new S3Adapter(() => clients.get('s3'), site, { getBucketEncryptionBucket: () => bucket }),
    sdk: new S3Adapter(() => clients.get('s3'), site),
  };
}

describe('FastBucketEncryption (path-style, as under --endpoint-url)', () => {
  it('learns the layout from the SDK, then sends the same signed GET itself and reads the same key', async () => {
    const { url, seen } = await serve((_, s) =>
      s.url.startsWith('/plain-bucket') ? encryption('AES256') : encryption('aws:kms', KEY),
    );
    const { fast } = adapters(url);
    expect(await fast.bucketKmsKey('reports-archive')).toBe(KEY);
    expect(await fast.bucketKmsKey('reports-archive')).toBe(KEY);
    expect(await fast.bucketKmsKey('plain-bucket')).toBeNull();
    expect(seen.map((s) => s.viaSdk)).toEqual([true, false, false]);
    const [sdk, own] = seen;
    expect(own!.method).toBe('GET');
    expect(own!.url).toBe(sdk!.url);
    expect(own!.url).toMatch(/^\/reports-archive\/?\?encryption/);
    for (const h of ['host', 'user-agent', 'x-amz-content-sha256']) expect(own!.headers[h]).toBe(sdk!.headers[h]);
    const scope = (s: Seen) => /Credential=([^,]+)/.exec(String(s.headers.authorization))![1];
    expect(scope(own!)).toBe(scope(sdk!));
    expect(sdk!.signatureValid).toBe(true); // the checker agrees with the SDK...
    expect(own!.signatureValid).toBe(true); // ...and with us
    expect(seen[2]!.url).toBe(sdk!.url.replace('reports-archive', 'plain-bucket'));
  });

  it('no default encryption is null; access denied fails as on the SDK path (same mapped error)', async () => {
    const { url, seen } = await serve((n, s) =>
      n === 1
        ? encryption('aws:kms', KEY)
        : s.url.startsWith('/old-bucket')
          ? s3Error(
              'ServerSideEncryptionConfigurationNotFoundError',
              'The server side encryption configuration was not found',
              404,
            )
          : s3Error('AccessDenied', 'Access Denied', 403),
    );
    const { fast, sdk } = adapters(url);
    await fast.bucketKmsKey('first-bucket');
    expect(await fast.bucketKmsKey('old-bucket')).toBeNull();
    const own = await rejection(fast.bucketKmsKey('locked-bucket'));
    expect(seen.slice(1).every((s) => !s.viaSdk)).toBe(true);
    expect(await sdk.bucketKmsKey('old-bucket')).toBeNull();
    const theirs = await rejection(sdk.bucketKmsKey('locked-bucket'));
    expect(own).toBeInstanceOf(KscliError);
    expect(own.constructor).toBe(theirs.constructor);
    expect(own.message).toBe(theirs.message);
    expect(own.exitCode).toBe(theirs.exitCode);
  });

  it('a bucket name that is not plain DNS goes through the SDK; so does a redirect', async () => {
    const { url, seen } = await serve((_, s) =>
      s.url.startsWith('/moved-bucket') && !s.viaSdk
        ? s3Error(
            'PermanentRedirect',
            'The bucket you are attempting to access must be addressed using the specified endpoint.',
            301,
            {
              'x-amz-bucket-region': 'us-east-1',
            },
          )
        : encryption('aws:kms', KEY),
    );
    const { fast } = adapters(url);
    await fast.bucketKmsKey('first-bucket');
    expect(await fast.bucketKmsKey('logs.example.com')).toBe(KEY);
    expect(await fast.bucketKmsKey('moved-bucket')).toBe(KEY);
    expect(seen.map((s) => [s.url.split('?')[0]!.replace(/\/$/, ''), s.viaSdk])).toEqual([
      ['/first-bucket', true],
      ['/logs.example.com', true],
      ['/moved-bucket', false],
      ['/moved-bucket', true],
    ]);
  });

  it('turns a reply that is not the XML into the unreadable-reply error, never a crash', async () => {
    const { url } = await serve((n) =>
      n === 1
        ? encryption('aws:kms', KEY)
        : { body: '<html>proxy login</html>', headers: { 'content-type': 'text/html' } },
    );
    const { fast } = adapters(url);
    await fast.bucketKmsKey('first-bucket');
    const e = await rejection(fast.bucketKmsKey('second-bucket'));
    expect(e).toBeInstanceOf(KscliError);
    expect(e.message).toMatch(
      /^unreadable reply from http:\/\/127\.0\.0\.1:\d+ for s3:GetBucketEncryption \(HTTP 200\)/,
    );
  });
});

describe('FastBucketEncryption (virtual-hosted, as on AWS)', () => {
  it('sends each bucket to its own host, signed as the SDK signs it', async () => {
    const seen: Array<{ hostname: string; path: string; query: unknown; headers: Record<string, string> }> = [];
    const handler = {
      handle: async (req: { hostname: string; path: string; query: unknown; headers: Record<string, string> }) => {
        seen.push({ hostname: req.hostname, path: req.path, query: req.query, headers: { ...req.headers } });
        const r = encryption('aws:kms', KEY);
        return {
          response: {
            statusCode: 200,
            headers: { 'x-amz-request-id': 'r' },
            body: Readable.from([Buffer.from(r.body)]),
          },
        };
      },
    };
    const s3 = new S3Client({ region: 'eu-west-1', credentials: TEST_CREDENTIALS, requestHandler: handler as never });
    const fast = new FastBucketEncryption(s3);
    await fast.get('first-bucket');
    const out = await fast.get('second-bucket');
    expect(out.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID).toBe(
      KEY,
    );
    const [sdk, own] = seen;
    expect(sdk!.hostname).toBe('first-bucket.s3.eu-west-1.amazonaws.com');
    expect(own!.hostname).toBe('second-bucket.s3.eu-west-1.amazonaws.com');
    expect(own!.headers.host).toBe('second-bucket.s3.eu-west-1.amazonaws.com');
    expect(own!.path).toBe(sdk!.path);
    expect(own!.query).toEqual(sdk!.query);
    expect(own!.headers['x-amz-content-sha256']).toBe(sdk!.headers['x-amz-content-sha256']);
    expect(own!.headers.authorization).toMatch(/Credential=AKIDTESTTESTTEST\/\d{8}\/eu-west-1\/s3\/aws4_request/);
    expect('amz-sdk-invocation-id' in own!.headers).toBe(false);
  });
});
