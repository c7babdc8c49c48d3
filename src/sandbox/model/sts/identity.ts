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
import { fixedMember } from '../cloudtrail/event-json.js';

export function identityFor(
  acc: Account,
  accessKeyId: string | undefined,
  principal?: CallContext['principal'],
): IdentityRecord {
  // an assumed-role session the organization sandbox issued (org/sts-assume.ts)
  if (principal) return { ...principal };
  const known = accessKeyId ? acc.state.identities[accessKeyId] : undefined;
  if (known) return known;
  return defaultIdentity(acc.accountId, accessKeyId?.startsWith('AKIA') ? 'user' : 'role');
}

/**
 * The identities of unregistered keys, one object per account and kind (frozen: shared by every
 * call), so that userIdentity below finds the block it made for them (issue 17).
 */
const defaults = new Map<string, IdentityRecord>();

function defaultIdentity(accountId: string, kind: 'user' | 'role'): IdentityRecord {
  const name = `${kind} ${accountId}`;
  let id = defaults.get(name);
  if (!id) {
    id = Object.freeze(
      kind === 'user'
        ? {
            type: 'IAMUser',
            arn: `arn:aws:iam::${accountId}:user/sandbox-user`,
            principalId: 'AIDASANDBOXUSER00001',
            userName: 'sandbox-user',
          }
        : {
            type: 'AssumedRole',
            arn: `arn:aws:sts::${accountId}:assumed-role/Admin/kscli`,
            principalId: 'AROASANDBOXADMIN0001:kscli',
            userName: 'kscli',
          },
    );
    // account ids come from scenarios (an organization has a few dozen): bounded anyway
    if (defaults.size < 10_000) defaults.set(name, id);
  }
  return id;
}

/**
 * The last block made for an identity object, and what it was made from: a caller calls many times
 * within a second of sandbox time (issue 17: the block was built, and serialized, for every call).
 */
interface BlockMemo {
  accountId: string;
  accessKeyId: string | undefined;
  creationDate: string;
  type: string;
  arn: string;
  principalId: string;
  userName: string | undefined;
  block: Record<string, unknown>;
}
const blocks = new WeakMap<IdentityRecord, BlockMemo>();

/**
 * CloudTrail's userIdentity block for a caller. The same inputs give the same object, deep-frozen
 * (event-json.ts keeps its text): an event must never change it.
 */
export function userIdentity(
  acc: Account,
  id: IdentityRecord,
  accessKeyId: string | undefined,
): Record<string, unknown> {
  const creationDate = isoSeconds(acc.nowMs());
  const memo = blocks.get(id);
  if (
    memo &&
    memo.accountId === acc.accountId &&
    memo.accessKeyId === accessKeyId &&
    memo.creationDate === creationDate &&
    memo.type === id.type &&
    memo.arn === id.arn &&
    memo.principalId === id.principalId &&
    memo.userName === id.userName
  )
    return memo.block;
  const block = fixedMember(userIdentityBlock(acc.accountId, id, accessKeyId, creationDate));
  blocks.set(id, {
    accountId: acc.accountId,
    accessKeyId,
    creationDate,
    type: id.type,
    arn: id.arn,
    principalId: id.principalId,
    userName: id.userName,
    block,
  });
  return block;
}

/** The block itself (userIdentity keeps the last one made per identity). */
export function userIdentityBlock(
  accountId: string,
  id: IdentityRecord,
  accessKeyId: string | undefined,
  creationDate: string,
): Record<string, unknown> {
  const base: Record<string, unknown> = {
    type: id.type,
    principalId: id.principalId,
    arn: id.arn,
    accountId,
  };
  if (accessKeyId) base.accessKeyId = accessKeyId;
  if (id.type === 'IAMUser') base.userName = id.userName;
  else {
    const roleName = id.arn.split('/')[1] ?? 'role';
    base.sessionContext = {
      sessionIssuer: {
        type: 'Role',
        principalId: id.principalId.split(':')[0],
        arn: `arn:aws:iam::${accountId}:role/${roleName}`,
        accountId,
        userName: roleName,
      },
      attributes: {
        creationDate,
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
