/**
 * DynamoDbPort on the AWS SDK (JSON 1.0; aws-facts-data-at-rest B). ListTables names tables only,
 * so each table is described (DescribeTable, paced): SSEDescription.KMSMasterKeyArn is present only
 * for a customer managed or AWS managed key (absent: the AWS owned key).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DataResource, DynamoDbPort } from '../data-ports.js';
import { mapFailure } from '../errors.js';
import { AwsCallError } from '../../errors.js';
import type { AdapterSite } from './site.js';
import { sdkModule } from '../sdk-modules.js';

const { DescribeTableCommand, paginateListTables } = sdkModule('@aws-sdk/client-dynamodb');

/** ListTables Limit: 1..100. */
const PAGE_SIZE = 100;

export class DynamoDbAdapter implements DynamoDbPort {
  constructor(
    private readonly client: () => Promise<DynamoDBClient>,
    private readonly where: AdapterSite,
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
        const t = (await ddb.send(new DescribeTableCommand({ TableName: table }))).Table;
        const key = t?.SSEDescription?.KMSMasterKeyArn;
        if (!t || !key) return null;
        return {
          resourceType: 'AWS::DynamoDB::Table',
          resourceId: t.TableName ?? table,
          ...(t.TableArn ? { arn: t.TableArn } : {}),
          region: this.where.region,
          ...(t.CreationDateTime ? { createdAt: t.CreationDateTime } : {}),
          kmsKeyRef: key,
          property: 'SSEDescription.KMSMasterKeyArn',
        };
      });
    } catch (err) {
      // deleted between ListTables and DescribeTable: nothing left to protect
      if (err instanceof AwsCallError && err.code === 'ResourceNotFoundException') return null;
      throw err;
    }
  }

  private call<T>(operation: string, fn: (client: DynamoDBClient) => Promise<T>): Promise<T> {
    return mapFailure({ service: 'dynamodb', operation, ...this.where }, async () => fn(await this.client()));
  }
}
