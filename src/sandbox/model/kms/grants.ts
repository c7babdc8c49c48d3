/**
 * KMS grants: CreateGrant, ListGrants, RevokeGrant, RetireGrant, ListRetirableGrants.
 *
 * State: `AccountState.grants`, one GrantRecord per grant (state.ts): id (64 hex digits), keyId,
 * grantee, optional retiring principal, operations, optional constraints
 * (EncryptionContextSubset / EncryptionContextEquals, e.g. `{"aws:ebs:id": "vol-…"}` as EBS
 * makes them), optional name, the issuing account, creation time. Grants go with their key.
 *
 * AWS's rules (KMS API reference, CreateGrant / RetireGrant / RevokeGrant; developer guide
 * "Grants in AWS KMS"):
 * - KeyId is a key ID or key ARN (no alias); a key pending deletion cannot get grants
 *   (KMSInvalidStateException); listing, retiring and revoking work in every key state.
 * - Operations come from the GrantOperation enum and must suit the key's usage.
 * - With a Name, a retry with identical parameters returns the existing GrantId (and a new token).
 * - Each CreateGrant returns a new grant token; RetireGrant takes a token, or KeyId and GrantId.
 * - At most 50,000 grants per KMS key (LimitExceededException).
 * - DryRun checks the call and answers DryRunOperationException.
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import { intInRange } from '../errors.js';
import type { Handler } from '../handler.js';
import { pageArray, truncation } from '../paging.js';
import type { GrantRecord, KeyRecord } from '../state.js';
import { identityFor } from '../sts/identity.js';
import { keyUsageOf, requirePendingNot, resolveKey } from './keys.js';
import {
  checkEnum,
  checkList,
  checkString,
  checkStringMap,
  dryRunDone,
  GRANT_ID_RULE,
  GRANT_NAME_RULE,
  GRANT_TOKEN_RULE,
  KEY_ID_RULE,
  MARKER_RULE,
  optionalString,
  PRINCIPAL_RULE,
  requiredString,
} from './validate.js';

export const GRANT_OPERATIONS = [
  'Decrypt',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'ReEncryptFrom',
  'ReEncryptTo',
  'Sign',
  'Verify',
  'GetPublicKey',
  'CreateGrant',
  'RetireGrant',
  'DescribeKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateMac',
  'VerifyMac',
  'DeriveSharedSecret',
] as const;

/** The grant operations that suit each key usage (developer guide, "Grant operations"). */
const OPERATIONS_BY_USAGE: Record<string, ReadonlySet<string>> = {
  ENCRYPT_DECRYPT: new Set([
    'Decrypt',
    'Encrypt',
    'GenerateDataKey',
    'GenerateDataKeyWithoutPlaintext',
    'ReEncryptFrom',
    'ReEncryptTo',
    'GenerateDataKeyPair',
    'GenerateDataKeyPairWithoutPlaintext',
    'CreateGrant',
    'RetireGrant',
    'DescribeKey',
    'GetPublicKey',
  ]),
  SIGN_VERIFY: new Set(['Sign', 'Verify', 'GetPublicKey', 'CreateGrant', 'RetireGrant', 'DescribeKey']),
  GENERATE_VERIFY_MAC: new Set(['GenerateMac', 'VerifyMac', 'CreateGrant', 'RetireGrant', 'DescribeKey']),
  KEY_AGREEMENT: new Set(['DeriveSharedSecret', 'GetPublicKey', 'CreateGrant', 'RetireGrant', 'DescribeKey']),
};

/** AWS's quota "Grants for a KMS key". */
export const MAX_GRANTS_PER_KEY = 50_000;

/**
 * A grant token: opaque to clients; the sandbox's carries the grant and key ids so RetireGrant
 * can find the grant from the token alone (AWS's tokens do the same for KMS).
 */
function grantToken(acc: Account, g: GrantRecord): string {
  const body = Buffer.from(JSON.stringify({ g: g.id, k: g.keyId, n: acc.ids.hex(16) })).toString('base64url');
  return `AQpAS0tTQ0xJ${body}`;
}

function parseGrantToken(token: string): { g: string; k: string } | undefined {
  if (!token.startsWith('AQpAS0tTQ0xJ')) return undefined;
  try {
    const body = JSON.parse(Buffer.from(token.slice(12), 'base64url').toString('utf8')) as { g?: unknown; k?: unknown };
    return typeof body.g === 'string' && typeof body.k === 'string' ? { g: body.g, k: body.k } : undefined;
  } catch {
    return undefined;
  }
}

function invalidGrantToken(): SandboxError {
  // wording chosen: AWS documents the code (InvalidGrantTokenException), not the text
  return new SandboxError('InvalidGrantTokenException', 'The grant token is not valid.');
}

/**
 * GrantTokens (GrantTokenList): at most 10 tokens of 1-8192 characters (ValidationException), each
 * one a grant token KMS issued (InvalidGrantTokenException for anything else). A well-formed
 * token of a grant retired since is still accepted: AWS documents tokens as a way round grants'
 * eventual consistency, not as a check that the grant still exists.
 */
export function checkGrantTokens(input: Record<string, unknown>): void {
  const tokens = checkList(input.GrantTokens, 'grantTokens', { min: 0, max: 10 }, (v, path) =>
    checkString(v, path, { ...GRANT_TOKEN_RULE, required: true }),
  );
  for (const t of tokens ?? []) if (!parseGrantToken(t!)) throw invalidGrantToken();
}

function sameMap(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ea = Object.entries(a ?? {}).sort();
  const eb = Object.entries(b ?? {}).sort();
  return ea.length === eb.length && ea.every(([k, v], i) => eb[i]![0] === k && eb[i]![1] === v);
}

function sameGrant(g: GrantRecord, want: Omit<GrantRecord, 'id' | 'created'>): boolean {
  return (
    g.keyId === want.keyId &&
    g.name === want.name &&
    g.grantee === want.grantee &&
    g.retiring === want.retiring &&
    g.operations.length === want.operations.length &&
    g.operations.every((o) => want.operations.includes(o)) &&
    sameMap(g.constraints?.EncryptionContextSubset, want.constraints?.EncryptionContextSubset) &&
    sameMap(g.constraints?.EncryptionContextEquals, want.constraints?.EncryptionContextEquals)
  );
}

/** Adds a grant (CreateGrant and scenarios), returning it. */
export function addGrant(
  acc: Account,
  keyId: string,
  grantee: string,
  operations: string[],
  name?: string,
  extra: Pick<GrantRecord, 'retiring' | 'constraints'> = {},
): GrantRecord {
  const g: GrantRecord = {
    id: acc.ids.grantId(),
    keyId,
    grantee,
    operations,
    created: acc.nowMs(),
    ...(name ? { name } : {}),
    ...(extra.retiring ? { retiring: extra.retiring } : {}),
    ...(extra.constraints ? { constraints: extra.constraints } : {}),
  };
  acc.state.grants.push(g);
  acc.dirty = true;
  return g;
}

/** GrantListEntry, as ListGrants and ListRetirableGrants return it. */
export function grantEntry(acc: Account, g: GrantRecord): Record<string, unknown> {
  return {
    KeyId: acc.keyArn(g.keyId),
    GrantId: g.id,
    ...(g.name ? { Name: g.name } : {}),
    CreationDate: new Date(g.created),
    GranteePrincipal: g.grantee,
    ...(g.retiring ? { RetiringPrincipal: g.retiring } : {}),
    IssuingAccount: `arn:aws:iam::${g.issuingAccount ?? acc.accountId}:root`,
    Operations: g.operations,
    ...(g.constraints ? { Constraints: g.constraints } : {}),
  };
}

function checkConstraints(value: unknown): GrantRecord['constraints'] {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new SandboxError('SerializationException', 'Expected a structure for constraints.');
  const c = value as Record<string, unknown>;
  const subset = checkStringMap(c.EncryptionContextSubset, 'constraints.encryptionContextSubset');
  const equals = checkStringMap(c.EncryptionContextEquals, 'constraints.encryptionContextEquals');
  const out: NonNullable<GrantRecord['constraints']> = {};
  if (subset) out.EncryptionContextSubset = { ...subset };
  if (equals) out.EncryptionContextEquals = { ...equals };
  return Object.keys(out).length > 0 ? out : undefined;
}

const createGrant: Handler = (acc, input) => {
  requiredString(input, 'KeyId', KEY_ID_RULE);
  const grantee = requiredString(input, 'GranteePrincipal', PRINCIPAL_RULE);
  const retiring = optionalString(input, 'RetiringPrincipal', PRINCIPAL_RULE);
  const operations = checkList(input.Operations, 'operations', { required: true }, (v, path) =>
    checkEnum(v, path, GRANT_OPERATIONS, true),
  )! as string[];
  const name = optionalString(input, 'Name', GRANT_NAME_RULE);
  const constraints = checkConstraints(input.Constraints);
  checkGrantTokens(input);
  const k = resolveKey(acc, input.KeyId, false);
  if (operations.length === 0)
    // chosen: the model sets no minimum, but KMS refuses a grant that allows nothing
    throw new SandboxError('ValidationException', 'A grant must allow at least one operation.');
  const usage = keyUsageOf(k);
  const unsuitable = [...new Set(operations)].filter((o) => !OPERATIONS_BY_USAGE[usage]?.has(o));
  if (unsuitable.length > 0)
    // wording chosen (AWS documents the rule, not the text)
    throw new SandboxError(
      'ValidationException',
      `Grant operations ${unsuitable.join(', ')} are not valid for a KMS key with key usage ${usage}.`,
    );
  requirePendingNot(acc, k);
  const want = {
    keyId: k.id,
    grantee,
    operations: [...new Set(operations)],
    ...(name ? { name } : {}),
    ...(retiring ? { retiring } : {}),
    ...(constraints ? { constraints } : {}),
  };
  const existing = name ? acc.state.grants.find((g) => sameGrant(g, want)) : undefined;
  const forKey = existing ? 0 : acc.state.grants.filter((g) => g.keyId === k.id).length;
  if (forKey >= MAX_GRANTS_PER_KEY)
    throw new SandboxError(
      'LimitExceededException',
      `The request was rejected because ${acc.keyArn(k.id)} already has ${MAX_GRANTS_PER_KEY} grants.`,
    );
  dryRunDone(input);
  const g = existing ?? addGrant(acc, k.id, grantee, want.operations, name, { retiring, constraints });
  return { GrantToken: grantToken(acc, g), GrantId: g.id };
};

const listGrants: Handler = (acc, input) => {
  requiredString(input, 'KeyId', KEY_ID_RULE);
  optionalString(input, 'Marker', MARKER_RULE);
  const grantId = optionalString(input, 'GrantId', GRANT_ID_RULE);
  const granteeFilter = optionalString(input, 'GranteePrincipal', PRINCIPAL_RULE);
  const k = resolveKey(acc, input.KeyId, false);
  const limit = intInRange(input.Limit, 'limit', 1, 100, 50);
  let grants = acc.state.grants.filter((g) => g.keyId === k.id);
  if (grantId !== undefined) {
    grants = grants.filter((g) => g.id === grantId);
    if (grants.length === 0) throw new SandboxError('InvalidGrantIdException', 'Invalid grant ID');
  }
  if (granteeFilter !== undefined) grants = grants.filter((g) => g.grantee === granteeFilter);
  const { page, next } = pageArray(grants, input.Marker, limit);
  return { Grants: page.map((g) => grantEntry(acc, g)), ...truncation(next) };
};

function removeGrant(acc: Account, g: GrantRecord): void {
  acc.state.grants = acc.state.grants.filter((x) => x !== g);
  acc.dirty = true;
}

/** chosen wording: AWS answers NotFoundException for a grant that does not exist on the key */
function grantNotFound(acc: Account, k: KeyRecord, grantId: string): SandboxError {
  return new SandboxError('NotFoundException', `Grant ID ${grantId} not found for ${acc.keyArn(k.id)}.`);
}

const revokeGrant: Handler = (acc, input) => {
  requiredString(input, 'KeyId', KEY_ID_RULE);
  const grantId = requiredString(input, 'GrantId', GRANT_ID_RULE);
  const k = resolveKey(acc, input.KeyId, false);
  const g = acc.state.grants.find((x) => x.keyId === k.id && x.id === grantId);
  if (!g) throw grantNotFound(acc, k, grantId);
  dryRunDone(input);
  removeGrant(acc, g);
  return {};
};

const retireGrant: Handler = (acc, input, ctx) => {
  const token = optionalString(input, 'GrantToken', GRANT_TOKEN_RULE);
  const keyIdIn = optionalString(input, 'KeyId', KEY_ID_RULE);
  const grantIdIn = optionalString(input, 'GrantId', GRANT_ID_RULE);
  checkGrantTokens(input);
  let g: GrantRecord | undefined;
  if (token !== undefined) {
    const parsed = parseGrantToken(token);
    if (!parsed) throw invalidGrantToken();
    g = acc.state.grants.find((x) => x.id === parsed.g && x.keyId === parsed.k);
    if (!g) throw invalidGrantToken();
  } else {
    if (keyIdIn === undefined || grantIdIn === undefined)
      // chosen wording; the rule is AWS's: a token, or both KeyId and GrantId
      throw new SandboxError(
        'ValidationException',
        'Specify the grant with GrantToken, or with both KeyId and GrantId.',
      );
    const k = resolveKey(acc, keyIdIn, false);
    g = acc.state.grants.find((x) => x.keyId === k.id && x.id === grantIdIn);
    if (!g) throw grantNotFound(acc, k, grantIdIn);
  }
  // Who may retire (developer guide "Retiring and revoking grants"): the retiring principal, the
  // grantee when the grant allows RetireGrant, and the account the grant was created in. Every
  // caller the sandbox knows is in that account (its admin role), so only callers of other
  // accounts (organization sessions) are refused.
  const caller = identityFor(acc, ctx.accessKeyId, ctx.principal).arn;
  const callerAccount = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(caller)?.[1];
  const allowed =
    callerAccount === (g.issuingAccount ?? acc.accountId) ||
    g.retiring === caller ||
    (g.grantee === caller && g.operations.includes('RetireGrant'));
  if (!allowed)
    throw new SandboxError(
      'AccessDeniedException',
      `User: ${caller} is not authorized to perform: kms:RetireGrant on resource: ${acc.keyArn(g.keyId)}`,
    );
  dryRunDone(input);
  removeGrant(acc, g);
  return {};
};

const listRetirableGrants: Handler = (acc, input) => {
  const principal = requiredString(input, 'RetiringPrincipal', PRINCIPAL_RULE);
  optionalString(input, 'Marker', MARKER_RULE);
  const limit = intInRange(input.Limit, 'limit', 1, 100, 50);
  const grants = acc.state.grants.filter((g) => g.retiring === principal);
  const { page, next } = pageArray(grants, input.Marker, limit);
  return { Grants: page.map((g) => grantEntry(acc, g)), ...truncation(next) };
};

export const grantHandlers: Record<string, Handler> = {
  CreateGrant: createGrant,
  ListGrants: listGrants,
  RevokeGrant: revokeGrant,
  RetireGrant: retireGrant,
  ListRetirableGrants: listRetirableGrants,
};
