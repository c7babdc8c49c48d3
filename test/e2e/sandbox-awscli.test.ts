/**
 * The sandbox proven against a client we did not write: the AWS CLI on PATH drives
 * `kscli sandbox serve` (the built binary) with the AWS documentation's own commands, including
 * the documented errors of DeleteCustomKeyStore (issue 4, "Done when"). The commands run in the
 * file's one AWS CLI process (helpers/awscli.ts); one test runs the real `aws` executable for each
 * protocol family and compares its answers with the in-process ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_CLI, readRequestLog, secretsIn, startAwsCli, startE2E, type AwsCli, type E2E } from './helpers/index.js';

const HSM_STORE = 'cks-1234567890abcdef0';
const EMPTY_STORE = 'cks-0987654321fedcba0';

let t: E2E;
let cli: AwsCli;

/** Runs `aws <args> --endpoint-url URL --output json`; returns the parsed stdout or the error text. */
const aws = (...args: string[]) => cli.run(args);

async function advance(body: Record<string, number>): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`${t.sandbox.url}/__sandbox/advance`, { method: 'POST', body: JSON.stringify(body) });
  } catch (e) {
    throw new Error(`POST /__sandbox/advance failed (${(e as Error).message}); its stderr: ${t.sandbox.stderr()}`);
  }
  expect(res.status).toBe(200);
}

/** Polls describe-custom-key-stores until the store reaches `state`, letting sandbox time pass between polls. */
async function pollStore(storeId: string, state: string): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < 20; i++) {
    const r = await aws('kms', 'describe-custom-key-stores', '--custom-key-store-id', storeId);
    expect(r.status, r.stderr).toBe(0);
    const current = r.json.CustomKeyStores[0].ConnectionState as string;
    seen.push(current);
    if (current === state) return seen;
    await advance({ ms: 60_000 });
  }
  throw new Error(`${storeId} never reached ${state}: ${seen.join(' -> ')}`);
}

describe.skipIf(!AWS_CLI)('the AWS CLI against kscli sandbox serve', () => {
  beforeAll(async () => {
    t = await startE2E('awscli');
    cli = await startAwsCli(t.ws, t.sandbox.url);
  });

  afterAll(async () => {
    await cli?.stop();
    await t?.stop();
  });

  it('sts get-caller-identity names the demo account', async () => {
    const r = await aws('sts', 'get-caller-identity');
    expect(r.status, r.stderr).toBe(0);
    expect(r.json.Account).toBe('111122223333');
  });

  it('the aws executable answers as the in-process AWS CLI: query, JSON 1.1 (an error), REST-XML, REST-JSON', async () => {
    const commands = [
      ['sts', 'get-caller-identity'],
      ['kms', 'describe-key', '--key-id', '00000000-0000-0000-0000-000000000000'],
      ['s3api', 'list-buckets'],
      ['backup', 'list-backup-vaults'],
    ];
    // the real executables start in parallel (each costs about 0.7 s of CPU before its request)
    const spawned = await Promise.all(commands.map((args) => cli.spawnAws(args)));
    for (const [i, args] of commands.entries()) {
      const inProcess = await aws(...args);
      const real = spawned[i]!;
      expect({ status: real.status, json: real.json, stderr: real.stderr }, `aws ${args.join(' ')}`).toEqual({
        status: inProcess.status,
        json: inProcess.json,
        stderr: inProcess.stderr,
      });
    }
    expect(spawned.map((r) => r.status === 0)).toEqual([true, false, true, true]); // v1 exits 255 on an error, v2 254
    expect(spawned[0]!.json.Account).toBe('111122223333');
    expect(spawned[1]!.stderr).toContain('(NotFoundException)');
    expect(spawned[2]!.json.Buckets.length).toBeGreaterThan(0);
    expect(spawned[3]!.json.BackupVaultList.length).toBeGreaterThan(0);
  });

  it('kms list-keys and describe-key', async () => {
    const list = await aws('kms', 'list-keys');
    expect(list.status, list.stderr).toBe(0);
    expect(list.json.Keys.length).toBeGreaterThanOrEqual(30);
    const keyId = list.json.Keys[0].KeyId as string;
    const d = await aws('kms', 'describe-key', '--key-id', keyId);
    expect(d.status, d.stderr).toBe(0);
    expect(d.json.KeyMetadata.KeyId).toBe(keyId);
    // AWS CLI v1 (cli_timestamp_format "none") prints timestamps as they came: epoch seconds
    const created = d.json.KeyMetadata.CreationDate as number;
    expect(created).toBeGreaterThan(Date.parse('2015-01-01') / 1000);
    expect(created).toBeLessThan(Date.now() / 1000 + 86_400);
    const missing = await aws('kms', 'describe-key', '--key-id', '00000000-0000-0000-0000-000000000000');
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('NotFoundException');
  });

  it('kms describe-custom-key-stores lists the demo stores', async () => {
    const r = await aws('kms', 'describe-custom-key-stores');
    expect(r.status, r.stderr).toBe(0);
    const states = Object.fromEntries(r.json.CustomKeyStores.map((s: any) => [s.CustomKeyStoreId, s.ConnectionState]));
    expect(states).toMatchObject({ [HSM_STORE]: 'CONNECTED', [EMPTY_STORE]: 'DISCONNECTED' });
  });

  it('kms delete-custom-key-store on a connected store: CustomKeyStoreInvalidStateException', async () => {
    const c = await aws('kms', 'connect-custom-key-store', '--custom-key-store-id', EMPTY_STORE);
    expect(c.status, c.stderr).toBe(0);
    await pollStore(EMPTY_STORE, 'CONNECTED');
    const r = await aws('kms', 'delete-custom-key-store', '--custom-key-store-id', EMPTY_STORE);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('CustomKeyStoreInvalidStateException');
  });

  it('kms disconnect-custom-key-store, poll until DISCONNECTED, then delete-custom-key-store succeeds on an empty store', async () => {
    const d = await aws('kms', 'disconnect-custom-key-store', '--custom-key-store-id', EMPTY_STORE);
    expect(d.status, d.stderr).toBe(0);
    await pollStore(EMPTY_STORE, 'DISCONNECTED');
    const del = await aws('kms', 'delete-custom-key-store', '--custom-key-store-id', EMPTY_STORE);
    expect(del.status, del.stderr).toBe(0);
    const after = await aws('kms', 'describe-custom-key-stores', '--custom-key-store-id', EMPTY_STORE);
    expect(after.status).not.toBe(0);
    expect(after.stderr).toContain('CustomKeyStoreNotFoundException');
  });

  it('kms delete-custom-key-store on the demo store that still holds keys: CustomKeyStoreHasCMKsException', async () => {
    const d = await aws('kms', 'disconnect-custom-key-store', '--custom-key-store-id', HSM_STORE);
    expect(d.status, d.stderr).toBe(0);
    const seen = await pollStore(HSM_STORE, 'DISCONNECTED');
    expect(seen.at(-1)).toBe('DISCONNECTED');
    const r = await aws('kms', 'delete-custom-key-store', '--custom-key-store-id', HSM_STORE);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('CustomKeyStoreHasCMKsException');
  });

  it('cloudwatch put-metric-alarm, describe-alarms and delete-alarms (query-compatible JSON)', async () => {
    const put = await aws(
      'cloudwatch',
      'put-metric-alarm',
      '--alarm-name',
      'awscli-test-alarm',
      '--metric-name',
      'KMSKeyPendingDeletionUse',
      '--namespace',
      'CloudTrailMetrics',
      '--statistic',
      'Sum',
      '--period',
      '300',
      '--threshold',
      '1',
      '--comparison-operator',
      'GreaterThanOrEqualToThreshold',
      '--evaluation-periods',
      '1',
    );
    expect(put.status, put.stderr).toBe(0);
    const r = await aws('cloudwatch', 'describe-alarms', '--alarm-names', 'awscli-test-alarm');
    expect(r.status, r.stderr).toBe(0);
    expect(r.json.MetricAlarms[0]).toMatchObject({
      AlarmName: 'awscli-test-alarm',
      Threshold: 1,
      EvaluationPeriods: 1,
    });
    const del = await aws('cloudwatch', 'delete-alarms', '--alarm-names', 'awscli-test-alarm');
    expect(del.status, del.stderr).toBe(0);
    expect(
      (await aws('cloudwatch', 'describe-alarms', '--alarm-names', 'awscli-test-alarm')).json.MetricAlarms,
    ).toEqual([]);
  });

  it('cloudtrail lookup-events answers the CLI long target prefix', async () => {
    const r = await aws('cloudtrail', 'lookup-events', '--max-results', '5');
    expect(r.status, r.stderr).toBe(0);
    expect(Array.isArray(r.json.Events)).toBe(true);
  });

  it('logs start-query and get-query-results: Logs Insights over the trail log group, Scheduled/Running until sandbox time passes, then Complete', async () => {
    // slow the queries down (each CLI call takes a second or more here), then let sandbox time pass
    const res = await fetch(`${t.sandbox.url}/__sandbox/config`, {
      method: 'POST',
      body: JSON.stringify({ insightsScheduledMs: 600_000, insightsMinRunMs: 600_000 }),
    });
    expect(res.status).toBe(200);
    const now = Math.floor(Date.now() / 1000);
    const start = await aws(
      'logs',
      'start-query',
      '--log-group-name',
      'aws-cloudtrail-logs-111122223333',
      '--start-time',
      String(now - 30 * 86_400),
      '--end-time',
      String(now + 3_600),
      '--query-string',
      'filter eventSource = "kms.amazonaws.com" and eventName = "Decrypt" | stats count(*) as calls, latest(@timestamp) as last by resources.0.ARN, userIdentity.sessionContext.sessionIssuer.arn',
    );
    expect(start.status, start.stderr).toBe(0);
    const queryId = start.json.queryId as string;
    const first = await aws('logs', 'get-query-results', '--query-id', queryId);
    expect(first.status, first.stderr).toBe(0);
    expect(['Scheduled', 'Running']).toContain(first.json.status);
    await advance({ ms: 1_500_000 });
    const done = await aws('logs', 'get-query-results', '--query-id', queryId);
    expect(done.status, done.stderr).toBe(0);
    expect(done.json.status).toBe('Complete');
    const rows = done.json.results.map((row: Array<{ field: string; value: string }>) =>
      Object.fromEntries(row.map((f) => [f.field, f.value])),
    );
    expect(rows).toEqual([
      expect.objectContaining({
        'resources.0.ARN': 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        'userIdentity.sessionContext.sessionIssuer.arn': 'arn:aws:iam::111122223333:role/app-backend',
        calls: '1',
      }),
    ]);
    expect(done.json.statistics.recordsScanned).toBeGreaterThan(0);
    const described = await aws('logs', 'describe-queries', '--log-group-name', 'aws-cloudtrail-logs-111122223333');
    expect(described.status, described.stderr).toBe(0);
    expect(described.json.queries.map((q: { queryId: string }) => q.queryId)).toContain(queryId);
    await fetch(`${t.sandbox.url}/__sandbox/config`, {
      method: 'POST',
      body: JSON.stringify({ insightsScheduledMs: 300, insightsMinRunMs: 700 }),
    });
  });

  it('logs start-query with a query that does not compile: MalformedQueryException', async () => {
    const r = await aws(
      'logs',
      'start-query',
      '--log-group-name',
      'aws-cloudtrail-logs-111122223333',
      '--start-time',
      '0',
      '--end-time',
      '100',
      '--query-string',
      'filter x = 1 | count(*)',
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/MalformedQueryException.*mismatched input 'count'/);
  });

  it('sns get-topic-attributes decodes the attributes map from XML', async () => {
    const r = await aws('sns', 'get-topic-attributes', '--topic-arn', 'arn:aws:sns:us-east-1:111122223333:kms-alerts');
    expect(r.status, r.stderr).toBe(0);
    expect(r.json.Attributes.TopicArn).toBe('arn:aws:sns:us-east-1:111122223333:kms-alerts');
  });

  // The Debian AWS CLI v2 still speaks awsQuery/XML to CloudWatch (wire-protocols.md). The v1 on
  // this image prefers JSON, so drive botocore (the CLI's own engine) with the protocol set to query.
  it('cloudwatch over awsQuery XML, as older AWS CLIs speak it', async (ctx) => {
    if (!cli.botocoreAvailable) ctx.skip();
    const mark = t.sandbox.mark();
    const results = await cli.botocore(
      'cloudwatch',
      [
        {
          op: 'PutMetricAlarm',
          params: {
            AlarmName: 'query-alarm',
            MetricName: 'm',
            Namespace: 'n',
            Statistic: 'Sum',
            Period: 300,
            EvaluationPeriods: 1,
            Threshold: 1.0,
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
            Dimensions: [{ Name: 'KeyId', Value: 'k' }],
          },
        },
        { op: 'DescribeAlarms', params: { AlarmNames: ['query-alarm'] } },
        { op: 'DeleteAlarms', params: { AlarmNames: ['no-such-alarm'] } },
        { op: 'DeleteAlarms', params: { AlarmNames: ['query-alarm'] } },
        { op: 'DescribeAlarms', params: { AlarmNames: ['query-alarm'] } },
      ],
      { protocol: 'query' },
    );
    const [put, described, missing, deleted, after] = results;
    expect(put!.error, put!.message).toBeUndefined();
    expect(deleted!.error, deleted!.message).toBeUndefined();
    const alarm = described!.answer.MetricAlarms[0];
    expect({
      name: alarm.AlarmName,
      threshold: alarm.Threshold,
      dims: alarm.Dimensions,
      error: missing!.error,
      after: after!.answer.MetricAlarms.length,
    }).toEqual({
      name: 'query-alarm',
      threshold: 1,
      dims: [{ Name: 'KeyId', Value: 'k' }],
      error: 'ResourceNotFound',
      after: 0,
    });
    // the forced protocol really went over the wire
    const protocols = readRequestLog(t.sandbox.statePath)
      .slice(mark)
      .map((e) => `${e.operation} ${e.protocol}`);
    expect(protocols).toContain('PutMetricAlarm awsQuery');
  });

  it('logged every AWS CLI call in the request log, without the credentials', async () => {
    const log = readRequestLog(t.sandbox.statePath);
    expect(
      log.some(
        (e) => e.operation === 'DeleteCustomKeyStore' && e.outcome === 'CustomKeyStoreHasCMKsException' && e.mutating,
      ),
    ).toBe(true);
    expect(secretsIn(JSON.stringify(log))).toEqual([]);
  });
});
