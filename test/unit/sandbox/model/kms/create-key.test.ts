/** CreateKey as AWS: key specs and usages, policies, multi-Region ids, imported keys, custom key store rules. */
import { describe, expect, it } from 'vitest';
import { createModel, scenario, DEMO_STORE_ID } from '../../../../../src/sandbox/model/index.js';
import { b64, callError, kms } from '../helpers.js';

const demo = () => createModel(scenario('demo'));

describe('CreateKey', () => {
  it('makes the key asked for: spec, usage and DescribeKey algorithms', () => {
    const m = demo();
    const hmac = kms(m, 'CreateKey', { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }).KeyMetadata;
    expect(hmac).toMatchObject({
      KeySpec: 'HMAC_256',
      KeyUsage: 'GENERATE_VERIFY_MAC',
      MacAlgorithms: ['HMAC_SHA_256'],
    });
    const rsa = kms(m, 'CreateKey', { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }).KeyMetadata;
    expect(rsa.SigningAlgorithms).toContain('RSASSA_PSS_SHA_256');
    expect(kms(m, 'DescribeKey', { KeyId: rsa.KeyId }).KeyMetadata.KeySpec).toBe('RSA_2048');
    expect(callError(m, 'kms', 'CreateKey', { KeySpec: 'HMAC_256' }).message).toBe(
      'KeyUsage ENCRYPT_DECRYPT is not valid for KeySpec HMAC_256; valid: GENERATE_VERIFY_MAC.',
    );
    expect(callError(m, 'kms', 'CreateKey', { KeySpec: 'AES_256' }).message).toContain(
      "at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [RSA_2048",
    );
    expect(callError(m, 'kms', 'Encrypt', { KeyId: hmac.KeyId, Plaintext: b64('x') }).code).toBe(
      'InvalidKeyUsageException',
    );
    expect(callError(m, 'kms', 'GenerateDataKey', { KeyId: rsa.KeyId, KeySpec: 'AES_256' }).code).toBe(
      'InvalidKeyUsageException',
    );
  });

  it('stores a valid policy, refuses a malformed one, and gives the default one otherwise', () => {
    const m = demo();
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' },
      ],
    });
    const k = kms(m, 'CreateKey', { Policy: policy }).KeyMetadata.KeyId;
    expect(kms(m, 'GetKeyPolicy', { KeyId: k }).Policy).toBe(policy);
    expect(callError(m, 'kms', 'CreateKey', { Policy: 'not json' }).code).toBe('MalformedPolicyDocumentException');
    const d = kms(m, 'CreateKey', {}).KeyMetadata.KeyId;
    expect(JSON.parse(kms(m, 'GetKeyPolicy', { KeyId: d }).Policy).Statement[0]).toMatchObject({
      Sid: 'Enable IAM User Permissions',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: 'kms:*',
    });
  });

  it('MultiRegion keys get mrk- ids and a PRIMARY configuration; Origin EXTERNAL waits in PendingImport', () => {
    const m = demo();
    const mrk = kms(m, 'CreateKey', { MultiRegion: true }).KeyMetadata;
    expect(mrk.KeyId).toMatch(/^mrk-[0-9a-f]{32}$/);
    expect(mrk).toMatchObject({ MultiRegion: true, MultiRegionConfiguration: { MultiRegionKeyType: 'PRIMARY' } });
    const imported = kms(m, 'CreateKey', { Origin: 'EXTERNAL' }).KeyMetadata;
    expect(imported).toMatchObject({ KeyState: 'PendingImport', Origin: 'EXTERNAL', Enabled: false });
    const arn = imported.Arn;
    expect(callError(m, 'kms', 'Encrypt', { KeyId: imported.KeyId, Plaintext: b64('x') }).message).toBe(
      `${arn} is pending import.`,
    );
    expect(callError(m, 'kms', 'EnableKey', { KeyId: imported.KeyId }).message).toBe(`${arn} is pending import.`);
  });

  it('custom key stores take only symmetric, single-Region keys with KMS-made material', () => {
    const m = demo();
    for (const extra of [{ KeySpec: 'RSA_2048' }, { MultiRegion: true }]) {
      const e = callError(m, 'kms', 'CreateKey', { CustomKeyStoreId: DEMO_STORE_ID, Origin: 'AWS_CLOUDHSM', ...extra });
      expect(e.code).toBe('UnsupportedOperationException');
    }
    expect(callError(m, 'kms', 'CreateKey', { XksKeyId: 'abc' }).code).toBe('ValidationException');
    expect(kms(m, 'CreateKey', { CustomKeyStoreId: DEMO_STORE_ID, Origin: 'AWS_CLOUDHSM' }).KeyMetadata.KeyState).toBe(
      'Enabled',
    );
  });
});
