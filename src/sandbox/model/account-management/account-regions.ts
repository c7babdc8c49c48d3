/**
 * The Account Management API's Region calls (restJson1 `POST /listRegions`, `/getRegionOptStatus`;
 * aws-facts-estate-and-scale.md B3). Without AccountId: the caller's own account. With AccountId:
 * only the management account or a delegated administrator, for a member account (never its own
 * ID); others get AccessDeniedException. Quota 5/s per account (quotas.ts).
 */
import { SandboxError } from '../../contract.js';
import type { OrgState } from '../org/org-state.js';
import { page } from '../org/paging.js';
import { isOptInRegion } from '../org/partition.js';

export type RegionOptStatus = 'ENABLED' | 'ENABLING' | 'DISABLING' | 'DISABLED' | 'ENABLED_BY_DEFAULT';

/** ValidationException with its modelled `reason` member filled (restJson1: lower case, as the model names it). */
function validation(reason: string, message: string): SandboxError {
  return new SandboxError('ValidationException', message, 400, { reason });
}

/** The opt status of `region` for `account`; undefined when the Region is not in the sandbox's partition. */
export function regionOptStatus(
  org: OrgState | undefined,
  account: string,
  region: string,
): RegionOptStatus | undefined {
  if (!org) return 'ENABLED_BY_DEFAULT'; // a lone account (the demo): every Region works
  if (!org.regions.includes(region)) return undefined;
  if (!isOptInRegion(region)) return 'ENABLED_BY_DEFAULT';
  const acct = org.accounts.find((a) => a.id === account);
  return acct?.optIn.includes(region) ? 'ENABLED' : 'DISABLED';
}

export function regionEnabled(org: OrgState | undefined, account: string, region: string): boolean {
  const s = regionOptStatus(org, account, region);
  return s === 'ENABLED' || s === 'ENABLED_BY_DEFAULT' || s === 'DISABLING';
}

function targetAccount(org: OrgState | undefined, caller: string, input: Record<string, unknown>): string {
  const id = input.AccountId;
  if (id === undefined || id === null || id === '') return caller;
  if (typeof id !== 'string' || !/^\d{12}$/.test(id))
    throw validation('fieldValidationFailed', 'AccountId must be 12 digits');
  const admin = org && (caller === org.managementAccountId || org.delegatedAdmins.includes(caller));
  if (!admin)
    throw new SandboxError(
      'AccessDeniedException',
      `User is not authorized to perform account:ListRegions for account ${id}`,
      403,
    );
  // the management account must not name itself (aws-facts B3)
  if (id === org.managementAccountId)
    throw validation('invalidRegionOptTarget', 'The management account cannot specify its own AccountId; omit it');
  if (!org.accounts.some((a) => a.id === id))
    throw new SandboxError('AccessDeniedException', `Account ${id} is not a member of your organization`, 403);
  return id;
}

/** All Regions the sandbox knows for a lone account: the demo has no partition list of its own. */
const LONE_ACCOUNT_REGIONS = ['us-east-1'];

export function handleAccount(
  org: OrgState | undefined,
  caller: string,
  operation: string,
  input: Record<string, unknown>,
  loneRegions?: string[],
): unknown {
  const account = targetAccount(org, caller, input);
  // a lone account lists its home Region and every Region it holds something in (a cross-Region
  // backup copy, a store made there): the Regions a search over "every enabled Region" must see,
  // without making every demo `--regions all` read seventeen empty Regions
  const regions = org?.regions ?? loneRegions ?? LONE_ACCOUNT_REGIONS;
  switch (operation) {
    case 'ListRegions': {
      const wanted = Array.isArray(input.RegionOptStatusContains)
        ? (input.RegionOptStatusContains as string[])
        : undefined;
      const all = regions
        .map((r) => ({ RegionName: r, RegionOptStatus: regionOptStatus(org, account, r)! }))
        .filter((r) => !wanted || wanted.includes(r.RegionOptStatus));
      const p = page(all, input, {
        max: 50,
        invalidToken: () => validation('fieldValidationFailed', 'NextToken is invalid'),
        badMaxResults: (v) => validation('fieldValidationFailed', `MaxResults ${String(v)} must be between 1 and 50`),
      });
      return { Regions: p.items, ...(p.nextToken ? { NextToken: p.nextToken } : {}) };
    }
    case 'GetRegionOptStatus': {
      const name = String(input.RegionName ?? '');
      const status = regionOptStatus(org, account, name);
      if (!status) throw validation('fieldValidationFailed', `${name} is not a valid Region name`);
      return { RegionName: name, RegionOptStatus: status };
    }
    default:
      throw new SandboxError(
        'UnknownOperationException',
        `The operation ${operation} is not supported by the kscli sandbox for account.`,
      );
  }
}
