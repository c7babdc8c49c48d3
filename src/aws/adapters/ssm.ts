/**
 * SsmPort on the AWS SDK (JSON 1.1; aws-facts-data-at-rest B). DescribeParameters filtered to
 * SecureString parameters; KeyId is the key as the parameter names it (often an alias, such as
 * alias/aws/ssm for the AWS managed key). The server-side KeyId filter exists, but its accepted
 * forms (alias, ID, ARN) are not confirmed, so kscli reads every SecureString and matches itself.
 */
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { DataResource, SsmPort } from '../data-ports.js';
import { mapFailure } from '../errors.js';
import type { AdapterSite } from './site.js';
import { sdkModule } from '../sdk-modules.js';

const { paginateDescribeParameters } = sdkModule('@aws-sdk/client-ssm');

/** MaxResults: 1..50. */
const PAGE_SIZE = 50;

export class SsmAdapter implements SsmPort {
  constructor(
    private readonly client: () => Promise<SSMClient>,
    private readonly where: AdapterSite,
  ) {}

  async secureStringParameters(): Promise<DataResource[]> {
    return this.call('DescribeParameters', async (ssm) => {
      const out: DataResource[] = [];
      const input = { ParameterFilters: [{ Key: 'Type', Option: 'Equals', Values: ['SecureString'] }] };
      for await (const p of paginateDescribeParameters({ client: ssm, pageSize: PAGE_SIZE }, input)) {
        for (const prm of p.Parameters ?? []) {
          if (!prm.Name || !prm.KeyId) continue;
          out.push({
            resourceType: 'AWS::SSM::Parameter',
            resourceId: prm.Name,
            ...(prm.ARN ? { arn: prm.ARN } : {}),
            region: this.where.region,
            kmsKeyRef: prm.KeyId,
            property: 'KeyId',
          });
        }
      }
      return out;
    });
  }

  private call<T>(operation: string, fn: (client: SSMClient) => Promise<T>): Promise<T> {
    return mapFailure({ service: 'ssm', operation, ...this.where }, async () => fn(await this.client()));
  }
}
