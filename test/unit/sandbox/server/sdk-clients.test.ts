/**
 * The real AWS SDK v3 clients against the sandbox (real account model, demo scenario) over HTTP
 * with dummy credentials: one call of each kind round-trips, and errors arrive with the right
 * `e.name`, `$fault` and request id (wire-protocols.md).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KMSClient,
  DescribeKeyCommand,
  ListKeysCommand,
  DescribeCustomKeyStoresCommand,
  ScheduleKeyDeletionCommand,
  DeleteCustomKeyStoreCommand,
  DecryptCommand,
} from '@aws-sdk/client-kms';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CloudHSMV2Client, DescribeClustersCommand, DescribeBackupsCommand } from '@aws-sdk/client-cloudhsm-v2';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { SNSClient, GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { readRequestLog, startSandbox, type RunningSandbox } from '../../../../src/sandbox/index.js';
import {
  DEMO_CLUSTER_ID,
  DEMO_KEYS,
  DEMO_LOG_GROUP,
  DEMO_STORE_ID,
  DEMO_TOPIC_ARN,
} from '../../../../src/sandbox/model/index.js';

let dir: string;
let sb: RunningSandbox;
let cfg: {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kscli-sdk-'));
  sb = await startSandbox({ statePath: join(dir, 'state.json') });
  cfg = {
    endpoint: sb.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'dummy-secret' },
    maxAttempts: 1,
  };
});
afterAll(async () => {
  await sb?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function errorOf(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('AWS SDK v3 clients against the sandbox (real model, demo account)', () => {
  it('KMS (awsJson1_1): ListKeys and DescribeKey with Dates', async () => {
    const kms = new KMSClient(cfg);
    expect((await kms.send(new ListKeysCommand({}))).Keys?.length).toBeGreaterThan(0);
    const d = await kms.send(new DescribeKeyCommand({ KeyId: DEMO_KEYS.used }));
    expect(d.KeyMetadata).toMatchObject({
      KeyId: DEMO_KEYS.used,
      KeyState: 'Enabled',
      CustomKeyStoreId: DEMO_STORE_ID,
    });
    expect(d.KeyMetadata?.CreationDate).toBeInstanceOf(Date);
  });

  it('KMS errors arrive by name with fault and request id', async () => {
    const kms = new KMSClient(cfg);
    const nf = await errorOf(kms.send(new DescribeKeyCommand({ KeyId: '00000000-0000-0000-0000-000000000000' })));
    expect(nf.name).toBe('NotFoundException');
    expect(nf.$fault).toBe('client');
    expect(nf.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const pending = await errorOf(
      kms.send(new ScheduleKeyDeletionCommand({ KeyId: DEMO_KEYS.pending, PendingWindowInDays: 7 })),
    );
    expect(pending.name).toBe('KMSInvalidStateException');
    const hasKeys = await errorOf(kms.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: DEMO_STORE_ID })));
    expect(['CustomKeyStoreHasCMKsException', 'CustomKeyStoreInvalidStateException']).toContain(hasKeys.name);
  });

  it('recordCall turns each call into a CloudTrail event: the DescribeKey calls above show in LookupEvents', async () => {
    const trail = new CloudTrailClient(cfg);
    const out = await trail.send(
      new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'DescribeKey' }] }),
    );
    expect(out.Events?.length).toBeGreaterThan(0);
    expect(out.Events?.[0]?.EventTime).toBeInstanceOf(Date);
  });

  it('KMS throttling and 5xx arrive as ThrottlingException and KMSInternalException', async () => {
    const kms = new KMSClient(cfg);
    sb.faults.configure({ throttleRate: { DescribeCustomKeyStores: 1 }, errorRate: { Decrypt: 1 } });
    try {
      const t = await errorOf(kms.send(new DescribeCustomKeyStoresCommand({})));
      expect(t.name).toBe('ThrottlingException');
      const i = await errorOf(kms.send(new DecryptCommand({ CiphertextBlob: new Uint8Array([1, 2, 3]) })));
      expect(i.name).toBe('KMSInternalException');
      expect(i.$fault).toBe('server');
    } finally {
      sb.faults.configure({});
    }
  });

  it('stale reads: for the window after ScheduleKeyDeletion, DescribeKey still shows the key Enabled', async () => {
    const kms = new KMSClient(cfg);
    sb.faults.configure({ staleMs: { ScheduleKeyDeletion: 300 } });
    try {
      const scheduled = await kms.send(
        new ScheduleKeyDeletionCommand({ KeyId: DEMO_KEYS.unusedB, PendingWindowInDays: 7 }),
      );
      expect(scheduled.KeyState).toBe('PendingDeletion');
      expect((await kms.send(new DescribeKeyCommand({ KeyId: DEMO_KEYS.unusedB }))).KeyMetadata?.KeyState).toBe(
        'Enabled',
      );
      await new Promise((r) => setTimeout(r, 350));
      expect((await kms.send(new DescribeKeyCommand({ KeyId: DEMO_KEYS.unusedB }))).KeyMetadata?.KeyState).toBe(
        'PendingDeletion',
      );
    } finally {
      sb.faults.configure({});
    }
  });

  it('CloudWatch (awsJson1_0, query-compatible): alarm round-trip; a missing alarm by name', async () => {
    const cw = new CloudWatchClient(cfg);
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'sdk-test',
        MetricName: 'KMSKeyPendingDeletionUse',
        Namespace: 'CloudTrailMetrics',
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [DEMO_TOPIC_ARN],
      }),
    );
    const out = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['sdk-test'] }));
    expect(out.MetricAlarms?.[0]).toMatchObject({
      AlarmName: 'sdk-test',
      Threshold: 1,
      AlarmActions: [DEMO_TOPIC_ARN],
    });
    expect(out.MetricAlarms?.[0]?.StateUpdatedTimestamp).toBeInstanceOf(Date);
    await cw.send(new DeleteAlarmsCommand({ AlarmNames: ['sdk-test'] }));
    expect((await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['sdk-test'] }))).MetricAlarms).toEqual([]);
  });

  it('CloudWatch errors arrive by their query-compatible code (x-amzn-query-error)', async () => {
    const e = await errorOf(new CloudWatchClient(cfg).send(new DeleteAlarmsCommand({ AlarmNames: ['no-such-alarm'] })));
    expect(e.name).toBe('ResourceNotFound');
    expect(e.$fault).toBe('client');
  });

  it('CloudWatch Logs round-trips', async () => {
    const out = await new CloudWatchLogsClient(cfg).send(new DescribeLogGroupsCommand({}));
    expect(out.logGroups?.map((g) => g.logGroupName)).toContain(DEMO_LOG_GROUP);
  });

  it('CloudHSM v2 (endpoint passed explicitly) round-trips', async () => {
    const hsm = new CloudHSMV2Client(cfg);
    const out = await hsm.send(new DescribeClustersCommand({}));
    expect(out.Clusters?.map((c) => c.ClusterId)).toContain(DEMO_CLUSTER_ID);
    const backups = await hsm.send(new DescribeBackupsCommand({ Filters: { clusterIds: [DEMO_CLUSTER_ID] } }));
    expect(backups.Backups?.length).toBe(5);
    expect(backups.Backups?.[0]?.CreateTimestamp).toBeInstanceOf(Date);
  });

  it('STS (awsQuery XML) round-trips', async () => {
    const out = await new STSClient(cfg).send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe('111122223333');
    expect(out.Arn).toMatch(/^arn:aws:/);
  });

  it('SNS (awsQuery XML): the attributes map decodes; a missing topic arrives as NotFoundException', async () => {
    const sns = new SNSClient(cfg);
    const out = await sns.send(new GetTopicAttributesCommand({ TopicArn: DEMO_TOPIC_ARN }));
    expect(out.Attributes?.TopicArn).toBe(DEMO_TOPIC_ARN);
    const e = await errorOf(
      sns.send(new GetTopicAttributesCommand({ TopicArn: 'arn:aws:sns:us-east-1:111122223333:nope' })),
    );
    expect(e.name).toBe('NotFoundException');
  });

  it('unknown operations arrive as UnknownOperationException', async () => {
    // DeleteTrail: an operation the sandbox does not answer (every KMS operation is answered now)
    const { DeleteTrailCommand } = await import('@aws-sdk/client-cloudtrail');
    const e = await errorOf(new CloudTrailClient(cfg).send(new DeleteTrailCommand({ Name: 'kscli-trail' })));
    expect(e.name).toBe('UnknownOperationException');
  });

  it('every call is in the request log, mutating ones flagged', () => {
    const log = readRequestLog(sb.statePath);
    expect(log.find((e) => e.operation === 'PutMetricAlarm')).toMatchObject({
      service: 'monitoring',
      mutating: true,
      outcome: 'ok',
    });
    expect(log.find((e) => e.operation === 'GetCallerIdentity')).toMatchObject({
      service: 'sts',
      protocol: 'awsQuery',
      mutating: false,
    });
    expect(log.find((e) => e.operation === 'DescribeCustomKeyStores' && e.fault === 'throttle')?.outcome).toBe(
      'ThrottlingException',
    );
  });
});
