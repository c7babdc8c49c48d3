/**
 * Ec2Port on the AWS SDK (EC2's own query protocol; aws-facts-data-at-rest B). DescribeVolumes and
 * DescribeSnapshots cannot filter by key, only by `encrypted`: every encrypted volume and every
 * snapshot this account owns (OwnerIds=self: public and shared snapshots are someone else's data)
 * is read and matched by the workflow. KmsKeyId is the key ARN.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { DataResource, Ec2Port } from '../data-ports.js';
import { mapFailure } from '../errors.js';
import type { AdapterSite } from './site.js';
import { sdkModule } from '../sdk-modules.js';

const { paginateDescribeSnapshots, paginateDescribeVolumes } = sdkModule('@aws-sdk/client-ec2');

/**
 * Each call's largest MaxResults: DescribeVolumes 5..500, DescribeSnapshots 5..1,000 (the EC2 API
 * reference). 1,000 for volumes was refused by the sandbox with InvalidParameterValue, which made
 * every direct EBS volume read of a large account a coverage gap (bench dependents-direct-10k).
 */
const PAGE_SIZE = { volumes: 500, snapshots: 1000 } as const;
const ENCRYPTED = [{ Name: 'encrypted', Values: ['true'] }];

export class Ec2Adapter implements Ec2Port {
  constructor(
    private readonly client: () => Promise<EC2Client>,
    private readonly where: AdapterSite,
  ) {}

  async encryptedVolumes(): Promise<DataResource[]> {
    return this.call('DescribeVolumes', async (ec2) => {
      const out: DataResource[] = [];
      for await (const p of paginateDescribeVolumes(
        { client: ec2, pageSize: PAGE_SIZE.volumes },
        { Filters: ENCRYPTED },
      )) {
        for (const v of p.Volumes ?? []) {
          if (!v.VolumeId || !v.KmsKeyId) continue;
          out.push({
            resourceType: 'AWS::EC2::Volume',
            resourceId: v.VolumeId,
            region: this.where.region,
            ...(v.CreateTime ? { createdAt: v.CreateTime } : {}),
            kmsKeyRef: v.KmsKeyId,
            property: 'KmsKeyId',
          });
        }
      }
      return out;
    });
  }

  async encryptedSnapshots(): Promise<DataResource[]> {
    return this.call('DescribeSnapshots', async (ec2) => {
      const out: DataResource[] = [];
      const input = { OwnerIds: ['self'], Filters: ENCRYPTED };
      for await (const p of paginateDescribeSnapshots({ client: ec2, pageSize: PAGE_SIZE.snapshots }, input)) {
        for (const s of p.Snapshots ?? []) {
          if (!s.SnapshotId || !s.KmsKeyId) continue;
          out.push({
            resourceType: 'AWS::EC2::Snapshot',
            resourceId: s.SnapshotId,
            region: this.where.region,
            ...(s.OwnerId ? { accountId: s.OwnerId } : {}),
            ...(s.StartTime ? { createdAt: s.StartTime } : {}),
            kmsKeyRef: s.KmsKeyId,
            property: 'KmsKeyId',
          });
        }
      }
      return out;
    });
  }

  private call<T>(operation: string, fn: (client: EC2Client) => Promise<T>): Promise<T> {
    return mapFailure({ service: 'ec2', operation, ...this.where }, async () => fn(await this.client()));
  }
}
