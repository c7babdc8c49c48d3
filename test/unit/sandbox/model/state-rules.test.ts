/**
 * One test per (operation, state) row of src/sandbox/state-rules.json, the shared statement of
 * aws-facts sections 1.2 and 2.2: the documented outcome, or the documented error code and message.
 */
import { describe, expect, it } from 'vitest';
import rules from '../../../../src/sandbox/state-rules.json' with { type: 'json' };
import { createModel, scenario, DEMO_STORE_ID, DEMO_IDLE_STORE_ID } from '../../../../src/sandbox/model/index.js';
import type { AccountState } from '../../../../src/sandbox/model/state.js';
import { b64, callError, kms } from './helpers.js';

type Outcome = { ok?: string | null; error?: string; message?: string };
const keyOps = rules.keyOperations as unknown as Record<string, Record<string, Outcome>>;
const storeOps = rules.storeOperations as unknown as Record<string, Record<string, Outcome | string>>;

/** A model with a fresh CloudHSM key brought into `state`, and a ciphertext made while it was Enabled. */
function keyIn(state: string) {
  const model = createModel(scenario('demo'));
  const keyId: string = kms(model, 'CreateKey', { CustomKeyStoreId: DEMO_STORE_ID, Origin: 'AWS_CLOUDHSM' }).KeyMetadata
    .KeyId;
  const arn = `arn:aws:kms:us-east-1:111122223333:key/${keyId}`;
  const ciphertext: string = kms(model, 'Encrypt', { KeyId: keyId, Plaintext: b64('secret') }).CiphertextBlob;
  // a grant, an alias and a tag made while the key was Enabled, for the rows that need them
  const grantId: string = kms(model, 'CreateGrant', {
    KeyId: keyId,
    GranteePrincipal: 'arn:aws:iam::111122223333:role/app',
    RetiringPrincipal: RETIRER,
    Operations: ['Decrypt'],
  }).GrantId;
  kms(model, 'CreateAlias', { AliasName: 'alias/state-row', TargetKeyId: keyId });
  kms(model, 'TagResource', { KeyId: keyId, Tags: [{ TagKey: 'team', TagValue: 'a' }] });
  if (state === 'Disabled') kms(model, 'DisableKey', { KeyId: keyId });
  if (state === 'PendingDeletion') kms(model, 'ScheduleKeyDeletion', { KeyId: keyId, PendingWindowInDays: 7 });
  if (state === 'Unavailable') kms(model, 'DisconnectCustomKeyStore', { CustomKeyStoreId: DEMO_STORE_ID });
  expect(kms(model, 'DescribeKey', { KeyId: keyId }).KeyMetadata.KeyState).toBe(state);
  return { model, keyId, arn, ciphertext, grantId };
}

const RETIRER = 'arn:aws:iam::111122223333:role/retirer';

function inputFor(op: string, keyId: string, ciphertext: string, grantId: string): Record<string, unknown> {
  switch (op) {
    case 'TagResource':
      return { KeyId: keyId, Tags: [{ TagKey: 'owner', TagValue: 'ops' }] };
    case 'UntagResource':
      return { KeyId: keyId, TagKeys: ['team'] };
    case 'UpdateKeyDescription':
      return { KeyId: keyId, Description: 'new words' };
    case 'CreateAlias':
      return { AliasName: 'alias/another', TargetKeyId: keyId };
    case 'UpdateAlias':
      return { AliasName: 'alias/state-row', TargetKeyId: keyId };
    case 'DeleteAlias':
      return { AliasName: 'alias/state-row' };
    case 'CreateGrant':
      return { KeyId: keyId, GranteePrincipal: 'arn:aws:iam::111122223333:role/other', Operations: ['Encrypt'] };
    case 'RevokeGrant':
    case 'RetireGrant':
      return { KeyId: keyId, GrantId: grantId };
    case 'ListRetirableGrants':
      return { RetiringPrincipal: RETIRER };
    case 'PutKeyPolicy':
      return {
        KeyId: keyId,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' },
          ],
        }),
      };
    case 'Encrypt':
      return { KeyId: keyId, Plaintext: b64('hello') };
    case 'Decrypt':
      return { CiphertextBlob: ciphertext };
    case 'GenerateDataKey':
    case 'GenerateDataKeyWithoutPlaintext':
      return { KeyId: keyId, KeySpec: 'AES_256' };
    case 'ReEncrypt':
      return { CiphertextBlob: ciphertext, DestinationKeyId: keyId };
    default:
      return { KeyId: keyId };
  }
}

const IMPLEMENTED_KEY_OPS = new Set([
  'ScheduleKeyDeletion',
  'CancelKeyDeletion',
  'DisableKey',
  'EnableKey',
  'Encrypt',
  'Decrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'ReEncrypt',
  'DescribeKey',
  'GetKeyPolicy',
  'ListGrants',
  'ListResourceTags',
  'ListAliases',
  'GetKeyLastUsage',
  'TagResource',
  'UntagResource',
  'UpdateKeyDescription',
  'CreateAlias',
  'UpdateAlias',
  'CreateGrant',
  'ListKeyPolicies',
  'PutKeyPolicy',
  'RevokeGrant',
  'RetireGrant',
  'ListRetirableGrants',
  'DeleteAlias',
]);

const keyRows: Array<[string, string, Outcome]> = [];
for (const [ops, byState] of Object.entries(keyOps)) {
  for (const op of ops.split('|').filter((o) => IMPLEMENTED_KEY_OPS.has(o))) {
    for (const state of rules.keyStates) keyRows.push([op, state, byState[state]!]);
  }
}

describe('key operations by key state (state-rules.json)', () => {
  it('covers every implemented operation in every state', () => {
    expect(keyRows.length).toBe(IMPLEMENTED_KEY_OPS.size * rules.keyStates.length);
  });

  it.each(keyRows)('%s on a %s key', (op, state, outcome) => {
    const { model, keyId, arn, ciphertext, grantId } = keyIn(state);
    const input = inputFor(op, keyId, ciphertext, grantId);
    if (outcome.error) {
      const e = callError(model, 'kms', op, input);
      expect(e.code).toBe(outcome.error);
      expect(e.message).toBe(outcome.message!.replace('<ARN>', arn));
      expect(kms(model, 'DescribeKey', { KeyId: keyId }).KeyMetadata.KeyState).toBe(state);
    } else {
      kms(model, op, input);
      const expected = outcome.ok ?? state;
      expect(kms(model, 'DescribeKey', { KeyId: keyId }).KeyMetadata.KeyState).toBe(expected);
    }
  });

  it('storeOnDisconnect: PendingDeletion keys stay PendingDeletion, the others become Unavailable, reconnect restores them', () => {
    const model = createModel(scenario('demo'), { config: { connectMs: 10, disconnectMs: 10 } });
    const ids = [
      '1234abcd-12ab-34cd-56ef-1234567890ab',
      '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
      '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    ];
    const stateOf = (id: string): string => kms(model, 'DescribeKey', { KeyId: id }).KeyMetadata.KeyState;
    expect(ids.map(stateOf)).toEqual(['Enabled', 'Disabled', 'PendingDeletion']);
    kms(model, 'DisconnectCustomKeyStore', { CustomKeyStoreId: DEMO_STORE_ID });
    expect(ids.map(stateOf)).toEqual(['Unavailable', 'Unavailable', 'PendingDeletion']);
    model.advance(1000);
    kms(model, 'ConnectCustomKeyStore', { CustomKeyStoreId: DEMO_STORE_ID });
    expect(ids.map(stateOf)).toEqual(['Unavailable', 'Unavailable', 'PendingDeletion']);
    model.advance(1000);
    expect(ids.map(stateOf)).toEqual(['Enabled', 'Disabled', 'PendingDeletion']);
  });

  it('CancelKeyDeletion while the store is disconnected shows Unavailable, then Disabled on reconnect', () => {
    const model = createModel(scenario('demo'), { config: { connectMs: 10, disconnectMs: 10 } });
    const id = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
    kms(model, 'DisconnectCustomKeyStore', { CustomKeyStoreId: DEMO_STORE_ID });
    model.advance(100);
    expect(kms(model, 'CancelKeyDeletion', { KeyId: id })).toEqual({
      KeyId: `arn:aws:kms:us-east-1:111122223333:key/${id}`,
    });
    expect(kms(model, 'DescribeKey', { KeyId: id }).KeyMetadata.KeyState).toBe('Unavailable');
    kms(model, 'ConnectCustomKeyStore', { CustomKeyStoreId: DEMO_STORE_ID });
    model.advance(100);
    expect(kms(model, 'DescribeKey', { KeyId: id }).KeyMetadata.KeyState).toBe('Disabled');
  });
});

/** A demo model whose key-less CloudHSM store is in `state`. */
function storeIn(state: string) {
  const json = scenario('demo') as AccountState;
  const store = json.stores.find((s) => s.id === DEMO_IDLE_STORE_ID)!;
  store.state = state as typeof store.state;
  if (state === 'CONNECTING' || state === 'DISCONNECTING') store.transitionAt = Date.now() + 3_600_000;
  if (state === 'FAILED') store.errorCode = 'NETWORK_ERRORS';
  return createModel(json);
}

const storeRows: Array<[string, string, Outcome]> = [];
for (const [op, byState] of Object.entries(storeOps)) {
  if (op === 'any') continue;
  for (const state of rules.connectionStates) storeRows.push([op, state, byState[state] as Outcome]);
}

describe('custom key store operations by connection state (state-rules.json)', () => {
  it.each(storeRows)('%s on a %s store', (op, state, outcome) => {
    const model = storeIn(state);
    const storeState = (): string | undefined =>
      kms(model, 'DescribeCustomKeyStores', {}).CustomKeyStores.find(
        (s: any) => s.CustomKeyStoreId === DEMO_IDLE_STORE_ID,
      )?.ConnectionState;
    const isCreate = op.startsWith('CreateKey');
    const operation = isCreate ? 'CreateKey' : op;
    const input = isCreate
      ? { CustomKeyStoreId: DEMO_IDLE_STORE_ID, Origin: 'AWS_CLOUDHSM' }
      : { CustomKeyStoreId: DEMO_IDLE_STORE_ID };
    if (outcome.error) {
      expect(callError(model, 'kms', operation, input).code).toBe(outcome.error);
      expect(storeState()).toBe(state);
    } else if (isCreate) {
      expect(kms(model, operation, input).KeyMetadata.KeyState).toBe(outcome.ok);
    } else if (outcome.ok === 'deleted') {
      expect(kms(model, operation, input)).toEqual({});
      expect(callError(model, 'kms', 'DescribeCustomKeyStores', { CustomKeyStoreId: DEMO_IDLE_STORE_ID }).code).toBe(
        'CustomKeyStoreNotFoundException',
      );
    } else {
      expect(kms(model, operation, input)).toEqual({});
      expect(storeState()).toBe(outcome.ok);
    }
  });

  it.each(Object.keys(storeOps).filter((op) => op !== 'any'))(
    '%s on an unknown store: CustomKeyStoreNotFoundException',
    (op) => {
      const model = createModel(scenario('demo'));
      const operation = op.startsWith('CreateKey') ? 'CreateKey' : op;
      expect(callError(model, 'kms', operation, { CustomKeyStoreId: 'cks-00000000000000000' }).code).toBe(
        (storeOps.any!.unknownStore as Outcome).error,
      );
    },
  );

  it('DeleteCustomKeyStore on a DISCONNECTED store with keys (even PendingDeletion): CustomKeyStoreHasCMKsException', () => {
    const model = createModel(scenario('demo'), { config: { disconnectMs: 10 } });
    kms(model, 'DisconnectCustomKeyStore', { CustomKeyStoreId: DEMO_STORE_ID });
    model.advance(100);
    for (const id of [
      '0b7fd7d4-5f2c-4c1e-9a4e-3f0e5d2a9b11',
      '2f9c1e84-7a3b-4d5e-8f6a-1b2c3d4e5f60',
      '1234abcd-12ab-34cd-56ef-1234567890ab',
      '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
    ]) {
      kms(model, 'ScheduleKeyDeletion', { KeyId: id, PendingWindowInDays: 7 });
    }
    expect(callError(model, 'kms', 'DeleteCustomKeyStore', { CustomKeyStoreId: DEMO_STORE_ID }).code).toBe(
      'CustomKeyStoreHasCMKsException',
    );
    model.advance(31 * 86_400_000);
    expect(kms(model, 'DeleteCustomKeyStore', { CustomKeyStoreId: DEMO_STORE_ID })).toEqual({});
  });

  it('when both errors apply, HasCMKs wins (the sandbox choice; AWS does not document the order)', () => {
    const model = createModel(scenario('demo'));
    expect(callError(model, 'kms', 'DeleteCustomKeyStore', { CustomKeyStoreId: DEMO_STORE_ID }).code).toBe(
      'CustomKeyStoreHasCMKsException',
    );
  });

  it('pending window days follow windowDays', () => {
    const model = createModel(scenario('demo'));
    const id = '0b7fd7d4-5f2c-4c1e-9a4e-3f0e5d2a9b11';
    expect(
      callError(model, 'kms', 'ScheduleKeyDeletion', { KeyId: id, PendingWindowInDays: rules.windowDays.min - 1 }).code,
    ).toBe('ValidationException');
    expect(
      callError(model, 'kms', 'ScheduleKeyDeletion', { KeyId: id, PendingWindowInDays: rules.windowDays.max + 1 }).code,
    ).toBe('ValidationException');
    const out = kms(model, 'ScheduleKeyDeletion', { KeyId: id });
    expect(out.PendingWindowInDays).toBe(rules.windowDays.default);
    expect(out.KeyId).toBe(`arn:aws:kms:us-east-1:111122223333:key/${id}`);
    expect(out.KeyState).toBe('PendingDeletion');
    expect(Math.round((out.DeletionDate.getTime() - model.now().getTime()) / 86_400_000)).toBe(30);
  });
});
