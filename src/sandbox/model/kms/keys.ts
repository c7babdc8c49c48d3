/**
 * KMS key management: resolution of KeyId forms, the visible KeyState, and the key operations.
 * Which call works in which state follows src/sandbox/state-rules.json (aws-facts 1.2).
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import { intInRange, kmsNotFound, requireString, validation } from '../errors.js';
import type { Handler } from '../handler.js';
import { decodeToken, encodeToken, invalidMarker, truncation } from '../paging.js';
import { DAY_MS, type KeyRecord, type KeyState } from '../state.js';
import { applyTags, checkTags } from './tags.js';
import { algorithmsOf, checkSpecAndUsage, ORIGINS } from './key-specs.js';
import { checkPolicyFor, checkPolicyText } from './policies.js';
import { checkEnum, optionalString } from './validate.js';
import { multiRegionConfiguration } from './replicas.js';

/**
 * The state AWS shows. A custom-store key whose store is not CONNECTED is Unavailable, except
 * while PendingDeletion (aws-facts 1.1). Deriving it (instead of storing it) is what makes a
 * reconnect "restore the previous state" and EnableKey/DisableKey on an Unavailable key "take
 * effect once the key is available again" (state-rules.json).
 */
export function visibleState(acc: Account, k: KeyRecord): KeyState {
  if (k.state === 'PendingDeletion') return 'PendingDeletion';
  if (k.storeId && acc.storeById.get(k.storeId)?.state !== 'CONNECTED') return 'Unavailable';
  // imported material past its ValidTo is deleted by KMS: the key waits for it again (import.ts)
  const validTo = k.imported?.validTo;
  if (k.origin === 'EXTERNAL' && validTo !== undefined && acc.nowMs() >= validTo) return 'PendingImport';
  return k.state;
}

const KEY_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^mrk-[0-9a-f]{32}$/;

/**
 * Finds the key a KeyId names: key id, key ARN, and (when `aliases`) alias name or alias ARN.
 * Operations documented as "key ID or key ARN" refuse aliases the way KMS does: NotFoundException
 * for `alias/…`, InvalidArnException for an alias ARN.
 */
export function resolveKey(acc: Account, keyId: unknown, aliases: boolean): KeyRecord {
  if (typeof keyId !== 'string' || keyId.length === 0) {
    throw new SandboxError(
      'ValidationException',
      "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
    );
  }
  if (keyId.startsWith('arn:')) {
    const m = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(key\/.+|alias\/.+)$/.exec(keyId);
    if (!m) throw new SandboxError('InvalidArnException', `${keyId} is not a valid ARN`);
    const [, region, account, resource] = m as unknown as [string, string, string, string];
    if (resource.startsWith('alias/')) {
      if (!aliases)
        throw new SandboxError(
          'InvalidArnException',
          `${keyId} is an alias ARN; this operation needs a key ID or key ARN`,
        );
      if (region !== acc.region || account !== acc.accountId)
        throw new SandboxError('NotFoundException', `Alias ${keyId} is not found.`);
      return byAlias(acc, resource);
    }
    const id = resource.slice(4);
    const k = region === acc.region && account === acc.accountId ? acc.keyById.get(id) : undefined;
    if (!k) throw kmsNotFound(keyId);
    return k;
  }
  if (keyId.startsWith('alias/')) {
    if (!aliases) throw new SandboxError('NotFoundException', `Invalid keyId ${keyId}`);
    return byAlias(acc, keyId);
  }
  const k = acc.keyById.get(keyId);
  if (!k) {
    if (!KEY_ID_RE.test(keyId)) throw new SandboxError('NotFoundException', `Invalid keyId ${keyId}`);
    throw kmsNotFound(acc.keyArn(keyId));
  }
  return k;
}

function byAlias(acc: Account, name: string): KeyRecord {
  const alias = acc.aliasByName.get(name);
  const k = alias ? acc.keyById.get(alias.keyId) : undefined;
  if (!k) throw new SandboxError('NotFoundException', `Alias ${acc.aliasArn(name)} is not found.`);
  return k;
}

/** The key ARN a KeyId names, or undefined (for CloudTrail resources of failed calls). */
export function tryResolveArn(acc: Account, keyId: unknown): string | undefined {
  try {
    return acc.keyArn(resolveKey(acc, keyId, true).id);
  } catch {
    return undefined;
  }
}

export function keyMetadata(acc: Account, k: KeyRecord): Record<string, unknown> {
  const state = visibleState(acc, k);
  const md: Record<string, unknown> = {
    AWSAccountId: acc.accountId,
    KeyId: k.id,
    Arn: acc.keyArn(k.id),
    CreationDate: new Date(k.created),
    Enabled: state === 'Enabled',
    Description: k.description ?? '',
    KeyUsage: keyUsageOf(k),
    KeyState: state,
    Origin: k.origin ?? 'AWS_KMS',
    KeyManager: k.manager ?? 'CUSTOMER',
    CustomerMasterKeySpec: keySpecOf(k),
    KeySpec: keySpecOf(k),
    ...algorithmsOf(keySpecOf(k), keyUsageOf(k)),
    MultiRegion: k.id.startsWith('mrk-'),
  };
  if (k.id.startsWith('mrk-')) md.MultiRegionConfiguration = multiRegionConfiguration(acc, k);
  if (k.origin === 'EXTERNAL' && state !== 'PendingImport') {
    const validTo = k.imported?.validTo;
    md.ExpirationModel = validTo !== undefined ? 'KEY_MATERIAL_EXPIRES' : 'KEY_MATERIAL_DOES_NOT_EXPIRE';
    if (validTo !== undefined) md.ValidTo = new Date(validTo);
  }
  if (k.state === 'PendingDeletion' && k.deletionDate !== undefined) md.DeletionDate = new Date(k.deletionDate);
  if (k.storeId) md.CustomKeyStoreId = k.storeId;
  if (k.clusterId) md.CloudHsmClusterId = k.clusterId;
  if (k.xksKeyId) md.XksKeyConfiguration = { Id: k.xksKeyId };
  return md;
}

/** The three errors of aws-facts 1.2 footnotes [1], [3], [11] for a key that cannot be used. */
export function requireUsable(acc: Account, k: KeyRecord): void {
  const state = visibleState(acc, k);
  const arn = acc.keyArn(k.id);
  if (state === 'Disabled') throw new SandboxError('DisabledException', `${arn} is disabled.`);
  if (state === 'PendingDeletion') throw new SandboxError('KMSInvalidStateException', `${arn} is pending deletion.`);
  if (state === 'Unavailable') throw new SandboxError('KMSInvalidStateException', `${arn} is unavailable.`);
  // aws-facts 1.2 footnote [5]
  if (state === 'PendingImport') throw new SandboxError('KMSInvalidStateException', `${arn} is pending import.`);
}

/** EnableKey / DisableKey on a key waiting for its material (aws-facts 1.2 footnote [5]). */
function requireImported(acc: Account, k: KeyRecord): void {
  if (visibleState(acc, k) === 'PendingImport')
    throw new SandboxError('KMSInvalidStateException', `${acc.keyArn(k.id)} is pending import.`);
}

export function requirePendingNot(acc: Account, k: KeyRecord): void {
  if (k.state === 'PendingDeletion')
    throw new SandboxError('KMSInvalidStateException', `${acc.keyArn(k.id)} is pending deletion.`);
}

/**
 * AWS-managed keys have key policies that allow no management by the account, so KMS answers
 * AccessDeniedException (not in aws-facts; the managed keys' fixed policy implies it).
 */
export function requireCustomerManaged(acc: Account, k: KeyRecord, op: string): void {
  if (k.manager === 'AWS') {
    throw new SandboxError(
      'AccessDeniedException',
      `User is not authorized to perform: kms:${op} on resource: ${acc.keyArn(k.id)} because no resource-based policy allows the kms:${op} action`,
    );
  }
}

/** KeyUsage of a key (absent on the record: ENCRYPT_DECRYPT, a symmetric encryption key). */
export function keyUsageOf(k: KeyRecord): string {
  return k.usage ?? 'ENCRYPT_DECRYPT';
}

/** KeySpec of a key (absent on the record: SYMMETRIC_DEFAULT). */
export function keySpecOf(k: KeyRecord): string {
  return k.spec ?? 'SYMMETRIC_DEFAULT';
}

// ---- handlers ----

/** UpdateKeyDescription: 0-8192 characters; not for a key pending deletion (key-state table). */
const updateKeyDescription: Handler = (acc, input) => {
  requireString(input, 'KeyId');
  const description = input.Description;
  if (typeof description !== 'string')
    throw new SandboxError(
      'ValidationException',
      "1 validation error detected: Value null at 'description' failed to satisfy constraint: Member must not be null",
    );
  if (description.length > 8192)
    throw validation('description', description, 'Member must have length less than or equal to 8192');
  const k = resolveKey(acc, input.KeyId, false);
  requireCustomerManaged(acc, k, 'UpdateKeyDescription');
  requirePendingNot(acc, k);
  if (description) k.description = description;
  else delete k.description;
  acc.dirty = true;
  return {};
};

const describeKey: Handler = (acc, input) => ({ KeyMetadata: keyMetadata(acc, resolveKey(acc, input.KeyId, true)) });

/**
 * ListKeys pages by position in the key list, not by filtering. The marker carries the position
 * and the id of the last key returned; when keys were deleted meanwhile the id finds the new
 * position (O(1) through the position index).
 */
const listKeys: Handler = (acc, input) => {
  const limit = intInRange(input.Limit, 'limit', 1, 1000, 100);
  const keys = acc.state.keys;
  let start = 0;
  if (input.Marker !== undefined && input.Marker !== null) {
    const body = decodeToken(input.Marker, 'keys');
    if (!body || typeof body.p !== 'string') throw invalidMarker();
    const [posText, lastId] = body.p.split('/') as [string, string | undefined];
    const pos = Number(posText);
    if (!Number.isInteger(pos) || pos < 0 || !lastId) throw invalidMarker();
    if (keys[pos]?.id === lastId) start = pos + 1;
    else {
      const found = acc.positionOf(lastId);
      // the last key returned was deleted since: continue where it used to be
      start = found !== undefined ? found + 1 : Math.min(pos, keys.length);
    }
  }
  const end = Math.min(keys.length, start + limit);
  const out = new Array<{ KeyId: string; KeyArn: string }>(end - start);
  for (let i = start; i < end; i++) {
    const id = keys[i]!.id;
    out[i - start] = { KeyId: id, KeyArn: acc.keyArn(id) };
  }
  const next = end < keys.length ? encodeToken({ p: `${end - 1}/${keys[end - 1]!.id}`, f: 'keys' }) : undefined;
  return { Keys: out, ...truncation(next) };
};

/**
 * CreateKey as AWS (API reference CreateKey): KeySpec / KeyUsage combinations (key-specs.ts), a
 * Policy validated and stored (else AWS's default policy), MultiRegion keys with `mrk-` ids,
 * Origin EXTERNAL (the key waits in PendingImport for its material), AWS_CLOUDHSM and
 * EXTERNAL_KEY_STORE with their store (and XksKeyId) checks, and the custom key store rules: only
 * symmetric, single-Region keys with KMS-made material (UnsupportedOperationException).
 */
const createKey: Handler = (acc, input, ctx) => {
  const tags = checkTags(input.Tags, false);
  const { spec, usage } = checkSpecAndUsage(input);
  const origin = checkEnum(input.Origin, 'origin', ORIGINS);
  const description = optionalString(input, 'Description', { min: 0, max: 8192 });
  const policy = checkPolicyText(input, false);
  const xksKeyId = optionalString(input, 'XksKeyId', { min: 1, max: 128, pattern: /^[a-zA-Z0-9-_.]+$/ });
  const storeId = optionalString(input, 'CustomKeyStoreId', { min: 1, max: 64 });
  const multiRegion = input.MultiRegion === true;
  if (storeId !== undefined || origin === 'AWS_CLOUDHSM' || origin === 'EXTERNAL_KEY_STORE') {
    const reason =
      spec !== 'SYMMETRIC_DEFAULT'
        ? `KeySpec ${spec}`
        : multiRegion
          ? 'multi-Region keys'
          : origin === 'EXTERNAL'
            ? 'imported key material (Origin EXTERNAL)'
            : undefined;
    if (reason)
      // the rule is AWS's (custom key stores hold symmetric encryption keys only); the wording is chosen
      throw new SandboxError(
        'UnsupportedOperationException',
        `${reason} cannot be created in a custom key store: custom key stores support only symmetric encryption KMS keys.`,
      );
  }
  if (xksKeyId !== undefined && origin !== 'EXTERNAL_KEY_STORE')
    throw new SandboxError('ValidationException', 'XksKeyId is valid only when Origin is EXTERNAL_KEY_STORE.');
  if (policy !== undefined) checkPolicyFor(acc, ctx, policy, input.BypassPolicyLockoutSafetyCheck);
  const now = acc.nowMs();
  const k: KeyRecord = {
    id: multiRegion ? `mrk-${acc.ids.hex(32)}` : acc.ids.uuid(),
    created: now,
    state: origin === 'EXTERNAL' ? 'PendingImport' : 'Enabled',
  };
  if (description) k.description = description;
  if (spec !== 'SYMMETRIC_DEFAULT') k.spec = spec;
  if (usage !== 'ENCRYPT_DECRYPT') k.usage = usage;
  if (policy !== undefined) k.policy = policy;
  if (origin === 'EXTERNAL') k.origin = 'EXTERNAL';
  if (storeId !== undefined) {
    const store = acc.storeById.get(storeId);
    if (!store)
      throw new SandboxError('CustomKeyStoreNotFoundException', `Custom key store ${storeId} does not exist.`);
    const expected = store.type === 'AWS_CLOUDHSM' ? 'AWS_CLOUDHSM' : 'EXTERNAL_KEY_STORE';
    if (origin !== undefined && origin !== expected) {
      throw new SandboxError(
        'ValidationException',
        `Origin must be ${expected} to create a key in custom key store ${storeId}.`,
      );
    }
    if (store.state !== 'CONNECTED') {
      throw new SandboxError(
        'CustomKeyStoreInvalidStateException',
        `Custom key store ${storeId} is not connected. Its connection state is ${store.state}.`,
      );
    }
    k.storeId = storeId;
    k.origin = expected;
    if (store.type === 'AWS_CLOUDHSM') {
      const cluster = acc.state.clusters.find((c) => c.id === store.clusterId);
      const activeAzs = new Set(
        (cluster?.hsms ?? []).filter((h) => h.State === 'ACTIVE').map((h) => h.AvailabilityZone),
      );
      // aws-facts 2.2: creating keys needs two active HSMs in different Availability Zones
      if (!cluster || activeAzs.size < 2) {
        throw new SandboxError(
          'CloudHsmClusterInvalidConfigurationException',
          `The CloudHSM cluster ${store.clusterId} associated with custom key store ${storeId} must contain at least two active HSMs, each in a different Availability Zone.`,
        );
      }
      k.clusterId = cluster.id;
      k.keyHandle = `0x${(cluster.nextHandle++).toString(16).padStart(8, '0')}`;
      k.backingKeyId = acc.ids.hex(64);
    } else {
      if (typeof input.XksKeyId !== 'string' || !input.XksKeyId) {
        throw new SandboxError(
          'ValidationException',
          'XksKeyId is required to create a KMS key in an external key store.',
        );
      }
      k.xksKeyId = input.XksKeyId;
    }
  } else if (origin === 'AWS_CLOUDHSM' || origin === 'EXTERNAL_KEY_STORE') {
    // chosen wording; the rule is AWS's
    throw new SandboxError('ValidationException', `CustomKeyStoreId is required when Origin is ${origin}.`);
  }
  if (tags && tags.length > 0) applyTags(acc, k, tags);
  acc.addKey(k);
  return { KeyMetadata: keyMetadata(acc, k) };
};

const enableKey: Handler = (acc, input) => {
  const k = resolveKey(acc, input.KeyId, false);
  requireCustomerManaged(acc, k, 'EnableKey');
  requirePendingNot(acc, k);
  requireImported(acc, k);
  // Unavailable keys: the logical state changes now and shows once the store reconnects
  acc.setLogicalState(k, 'Enabled');
  return {};
};

const disableKey: Handler = (acc, input) => {
  const k = resolveKey(acc, input.KeyId, false);
  requireCustomerManaged(acc, k, 'DisableKey');
  requirePendingNot(acc, k);
  requireImported(acc, k);
  acc.setLogicalState(k, 'Disabled');
  return {};
};

const scheduleKeyDeletion: Handler = (acc, input) => {
  const k = resolveKey(acc, input.KeyId, false);
  // aws-facts 3.1: the model allows 1-365 but KMS accepts only 7-30 days
  const days = intInRange(input.PendingWindowInDays, 'pendingWindowInDays', 7, 30, 30);
  requireCustomerManaged(acc, k, 'ScheduleKeyDeletion');
  requirePendingNot(acc, k);
  // allowed in every other state, Unavailable included (state-rules.json)
  k.deletionDate = acc.nowMs() + days * DAY_MS;
  k.pendingWindow = days;
  acc.setLogicalState(k, 'PendingDeletion');
  return {
    KeyId: acc.keyArn(k.id),
    DeletionDate: new Date(k.deletionDate),
    KeyState: 'PendingDeletion',
    PendingWindowInDays: days,
  };
};

const cancelKeyDeletion: Handler = (acc, input) => {
  const k = resolveKey(acc, input.KeyId, false);
  requireCustomerManaged(acc, k, 'CancelKeyDeletion');
  if (k.state !== 'PendingDeletion')
    throw new SandboxError('KMSInvalidStateException', `${acc.keyArn(k.id)} is not pending deletion.`);
  // aws-facts 3.2: a cancelled key is Disabled. While its store is disconnected it shows
  // Unavailable and becomes Disabled on reconnect: undocumented (state-rules.json says "verify");
  // it follows from visibleState() deriving Unavailable from the store.
  delete k.deletionDate;
  delete k.pendingWindow;
  acc.setLogicalState(k, 'Disabled');
  return { KeyId: acc.keyArn(k.id) };
};

const getKeyLastUsage: Handler = (acc, input) => {
  const k = resolveKey(acc, input.KeyId, false);
  const out: Record<string, unknown> = {
    KeyId: acc.keyArn(k.id),
    KeyCreationDate: new Date(k.created),
    TrackingStartDate: new Date(acc.state.config.trackingStart),
  };
  if (k.lastUsage) {
    out.KeyLastUsage = {
      Operation: k.lastUsage.op,
      Timestamp: new Date(k.lastUsage.t),
      ...(k.lastUsage.eventId ? { CloudTrailEventId: k.lastUsage.eventId } : {}),
      KmsRequestId: k.lastUsage.requestId,
    };
  }
  return out;
};

export const keyHandlers: Record<string, Handler> = {
  CreateKey: createKey,
  DescribeKey: describeKey,
  ListKeys: listKeys,
  UpdateKeyDescription: updateKeyDescription,
  EnableKey: enableKey,
  DisableKey: disableKey,
  ScheduleKeyDeletion: scheduleKeyDeletion,
  CancelKeyDeletion: cancelKeyDeletion,
  GetKeyLastUsage: getKeyLastUsage,
};
