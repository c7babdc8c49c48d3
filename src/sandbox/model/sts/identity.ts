/**
 * Who is calling. The sandbox never sees secrets; it derives the caller from the access key id:
 * an id registered in state.identities gets that identity, `AKIA…` ids (long-term user keys) an
 * IAM user `sandbox-user`, anything else (`ASIA…` session keys, dummy ids) the demo's assumed role
 * `arn:aws:sts::<account>:assumed-role/Admin/kscli`.
 */
import type { CallContext } from '../../contract.js';
import type { Account } from '../account.js';
import type { Handler } from '../handler.js';
import type { IdentityRecord } from '../state.js';
import { isoSeconds } from '../iso-seconds.js';

export function identityFor(
  acc: Account,
  accessKeyId: string | undefined,
  principal?: CallContext['principal'],
): IdentityRecord {
  // an assumed-role session the organization sandbox issued (org/sts-assume.ts)
  if (principal) return { ...principal };
  const known = accessKeyId ? acc.state.identities[accessKeyId] : undefined;
  if (known) return known;
  if (accessKeyId?.startsWith('AKIA')) {
    return {
      type: 'IAMUser',
      arn: `arn:aws:iam::${acc.accountId}:user/sandbox-user`,
      principalId: 'AIDASANDBOXUSER00001',
      userName: 'sandbox-user',
    };
  }
  return {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${acc.accountId}:assumed-role/Admin/kscli`,
    principalId: 'AROASANDBOXADMIN0001:kscli',
    userName: 'kscli',
  };
}

/** CloudTrail's userIdentity block for a caller. */
export function userIdentity(
  acc: Account,
  id: IdentityRecord,
  accessKeyId: string | undefined,
): Record<string, unknown> {
  const base: Record<string, unknown> = {
    type: id.type,
    principalId: id.principalId,
    arn: id.arn,
    accountId: acc.accountId,
  };
  if (accessKeyId) base.accessKeyId = accessKeyId;
  if (id.type === 'IAMUser') base.userName = id.userName;
  else {
    const roleName = id.arn.split('/')[1] ?? 'role';
    base.sessionContext = {
      sessionIssuer: {
        type: 'Role',
        principalId: id.principalId.split(':')[0],
        arn: `arn:aws:iam::${acc.accountId}:role/${roleName}`,
        accountId: acc.accountId,
        userName: roleName,
      },
      attributes: {
        creationDate: isoSeconds(acc.nowMs()),
        mfaAuthenticated: 'false',
      },
    };
  }
  return base;
}

const getCallerIdentity: Handler = (acc, _input, ctx) => {
  const id = identityFor(acc, ctx.accessKeyId, ctx.principal);
  return { Account: acc.accountId, Arn: id.arn, UserId: id.principalId };
};

export const stsHandlers: Record<string, Handler> = { GetCallerIdentity: getCallerIdentity };
