/**
 * Logs Insights through the real @aws-sdk/client-cloudwatch-logs against the served sandbox
 * (HTTP, awsJson1_1): queries progress over real time, errors arrive with their members, and the
 * timing is changed at run time through POST /__sandbox/config.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudWatchLogsClient,
  DescribeQueriesCommand,
  GetQueryResultsCommand,
  StartQueryCommand,
  StopQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { realModelFactory, resetState, startSandbox, type RunningSandbox } from '../../../../src/sandbox/index.js';
import { DEMO_LOG_GROUP, DEMO_STORE_ID } from '../../../../src/sandbox/model/index.js';

let dir: string;
let sb: RunningSandbox;
let client: CloudWatchLogsClient;

async function configure(patch: Record<string, number>): Promise<Record<string, number>> {
  const res = await fetch(`${sb.url}/__sandbox/config`, { method: 'POST', body: JSON.stringify(patch) });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, number>;
}

async function errorOf(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kscli-insights-'));
  const statePath = join(dir, 'state.json');
  resetState(await realModelFactory(), statePath, 'large', {
    keys: 500,
    storeKeys: 100,
    noiseEvents: 2000,
    usedShare: 0.2,
  });
  sb = await startSandbox({ statePath });
  client = new CloudWatchLogsClient({
    endpoint: sb.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'dummy-secret' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client?.destroy();
  await sb?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Logs Insights through the AWS SDK', () => {
  it('GET /__sandbox/config shows the settings; POST refuses unknown names and bad values', async () => {
    const current = (await (await fetch(`${sb.url}/__sandbox/config`)).json()) as Record<string, number>;
    expect(current).toMatchObject({
      insightsMaxConcurrent: 100,
      insightsDefaultLimit: 10_000,
      insightsMaxLimit: 100_000,
      insightsTimeoutMs: 3_600_000,
    });
    for (const bad of [{ insightsNope: 1 }, { insightsScheduledMs: -1 }, { insightsScheduledMs: 'fast' }]) {
      const res = await fetch(`${sb.url}/__sandbox/config`, { method: 'POST', body: JSON.stringify(bad) });
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
  });

  it('StartQuery, then GetQueryResults moves Scheduled -> Running -> Complete over real time', async () => {
    const config = await configure({ insightsScheduledMs: 1000, insightsMinRunMs: 1000, insightsMaxConcurrent: 100 });
    expect(config.insightsScheduledMs).toBe(1000);
    const { queryId } = await client.send(
      new StartQueryCommand({
        logGroupIdentifiers: [`arn:aws:logs:us-east-1:111122223333:log-group:${DEMO_LOG_GROUP}`],
        startTime: now() - 400 * 86_400,
        endTime: now(),
        queryString: `filter additionalEventData.customKeyStoreId = "${DEMO_STORE_ID}" and not ispresent(errorCode)
          | stats count(*) as calls, latest(@timestamp) as last by resources.0.ARN | sort calls desc`,
      }),
    );
    const seen: string[] = [];
    let last;
    for (let i = 0; i < 100; i++) {
      last = await client.send(new GetQueryResultsCommand({ queryId }));
      if (seen[seen.length - 1] !== last.status) seen.push(last.status!);
      if (last.status === 'Complete') break;
      await sleep(100);
    }
    expect(seen[0]).toBe('Scheduled');
    expect(seen).toContain('Running');
    expect(seen[seen.length - 1]).toBe('Complete');
    expect(last!.results!.length).toBeGreaterThan(5);
    const row = Object.fromEntries(last!.results![0]!.map((f) => [f.field, f.value]));
    expect(row['resources.0.ARN']).toMatch(/^arn:aws:kms:us-east-1:111122223333:key\//);
    expect(row.last).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    expect(last!.statistics!.recordsScanned).toBeGreaterThan(2000);
    expect(last!.statistics!.bytesScanned).toBeGreaterThan(0);
  });

  it('MalformedQueryException carries queryCompileError.location', async () => {
    const e = await errorOf(
      client.send(
        new StartQueryCommand({
          logGroupName: DEMO_LOG_GROUP,
          startTime: now() - 60,
          endTime: now(),
          queryString: 'filter a = 1 | bogus',
        }),
      ),
    );
    expect(e.name).toBe('MalformedQueryException');
    expect(e.queryCompileError).toEqual({
      location: { startCharOffset: 15, endCharOffset: 19 },
      message: expect.stringMatching(/mismatched input 'bogus'/),
    });
  });

  it('ResourceNotFoundException, InvalidParameterException, and LimitExceededException at the concurrency cap; StopQuery and DescribeQueries', async () => {
    expect(
      (
        await errorOf(
          client.send(
            new StartQueryCommand({
              logGroupName: 'missing',
              startTime: 0,
              endTime: now(),
              queryString: 'stats count(*)',
            }),
          ),
        )
      ).name,
    ).toBe('ResourceNotFoundException');
    expect(
      (
        await errorOf(
          client.send(
            new StartQueryCommand({
              logGroupName: DEMO_LOG_GROUP,
              startTime: now(),
              endTime: now() - 5,
              queryString: 'stats count(*)',
            }),
          ),
        )
      ).name,
    ).toBe('InvalidParameterException');
    await configure({ insightsScheduledMs: 0, insightsMinRunMs: 60_000, insightsMaxConcurrent: 1 });
    const { queryId } = await client.send(
      new StartQueryCommand({
        logGroupName: DEMO_LOG_GROUP,
        startTime: 0,
        endTime: now(),
        queryString: 'stats count(*)',
      }),
    );
    const limit = await errorOf(
      client.send(
        new StartQueryCommand({
          logGroupName: DEMO_LOG_GROUP,
          startTime: 0,
          endTime: now(),
          queryString: 'stats count(*)',
        }),
      ),
    );
    expect(limit.name).toBe('LimitExceededException');
    const running = await client.send(new DescribeQueriesCommand({ status: 'Running' }));
    expect(running.queries!.map((q) => q.queryId)).toEqual([queryId]);
    expect(await client.send(new StopQueryCommand({ queryId }))).toMatchObject({ success: true });
    expect((await client.send(new GetQueryResultsCommand({ queryId: queryId! }))).status).toBe('Cancelled');
    await configure({ insightsMaxConcurrent: 100 });
  });
});
