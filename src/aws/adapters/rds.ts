/**
 * RdsPort on the AWS SDK (query protocol; aws-facts-data-at-rest B). No RDS call filters by key:
 * every instance, cluster and snapshot is read and matched by the workflow. Besides the storage
 * key, Performance Insights and database activity streams name keys of their own: their data is
 * lost with that key too, so each named key becomes its own DataResource (the property says which).
 */
import type { RDSClient } from '@aws-sdk/client-rds';
import type { DataResource, RdsPort } from '../data-ports.js';
import { mapFailure } from '../errors.js';
import type { AdapterSite } from './site.js';
import { sdkModule } from '../sdk-modules.js';

const {
  paginateDescribeDBClusters,
  paginateDescribeDBClusterSnapshots,
  paginateDescribeDBInstances,
  paginateDescribeDBSnapshots,
} = sdkModule('@aws-sdk/client-rds');

/** MaxRecords: 20..100. */
const PAGE_SIZE = 100;

interface Named {
  type: string;
  id: string | undefined;
  arn: string | undefined;
  createdAt: Date | undefined;
  keys: Array<[property: string, ref: string | undefined]>;
}

export class RdsAdapter implements RdsPort {
  constructor(
    private readonly client: () => Promise<RDSClient>,
    private readonly where: AdapterSite,
  ) {}

  async dbInstances(): Promise<DataResource[]> {
    return this.call('DescribeDBInstances', async (rds) => {
      const out: DataResource[] = [];
      for await (const p of paginateDescribeDBInstances({ client: rds, pageSize: PAGE_SIZE }, {})) {
        for (const d of p.DBInstances ?? [])
          this.push(out, {
            type: 'AWS::RDS::DBInstance',
            id: d.DBInstanceIdentifier,
            arn: d.DBInstanceArn,
            createdAt: d.InstanceCreateTime,
            keys: [
              ['KmsKeyId', d.KmsKeyId],
              ['PerformanceInsightsKMSKeyId', d.PerformanceInsightsKMSKeyId],
            ],
          });
      }
      return out;
    });
  }

  async dbClusters(): Promise<DataResource[]> {
    return this.call('DescribeDBClusters', async (rds) => {
      const out: DataResource[] = [];
      for await (const p of paginateDescribeDBClusters({ client: rds, pageSize: PAGE_SIZE }, {})) {
        for (const c of p.DBClusters ?? [])
          this.push(out, {
            type: 'AWS::RDS::DBCluster',
            id: c.DBClusterIdentifier,
            arn: c.DBClusterArn,
            createdAt: c.ClusterCreateTime,
            keys: [
              ['KmsKeyId', c.KmsKeyId],
              ['ActivityStreamKmsKeyId', c.ActivityStreamKmsKeyId],
              ['PerformanceInsightsKMSKeyId', c.PerformanceInsightsKMSKeyId],
            ],
          });
      }
      return out;
    });
  }

  async dbSnapshots(): Promise<DataResource[]> {
    return this.call('DescribeDBSnapshots', async (rds) => {
      const out: DataResource[] = [];
      for await (const p of paginateDescribeDBSnapshots({ client: rds, pageSize: PAGE_SIZE }, {})) {
        for (const s of p.DBSnapshots ?? [])
          this.push(out, {
            type: 'AWS::RDS::DBSnapshot',
            id: s.DBSnapshotIdentifier,
            arn: s.DBSnapshotArn,
            createdAt: s.SnapshotCreateTime,
            keys: [['KmsKeyId', s.KmsKeyId]],
          });
      }
      return out;
    });
  }

  async dbClusterSnapshots(): Promise<DataResource[]> {
    return this.call('DescribeDBClusterSnapshots', async (rds) => {
      const out: DataResource[] = [];
      for await (const p of paginateDescribeDBClusterSnapshots({ client: rds, pageSize: PAGE_SIZE }, {})) {
        for (const s of p.DBClusterSnapshots ?? [])
          this.push(out, {
            type: 'AWS::RDS::DBClusterSnapshot',
            id: s.DBClusterSnapshotIdentifier,
            arn: s.DBClusterSnapshotArn,
            createdAt: s.SnapshotCreateTime,
            keys: [['KmsKeyId', s.KmsKeyId]],
          });
      }
      return out;
    });
  }

  private push(out: DataResource[], r: Named): void {
    if (!r.id) return;
    for (const [property, ref] of r.keys) {
      if (!ref) continue;
      out.push({
        resourceType: r.type,
        resourceId: r.id,
        ...(r.arn ? { arn: r.arn } : {}),
        region: this.where.region,
        ...(r.createdAt ? { createdAt: r.createdAt } : {}),
        kmsKeyRef: ref,
        property,
      });
    }
  }

  private call<T>(operation: string, fn: (client: RDSClient) => Promise<T>): Promise<T> {
    return mapFailure({ service: 'rds', operation, ...this.where }, async () => fn(await this.client()));
  }
}
