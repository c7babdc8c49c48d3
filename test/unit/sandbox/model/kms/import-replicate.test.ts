/**
 * Imported key material (GetParametersForImport, ImportKeyMaterial, DeleteImportedKeyMaterial) and
 * multi-Region keys (ReplicateKey, UpdatePrimaryRegion) through the server's organization model,
 * where every Region of the account is its own state.
 */
import { randomBytes, randomUUID, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SandboxError } from '../../../../../src/sandbox/contract.js';
import { createModel, createSandboxModel, scenario } from '../../../../../src/sandbox/model/index.js';
import { wrapKeyMaterial } from '../../../../../src/sandbox/model/kms/import.js';
import { baseMultX, curveOrder } from '../../../../../src/sandbox/model/kms/signatures.js';
import type { SandboxModel } from '../../../../../src/sandbox/contract.js';
import { ACCESS_KEY, callError, kms } from '../helpers.js';

const DAY = 86_400_000;
/** the sandbox clock stands still unless advanced (no wall-clock timing in tests) */
const T0 = Date.UTC(2026, 11, 1);
const fixedClock = { wallClock: () => T0 };

/** A KMS call in a Region (the helpers call us-east-1). */
function inRegion(model: SandboxModel, region: string, op: string, input: Record<string, unknown> = {}): any {
  const ctx = { service: 'kms' as const, operation: op, region, accessKeyId: ACCESS_KEY, requestId: randomUUID() };
  try {
    const output = model.handle(ctx, input);
    model.recordCall(ctx, input, { output });
    return output;
  } catch (e) {
    if (e instanceof SandboxError) model.recordCall(ctx, input, { error: e });
    throw e;
  }
}

function errorIn(model: SandboxModel, region: string, op: string, input: Record<string, unknown>): SandboxError {
  try {
    inRegion(model, region, op, input);
  } catch (e) {
    if (e instanceof SandboxError) return e;
    throw e;
  }
  throw new Error(`${op} succeeded`);
}

/** GetParametersForImport then ImportKeyMaterial of `material`, wrapped as a client does. */
function importInto(
  m: SandboxModel,
  keyId: string,
  material: Buffer,
  extra: Record<string, unknown> = {},
  alg = 'RSAES_OAEP_SHA_256',
) {
  const params = kms(m, 'GetParametersForImport', {
    KeyId: keyId,
    WrappingAlgorithm: alg,
    WrappingKeySpec: 'RSA_2048',
  });
  const wrapped = wrapKeyMaterial(Buffer.from(params.PublicKey, 'base64'), alg, material);
  return {
    params,
    input: {
      KeyId: keyId,
      ImportToken: params.ImportToken,
      EncryptedKeyMaterial: wrapped.toString('base64'),
      ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      ...extra,
    },
  };
}

describe('imported key material', () => {
  it('PendingImport → Enabled with real wrapping (OAEP and AES key wrap); the key then encrypts', () => {
    for (const alg of [
      'RSAES_OAEP_SHA_1',
      'RSAES_OAEP_SHA_256',
      'RSA_AES_KEY_WRAP_SHA_1',
      'RSA_AES_KEY_WRAP_SHA_256',
    ]) {
      const m = createModel(undefined, fixedClock);
      const { KeyId, KeyState } = kms(m, 'CreateKey', { Origin: 'EXTERNAL' }).KeyMetadata;
      expect(KeyState).toBe('PendingImport');
      expect(callError(m, 'kms', 'Encrypt', { KeyId, Plaintext: 'aGk=' }).message).toContain('is pending import.');
      const { params, input } = importInto(m, KeyId, randomBytes(32), {}, alg);
      expect(params.ParametersValidTo.getTime() - m.now().getTime()).toBe(DAY);
      const out = kms(m, 'ImportKeyMaterial', input);
      expect(out.KeyMaterialId).toMatch(/^[a-f0-9]{64}$/);
      expect(kms(m, 'DescribeKey', { KeyId }).KeyMetadata).toMatchObject({
        KeyState: 'Enabled',
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      });
      kms(m, 'Encrypt', { KeyId, Plaintext: 'aGk=' });
    }
  });

  it('errors: not EXTERNAL, a token of another call, an expired token, material of the wrong size, different material on reimport', () => {
    const m = createModel(undefined, fixedClock);
    const sym = kms(m, 'CreateKey', {}).KeyMetadata.KeyId;
    const notExternal = callError(m, 'kms', 'GetParametersForImport', {
      KeyId: sym,
      WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
      WrappingKeySpec: 'RSA_2048',
    });
    expect(notExternal.code).toBe('UnsupportedOperationException');
    const { KeyId } = kms(m, 'CreateKey', { Origin: 'EXTERNAL' }).KeyMetadata;
    const first = importInto(m, KeyId, randomBytes(32));
    const second = importInto(m, KeyId, randomBytes(32));
    // only the last parameters are good
    expect(callError(m, 'kms', 'ImportKeyMaterial', first.input).code).toBe('InvalidImportTokenException');
    expect(callError(m, 'kms', 'ImportKeyMaterial', { ...second.input, ImportToken: 'Zm9v' }).code).toBe(
      'InvalidImportTokenException',
    );
    const short = importInto(m, KeyId, randomBytes(16));
    expect(callError(m, 'kms', 'ImportKeyMaterial', short.input).code).toBe('IncorrectKeyMaterialException');
    const expires = importInto(m, KeyId, randomBytes(32), { ExpirationModel: undefined });
    expect(callError(m, 'kms', 'ImportKeyMaterial', expires.input).message).toContain('ValidTo is required');
    const garbled = importInto(m, KeyId, randomBytes(32));
    expect(
      callError(m, 'kms', 'ImportKeyMaterial', {
        ...garbled.input,
        EncryptedKeyMaterial: randomBytes(256).toString('base64'),
      }).code,
    ).toBe('InvalidCiphertextException');
    const material = randomBytes(32);
    const ok = importInto(m, KeyId, material);
    kms(m, 'ImportKeyMaterial', ok.input);
    const other = importInto(m, KeyId, randomBytes(32));
    expect(callError(m, 'kms', 'ImportKeyMaterial', other.input).code).toBe('IncorrectKeyMaterialException');
    const again = importInto(m, KeyId, material);
    kms(m, 'ImportKeyMaterial', again.input);
    const late = importInto(m, KeyId, material);
    m.advance(DAY + 1);
    expect(callError(m, 'kms', 'ImportKeyMaterial', late.input).code).toBe('ExpiredImportTokenException');
  });

  it('ValidTo: the material expires and the key waits for the same material again; DeleteImportedKeyMaterial', () => {
    const m = createModel(undefined, fixedClock);
    const { KeyId } = kms(m, 'CreateKey', { Origin: 'EXTERNAL' }).KeyMetadata;
    const material = randomBytes(32);
    const validTo = (m.now().getTime() + 2 * DAY) / 1000;
    const { input } = importInto(m, KeyId, material, { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: validTo });
    kms(m, 'ImportKeyMaterial', input);
    expect(kms(m, 'DescribeKey', { KeyId }).KeyMetadata).toMatchObject({
      KeyState: 'Enabled',
      ExpirationModel: 'KEY_MATERIAL_EXPIRES',
      ValidTo: new Date(validTo * 1000),
    });
    m.advance(3 * DAY);
    expect(kms(m, 'DescribeKey', { KeyId }).KeyMetadata.KeyState).toBe('PendingImport');
    expect(callError(m, 'kms', 'EnableKey', { KeyId }).message).toContain('is pending import.');
    kms(m, 'ImportKeyMaterial', importInto(m, KeyId, material).input);
    expect(kms(m, 'DescribeKey', { KeyId }).KeyMetadata.KeyState).toBe('Enabled');
    const deleted = kms(m, 'DeleteImportedKeyMaterial', { KeyId });
    expect(deleted.KeyMaterialId).toMatch(/^[a-f0-9]{64}$/);
    expect(kms(m, 'DescribeKey', { KeyId }).KeyMetadata.KeyState).toBe('PendingImport');
    const tooFar = importInto(m, KeyId, material, {
      ExpirationModel: 'KEY_MATERIAL_EXPIRES',
      ValidTo: (m.now().getTime() + 400 * DAY) / 1000,
    });
    expect(callError(m, 'kms', 'ImportKeyMaterial', tooFar.input).code).toBe('ValidationException');
    kms(m, 'ScheduleKeyDeletion', { KeyId, PendingWindowInDays: 7 });
    expect(callError(m, 'kms', 'DeleteImportedKeyMaterial', { KeyId }).code).toBe('KMSInvalidStateException');
  });

  it('an imported ECC signing key signs with the imported private key', () => {
    const m = createModel(undefined, fixedClock);
    const { KeyId } = kms(m, 'CreateKey', {
      Origin: 'EXTERNAL',
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
    }).KeyMetadata;
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const der = pair.privateKey.export({ type: 'pkcs8', format: 'der' });
    const wrongCurve = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({
      type: 'pkcs8',
      format: 'der',
    });
    expect(
      callError(m, 'kms', 'ImportKeyMaterial', importInto(m, KeyId, wrongCurve, {}, 'RSA_AES_KEY_WRAP_SHA_256').input)
        .code,
    ).toBe('IncorrectKeyMaterialException');
    kms(m, 'ImportKeyMaterial', importInto(m, KeyId, der, {}, 'RSA_AES_KEY_WRAP_SHA_256').input);
    expect(kms(m, 'GetPublicKey', { KeyId }).PublicKey).toBe(
      pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    );
  });
});

describe('multi-Region keys', () => {
  it('ReplicateKey: same key id and material, the replica Region in its ARN, listed on both sides; again is AlreadyExists', () => {
    const m = createSandboxModel(scenario('empty'), fixedClock);
    const { KeyId, Arn } = inRegion(m, 'us-east-1', 'CreateKey', {
      MultiRegion: true,
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
    }).KeyMetadata;
    const pub = inRegion(m, 'us-east-1', 'GetPublicKey', { KeyId }).PublicKey;
    const out = inRegion(m, 'us-east-1', 'ReplicateKey', {
      KeyId,
      ReplicaRegion: 'eu-west-1',
      Description: 'replica',
      Tags: [{ TagKey: 'team', TagValue: 'eu' }],
    });
    const replicaArn = Arn.replace('us-east-1', 'eu-west-1');
    expect(out.ReplicaKeyMetadata).toMatchObject({
      KeyId,
      Arn: replicaArn,
      KeySpec: 'ECC_NIST_P256',
      Description: 'replica',
      MultiRegionConfiguration: {
        MultiRegionKeyType: 'REPLICA',
        PrimaryKey: { Arn, Region: 'us-east-1' },
        ReplicaKeys: [{ Arn: replicaArn, Region: 'eu-west-1' }],
      },
    });
    expect(out.ReplicaTags).toEqual([{ TagKey: 'team', TagValue: 'eu' }]);
    expect(JSON.parse(out.ReplicaPolicy).Statement[0].Principal.AWS).toBe('arn:aws:iam::111122223333:root');
    expect(inRegion(m, 'eu-west-1', 'GetPublicKey', { KeyId }).PublicKey).toBe(pub);
    expect(inRegion(m, 'us-east-1', 'DescribeKey', { KeyId }).KeyMetadata.MultiRegionConfiguration).toEqual({
      MultiRegionKeyType: 'PRIMARY',
      PrimaryKey: { Arn, Region: 'us-east-1' },
      ReplicaKeys: [{ Arn: replicaArn, Region: 'eu-west-1' }],
    });
    // a signature of the replica verifies with the primary
    const sig = inRegion(m, 'eu-west-1', 'Sign', { KeyId, Message: 'aGk=', SigningAlgorithm: 'ECDSA_SHA_256' });
    inRegion(m, 'us-east-1', 'Verify', {
      KeyId,
      Message: 'aGk=',
      Signature: sig.Signature,
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    expect(errorIn(m, 'us-east-1', 'ReplicateKey', { KeyId, ReplicaRegion: 'eu-west-1' }).code).toBe(
      'AlreadyExistsException',
    );
    expect(errorIn(m, 'eu-west-1', 'ReplicateKey', { KeyId, ReplicaRegion: 'ap-south-1' }).message).toContain(
      'is a replica key',
    );
    // the replica Region lists the replica
    const events = inRegion(m, 'eu-west-1', 'ListKeys', {});
    expect(events.Keys).toEqual([{ KeyId, KeyArn: replicaArn }]);
  });

  it('refused: a single-Region key, a bad Region name, a key pending deletion', () => {
    const m = createSandboxModel(scenario('empty'), fixedClock);
    const single = inRegion(m, 'us-east-1', 'CreateKey', {}).KeyMetadata.KeyId;
    expect(errorIn(m, 'us-east-1', 'ReplicateKey', { KeyId: single, ReplicaRegion: 'eu-west-1' }).code).toBe(
      'UnsupportedOperationException',
    );
    const mrk = inRegion(m, 'us-east-1', 'CreateKey', { MultiRegion: true }).KeyMetadata.KeyId;
    expect(errorIn(m, 'us-east-1', 'ReplicateKey', { KeyId: mrk, ReplicaRegion: 'Europe' }).code).toBe(
      'ValidationException',
    );
    inRegion(m, 'us-east-1', 'ScheduleKeyDeletion', { KeyId: mrk });
    expect(errorIn(m, 'us-east-1', 'ReplicateKey', { KeyId: mrk, ReplicaRegion: 'eu-west-1' }).code).toBe(
      'KMSInvalidStateException',
    );
    // an account model alone has no other Regions: a clear refusal
    const alone = createModel(undefined, fixedClock);
    const k = kms(alone, 'CreateKey', { MultiRegion: true }).KeyMetadata.KeyId;
    expect(callError(alone, 'kms', 'ReplicateKey', { KeyId: k, ReplicaRegion: 'eu-west-1' }).message).toContain(
      'kscli sandbox serve',
    );
  });

  it('an imported-material primary replicates without material; the replica takes the same material only', () => {
    const m = createSandboxModel(scenario('empty'), fixedClock);
    const { KeyId } = inRegion(m, 'us-east-1', 'CreateKey', { MultiRegion: true, Origin: 'EXTERNAL' }).KeyMetadata;
    const material = randomBytes(32);
    kms(m, 'ImportKeyMaterial', importInto(m, KeyId, material).input);
    const replica = inRegion(m, 'us-east-1', 'ReplicateKey', { KeyId, ReplicaRegion: 'eu-west-1' });
    expect(replica.ReplicaKeyMetadata.KeyState).toBe('PendingImport');
    const params = (mat: Buffer) => {
      const p = inRegion(m, 'eu-west-1', 'GetParametersForImport', {
        KeyId,
        WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
        WrappingKeySpec: 'RSA_2048',
      });
      return {
        KeyId,
        ImportToken: p.ImportToken,
        EncryptedKeyMaterial: wrapKeyMaterial(Buffer.from(p.PublicKey, 'base64'), 'RSAES_OAEP_SHA_256', mat).toString(
          'base64',
        ),
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      };
    };
    expect(errorIn(m, 'eu-west-1', 'ImportKeyMaterial', params(randomBytes(32))).code).toBe(
      'IncorrectKeyMaterialException',
    );
    inRegion(m, 'eu-west-1', 'ImportKeyMaterial', params(material));
    expect(inRegion(m, 'eu-west-1', 'DescribeKey', { KeyId }).KeyMetadata.KeyState).toBe('Enabled');
  });

  it('UpdatePrimaryRegion swaps primary and replica on every related key', () => {
    const m = createSandboxModel(scenario('empty'), fixedClock);
    const { KeyId } = inRegion(m, 'us-east-1', 'CreateKey', { MultiRegion: true }).KeyMetadata;
    inRegion(m, 'us-east-1', 'ReplicateKey', { KeyId, ReplicaRegion: 'eu-west-1' });
    inRegion(m, 'us-east-1', 'ReplicateKey', { KeyId, ReplicaRegion: 'ap-southeast-2' });
    expect(errorIn(m, 'us-east-1', 'UpdatePrimaryRegion', { KeyId, PrimaryRegion: 'us-west-2' }).code).toBe(
      'NotFoundException',
    );
    inRegion(m, 'us-east-1', 'UpdatePrimaryRegion', { KeyId, PrimaryRegion: 'eu-west-1' });
    const cfg = (region: string) => inRegion(m, region, 'DescribeKey', { KeyId }).KeyMetadata.MultiRegionConfiguration;
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) {
      expect(cfg(region).PrimaryKey.Region, region).toBe('eu-west-1');
      expect(
        cfg(region)
          .ReplicaKeys.map((r: { Region: string }) => r.Region)
          .sort(),
        region,
      ).toEqual(['ap-southeast-2', 'us-east-1']);
    }
    expect(cfg('us-east-1').MultiRegionKeyType).toBe('REPLICA');
    expect(cfg('eu-west-1').MultiRegionKeyType).toBe('PRIMARY');
  });
});

describe('the ECDSA arithmetic', () => {
  it.each(['prime256v1', 'secp384r1', 'secp521r1', 'secp256k1'])(
    '%s: (n-1)·G has the x of G (the order is right)',
    (curve) => {
      expect(baseMultX(curve, curveOrder(curve) - 1n)).toBe(baseMultX(curve, 1n));
    },
  );
});

describe('UpdateCustomKeyStore', () => {
  it('renames and re-points a disconnected CloudHSM key store; refuses while connected, unrelated or unknown clusters', async () => {
    const { DEMO_STORE_ID, DEMO_IDLE_STORE_ID } = await import('../../../../../src/sandbox/model/index.js');
    const m = createModel(scenario('demo'), { ...fixedClock, config: { connectMs: 10, disconnectMs: 10 } });
    const connected = callError(m, 'kms', 'UpdateCustomKeyStore', {
      CustomKeyStoreId: DEMO_STORE_ID,
      NewCustomKeyStoreName: 'renamed',
    });
    expect(connected.code).toBe('CustomKeyStoreInvalidStateException');
    kms(m, 'DisconnectCustomKeyStore', { CustomKeyStoreId: DEMO_STORE_ID });
    m.advance(1000);
    kms(m, 'UpdateCustomKeyStore', { CustomKeyStoreId: DEMO_STORE_ID, NewCustomKeyStoreName: 'renamed' });
    const store = kms(m, 'DescribeCustomKeyStores', { CustomKeyStoreId: DEMO_STORE_ID }).CustomKeyStores[0];
    expect(store.CustomKeyStoreName).toBe('renamed');
    const idle = kms(m, 'DescribeCustomKeyStores', { CustomKeyStoreId: DEMO_IDLE_STORE_ID }).CustomKeyStores[0];
    expect(
      callError(m, 'kms', 'UpdateCustomKeyStore', {
        CustomKeyStoreId: DEMO_STORE_ID,
        NewCustomKeyStoreName: idle.CustomKeyStoreName,
      }).code,
    ).toBe('CustomKeyStoreNameInUseException');
    expect(
      callError(m, 'kms', 'UpdateCustomKeyStore', {
        CustomKeyStoreId: DEMO_STORE_ID,
        CloudHsmClusterId: 'cluster-nothere00001',
      }).code,
    ).toBe('CloudHsmClusterNotFoundException');
    // the idle store's cluster is another cluster of the demo (in use by that store)
    expect(idle.CloudHsmClusterId).not.toBe(store.CloudHsmClusterId);
    expect(
      callError(m, 'kms', 'UpdateCustomKeyStore', {
        CustomKeyStoreId: DEMO_STORE_ID,
        CloudHsmClusterId: idle.CloudHsmClusterId,
      }).code,
    ).toMatch(/CloudHsmCluster(NotRelated|InUse)Exception/);
    expect(
      callError(m, 'kms', 'UpdateCustomKeyStore', { CustomKeyStoreId: DEMO_STORE_ID, XksProxyUriPath: '/kms/xks/v1' })
        .code,
    ).toBe('ValidationException');
    expect(callError(m, 'kms', 'UpdateCustomKeyStore', { CustomKeyStoreId: 'cks-00000000000000000' }).code).toBe(
      'CustomKeyStoreNotFoundException',
    );
  });
});
