/**
 * AccountPort on the AWS SDK: account:ListRegions (aws-facts-estate-and-scale.md B3). A global
 * service: the client is built in the partition's global Region (services.ts).
 */
import type { AccountClient, ListRegionsCommandOutput } from '@aws-sdk/client-account';
import type { AccountPort, RegionInfo } from '../estate/ports.js';
import { mapFailure } from '../errors.js';
import type { AdapterSite } from './site.js';
import { sdkModule } from '../sdk-modules.js';

const { ListRegionsCommand } = sdkModule('@aws-sdk/client-account');

export class AccountAdapter implements AccountPort {
  constructor(
    private readonly client: () => Promise<AccountClient>,
    private readonly where: AdapterSite,
  ) {}

  async listRegions(): Promise<RegionInfo[]> {
    return mapFailure({ service: 'account', operation: 'ListRegions', ...this.where }, async () => {
      const client = await this.client();
      const out: RegionInfo[] = [];
      let token: string | undefined;
      do {
        const page: ListRegionsCommandOutput = await client.send(
          new ListRegionsCommand({ MaxResults: 50, NextToken: token }),
        );
        for (const r of page.Regions ?? [])
          if (r.RegionName) out.push({ name: r.RegionName, status: r.RegionOptStatus ?? 'UNKNOWN' });
        token = page.NextToken;
      } while (token);
      return out;
    });
  }
}
