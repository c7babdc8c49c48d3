/**
 * CloudHsmPort on the AWS SDK. The newest published client is 3.332 (2023 code): it ignores
 * AWS_ENDPOINT_URL*, so clients.ts passes `endpoint` itself, and it drops `BackupArn`.
 */
import type { Backup, CloudHSMV2Client, Cluster } from '@aws-sdk/client-cloudhsm-v2';
import type { BackupInfo, CloudHsmPort, ClusterInfo } from '../ports.js';
import { mapFailure } from '../errors.js';
import type { AdapterSite } from './site.js';
import { sdkModule } from '../sdk-modules.js';

const {
  DeleteBackupCommand,
  DeleteClusterCommand,
  DeleteHsmCommand,
  DescribeClustersCommand,
  paginateDescribeBackups,
  paginateDescribeClusters,
} = sdkModule('@aws-sdk/client-cloudhsm-v2');

/** MaxResults: DescribeClusters 1-25, DescribeBackups 1-50 (aws-facts.md section 7). */
export const PAGE_SIZE = { DescribeClusters: 25, DescribeBackups: 50 } as const;

export class CloudHsmAdapter implements CloudHsmPort {
  constructor(
    private readonly client: () => Promise<CloudHSMV2Client>,
    private readonly where: AdapterSite,
  ) {}

  async describeCluster(clusterId: string): Promise<ClusterInfo | null> {
    return this.call('DescribeClusters', async (hsm) => {
      try {
        const out = await hsm.send(new DescribeClustersCommand({ Filters: { clusterIds: [clusterId] } }));
        const cluster = (out.Clusters ?? []).find((c) => c.ClusterId === clusterId);
        return cluster ? toClusterInfo(cluster) : null;
      } catch (error) {
        if ((error as { name?: string }).name === 'CloudHsmResourceNotFoundException') return null;
        throw error;
      }
    });
  }

  async describeClustersFromBackups(backupIds: string[]): Promise<ClusterInfo[]> {
    if (backupIds.length === 0) return [];
    const wanted = new Set(backupIds);
    return this.call('DescribeClusters', async (hsm) => {
      // DescribeClusters cannot filter by source backup (filters: clusterIds, vpcIds, states): page
      // through every cluster of the Region and keep those restored from one of the backups
      const clusters: ClusterInfo[] = [];
      for await (const page of paginateDescribeClusters({ client: hsm, pageSize: PAGE_SIZE.DescribeClusters }, {})) {
        for (const cluster of page.Clusters ?? []) {
          if (cluster.SourceBackupId && wanted.has(cluster.SourceBackupId)) clusters.push(toClusterInfo(cluster));
        }
      }
      return clusters;
    });
  }

  async describeBackups(clusterIds: string[]): Promise<BackupInfo[]> {
    // no cluster ids would mean no filter, that is every backup in the Region: not what was asked
    if (clusterIds.length === 0) return [];
    return this.call('DescribeBackups', async (hsm) => {
      const backups: BackupInfo[] = [];
      for await (const page of paginateDescribeBackups(
        { client: hsm, pageSize: PAGE_SIZE.DescribeBackups },
        { Filters: { clusterIds: [...clusterIds] } },
      )) {
        for (const backup of page.Backups ?? []) backups.push(toBackupInfo(backup));
      }
      return backups;
    });
  }

  async describeBackupCopies(sourceBackupIds: string[]): Promise<BackupInfo[]> {
    // no ids would mean no filter: every backup of the Region
    if (sourceBackupIds.length === 0) return [];
    return this.call('DescribeBackups', async (hsm) => {
      const backups: BackupInfo[] = [];
      for await (const page of paginateDescribeBackups(
        { client: hsm, pageSize: PAGE_SIZE.DescribeBackups },
        { Filters: { sourceBackupIds: [...sourceBackupIds] } },
      )) {
        for (const backup of page.Backups ?? []) backups.push(toBackupInfo(backup));
      }
      return backups;
    });
  }

  async deleteBackup(backupId: string): Promise<BackupInfo> {
    return this.call('DeleteBackup', async (hsm) => {
      const out = await hsm.send(new DeleteBackupCommand({ BackupId: backupId }));
      // the backup goes to PENDING_DELETION and stays restorable for 7 days
      return out.Backup ? toBackupInfo(out.Backup) : { backupId, state: 'PENDING_DELETION' };
    });
  }

  async listClusters(): Promise<ClusterInfo[]> {
    return this.call('DescribeClusters', async (hsm) => {
      const clusters: ClusterInfo[] = [];
      for await (const page of paginateDescribeClusters({ client: hsm, pageSize: PAGE_SIZE.DescribeClusters }, {}))
        for (const cluster of page.Clusters ?? [])
          if (cluster.State !== 'DELETED') clusters.push(toClusterInfo(cluster));
      return clusters;
    });
  }

  async deleteHsm(clusterId: string, hsmId: string): Promise<string> {
    return this.call('DeleteHsm', async (hsm) => {
      const out = await hsm.send(new DeleteHsmCommand({ ClusterId: clusterId, HsmId: hsmId }));
      return out.HsmId ?? hsmId;
    });
  }

  async deleteCluster(clusterId: string): Promise<ClusterInfo> {
    return this.call('DeleteCluster', async (hsm) => {
      const out = await hsm.send(new DeleteClusterCommand({ ClusterId: clusterId }));
      return out.Cluster
        ? toClusterInfo(out.Cluster)
        : { clusterId, state: 'DELETE_IN_PROGRESS', hsmCount: 0, activeHsmCount: 0, hsms: [] };
    });
  }

  private call<T>(operation: string, fn: (client: CloudHSMV2Client) => Promise<T>): Promise<T> {
    return mapFailure({ service: 'cloudhsm', operation, ...this.where }, async () => fn(await this.client()));
  }
}

export function toClusterInfo(cluster: Cluster): ClusterInfo {
  const hsms = cluster.Hsms ?? [];
  return {
    clusterId: cluster.ClusterId ?? '',
    state: cluster.State ?? '',
    hsmCount: hsms.length,
    activeHsmCount: hsms.filter((h) => h.State === 'ACTIVE').length,
    hsms: hsms.map((h) => ({
      hsmId: h.HsmId ?? '',
      state: h.State ?? '',
      ...(h.AvailabilityZone ? { availabilityZone: h.AvailabilityZone } : {}),
      ...(h.EniIp ? { eniIp: h.EniIp } : {}),
    })),
    ...(cluster.BackupRetentionPolicy?.Type === 'DAYS' && cluster.BackupRetentionPolicy.Value
      ? { backupRetentionDays: Number(cluster.BackupRetentionPolicy.Value) }
      : {}),
    ...(cluster.SourceBackupId ? { sourceBackupId: cluster.SourceBackupId } : {}),
    ...(cluster.CreateTimestamp ? { createTimestamp: cluster.CreateTimestamp } : {}),
  };
}

export function toBackupInfo(backup: Backup): BackupInfo {
  // backupArn stays unset: the 3.332 deserializer drops BackupArn, which newer API versions send
  return {
    backupId: backup.BackupId ?? '',
    state: (backup.BackupState ?? 'READY') as BackupInfo['state'],
    ...(backup.ClusterId ? { clusterId: backup.ClusterId } : {}),
    ...(backup.CreateTimestamp ? { createTimestamp: backup.CreateTimestamp } : {}),
    ...(backup.DeleteTimestamp ? { deleteTimestamp: backup.DeleteTimestamp } : {}),
    ...(backup.NeverExpires !== undefined ? { neverExpires: backup.NeverExpires } : {}),
    ...(backup.SourceRegion ? { sourceRegion: backup.SourceRegion } : {}),
    ...(backup.SourceBackup ? { sourceBackup: backup.SourceBackup } : {}),
    ...(backup.SourceCluster ? { sourceCluster: backup.SourceCluster } : {}),
  };
}
