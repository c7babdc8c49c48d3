/**
 * OrganizationsPort on the AWS SDK (aws-facts-estate-and-scale.md B1). A global service: the
 * client is built in the partition's global Region (services.ts).
 */
import type {
  Account,
  ListAccountsCommandOutput,
  ListAccountsForParentCommandOutput,
  ListChildrenCommandOutput,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import type { OrgAccountInfo, OrganizationInfo, OrganizationsPort } from '../estate/ports.js';
import { mapFailure } from '../errors.js';
import type { AdapterSite } from './site.js';
import { sdkModule } from '../sdk-modules.js';

const { DescribeOrganizationCommand, ListAccountsCommand, ListAccountsForParentCommand, ListChildrenCommand } =
  sdkModule('@aws-sdk/client-organizations');

export class OrganizationsAdapter implements OrganizationsPort {
  constructor(
    private readonly client: () => Promise<OrganizationsClient>,
    private readonly where: AdapterSite,
  ) {}

  private site(operation: string) {
    return { service: 'organizations', operation, ...this.where };
  }

  async describeOrganization(): Promise<OrganizationInfo> {
    return mapFailure(this.site('DescribeOrganization'), async () => {
      const out = await (await this.client()).send(new DescribeOrganizationCommand({}));
      return { id: out.Organization?.Id ?? '', managementAccountId: out.Organization?.MasterAccountId ?? '' };
    });
  }

  async listAccounts(): Promise<OrgAccountInfo[]> {
    return mapFailure(this.site('ListAccounts'), async () => {
      const org = await this.client();
      const out: OrgAccountInfo[] = [];
      let token: string | undefined;
      // "can occasionally return an empty set of results even when more results are available":
      // only a missing NextToken ends the listing (aws-facts-estate-and-scale.md B1)
      do {
        const page: ListAccountsCommandOutput = await org.send(
          new ListAccountsCommand({ MaxResults: 20, NextToken: token }),
        );
        for (const a of page.Accounts ?? []) out.push(toAccount(a));
        token = page.NextToken;
      } while (token);
      return out;
    });
  }

  async listAccountsUnder(parentId: string): Promise<OrgAccountInfo[]> {
    return mapFailure(this.site('ListAccountsForParent'), async () => {
      const org = await this.client();
      const out: OrgAccountInfo[] = [];
      const parents = [parentId];
      while (parents.length > 0) {
        const parent = parents.shift()!;
        let token: string | undefined;
        do {
          const page: ListAccountsForParentCommandOutput = await org.send(
            new ListAccountsForParentCommand({ ParentId: parent, MaxResults: 20, NextToken: token }),
          );
          for (const a of page.Accounts ?? []) out.push(toAccount(a));
          token = page.NextToken;
        } while (token);
        // ListAccountsForParent returns direct children only: walk the OUs below
        token = undefined;
        do {
          const page: ListChildrenCommandOutput = await org.send(
            new ListChildrenCommand({
              ParentId: parent,
              ChildType: 'ORGANIZATIONAL_UNIT',
              MaxResults: 20,
              NextToken: token,
            }),
          );
          for (const c of page.Children ?? []) if (c.Id) parents.push(c.Id);
          token = page.NextToken;
        } while (token);
      }
      return out;
    });
  }
}

/** `State`, or the legacy `Status` when State is absent (estate/ports.ts OrgAccountInfo.state). */
function toAccount(a: Account & { Status?: string }): OrgAccountInfo {
  return {
    id: a.Id ?? '',
    ...(a.Name ? { name: a.Name } : {}),
    ...(a.Email ? { email: a.Email } : {}),
    state: a.State ?? a.Status ?? 'UNKNOWN',
  };
}
