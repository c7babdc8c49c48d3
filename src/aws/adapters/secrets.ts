/**
 * SecretsPort on the AWS SDK (JSON 1.1; aws-facts-data-at-rest B). ListSecrets shows KmsKeyId only
 * for a secret under a customer managed key (absent: aws/secretsmanager). Secrets scheduled for
 * deletion are included (IncludePlannedDeletion): they can still be restored, with the key.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DataResource, SecretsPort } from '../data-ports.js';
import { mapFailure } from '../errors.js';
import type { AdapterSite } from './site.js';
import { sdkModule } from '../sdk-modules.js';

const { paginateListSecrets } = sdkModule('@aws-sdk/client-secrets-manager');

/** MaxResults: 1..100. */
const PAGE_SIZE = 100;

export class SecretsAdapter implements SecretsPort {
  constructor(
    private readonly client: () => Promise<SecretsManagerClient>,
    private readonly where: AdapterSite,
  ) {}

  async secretsWithKmsKey(): Promise<DataResource[]> {
    return this.call('ListSecrets', async (sm) => {
      const out: DataResource[] = [];
      const input = { IncludePlannedDeletion: true };
      for await (const p of paginateListSecrets({ client: sm, pageSize: PAGE_SIZE }, input)) {
        for (const s of p.SecretList ?? []) {
          if (!s.ARN || !s.KmsKeyId) continue;
          out.push({
            resourceType: 'AWS::SecretsManager::Secret',
            resourceId: s.ARN,
            arn: s.ARN,
            ...(s.Name ? { name: s.Name } : {}),
            region: this.where.region,
            ...(s.CreatedDate ? { createdAt: s.CreatedDate } : {}),
            kmsKeyRef: s.KmsKeyId,
            property: 'KmsKeyId',
          });
        }
      }
      return out;
    });
  }

  private call<T>(operation: string, fn: (client: SecretsManagerClient) => Promise<T>): Promise<T> {
    return mapFailure({ service: 'secretsmanager', operation, ...this.where }, async () => fn(await this.client()));
  }
}
