/**
 * The data-at-rest services of a fake account (issue 19): resources that name KMS keys, the Config
 * recorder, and an advanced-query stand-in. The Config fake answers every recorded resource of the
 * types named in the expression's `resourceType IN (...)` (kscli matches the keys itself, so a
 * fake that ignores the key filter still tests kscli's matching), in pages of `configPageSize`.
 */
import type {
  BackupPort,
  BackupVaultInfo,
  BucketInfo,
  ConfigPort,
  ConfigRecorderInfo,
  ConfigRecorderStatus,
  DataResource,
  DynamoDbPort,
  Ec2Port,
  RdsPort,
  S3Port,
  SecretsPort,
  SsmPort,
} from '../../../src/aws/data-ports.js';
import { AwsCallError } from '../../../src/errors.js';

export type FakeCall = (operation: string, args: unknown[]) => Promise<void>;

export class FakeDataServices {
  /** every resource of the account that names a key (any type, Config-recorded or not) */
  readonly resources: DataResource[] = [];
  readonly buckets: Array<BucketInfo & { kmsKey?: string }> = [];
  readonly vaults: BackupVaultInfo[] = [];
  recorders: ConfigRecorderInfo[] = [];
  recorderStatus: ConfigRecorderStatus[] = [];
  /** aggregator name -> resources of other accounts it sees (besides this account's recorded ones) */
  readonly aggregators = new Map<string, DataResource[]>();
  configPageSize = 100;

  constructor(
    private readonly call: FakeCall,
    private readonly region: () => string,
  ) {}

  /** A recorder that records these types (all supported when omitted), recording. */
  record(types?: string[]): void {
    this.recorders = [
      {
        name: 'default',
        allSupported: types === undefined,
        resourceTypes: types ?? [],
        excludedResourceTypes: [],
      },
    ];
    this.recorderStatus = [{ name: 'default', recording: true, lastStatus: 'Success' }];
  }

  private recorded(type: string): boolean {
    const live = this.recorders.filter((r) => this.recorderStatus.some((s) => s.name === r.name && s.recording));
    return live.some((r) => r.allSupported || r.resourceTypes.includes(type));
  }

  private of(type: string): DataResource[] {
    return this.resources.filter((r) => r.resourceType === type).map((r) => ({ ...r }));
  }

  private rowsFor(expression: string, extra: DataResource[]): unknown[] {
    const types = [...(/resourceType IN \(([^)]*)\)/.exec(expression)?.[1] ?? '').matchAll(/'([^']+)'/g)].map(
      (m) => m[1]!,
    );
    const pool = [...this.resources.filter((r) => this.recorded(r.resourceType)), ...extra];
    return pool.filter((r) => types.includes(r.resourceType)).map((r) => configRow(r));
  }

  private page(rows: unknown[], token?: string) {
    const start = token ? Number(token) : 0;
    const end = start + this.configPageSize;
    return { rows: rows.slice(start, end), ...(end < rows.length ? { nextToken: String(end) } : {}) };
  }

  config(): ConfigPort {
    return {
      describeRecorders: async () => {
        await this.call('DescribeConfigurationRecorders', []);
        return this.recorders.map((r) => ({ ...r }));
      },
      describeRecorderStatus: async () => {
        await this.call('DescribeConfigurationRecorderStatus', []);
        return this.recorderStatus.map((s) => ({ ...s }));
      },
      selectResourceConfig: async (expression, token) => {
        await this.call('SelectResourceConfig', [expression, token]);
        return this.page(this.rowsFor(expression, []), token);
      },
      selectAggregateResourceConfig: async (aggregator, expression, token) => {
        await this.call('SelectAggregateResourceConfig', [aggregator, expression, token]);
        const extra = this.aggregators.get(aggregator);
        if (!extra)
          throw new AwsCallError(
            'SelectAggregateResourceConfig',
            'NoSuchConfigurationAggregatorException',
            `The configuration aggregator does not exist: ${aggregator}`,
            400,
          );
        return this.page(this.rowsFor(expression, extra), token);
      },
    };
  }

  s3(): S3Port {
    return {
      listBuckets: async () => {
        await this.call('ListBuckets', []);
        return this.buckets.map(({ kmsKey: _k, ...b }) => ({ ...b }));
      },
      bucketRegion: async (name) => {
        await this.call('GetBucketLocation', [name]);
        return this.buckets.find((b) => b.name === name)?.region ?? this.region();
      },
      bucketKmsKey: async (name) => {
        await this.call('GetBucketEncryption', [name]);
        return this.buckets.find((b) => b.name === name)?.kmsKey ?? null;
      },
    };
  }

  ec2(): Ec2Port {
    return {
      encryptedVolumes: async () => (await this.call('DescribeVolumes', []), this.of('AWS::EC2::Volume')),
      encryptedSnapshots: async () => (await this.call('DescribeSnapshots', []), this.of('AWS::EC2::Snapshot')),
      // no data-at-rest test reads endpoint services (external key store leftovers have their own tests)
      vpcEndpointService: async (name) => (await this.call('DescribeVpcEndpointServiceConfigurations', [name]), null),
    };
  }

  rds(): RdsPort {
    return {
      dbInstances: async () => (await this.call('DescribeDBInstances', []), this.of('AWS::RDS::DBInstance')),
      dbClusters: async () => (await this.call('DescribeDBClusters', []), this.of('AWS::RDS::DBCluster')),
      dbSnapshots: async () => (await this.call('DescribeDBSnapshots', []), this.of('AWS::RDS::DBSnapshot')),
      dbClusterSnapshots: async () => (
        await this.call('DescribeDBClusterSnapshots', []),
        this.of('AWS::RDS::DBClusterSnapshot')
      ),
    };
  }

  dynamodb(): DynamoDbPort {
    return {
      listTables: async () => (
        await this.call('ListTables', []),
        this.of('AWS::DynamoDB::Table').map((t) => t.resourceId)
      ),
      tableKmsKey: async (name) => {
        await this.call('DescribeTable', [name]);
        return this.of('AWS::DynamoDB::Table').find((t) => t.resourceId === name) ?? null;
      },
    };
  }

  backup(): BackupPort {
    return {
      listVaults: async () => (await this.call('ListBackupVaults', []), this.vaults.map((v) => ({ ...v }))),
      recoveryPoints: async (vault) => {
        await this.call('ListRecoveryPointsByBackupVault', [vault]);
        return this.of('AWS::Backup::RecoveryPoint').filter((r) => r.name === `vault ${vault}` || !r.name);
      },
    };
  }

  secretsmanager(): SecretsPort {
    return {
      secretsWithKmsKey: async () => (await this.call('ListSecrets', []), this.of('AWS::SecretsManager::Secret')),
    };
  }

  ssm(): SsmPort {
    return {
      secureStringParameters: async () => (await this.call('DescribeParameters', []), this.of('AWS::SSM::Parameter')),
    };
  }

  logGroups(): DataResource[] {
    return this.of('AWS::Logs::LogGroup');
  }
}

/** What Config's advanced query answers for a resource: the selected base fields and the key property. */
export function configRow(r: DataResource): Record<string, unknown> {
  const row: Record<string, unknown> = {
    resourceId: r.resourceId,
    resourceType: r.resourceType,
    ...(r.arn ? { arn: r.arn } : {}),
    ...(r.accountId ? { accountId: r.accountId } : {}),
    ...(r.region ? { awsRegion: r.region } : {}),
    ...(r.createdAt ? { resourceCreationTime: r.createdAt.toISOString() } : {}),
  };
  // nest the value under the dotted property (configuration.kmsKeyId -> {configuration: {kmsKeyId}})
  const parts = r.property.split('.');
  let at = row;
  for (const p of parts.slice(0, -1)) at = (at[p] ??= {}) as Record<string, unknown>;
  at[parts[parts.length - 1]!] = r.kmsKeyRef;
  return row;
}
