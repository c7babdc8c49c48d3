/**
 * Key policies: GetKeyPolicy, PutKeyPolicy, ListKeyPolicies. A key keeps the policy it was given
 * (`KeyRecord.policy`, the document as sent) or, without one, AWS's default key policy (account
 * root may do kms:*) plus the principals a scenario gave it.
 *
 * AWS's rules (API reference PutKeyPolicy / CreateKey; developer guide "Key policies"): the only
 * policy name is `default`; the document is JSON of at most 32 KB with a Statement whose entries
 * have an Effect, a Principal, an Action and a Resource (MalformedPolicyDocumentException
 * otherwise); unless BypassPolicyLockoutSafetyCheck is true, the policy must still let the caller
 * (or the account, through IAM) call PutKeyPolicy, or KMS refuses it with its documented text.
 * Key policies can be changed in every key state.
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import { intInRange } from '../errors.js';
import type { Handler } from '../handler.js';
import type { KeyRecord } from '../state.js';
import { identityFor } from '../sts/identity.js';
import type { CallContext } from '../../contract.js';
import { requireCustomerManaged, resolveKey } from './keys.js';
import { KEY_ID_RULE, MARKER_RULE, optionalString, requiredString } from './validate.js';

const POLICY_NAME_RULE = { min: 1, max: 128, pattern: /^[\w]+$/ };
/** PolicyType in the model: 1-131072 printable characters; KMS's own quota is 32 KB. */
// eslint-disable-next-line no-control-regex -- the model's pattern allows tab, LF and CR
const POLICY_RULE = { min: 1, max: 131072, pattern: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/ };
export const MAX_POLICY_BYTES = 32_768;

/** The default key policy (account root) plus any principals the scenario gave the key. */
export function defaultKeyPolicy(acc: Account, k: Pick<KeyRecord, 'policyPrincipals'>): string {
  const statements: unknown[] = [
    {
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${acc.accountId}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
  ];
  if (k.policyPrincipals && k.policyPrincipals.length > 0) {
    statements.push({
      Sid: 'Allow use of the key',
      Effect: 'Allow',
      Principal: { AWS: k.policyPrincipals.length === 1 ? k.policyPrincipals[0] : k.policyPrincipals },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      Resource: '*',
    });
  }
  return JSON.stringify({ Version: '2012-10-17', Id: 'key-default-1', Statement: statements }, null, 2);
}

/** The policy a key has now. */
export function keyPolicy(acc: Account, k: KeyRecord): string {
  return k.policy ?? defaultKeyPolicy(acc, k);
}

function malformed(detail: string): SandboxError {
  return new SandboxError('MalformedPolicyDocumentException', detail);
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/**
 * Checks a policy document as KMS does before storing it (structure and size; IAM's full grammar
 * is not modelled). `caller` and `account` drive the lockout safety check.
 */
export function checkPolicy(policy: string, opts: { account: string; caller: string; bypass: boolean }): void {
  if (Buffer.byteLength(policy, 'utf8') > MAX_POLICY_BYTES)
    throw new SandboxError(
      'LimitExceededException',
      `The key policy is larger than the ${MAX_POLICY_BYTES}-byte quota for key policies.`,
    );
  let doc: unknown;
  try {
    doc = JSON.parse(policy);
  } catch {
    throw malformed('The policy is not valid JSON.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw malformed('The policy must be a JSON object.');
  const statements = asList((doc as Record<string, unknown>).Statement);
  if (statements.length === 0) throw malformed('The policy must contain at least one Statement.');
  for (const s of statements) {
    if (typeof s !== 'object' || s === null) throw malformed('Each Statement must be an object.');
    const st = s as Record<string, unknown>;
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny')
      throw malformed('Each Statement needs an Effect of Allow or Deny.');
    if (st.Principal === undefined && st.NotPrincipal === undefined)
      throw malformed('Policy contains a statement with no principal.');
    if (st.Action === undefined && st.NotAction === undefined) throw malformed('Each Statement needs an Action.');
    if (st.Resource === undefined && st.NotResource === undefined) throw malformed('Each Statement needs a Resource.');
  }
  if (opts.bypass) return;
  const callerOk = statements.some((s) => {
    const st = s as Record<string, unknown>;
    if (st.Effect !== 'Allow' || st.Principal === undefined) return false;
    const principals =
      st.Principal === '*' ? ['*'] : asList((st.Principal as Record<string, unknown>)?.AWS).map(String);
    const who = principals.some(
      (p) =>
        p === '*' ||
        p === opts.caller ||
        p === opts.account ||
        p === `arn:aws:iam::${opts.account}:root` ||
        // a role session acts for its role
        (opts.caller.includes(':assumed-role/') &&
          p === opts.caller.replace(/^arn:aws:sts::(\d+):assumed-role\/([^/]+)\/.*$/, 'arn:aws:iam::$1:role/$2')),
    );
    const actions = asList(st.Action).map(String);
    return who && actions.some((a) => a === '*' || a === 'kms:*' || a === 'kms:PutKeyPolicy');
  });
  if (!callerOk)
    // AWS's documented message (PutKeyPolicy, BypassPolicyLockoutSafetyCheck)
    throw malformed('The new key policy will not allow you to update the key policy in the future.');
}

export function checkPolicyFor(acc: Account, ctx: CallContext, policy: string, bypass: unknown): void {
  checkPolicy(policy, {
    account: acc.accountId,
    caller: identityFor(acc, ctx.accessKeyId, ctx.principal).arn,
    bypass: bypass === true,
  });
}

export function checkPolicyText(input: Record<string, unknown>, required: boolean): string | undefined {
  return required ? requiredString(input, 'Policy', POLICY_RULE) : optionalString(input, 'Policy', POLICY_RULE);
}

function policyName(input: Record<string, unknown>): string {
  const name = optionalString(input, 'PolicyName', POLICY_NAME_RULE) ?? 'default';
  // AWS's text for GetKeyPolicy; PutKeyPolicy answers the same (chosen: not documented)
  if (name !== 'default') throw new SandboxError('NotFoundException', 'No such policy exists');
  return name;
}

const getKeyPolicy: Handler = (acc, input) => {
  requiredString(input, 'KeyId', KEY_ID_RULE);
  const k = resolveKey(acc, input.KeyId, false);
  policyName(input);
  return { Policy: keyPolicy(acc, k), PolicyName: 'default' };
};

const putKeyPolicy: Handler = (acc, input, ctx) => {
  requiredString(input, 'KeyId', KEY_ID_RULE);
  const policy = checkPolicyText(input, true)!;
  const k = resolveKey(acc, input.KeyId, false);
  policyName(input);
  requireCustomerManaged(acc, k, 'PutKeyPolicy');
  checkPolicyFor(acc, ctx, policy, input.BypassPolicyLockoutSafetyCheck);
  k.policy = policy;
  acc.dirty = true;
  return {};
};

const listKeyPolicies: Handler = (acc, input) => {
  requiredString(input, 'KeyId', KEY_ID_RULE);
  optionalString(input, 'Marker', MARKER_RULE);
  intInRange(input.Limit, 'limit', 1, 1000, 100);
  resolveKey(acc, input.KeyId, false);
  return { PolicyNames: ['default'], Truncated: false };
};

export const policyHandlers: Record<string, Handler> = {
  GetKeyPolicy: getKeyPolicy,
  PutKeyPolicy: putKeyPolicy,
  ListKeyPolicies: listKeyPolicies,
};
