/**
 * DynamoDbPort on the AWS SDK (JSON 1.0; aws-facts-data-at-rest B). ListTables names tables only,
 * so each table is described (DescribeTable, paced): SSEDescription.KMSMasterKeyArn is present only
 * for a customer managed or AWS managed key (absent: the AWS owned key).
 *
 * DescribeTable is called once per table of the account: with a pacing bucket (the real ports),
 * it goes through FastJsonCall (fast-json-call.ts: the SDK's endpoint, signer and sockets without
 * its per-call middleware); without one (tests that mock the SDK), through `ddb.send`.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DataResource, DynamoDbPort } from '../data-ports.js';
import { mapFailure } from '../errors.js';
import { AwsCallError } from '../../errors.js';
import type { AdapterSite } from './site.js';
import { sdkModule } from '../sdk-modules.js';
import { FastJsonCall, type JsonReply, type JsonSdkClient } from '../fast-json-call.js';
import { dateOf } from '../fast-wire.js';
import type { Pacing } from '../rate-limiter.js';

const { DescribeTableCommand, paginateListTables } = sdkModule('@aws-sdk/client-dynamodb');

/** ListTables Limit: 1..100. */
const PAGE_SIZE = 100;

export interface DynamoDbAdapterOptions {
  /** the Region's DescribeTable pacing bucket: when given, DescribeTable takes the fast path */
  describeTableBucket?: () => Pacing | undefined;
  /** --debug sink, for the calls the fast path makes */
  debugLog?: (line: string) => void;
}

export class DynamoDbAdapter implements DynamoDbPort {
  private describeTable: FastJsonCall<{ TableName: string }> | undefined;

  constructor(
    private readonly client: () => Promise<DynamoDBClient>,
    private readonly where: AdapterSite,
    private readonly options: DynamoDbAdapterOptions = {},
  ) {}

  async listTables(onPage?: (page: string[]) => void): Promise<string[]> {
    return this.call('ListTables', async (ddb) => {
      const out: string[] = [];
      for await (const p of paginateListTables({ client: ddb, pageSize: PAGE_SIZE }, {})) {
        const names = p.TableNames ?? [];
        out.push(...names);
        onPage?.(names);
      }
      return out;
    });
  }

  async tableKmsKey(table: string): Promise<DataResource | null> {
    try {
      return await this.call('DescribeTable', async (ddb) => {
        const reply = this.options.describeTableBucket
          ? await this.fastDescribeTable(ddb).call({ TableName: table })
          : ((await ddb.send(new DescribeTableCommand({ TableName: table }))) as unknown as JsonReply);
        return this.tableResource(table, reply.Table);
      });
    } catch (err) {
      // deleted between ListTables and DescribeTable: nothing left to protect
      if (err instanceof AwsCallError && err.code === 'ResourceNotFoundException') return null;
      throw err;
    }
  }

  /** The data-at-rest record of a DescribeTable reply's Table (SDK output or wire JSON alike). */
  private tableResource(table: string, value: unknown): DataResource | null {
    const t = (value ?? {}) as {
      TableName?: unknown;
      TableArn?: unknown;
      CreationDateTime?: unknown;
      SSEDescription?: { KMSMasterKeyArn?: unknown };
    };
    const key = t.SSEDescription?.KMSMasterKeyArn;
    if (!value || typeof key !== 'string' || !key) return null;
    const createdAt = dateOf(t.CreationDateTime);
    return {
      resourceType: 'AWS::DynamoDB::Table',
      resourceId: typeof t.TableName === 'string' ? t.TableName : table,
      ...(typeof t.TableArn === 'string' ? { arn: t.TableArn } : {}),
      region: this.where.region,
      ...(createdAt ? { createdAt } : {}),
      kmsKeyRef: key,
      property: 'SSEDescription.KMSMasterKeyArn',
    };
  }

  private fastDescribeTable(ddb: DynamoDBClient): FastJsonCall<{ TableName: string }> {
    this.describeTable ??= new FastJsonCall(
      ddb as unknown as JsonSdkClient,
      {
        label: 'dynamodb.DescribeTable',
        target: 'DynamoDB_20120810.DescribeTable',
        jsonVersion: '1.0',
        command: (input) => new DescribeTableCommand(input),
      },
      {
        ...(this.options.describeTableBucket ? { bucket: this.options.describeTableBucket() } : {}),
        ...(this.options.debugLog ? { debugLog: this.options.debugLog } : {}),
      },
    );
    return this.describeTable;
  }

  private call<T>(operation: string, fn: (client: DynamoDBClient) => Promise<T>): Promise<T> {
    return mapFailure({ service: 'dynamodb', operation, ...this.where }, async () => fn(await this.client()));
  }
}
