/**
 * Amazon DynamoDB tables (JSON 1.0, `DynamoDB_20120810.<Op>`): ListTables, DescribeTable with
 * SSEDescription.KMSMasterKeyArn (aws-facts-data-at-rest B), CreateTable and DeleteTable. A table
 * under the AWS owned key has no SSEDescription at all; under a KMS key (customer managed or
 * aws/dynamodb) the description carries the key's ARN whatever name CreateTable was given.
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import { changed, dataOf, dataView } from '../data/access.js';
import { requireKeyArn } from '../data/keys.js';
import type { TableRecord } from '../data/state.js';
import { intInRange } from '../errors.js';
import type { Handler } from '../handler.js';

function tableArn(acc: Account, name: string): string {
  return `arn:aws:dynamodb:${acc.region}:${acc.accountId}:table/${name}`;
}

function notFound(name: unknown): SandboxError {
  return new SandboxError(
    'ResourceNotFoundException',
    `Requested resource not found: Table: ${String(name)} not found`,
  );
}

function describe(acc: Account, t: TableRecord): Record<string, unknown> {
  return {
    TableName: t.name,
    TableArn: tableArn(acc, t.name),
    TableId: t.id,
    TableStatus: t.status,
    CreationDateTime: new Date(t.created),
    KeySchema: [{ AttributeName: t.hashKey, KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: t.hashKey, AttributeType: 'S' }],
    ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
    BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
    ItemCount: t.items,
    TableSizeBytes: t.bytes,
    DeletionProtectionEnabled: false,
    ...(t.kmsKeyArn ? { SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: t.kmsKeyArn } } : {}),
  };
}

const listTables: Handler = (acc, input) => {
  const limit = intInRange(input.Limit, 'limit', 1, 100, 100);
  const names = dataView(acc)
    .tables.map((t) => t.name)
    .sort();
  const after = typeof input.ExclusiveStartTableName === 'string' ? input.ExclusiveStartTableName : undefined;
  let start = 0;
  if (after !== undefined) while (start < names.length && names[start]! <= after) start++;
  const page = names.slice(start, start + limit);
  return {
    TableNames: page,
    ...(start + page.length < names.length ? { LastEvaluatedTableName: page[page.length - 1] } : {}),
  };
};

function findTable(acc: Account, name: unknown): TableRecord {
  const t = dataView(acc).tables.find((x) => x.name === name);
  if (!t) throw notFound(name);
  return t;
}

const describeTable: Handler = (acc, input) => ({ Table: describe(acc, findTable(acc, input.TableName)) });

const createTable: Handler = (acc, input) => {
  const name = input.TableName;
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]{3,255}$/.test(name))
    throw new SandboxError('ValidationException', 'TableName must be 3-255 characters of [a-zA-Z0-9_.-].');
  if (dataView(acc).tables.some((t) => t.name === name))
    throw new SandboxError('ResourceInUseException', `Table already exists: ${name}`);
  const keySchema = Array.isArray(input.KeySchema) ? (input.KeySchema as Array<Record<string, unknown>>) : [];
  const hash = keySchema.find((k) => k.KeyType === 'HASH')?.AttributeName;
  if (typeof hash !== 'string') throw new SandboxError('ValidationException', 'KeySchema needs a HASH key.');
  const sse = (input.SSESpecification ?? {}) as Record<string, unknown>;
  let kmsKeyArn: string | undefined;
  if (sse.Enabled === true) {
    const keyName =
      typeof sse.KMSMasterKeyId === 'string'
        ? sse.KMSMasterKeyId
        : acc.aliasByName.has('alias/aws/dynamodb')
          ? 'alias/aws/dynamodb'
          : undefined;
    if (!keyName)
      throw new SandboxError('ValidationException', 'SSESpecification: no KMSMasterKeyId and no aws/dynamodb key.');
    kmsKeyArn = requireKeyArn(acc, keyName);
  }
  const t: TableRecord = {
    name,
    id: acc.ids.uuid(),
    created: acc.nowMs(),
    status: 'ACTIVE',
    hashKey: hash,
    items: 0,
    bytes: 0,
    ...(kmsKeyArn ? { kmsKeyArn } : {}),
  };
  dataOf(acc).tables.push(t);
  changed(acc);
  return { TableDescription: describe(acc, t) };
};

const deleteTable: Handler = (acc, input) => {
  const t = findTable(acc, input.TableName);
  const d = dataOf(acc);
  if (!d.tables.includes(t))
    throw new SandboxError('ValidationException', 'Generated tables of the large scenario cannot be deleted.');
  d.tables = d.tables.filter((x) => x !== t);
  changed(acc);
  return { TableDescription: { ...describe(acc, t), TableStatus: 'DELETING' } };
};

export const dynamodbHandlers: Record<string, Handler> = {
  ListTables: listTables,
  DescribeTable: describeTable,
  CreateTable: createTable,
  DeleteTable: deleteTable,
};
