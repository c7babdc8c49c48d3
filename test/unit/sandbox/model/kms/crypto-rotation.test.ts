/** GenerateDataKey(WithoutPlaintext), ReEncrypt, GenerateRandom and key rotation: AWS's rules and errors. */
import { describe, expect, it } from 'vitest';
import {
  createModel,
  scenario,
  DEMO_KEYS,
  DEMO_STORE_ID,
  DEMO_XKS_STORE_ID,
} from '../../../../../src/sandbox/model/index.js';
import { b64, callError, kms } from '../helpers.js';

const demo = () => createModel(scenario('demo'));
const arnOf = (id: string): string => `arn:aws:kms:us-east-1:111122223333:key/${id}`;
const DAY = 86_400_000;

describe('data keys, re-encryption and random bytes', () => {
  it('GenerateDataKey takes KeySpec or NumberOfBytes, not both; WithoutPlaintext returns no plaintext', () => {
    const m = demo();
    const { KeyId } = kms(m, 'CreateKey', {}).KeyMetadata;
    expect(callError(m, 'kms', 'GenerateDataKey', { KeyId, KeySpec: 'AES_256', NumberOfBytes: 32 }).message).toBe(
      'Specify either KeySpec or NumberOfBytes, not both.',
    );
    expect(callError(m, 'kms', 'GenerateDataKey', { KeyId, KeySpec: 'AES_512' }).message).toContain(
      "at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]",
    );
    const out = kms(m, 'GenerateDataKeyWithoutPlaintext', { KeyId, NumberOfBytes: 64 });
    expect(Object.keys(out).sort()).toEqual(['CiphertextBlob', 'KeyId']);
    expect(Buffer.from(kms(m, 'Decrypt', { CiphertextBlob: out.CiphertextBlob }).Plaintext, 'base64')).toHaveLength(64);
  });

  it('ReEncrypt moves a ciphertext to the destination key; the source key must match and be usable', () => {
    const m = demo();
    const a = kms(m, 'CreateKey', {}).KeyMetadata.KeyId;
    const b = kms(m, 'CreateKey', {}).KeyMetadata.KeyId;
    const ct = kms(m, 'Encrypt', { KeyId: a, Plaintext: b64('hello') }).CiphertextBlob;
    const out = kms(m, 'ReEncrypt', { CiphertextBlob: ct, DestinationKeyId: b });
    expect(out).toMatchObject({
      SourceKeyId: arnOf(a),
      KeyId: arnOf(b),
      DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    });
    expect(kms(m, 'Decrypt', { CiphertextBlob: out.CiphertextBlob })).toMatchObject({
      KeyId: arnOf(b),
      Plaintext: b64('hello'),
    });
    expect(callError(m, 'kms', 'ReEncrypt', { CiphertextBlob: ct, SourceKeyId: b, DestinationKeyId: b }).code).toBe(
      'IncorrectKeyException',
    );
    kms(m, 'DisableKey', { KeyId: a });
    expect(callError(m, 'kms', 'ReEncrypt', { CiphertextBlob: ct, DestinationKeyId: b }).message).toBe(
      `${arnOf(a)} is disabled.`,
    );
  });

  it('GenerateRandom: 1-1024 bytes; with a CloudHSM store ID only while it is connected; never an external store', () => {
    const m = demo();
    expect(Buffer.from(kms(m, 'GenerateRandom', { NumberOfBytes: 16 }).Plaintext, 'base64')).toHaveLength(16);
    expect(callError(m, 'kms', 'GenerateRandom', { NumberOfBytes: 1025 }).code).toBe('ValidationException');
    expect(kms(m, 'GenerateRandom', { NumberOfBytes: 8, CustomKeyStoreId: DEMO_STORE_ID }).Plaintext).toBeTruthy();
    expect(callError(m, 'kms', 'GenerateRandom', { NumberOfBytes: 8, CustomKeyStoreId: DEMO_XKS_STORE_ID }).code).toBe(
      'UnsupportedOperationException',
    );
    expect(
      callError(m, 'kms', 'GenerateRandom', { NumberOfBytes: 8, CustomKeyStoreId: 'cks-00000000000000000' }).code,
    ).toBe('CustomKeyStoreNotFoundException');
    kms(m, 'DisconnectCustomKeyStore', { CustomKeyStoreId: DEMO_STORE_ID });
    expect(callError(m, 'kms', 'GenerateRandom', { NumberOfBytes: 8, CustomKeyStoreId: DEMO_STORE_ID }).code).toBe(
      'CustomKeyStoreInvalidStateException',
    );
  });
});

describe('key rotation', () => {
  it('enable with a period, status with the next date, automatic rotations as time passes, on demand, disable', () => {
    const m = demo();
    const k = kms(m, 'CreateKey', {}).KeyMetadata.KeyId;
    expect(kms(m, 'GetKeyRotationStatus', { KeyId: k })).toEqual({ KeyRotationEnabled: false, KeyId: arnOf(k) });
    expect(callError(m, 'kms', 'EnableKeyRotation', { KeyId: k, RotationPeriodInDays: 30 }).code).toBe(
      'ValidationException',
    );
    kms(m, 'EnableKeyRotation', { KeyId: k, RotationPeriodInDays: 90 });
    const status = kms(m, 'GetKeyRotationStatus', { KeyId: k });
    expect(status).toMatchObject({ KeyRotationEnabled: true, RotationPeriodInDays: 90 });
    expect(status.NextRotationDate.getTime() - m.now().getTime()).toBeGreaterThan(89 * DAY);
    m.advance(91 * DAY);
    kms(m, 'RotateKeyOnDemand', { KeyId: k });
    expect(
      kms(m, 'ListKeyRotations', { KeyId: k }).Rotations.map((r: { RotationType: string }) => r.RotationType),
    ).toEqual(['AUTOMATIC', 'ON_DEMAND']);
    kms(m, 'DisableKeyRotation', { KeyId: k });
    expect(kms(m, 'GetKeyRotationStatus', { KeyId: k }).KeyRotationEnabled).toBe(false);
    kms(m, 'DisableKey', { KeyId: k });
    expect(callError(m, 'kms', 'EnableKeyRotation', { KeyId: k }).code).toBe('DisabledException');
  });

  it('keys in a CloudHSM key store cannot rotate (UnsupportedOperationException), and the status says disabled', () => {
    const m = demo();
    for (const op of ['EnableKeyRotation', 'DisableKeyRotation', 'RotateKeyOnDemand', 'ListKeyRotations']) {
      const e = callError(m, 'kms', op, { KeyId: DEMO_KEYS.unusedA });
      expect(e.code, op).toBe('UnsupportedOperationException');
      expect(e.message).toContain(`is in custom key store ${DEMO_STORE_ID}`);
    }
    expect(kms(m, 'GetKeyRotationStatus', { KeyId: DEMO_KEYS.unusedA }).KeyRotationEnabled).toBe(false);
  });
});
