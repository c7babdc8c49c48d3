/**
 * BackupPort on the AWS SDK (REST-JSON; aws-facts-data-at-rest B). A vault names the key that
 * encrypts the recovery points AWS Backup fully manages; a recovery point of a type Backup does not
 * fully manage inherits its source's encryption, and names that key in EncryptionKeyArn.
 */
import type { BackupClient } from '@aws-sdk/client-backup';
import type { BackupPort, BackupVaultInfo, DataResource } from '../data-ports.js';
import { mapFailure } from '../errors.js';
import type { AdapterSite } from './site.js';
import { sdkModule } from '../sdk-modules.js';

const { paginateListBackupVaults, paginateListRecoveryPointsByBackupVault } = sdkModule('@aws-sdk/client-backup');

/** MaxResults: 1..1000. */
const PAGE_SIZE = 1000;

export class BackupAdapter implements BackupPort {
  constructor(
    private readonly client: () => Promise<BackupClient>,
    private readonly where: AdapterSite,
  ) {}

  async listVaults(): Promise<BackupVaultInfo[]> {
    return this.call('ListBackupVaults', async (b) => {
      const out: BackupVaultInfo[] = [];
      for await (const p of paginateListBackupVaults({ client: b, pageSize: PAGE_SIZE }, {})) {
        for (const v of p.BackupVaultList ?? []) {
          if (!v.BackupVaultName) continue;
          out.push({
            name: v.BackupVaultName,
            ...(v.BackupVaultArn ? { arn: v.BackupVaultArn } : {}),
            ...(v.EncryptionKeyArn ? { encryptionKeyArn: v.EncryptionKeyArn } : {}),
            ...(v.CreationDate ? { createdAt: v.CreationDate } : {}),
          });
        }
      }
      return out;
    });
  }

  async recoveryPoints(vaultName: string): Promise<DataResource[]> {
    return this.call('ListRecoveryPointsByBackupVault', async (b) => {
      const out: DataResource[] = [];
      const input = { BackupVaultName: vaultName };
      for await (const p of paginateListRecoveryPointsByBackupVault({ client: b, pageSize: PAGE_SIZE }, input)) {
        for (const r of p.RecoveryPoints ?? []) {
          if (!r.RecoveryPointArn || !r.EncryptionKeyArn) continue;
          out.push({
            resourceType: 'AWS::Backup::RecoveryPoint',
            resourceId: r.RecoveryPointArn,
            arn: r.RecoveryPointArn,
            ...(r.ResourceArn ? { name: `of ${r.ResourceArn}` } : {}),
            region: this.where.region,
            ...(r.CreationDate ? { createdAt: r.CreationDate } : {}),
            kmsKeyRef: r.EncryptionKeyArn,
            property: 'EncryptionKeyArn',
          });
        }
      }
      return out;
    });
  }

  private call<T>(operation: string, fn: (client: BackupClient) => Promise<T>): Promise<T> {
    return mapFailure({ service: 'backup', operation, ...this.where }, async () => fn(await this.client()));
  }
}
