/**
 * Aliases: ListAliases, CreateAlias, UpdateAlias, DeleteAlias (`AccountState.aliases`).
 *
 * AWS's rules (API reference CreateAlias / UpdateAlias; developer guide "Aliases"): the model's
 * AliasNameType is 1-256 characters of `^[a-zA-Z0-9:/_-]+$`; KMS itself then wants the prefix
 * `alias/` and, after it, only `[a-zA-Z0-9/_-]` (a colon passes the model and fails KMS, with the
 * text AWS answers: "<name> contains invalid characters for an alias"); names under `alias/aws/`
 * belong to AWS managed keys. An alias cannot point at a key pending deletion; UpdateAlias moves
 * it only to a key of the same type and usage. DeleteAlias works in every key state.
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import { intInRange } from '../errors.js';
import type { Handler } from '../handler.js';
import { pageArray, truncation } from '../paging.js';
import type { AliasRecord } from '../state.js';
import { keySpecOf, keyUsageOf, requirePendingNot, resolveKey } from './keys.js';
import { KEY_ID_RULE, MARKER_RULE, optionalString, requiredString } from './validate.js';

const ALIAS_NAME_RULE = { min: 1, max: 256, pattern: /^[a-zA-Z0-9:/_-]+$/ };

/** The AliasName member, checked as the model and then KMS check it; returns the name. */
export function checkAliasName(input: Record<string, unknown>, forCreate: boolean): string {
  const name = requiredString(input, 'AliasName', ALIAS_NAME_RULE);
  if (!name.startsWith('alias/'))
    // AWS's text (seen in the wild, e.g. aws-controllers-k8s issue 1878)
    throw new SandboxError(
      'ValidationException',
      'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
    );
  if (forCreate && !/^alias\/[a-zA-Z0-9/_-]+$/.test(name))
    // AWS's text (terraform-provider-aws issue 12891)
    throw new SandboxError('ValidationException', `${name} contains invalid characters for an alias`);
  if (name.startsWith('alias/aws/'))
    // chosen: AWS documents the rule ("cannot begin with alias/aws/"), not the answer's wording
    throw new SandboxError(
      'NotAuthorizedException',
      'Alias names that begin with alias/aws/ are reserved for AWS managed keys.',
    );
  return name;
}

function findAlias(acc: Account, name: string): AliasRecord {
  const alias = acc.aliasByName.get(name);
  if (!alias) throw new SandboxError('NotFoundException', `Alias ${acc.aliasArn(name)} is not found.`);
  return alias;
}

const listAliases: Handler = (acc, input) => {
  optionalString(input, 'KeyId', KEY_ID_RULE);
  optionalString(input, 'Marker', MARKER_RULE);
  const limit = intInRange(input.Limit, 'limit', 1, 100, 50);
  let aliases = acc.state.aliases;
  if (input.KeyId !== undefined) {
    const k = resolveKey(acc, input.KeyId, false);
    aliases = aliases.filter((a) => a.keyId === k.id);
  }
  const { page, next } = pageArray(aliases, input.Marker, limit);
  return {
    Aliases: page.map((a) => ({
      AliasName: a.name,
      AliasArn: acc.aliasArn(a.name),
      TargetKeyId: a.keyId,
      CreationDate: new Date(a.created),
      LastUpdatedDate: new Date(a.updated),
    })),
    ...truncation(next),
  };
};

const createAlias: Handler = (acc, input) => {
  const name = checkAliasName(input, true);
  requiredString(input, 'TargetKeyId', KEY_ID_RULE);
  const k = resolveKey(acc, input.TargetKeyId, false);
  if (acc.aliasByName.has(name))
    throw new SandboxError('AlreadyExistsException', `An alias with the name ${acc.aliasArn(name)} already exists`);
  requirePendingNot(acc, k);
  const now = acc.nowMs();
  const alias = { name, keyId: k.id, created: now, updated: now };
  acc.state.aliases.push(alias);
  acc.aliasByName.set(name, alias);
  acc.dirty = true;
  return {};
};

const updateAlias: Handler = (acc, input) => {
  const name = checkAliasName(input, false);
  requiredString(input, 'TargetKeyId', KEY_ID_RULE);
  const alias = findAlias(acc, name);
  const k = resolveKey(acc, input.TargetKeyId, false);
  requirePendingNot(acc, k);
  const current = acc.keyById.get(alias.keyId);
  if (current && (keyUsageOf(current) !== keyUsageOf(k) || keyFamily(keySpecOf(current)) !== keyFamily(keySpecOf(k))))
    // the rule is AWS's (UpdateAlias); the wording is chosen
    throw new SandboxError(
      'ValidationException',
      `${acc.keyArn(k.id)} cannot be the target of ${name}: the current and new KMS keys must be of the same type and key usage.`,
    );
  alias.keyId = k.id;
  alias.updated = acc.nowMs();
  acc.dirty = true;
  return {};
};

/** symmetric, asymmetric or HMAC: what UpdateAlias compares */
function keyFamily(spec: string): string {
  if (spec === 'SYMMETRIC_DEFAULT') return 'symmetric';
  return spec.startsWith('HMAC_') ? 'hmac' : 'asymmetric';
}

const deleteAlias: Handler = (acc, input) => {
  const name = checkAliasName(input, false);
  findAlias(acc, name);
  acc.state.aliases = acc.state.aliases.filter((a) => a.name !== name);
  acc.aliasByName.delete(name);
  acc.dirty = true;
  return {};
};

export const aliasHandlers: Record<string, Handler> = {
  ListAliases: listAliases,
  CreateAlias: createAlias,
  UpdateAlias: updateAlias,
  DeleteAlias: deleteAlias,
};
