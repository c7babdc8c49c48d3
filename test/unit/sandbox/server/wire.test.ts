import { describe, expect, it } from 'vitest';
import { SandboxError } from '../../../../src/sandbox/contract.js';
import { decodeQueryBody } from '../../../../src/sandbox/server/wire/query-decode.js';
import { encodeQueryError, encodeQueryResponse } from '../../../../src/sandbox/server/wire/xml-encode.js';
import {
  decodeCall,
  encodeError,
  encodeSuccess,
  parseCredentialScope,
  toAwsJson,
} from '../../../../src/sandbox/server/wire/wire.js';

const auth = (service: string, region = 'eu-west-1') =>
  `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/${region}/${service}/aws4_request, SignedHeaders=host, Signature=abc`;

describe('awsQuery request decoding', () => {
  it('decodes member lists, nested structures and entry maps into the JSON shapes', () => {
    const body =
      'Action=PutMetricAlarm&Version=2010-08-01&AlarmName=a+b&Threshold=1&EvaluationPeriods=2&ActionsEnabled=false' +
      '&AlarmActions.member.1=arn1&AlarmActions.member.2=arn2' +
      '&Dimensions.member.2.Name=N2&Dimensions.member.2.Value=V2&Dimensions.member.1.Name=N1&Dimensions.member.1.Value=V1' +
      '&Tags.entry.1.key=k1&Tags.entry.1.value=v1';
    const q = decodeQueryBody(body);
    expect(q.action).toBe('PutMetricAlarm');
    expect(q.version).toBe('2010-08-01');
    expect(q.input).toEqual({
      AlarmName: 'a b',
      Threshold: 1,
      EvaluationPeriods: 2,
      ActionsEnabled: false,
      AlarmActions: ['arn1', 'arn2'],
      Dimensions: [
        { Name: 'N1', Value: 'V1' },
        { Name: 'N2', Value: 'V2' },
      ],
      Tags: { k1: 'v1' },
    });
  });

  it('orders members numerically (10 after 9), as AWS counts them', () => {
    const parts = Array.from({ length: 11 }, (_, i) => `AlarmNames.member.${i + 1}=n${i + 1}`).reverse();
    expect(decodeQueryBody(`Action=DescribeAlarms&${parts.join('&')}`).input.AlarmNames).toEqual(
      Array.from({ length: 11 }, (_, i) => `n${i + 1}`),
    );
  });

  it('keeps names that look numeric as text', () => {
    expect(decodeQueryBody('Action=DescribeAlarms&AlarmNamePrefix=123').input.AlarmNamePrefix).toBe('123');
  });

  it('rejects a body without Action', () => {
    expect(() => decodeQueryBody('Version=2011-06-15')).toThrow(/Action/);
  });
});

describe('awsQuery XML encoding', () => {
  it('wraps the result, lists as member, ISO dates, and request metadata', () => {
    const xml = encodeQueryResponse(
      'monitoring',
      'DescribeAlarms',
      {
        MetricAlarms: [
          {
            AlarmName: 'x&y',
            StateUpdatedTimestamp: new Date('2026-11-01T00:00:00Z'),
            Dimensions: [{ Name: 'a', Value: 'b' }],
          },
        ],
      },
      'req-1',
    );
    expect(xml).toContain(
      '<DescribeAlarmsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><DescribeAlarmsResult>',
    );
    expect(xml).toContain(
      '<MetricAlarms><member><AlarmName>x&amp;y</AlarmName><StateUpdatedTimestamp>2026-11-01T00:00:00.000Z</StateUpdatedTimestamp><Dimensions><member><Name>a</Name><Value>b</Value></member></Dimensions></member></MetricAlarms>',
    );
    expect(xml).toContain('<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></DescribeAlarmsResponse>');
  });

  it('encodes SNS topic attributes as entry/key/value', () => {
    const xml = encodeQueryResponse(
      'sns',
      'GetTopicAttributes',
      { Attributes: { TopicArn: 'arn', DisplayName: 'd' } },
      'r',
    );
    expect(xml).toContain(
      '<GetTopicAttributesResult><Attributes><entry><key>TopicArn</key><value>arn</value></entry><entry><key>DisplayName</key><value>d</value></entry></Attributes></GetTopicAttributesResult>',
    );
    expect(xml).toContain('xmlns="http://sns.amazonaws.com/doc/2010-03-31/"');
  });

  it('has no Result element for an empty output (PutMetricAlarm, DeleteAlarms)', () => {
    const xml = encodeQueryResponse('monitoring', 'PutMetricAlarm', {}, 'r');
    expect(xml).not.toContain('PutMetricAlarmResult');
    expect(xml).toContain('<PutMetricAlarmResponse xmlns=');
  });

  it('encodes errors as ErrorResponse with Sender for 4xx and Receiver for 5xx', () => {
    expect(encodeQueryError('sts', 'InvalidClientTokenId', 'bad <token>', 403, 'r')).toContain(
      '<Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>bad &lt;token&gt;</Message></Error><RequestId>r</RequestId>',
    );
    expect(encodeQueryError('monitoring', 'InternalFailure', 'x', 500, 'r')).toContain('<Type>Receiver</Type>');
  });
});

describe('request decoding', () => {
  it('reads service and region from the SigV4 credential scope', () => {
    expect(parseCredentialScope(auth('kms'))).toEqual({
      accessKeyId: 'AKIDEXAMPLE',
      region: 'eu-west-1',
      service: 'kms',
    });
    expect(parseCredentialScope(undefined)).toEqual({});
  });

  it('routes JSON on the text after the last dot, so both CloudTrail prefixes work', () => {
    for (const target of [
      'CloudTrail_20131101.LookupEvents',
      'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents',
    ]) {
      const call = decodeCall({ 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' }, '{}');
      expect(call).toMatchObject({
        service: 'cloudtrail',
        operation: 'LookupEvents',
        protocol: 'awsJson1_1',
        region: 'us-east-1',
      });
    }
  });

  it('falls back to the target prefix when there is no credential scope', () => {
    const cases: Array<[string, string]> = [
      ['TrentService.DescribeKey', 'kms'],
      ['BaldrApiService.DescribeClusters', 'cloudhsm'],
      ['Logs_20140328.DescribeLogGroups', 'logs'],
      ['GraniteServiceVersion20100801.DescribeAlarms', 'monitoring'],
    ];
    for (const [target, service] of cases) expect(decodeCall({ 'x-amz-target': target }, '').service).toBe(service);
  });

  it('prefers the credential scope and takes the region from it', () => {
    const call = decodeCall(
      {
        'x-amz-target': 'GraniteServiceVersion20100801.DescribeAlarms',
        'content-type': 'application/x-amz-json-1.0',
        authorization: auth('monitoring', 'ap-south-1'),
      },
      '{"AlarmNames":["a"]}',
    );
    expect(call).toMatchObject({
      service: 'monitoring',
      protocol: 'awsJson1_0',
      region: 'ap-south-1',
      input: { AlarmNames: ['a'] },
    });
  });

  it('decodes awsQuery with the service from the scope, else from the API version', () => {
    expect(
      decodeCall(
        { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', authorization: auth('sts') },
        'Action=GetCallerIdentity&Version=2011-06-15',
      ),
    ).toMatchObject({ protocol: 'awsQuery', service: 'sts', operation: 'GetCallerIdentity' });
    expect(
      decodeCall(
        { 'content-type': 'application/x-www-form-urlencoded' },
        'Action=GetTopicAttributes&Version=2010-03-31&TopicArn=t',
      ),
    ).toMatchObject({ service: 'sns', input: { TopicArn: 't' } });
  });

  it('rejects bad JSON with SerializationException and non-AWS requests with UnknownOperationException', () => {
    expect(() => decodeCall({ 'x-amz-target': 'TrentService.ListKeys' }, '{nope')).toThrow(
      expect.objectContaining({ code: 'SerializationException' }),
    );
    expect(() => decodeCall({ 'x-amz-target': 'TrentService.ListKeys' }, '[1]')).toThrow(
      expect.objectContaining({ code: 'SerializationException' }),
    );
    expect(() => decodeCall({ 'content-type': 'text/plain' }, 'hello')).toThrow(
      expect.objectContaining({ code: 'UnknownOperationException' }),
    );
    expect(() => decodeCall({ 'x-amz-target': 'Nobody.DoIt' }, '{}')).toThrow(
      expect.objectContaining({ code: 'UnknownOperationException' }),
    );
  });
});

describe('response encoding', () => {
  it('writes Dates as epoch seconds (fractions kept) in JSON', () => {
    expect(
      JSON.parse(toAwsJson({ a: { CreationDate: new Date('2026-01-02T03:04:05.500Z') }, b: [new Date(0)] })),
    ).toEqual({ a: { CreationDate: 1767323045.5 }, b: [0] });
  });

  it('answers JSON errors with __type, message, the request id and (CloudWatch) the query error header', () => {
    const err = new SandboxError('ResourceNotFound', 'gone', 404);
    const cw = encodeError({ protocol: 'awsJson1_0', service: 'monitoring' }, err, 'r1');
    expect(cw.status).toBe(404);
    expect(JSON.parse(cw.body)).toEqual({ __type: 'ResourceNotFound', message: 'gone' });
    expect(cw.headers).toMatchObject({
      'x-amzn-requestid': 'r1',
      'x-amzn-query-error': 'ResourceNotFound;Sender',
      'content-type': 'application/x-amz-json-1.0',
    });
    const kms = encodeError(
      { protocol: 'awsJson1_1', service: 'kms' },
      new SandboxError('KMSInternalException', 'x', 500),
      'r2',
    );
    expect(kms.headers['x-amzn-query-error']).toBeUndefined();
    expect(kms.status).toBe(500);
  });

  it('answers an undecodable request in JSON, never HTML', () => {
    const r = encodeError(undefined, new SandboxError('MethodNotAllowed', 'use POST', 405), 'r');
    expect(r.headers['content-type']).toContain('json');
    expect(JSON.parse(r.body).__type).toBe('MethodNotAllowed');
  });

  it('answers awsQuery in XML and JSON protocols in JSON', () => {
    expect(
      encodeSuccess({ protocol: 'awsQuery', service: 'sts', operation: 'GetCallerIdentity' }, { Account: '1' }, 'r')
        .body,
    ).toContain('<GetCallerIdentityResult><Account>1</Account>');
    expect(encodeSuccess({ protocol: 'awsJson1_1', service: 'kms', operation: 'ListKeys' }, undefined, 'r').body).toBe(
      '{}',
    );
  });
});
