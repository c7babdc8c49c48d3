import { describe, expect, it } from 'vitest';
import { SERVICE_NAMES, SERVICES } from '../../../../src/sandbox/services/table.js';
import { compileRoutes, matchRest } from '../../../../src/sandbox/server/wire/rest.js';
import { decodeCall, encodeError, encodeSuccess } from '../../../../src/sandbox/server/wire/wire.js';
import { SandboxError } from '../../../../src/sandbox/contract.js';
import { implementedOperations } from '../../../../src/sandbox/model/index.js';
import { isMutating } from '../../../../src/sandbox/server/request-log.js';
import { internalError } from '../../../../src/sandbox/server/faults.js';
import { throttlingError } from '../../../../src/sandbox/server/quotas.js';

const auth = (service: string, region = 'eu-west-1') =>
  `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/${region}/${service}/aws4_request, SignedHeaders=host, Signature=abc`;

describe('the table of services', () => {
  it('names each service once, with a protocol, and routes every JSON and query service without a scope', () => {
    const prefixes = SERVICE_NAMES.map((n) => SERVICES[n].targetPrefix).filter(Boolean);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const name of SERVICE_NAMES) {
      const e = SERVICES[name];
      expect(e.signingName).toBe(name);
      expect(e.protocols.length).toBeGreaterThan(0);
      if (e.protocols.includes('awsJson1_1') || e.protocols.includes('awsJson1_0')) {
        const call = decodeCall({ 'x-amz-target': `${e.targetPrefix}.SomeOp` }, '{}');
        expect(call.service).toBe(name);
      }
      if (e.protocols[0] === 'awsQuery') {
        const call = decodeCall({}, `Action=SomeOp&Version=${e.queryVersion}`);
        expect(call.service).toBe(name);
      }
    }
  });

  it('is where the model finds handlers, the request log its mutating list, faults and quotas their errors', () => {
    expect(implementedOperations('kms')).toContain('CreateKey');
    expect(implementedOperations('logs')).toEqual(expect.arrayContaining(['PutMetricFilter', 'StartQuery']));
    expect(isMutating('kms', 'RevokeGrant')).toBe(true);
    expect(isMutating('kms', 'ListGrants')).toBe(false);
    expect(internalError('kms').code).toBe('KMSInternalException');
    expect(internalError('sts').code).toBe('InternalFailure');
    expect(throttlingError('sns').code).toBe('Throttling');
    expect(throttlingError('organizations').code).toBe('TooManyRequestsException');
    expect(throttlingError('cloudhsm').code).toBe('ThrottlingException');
  });
});

describe('REST routing (method + path)', () => {
  const routes = compileRoutes([
    { service: 'account', route: { method: 'GET', path: '/', operation: 'ListBuckets' } },
    { service: 'account', route: { method: 'GET', path: '/{Bucket}', operation: 'ListObjects' } },
    { service: 'account', route: { method: 'GET', path: '/{Bucket}?tagging', operation: 'GetBucketTagging' } },
    { service: 'account', route: { method: 'GET', path: '/{Bucket}?list-type=2', operation: 'ListObjectsV2' } },
    { service: 'account', route: { method: 'PUT', path: '/{Bucket}/{Key+}', operation: 'PutObject' } },
  ]);

  it('matches method, labels (greedy and not) and required query keys, most specific first', () => {
    expect(matchRest('GET', '/', undefined, routes)?.route.operation).toBe('ListBuckets');
    expect(matchRest('GET', '/b1', undefined, routes)).toMatchObject({
      route: { operation: 'ListObjects' },
      labels: { Bucket: 'b1' },
    });
    expect(matchRest('GET', '/b1?tagging', undefined, routes)?.route.operation).toBe('GetBucketTagging');
    expect(matchRest('GET', '/b1?list-type=2&prefix=a', undefined, routes)).toMatchObject({
      route: { operation: 'ListObjectsV2' },
      query: { prefix: 'a' },
    });
    expect(matchRest('GET', '/b1?list-type=1', undefined, routes)?.route.operation).toBe('ListObjects');
    expect(matchRest('PUT', '/b1/a/b%20c.txt', undefined, routes)).toMatchObject({
      labels: { Bucket: 'b1', Key: 'a/b c.txt' },
    });
    expect(matchRest('DELETE', '/b1', undefined, routes)).toBeUndefined();
    expect(matchRest('GET', '/b1', 'kms', routes)).toBeUndefined();
  });

  it('decodes the Account Management API from the table and refuses other methods as before', () => {
    const call = decodeCall({ authorization: auth('account') }, '{"MaxResults":5}', '/listRegions');
    expect(call).toMatchObject({ protocol: 'restJson1', service: 'account', operation: 'ListRegions' });
    expect(call.input).toEqual({ MaxResults: 5 });
    expect(() => decodeCall({}, '', '/listRegions', 'GET')).toThrow(SandboxError);
    expect(() => decodeCall({ 'x-amz-target': 'TrentService.ListKeys' }, '{}', '/', 'GET')).toThrow(/POST/);
  });

  it('encodes ec2Query and restXml answers and errors the way those clients read them', () => {
    const ok = encodeSuccess(
      { protocol: 'ec2Query', service: 'account', operation: 'DescribeVolumes' },
      { volumeSet: [{ volumeId: 'vol-1' }] },
      'req-1',
    );
    expect(ok.body).toContain(
      '<requestId>req-1</requestId><volumeSet><item><volumeId>vol-1</volumeId></item></volumeSet>',
    );
    const err = encodeError(
      { protocol: 'ec2Query', service: 'account' },
      new SandboxError('InvalidVolume.NotFound', 'no'),
      'r',
    );
    expect(err.body).toContain('<Response><Errors><Error><Code>InvalidVolume.NotFound</Code>');
    const xml = encodeSuccess(
      { protocol: 'restXml', service: 'account', operation: 'ListBuckets' },
      { ListAllMyBucketsResult: { Buckets: { Bucket: [{ Name: 'a' }, { Name: 'b' }] } } },
      'r',
    );
    expect(xml.body).toContain(
      '<ListAllMyBucketsResult><Buckets><Bucket><Name>a</Name></Bucket><Bucket><Name>b</Name></Bucket></Buckets>',
    );
    const xmlErr = encodeError(
      { protocol: 'restXml', service: 'account' },
      new SandboxError('NoSuchBucket', 'gone', 404),
      'r9',
    );
    expect(xmlErr.status).toBe(404);
    expect(xmlErr.body).toContain(
      '<Error><Code>NoSuchBucket</Code><Message>gone</Message><RequestId>r9</RequestId></Error>',
    );
  });
});
