/**
 * Key rotation: GetKeyRotationStatus, EnableKeyRotation, DisableKeyRotation, ListKeyRotations,
 * RotateKeyOnDemand. State on the key record: `rotation` ({periodDays, next}: automatic rotation
 * enabled) and `rotations` (completed ones, for ListKeyRotations). Rotation changes no key
 * material the sandbox keeps (ciphertexts name their key, not a version), so old ciphertexts
 * still decrypt, as in AWS.
 *
 * AWS's rules (API reference; developer guide "Rotating keys"): only symmetric encryption keys
 * with key material KMS generated rotate; keys in a custom key store do not (AWS: "Automatic key
 * rotation is not supported on KMS keys in a custom key store", UnsupportedOperationException;
 * the same for on-demand rotation); RotationPeriodInDays 90-2560, default 365; at most 10
 * on-demand rotations per key; Enable/Disable/RotateKeyOnDemand need a usable key
 * (DisabledException, KMSInvalidStateException for pending deletion or unavailable).
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import { intInRange } from '../errors.js';
import type { Handler } from '../handler.js';
import { pageArray, truncation } from '../paging.js';
import { DAY_MS, type KeyRecord } from '../state.js';
import { keySpecOf, keyUsageOf, requireCustomerManaged, requireUsable, resolveKey, visibleState } from './keys.js';
import { KEY_ID_RULE, MARKER_RULE, optionalString, requiredString } from './validate.js';

export const MAX_ON_DEMAND_ROTATIONS = 10;

/** Refuses keys that cannot rotate, with AWS's reason. */
function requireRotatable(acc: Account, k: KeyRecord, what: string): void {
  if (k.storeId)
    throw new SandboxError(
      'UnsupportedOperationException',
      `${acc.keyArn(k.id)} is in custom key store ${k.storeId}: ${what} is not supported on KMS keys in a custom key store.`,
    );
  if (keySpecOf(k) !== 'SYMMETRIC_DEFAULT' || keyUsageOf(k) !== 'ENCRYPT_DECRYPT' || k.origin !== undefined)
    throw new SandboxError(
      'UnsupportedOperationException',
      `${acc.keyArn(k.id)}: ${what} is supported only on symmetric encryption KMS keys with key material that KMS generated.`,
    );
}

/** Applies automatic rotations that came due (called lazily when a key's rotation is read). */
function catchUpRotation(acc: Account, k: KeyRecord): void {
  if (!k.rotation) return;
  const now = acc.nowMs();
  while (k.rotation.next <= now) {
    (k.rotations ??= []).push({ t: k.rotation.next, type: 'AUTOMATIC' });
    k.rotation.next += k.rotation.periodDays * DAY_MS;
    acc.dirty = true;
  }
}

const getKeyRotationStatus: Handler = (acc, input) => {
  requiredString(input, 'KeyId', KEY_ID_RULE);
  const k = resolveKey(acc, input.KeyId, false);
  if (visibleState(acc, k) === 'PendingDeletion')
    throw new SandboxError('KMSInvalidStateException', `${acc.keyArn(k.id)} is pending deletion.`);
  catchUpRotation(acc, k);
  return {
    KeyRotationEnabled: k.rotation !== undefined,
    KeyId: acc.keyArn(k.id),
    ...(k.rotation ? { RotationPeriodInDays: k.rotation.periodDays, NextRotationDate: new Date(k.rotation.next) } : {}),
  };
};

const enableKeyRotation: Handler = (acc, input) => {
  requiredString(input, 'KeyId', KEY_ID_RULE);
  const period = intInRange(input.RotationPeriodInDays, 'rotationPeriodInDays', 90, 2560, 365);
  const k = resolveKey(acc, input.KeyId, false);
  requireCustomerManaged(acc, k, 'EnableKeyRotation');
  requireRotatable(acc, k, 'automatic key rotation');
  requireUsable(acc, k);
  catchUpRotation(acc, k);
  k.rotation = { periodDays: period, next: acc.nowMs() + period * DAY_MS };
  acc.dirty = true;
  return {};
};

const disableKeyRotation: Handler = (acc, input) => {
  requiredString(input, 'KeyId', KEY_ID_RULE);
  const k = resolveKey(acc, input.KeyId, false);
  requireCustomerManaged(acc, k, 'DisableKeyRotation');
  requireRotatable(acc, k, 'automatic key rotation');
  requireUsable(acc, k);
  catchUpRotation(acc, k);
  delete k.rotation;
  acc.dirty = true;
  return {};
};

const rotateKeyOnDemand: Handler = (acc, input) => {
  requiredString(input, 'KeyId', KEY_ID_RULE);
  const k = resolveKey(acc, input.KeyId, false);
  requireCustomerManaged(acc, k, 'RotateKeyOnDemand');
  requireRotatable(acc, k, 'on-demand key rotation');
  requireUsable(acc, k);
  catchUpRotation(acc, k);
  const onDemand = (k.rotations ?? []).filter((r) => r.type === 'ON_DEMAND').length;
  if (onDemand >= MAX_ON_DEMAND_ROTATIONS)
    throw new SandboxError(
      'LimitExceededException',
      `${acc.keyArn(k.id)} has reached the maximum of ${MAX_ON_DEMAND_ROTATIONS} on-demand rotations.`,
    );
  (k.rotations ??= []).push({ t: acc.nowMs(), type: 'ON_DEMAND' });
  acc.dirty = true;
  return { KeyId: acc.keyArn(k.id) };
};

const listKeyRotations: Handler = (acc, input) => {
  requiredString(input, 'KeyId', KEY_ID_RULE);
  optionalString(input, 'Marker', MARKER_RULE);
  const limit = intInRange(input.Limit, 'limit', 1, 1000, 100);
  const k = resolveKey(acc, input.KeyId, false);
  requireRotatable(acc, k, 'key rotation');
  catchUpRotation(acc, k);
  const { page, next } = pageArray(k.rotations ?? [], input.Marker, limit);
  return {
    Rotations: page.map((r) => ({ KeyId: acc.keyArn(k.id), RotationDate: new Date(r.t), RotationType: r.type })),
    ...truncation(next),
  };
};

export const rotationHandlers: Record<string, Handler> = {
  GetKeyRotationStatus: getKeyRotationStatus,
  EnableKeyRotation: enableKeyRotation,
  DisableKeyRotation: disableKeyRotation,
  RotateKeyOnDemand: rotateKeyOnDemand,
  ListKeyRotations: listKeyRotations,
};
