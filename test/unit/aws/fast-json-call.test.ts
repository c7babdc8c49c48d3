/**
 * FastJsonCall (src/aws/fast-json-call.ts) through the DynamoDB adapter's DescribeTable, against a
 * loopback HTTP server: after the SDK's first call it must send what the SDK sends (target, body,
 * host, user agent, a valid SigV4 signature with the SDK's scope), read the same record from the
 * wire JSON as from the SDK's output, and throw what `ddb.send` would throw.
 */
import { testClients } from './sdk-test-env.js';
import { describe, expect, it } from 'vitest';
import { rejection, useLoopbackAws, type Reply, type Seen } from './loopback-aws.js';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDbAdapter } from '../../../src/aws/adapters/dynamodb.js';
import { FastJsonCall } from '../../../src/aws/fast-json-call.js';
import { dateOf } from '../../../src/aws/fast-wire.js';
import { TokenBucket } from '../../../src/aws/rate-limiter.js';
import { KscliError } from '../../../src/errors.js';

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const table = (name: string, key: string | undefined = KEY) => ({
  TableName: name,
  TableArn: `arn:aws:dynamodb:us-east-1:111122223333:table/${name}`,
  TableStatus: 'ACTIVE',
  CreationDateTime: 1704164645.123,
  ...(key ? { SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: key } } : {}),
});
const ok = (name = 'orders', key?: string): Reply => ({ body: JSON.stringify({ Table: table(name, key) }) });
const awsError = (type: string, message: string, status = 400): Reply => ({
  status,
  body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }),
});

const serve = useLoopbackAws('application/x-amz-json-1.0', 'x-amzn-requestid');

function adapter(url: string, opts: { bucket?: TokenBucket; maxAttempts?: number } = {}) {
  const clients = testClients({ endpointUrl: url, ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}) });
  const bucket = opts.bucket ?? new TokenBucket({ rate: 1000, burst: 10 });
  return new DynamoDbAdapter(
    () => clients.get('dynamodb'),
    { region: 'us-east-1', endpoint: url },
    {
      describeTableBucket: () => bucket,
    },
  );
}

describe('FastJsonCall (DynamoDB DescribeTable)', () => {
  it('learns the endpoint from the SDK on the first call, then sends the same signed request itself and reads the same record', async () => {
    const { url, seen } = await serve(() => ok());
    const ddb = adapter(url);
    const first = await ddb.tableKmsKey('orders');
    const second = await ddb.tableKmsKey('orders');
    expect(seen.map((s) => s.viaSdk)).toEqual([true, false]);
    expect(second).toEqual(first);
    expect(second).toEqual({
      resourceType: 'AWS::DynamoDB::Table',
      resourceId: 'orders',
      arn: 'arn:aws:dynamodb:us-east-1:111122223333:table/orders',
      region: 'us-east-1',
      createdAt: new Date('2024-01-02T03:04:05.123Z'),
      kmsKeyRef: KEY,
      property: 'SSEDescription.KMSMasterKeyArn',
    });
    const [sdk, own] = seen;
    for (const h of ['x-amz-target', 'content-type', 'host', 'user-agent'])
      expect(own!.headers[h]).toBe(sdk!.headers[h]);
    expect(own!.headers['x-amz-target']).toBe('DynamoDB_20120810.DescribeTable');
    expect(JSON.parse(own!.body)).toEqual(JSON.parse(sdk!.body));
    const scope = (s: Seen) => /Credential=([^,]+)/.exec(String(s.headers.authorization))![1];
    expect(scope(own!)).toBe(scope(sdk!));
    expect(sdk!.signatureValid).toBe(true); // the checker agrees with the SDK...
    expect(own!.signatureValid).toBe(true); // ...and with us
  });

  it('sends only the first of many concurrent calls through the SDK; a table under the AWS owned key is null on both paths', async () => {
    const { url, seen } = await serve((n) => (n % 2 === 0 ? ok('plain', '') : ok()));
    const ddb = adapter(url);
    const all = await Promise.all(Array.from({ length: 10 }, () => ddb.tableKmsKey('orders')));
    expect(seen.filter((s) => s.viaSdk)).toHaveLength(1);
    expect(all.filter((r) => r === null)).toHaveLength(5);
    expect(all.filter((r) => r?.kmsKeyRef === KEY)).toHaveLength(5);
  });

  it('goes through ddb.send on every call without a pacing bucket (the SDK-mocking tests)', async () => {
    const { url, seen } = await serve(() => ok());
    const clients = testClients({ endpointUrl: url });
    const ddb = new DynamoDbAdapter(() => clients.get('dynamodb'), { region: 'us-east-1', endpoint: url });
    await ddb.tableKmsKey('orders');
    await ddb.tableKmsKey('orders');
    expect(seen.map((s) => s.viaSdk)).toEqual([true, true]);
  });

  it('a table deleted since ListTables is null; access denied fails as on the SDK path (same mapped error)', async () => {
    const { url } = await serve((n, s) =>
      n === 1
        ? ok()
        : s.body.includes('gone')
          ? awsError('ResourceNotFoundException', 'Requested resource not found')
          : awsError('AccessDeniedException', 'not allowed'),
    );
    const ddb = adapter(url);
    await ddb.tableKmsKey('orders');
    expect(await ddb.tableKmsKey('gone')).toBeNull();
    const fast = await rejection(ddb.tableKmsKey('secret'));
    const clients = testClients({ endpointUrl: url });
    const viaSdk = new DynamoDbAdapter(() => clients.get('dynamodb'), { region: 'us-east-1', endpoint: url });
    expect(await viaSdk.tableKmsKey('gone')).toBeNull();
    const sdk = await rejection(viaSdk.tableKmsKey('secret'));
    expect(fast).toBeInstanceOf(KscliError);
    expect(fast.constructor).toBe(sdk.constructor);
    expect(fast.message).toBe(sdk.message);
    expect(fast.exitCode).toBe(sdk.exitCode);
    expect(fast.message).toMatch(/AccessDenied|access denied/);
  });

  it('retries throttling through the pacing bucket, which slows down', async () => {
    const { url, seen } = await serve((n) =>
      n === 2 || n === 3 ? awsError('ThrottlingException', 'Rate of requests exceeds the allowed throughput.') : ok(),
    );
    const bucket = new TokenBucket({ rate: 1000, burst: 10 });
    const ddb = adapter(url, { bucket });
    await ddb.tableKmsKey('orders');
    expect((await ddb.tableKmsKey('orders'))?.resourceId).toBe('orders');
    expect(seen).toHaveLength(4);
    expect(bucket.currentRate()).toBeLessThan(1000);
  });

  it('retries 5xx answers up to maxAttempts, then throws the service error', async () => {
    let failing = 1;
    const { url, seen } = await serve((n) =>
      n > 1 && failing-- > 0 ? awsError('InternalServerError', 'internal', 500) : ok(),
    );
    const clients = testClients({ endpointUrl: url, maxAttempts: 3 });
    const ddb = await clients.get('dynamodb');
    const fast = new FastJsonCall(
      ddb as never,
      {
        label: 'dynamodb.DescribeTable',
        target: 'DynamoDB_20120810.DescribeTable',
        jsonVersion: '1.0',
        command: (input: { TableName: string }) => new DescribeTableCommand(input),
      },
      { sleep: async () => {} },
    );
    await fast.call({ TableName: 'orders' });
    expect(((await fast.call({ TableName: 'orders' })).Table as { TableName: string }).TableName).toBe('orders');
    expect(seen).toHaveLength(3); // one 500, then success
    failing = 5;
    const e = await rejection(fast.call({ TableName: 'orders' }));
    expect(e.name).toBe('InternalServerError');
    expect(e.$fault).toBe('server');
    expect(e.$metadata.attempts).toBe(3);
  });

  it('turns a reply that is not JSON into the unreadable-reply error, never a crash', async () => {
    const { url } = await serve((n) =>
      n === 1 ? ok() : { body: '<html>proxy login</html>', headers: { 'content-type': 'text/html' } },
    );
    const ddb = adapter(url);
    await ddb.tableKmsKey('orders');
    const e = await rejection(ddb.tableKmsKey('orders'));
    expect(e).toBeInstanceOf(KscliError);
    expect(e.message).toMatch(
      /^unreadable reply from http:\/\/127\.0\.0\.1:\d+ for dynamodb:DescribeTable \(HTTP 200\)/,
    );
  });
});

describe('dateOf', () => {
  it('reads Dates, epoch seconds and ISO text; anything else is undefined', () => {
    expect(dateOf(new Date(5))).toEqual(new Date(5));
    expect(dateOf(1704164645.5)).toEqual(new Date(1704164645500));
    expect(dateOf('2024-01-02T03:04:05Z')).toEqual(new Date('2024-01-02T03:04:05Z'));
    expect(dateOf('not a date')).toBeUndefined();
    expect(dateOf(undefined)).toBeUndefined();
  });
});
