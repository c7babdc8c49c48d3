/**
 * AWS Organizations (awsJson1_1, `AWSOrganizationsV20161128.<Op>`; aws-facts-estate-and-scale.md
 * B1): ListAccounts, ListAccountsForParent, ListChildren, ListRoots, DescribeOrganization.
 * - Callable from an account outside any organization: AWSOrganizationsNotInUseException.
 * - The List* calls only from the management account or a delegated administrator:
 *   AccessDeniedException for other members. DescribeOrganization from any member.
 * - Pages of at most 20 (MaxResults 1-20), NextToken; one empty page mid-listing (paging.ts).
 * - Each Account carries `State` and the legacy `Status` (retired 2026-09-09): kscli must read
 *   State and fall back to Status.
 */
import { SandboxError } from '../../contract.js';
import type { OrgAccount, OrgState } from '../org/org-state.js';
import { page } from '../org/paging.js';

const MAX_RESULTS = 20;

export function notInUse(): SandboxError {
  return new SandboxError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.', 400);
}

function accessDenied(): SandboxError {
  return new SandboxError('AccessDeniedException', "You don't have permissions to access this resource.", 400);
}

/** InvalidInputException with its modelled `Reason` member filled (the SDK reads it from the body). */
function invalidInput(reason: string, message: string): SandboxError {
  return new SandboxError('InvalidInputException', message, 400, { Reason: reason });
}

const pageOpts = {
  max: MAX_RESULTS,
  emptyPageOnce: true,
  invalidToken: () =>
    invalidInput(
      'INVALID_NEXT_TOKEN',
      'You specified an invalid value for nextToken. You must get the value from the response to a previous call to the API.',
    ),
  badMaxResults: (v: unknown) =>
    invalidInput(
      'MAX_VALUE_EXCEEDED',
      `1 validation error detected: Value '${String(v)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${MAX_RESULTS} and greater than or equal to 1`,
    ),
};

/** The legacy Status of a State: CLOSED and PENDING_ACTIVATION have no Status of their own. */
function legacyStatus(state: OrgAccount['state']): string | undefined {
  if (state === 'ACTIVE' || state === 'SUSPENDED' || state === 'PENDING_CLOSURE') return state;
  if (state === 'CLOSED') return 'SUSPENDED';
  return undefined;
}

function pathOf(org: OrgState, parentId: string): string {
  const chain: string[] = [];
  let id: string | undefined = parentId;
  while (id && id !== org.rootId) {
    chain.unshift(id);
    id = org.ous.find((o) => o.id === id)?.parentId;
  }
  return `${org.id}/${org.rootId}/${chain.map((c) => `${c}/`).join('')}`;
}

function accountShape(org: OrgState, a: OrgAccount): Record<string, unknown> {
  const status = legacyStatus(a.state);
  return {
    Id: a.id,
    Arn: `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${a.id}`,
    Email: a.email,
    Name: a.name,
    ...(status ? { Status: status } : {}),
    State: a.state,
    Paths: [`${pathOf(org, a.parentId)}${a.id}/`],
    JoinedMethod: a.joinedMethod,
    JoinedTimestamp: new Date(a.joined),
  };
}

function parentExists(org: OrgState, id: unknown): id is string {
  return typeof id === 'string' && (id === org.rootId || org.ous.some((o) => o.id === id));
}

function parentNotFound(): SandboxError {
  return new SandboxError(
    'ParentNotFoundException',
    "We can't find a root or OU with the ParentId that you specified.",
    400,
  );
}

/** Answers one Organizations call for `caller` (the account the credentials belong to). */
export function handleOrganizations(
  org: OrgState | undefined,
  caller: string,
  operation: string,
  input: Record<string, unknown>,
): unknown {
  if (!org || !org.accounts.some((a) => a.id === caller)) throw notInUse();
  const admin = caller === org.managementAccountId || org.delegatedAdmins.includes(caller);
  switch (operation) {
    case 'DescribeOrganization': {
      const mgmt = org.managementAccountId;
      return {
        Organization: {
          Id: org.id,
          Arn: `arn:aws:organizations::${mgmt}:organization/${org.id}`,
          FeatureSet: 'ALL',
          MasterAccountArn: `arn:aws:organizations::${mgmt}:account/${org.id}/${mgmt}`,
          MasterAccountId: mgmt,
          MasterAccountEmail: org.managementEmail,
          AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
        },
      };
    }
    case 'ListAccounts': {
      if (!admin) throw accessDenied();
      const p = page(org.accounts, input, pageOpts);
      return { Accounts: p.items.map((a) => accountShape(org, a)), ...(p.nextToken ? { NextToken: p.nextToken } : {}) };
    }
    case 'ListAccountsForParent': {
      if (!admin) throw accessDenied();
      if (!parentExists(org, input.ParentId)) throw parentNotFound();
      const p = page(
        org.accounts.filter((a) => a.parentId === input.ParentId),
        input,
        pageOpts,
      );
      return { Accounts: p.items.map((a) => accountShape(org, a)), ...(p.nextToken ? { NextToken: p.nextToken } : {}) };
    }
    case 'ListRoots': {
      if (!admin) throw accessDenied();
      return {
        Roots: [
          {
            Id: org.rootId,
            Arn: `arn:aws:organizations::${org.managementAccountId}:root/${org.id}/${org.rootId}`,
            Name: 'Root',
            PolicyTypes: [],
          },
        ],
      };
    }
    case 'ListChildren': {
      if (!admin) throw accessDenied();
      if (!parentExists(org, input.ParentId)) throw parentNotFound();
      const type = input.ChildType;
      if (type !== 'ACCOUNT' && type !== 'ORGANIZATIONAL_UNIT')
        throw invalidInput('INVALID_ENUM', `ChildType must be ACCOUNT or ORGANIZATIONAL_UNIT, not ${String(type)}`);
      const children =
        type === 'ACCOUNT'
          ? org.accounts.filter((a) => a.parentId === input.ParentId).map((a) => ({ Id: a.id, Type: 'ACCOUNT' }))
          : org.ous
              .filter((o) => o.parentId === input.ParentId)
              .map((o) => ({ Id: o.id, Type: 'ORGANIZATIONAL_UNIT' }));
      const p = page(children, input, pageOpts);
      return { Children: p.items, ...(p.nextToken ? { NextToken: p.nextToken } : {}) };
    }
    case 'DescribeOrganizationalUnit': {
      if (!admin) throw accessDenied();
      const ou = org.ous.find((o) => o.id === input.OrganizationalUnitId);
      if (!ou)
        throw new SandboxError(
          'OrganizationalUnitNotFoundException',
          "We can't find an organizational unit (OU) with the OrganizationalUnitId that you specified.",
          400,
        );
      return {
        OrganizationalUnit: {
          Id: ou.id,
          Name: ou.name,
          Arn: `arn:aws:organizations::${org.managementAccountId}:ou/${org.id}/${ou.id}`,
        },
      };
    }
    default:
      throw new SandboxError(
        'UnknownOperationException',
        `The operation ${operation} is not supported by the kscli sandbox for organizations.`,
      );
  }
}
