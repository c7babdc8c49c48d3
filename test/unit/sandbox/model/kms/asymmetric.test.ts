/**
 * Sign, Verify, GetPublicKey, GenerateMac, VerifyMac, RSA Encrypt/Decrypt, GenerateDataKeyPair,
 * DeriveSharedSecret and GrantTokens: every answer is checked with Node's own crypto and the public key GetPublicKey returns (the
 * sandbox's signatures must verify anywhere), and AWS's errors for usage, algorithm and state.
 */
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  publicEncrypt,
  constants,
  verify,
} from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createModel } from '../../../../../src/sandbox/model/index.js';
import { callError, kms } from '../helpers.js';

const msg = Buffer.from('the message to sign');
const b64 = (b: Buffer): string => b.toString('base64');
const spki = (der: string) => createPublicKey({ key: Buffer.from(der, 'base64'), format: 'der', type: 'spki' });

const SPECS: Array<[string, string[]]> = [
  [
    'RSA_2048',
    [
      'RSASSA_PSS_SHA_256',
      'RSASSA_PSS_SHA_384',
      'RSASSA_PSS_SHA_512',
      'RSASSA_PKCS1_V1_5_SHA_256',
      'RSASSA_PKCS1_V1_5_SHA_384',
      'RSASSA_PKCS1_V1_5_SHA_512',
    ],
  ],
  ['RSA_3072', ['RSASSA_PSS_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_512']],
  ['ECC_NIST_P256', ['ECDSA_SHA_256']],
  ['ECC_NIST_P384', ['ECDSA_SHA_384']],
  ['ECC_NIST_P521', ['ECDSA_SHA_512']],
  ['ECC_SECG_P256K1', ['ECDSA_SHA_256']],
];

/** Node's verify options for a KMS signing algorithm. */
function nodeVerify(alg: string, pub: ReturnType<typeof spki>, data: Buffer, sig: Buffer): boolean {
  const hash = alg.endsWith('384') ? 'sha384' : alg.endsWith('512') ? 'sha512' : 'sha256';
  const opts = alg.startsWith('RSASSA_PSS')
    ? { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
    : { key: pub };
  return verify(hash, data, opts, sig);
}

describe('Sign, Verify and GetPublicKey', () => {
  it.each(SPECS)(
    '%s: RAW and DIGEST signatures verify with the public key (Node crypto) and with Verify',
    (spec, algs) => {
      const m = createModel();
      const { KeyId, SigningAlgorithms } = kms(m, 'CreateKey', { KeySpec: spec, KeyUsage: 'SIGN_VERIFY' }).KeyMetadata;
      expect(SigningAlgorithms).toEqual(expect.arrayContaining(algs));
      const pk = kms(m, 'GetPublicKey', { KeyId });
      expect(pk).toMatchObject({ KeySpec: spec, KeyUsage: 'SIGN_VERIFY', SigningAlgorithms });
      const pub = spki(pk.PublicKey);
      expect(pub.asymmetricKeyType).toBe(spec.startsWith('RSA') ? 'rsa' : 'ec');
      for (const alg of algs) {
        const hash = alg.endsWith('384') ? 'sha384' : alg.endsWith('512') ? 'sha512' : 'sha256';
        const raw = kms(m, 'Sign', { KeyId, Message: b64(msg), SigningAlgorithm: alg });
        expect(raw.SigningAlgorithm).toBe(alg);
        expect(nodeVerify(alg, pub, msg, Buffer.from(raw.Signature, 'base64')), `${alg} RAW`).toBe(true);
        const digest = createHash(hash).update(msg).digest();
        const dig = kms(m, 'Sign', { KeyId, Message: b64(digest), MessageType: 'DIGEST', SigningAlgorithm: alg });
        expect(nodeVerify(alg, pub, msg, Buffer.from(dig.Signature, 'base64')), `${alg} DIGEST`).toBe(true);
        expect(
          kms(m, 'Verify', { KeyId, Message: b64(msg), Signature: dig.Signature, SigningAlgorithm: alg })
            .SignatureValid,
        ).toBe(true);
        expect(
          kms(m, 'Verify', {
            KeyId,
            Message: b64(digest),
            MessageType: 'DIGEST',
            Signature: raw.Signature,
            SigningAlgorithm: alg,
          }).SignatureValid,
        ).toBe(true);
        const other = callError(m, 'kms', 'Verify', {
          KeyId,
          Message: b64(Buffer.from('another message')),
          Signature: raw.Signature,
          SigningAlgorithm: alg,
        });
        expect(other.code).toBe('KMSInvalidSignatureException');
      }
    },
  );

  it('the key material is made once and kept: the public key does not change', () => {
    const m = createModel();
    const { KeyId } = kms(m, 'CreateKey', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }).KeyMetadata;
    expect(kms(m, 'GetPublicKey', { KeyId }).PublicKey).toBe(kms(m, 'GetPublicKey', { KeyId }).PublicKey);
  });

  it('AWS errors: wrong algorithm for the spec, wrong key usage, DIGEST of the wrong length, symmetric GetPublicKey, key state', () => {
    const m = createModel();
    const ec = kms(m, 'CreateKey', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }).KeyMetadata.KeyId;
    const wrongAlg = callError(m, 'kms', 'Sign', { KeyId: ec, Message: b64(msg), SigningAlgorithm: 'ECDSA_SHA_384' });
    expect([wrongAlg.code, wrongAlg.message]).toEqual([
      'InvalidKeyUsageException',
      `Algorithm ECDSA_SHA_384 is incompatible with key spec ECC_NIST_P256 of arn:aws:kms:us-east-1:111122223333:key/${ec}.`,
    ]);
    const shortDigest = callError(m, 'kms', 'Sign', {
      KeyId: ec,
      Message: b64(Buffer.alloc(20)),
      MessageType: 'DIGEST',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    expect([shortDigest.code, shortDigest.message]).toEqual([
      'ValidationException',
      'Digest is invalid length for algorithm ECDSA_SHA_256.',
    ]);
    expect(callError(m, 'kms', 'Sign', { KeyId: ec, Message: b64(msg) }).message).toBe(
      "1 validation error detected: Value null at 'signingAlgorithm' failed to satisfy constraint: Member must not be null",
    );
    expect(callError(m, 'kms', 'Sign', { KeyId: ec, Message: '', SigningAlgorithm: 'ECDSA_SHA_256' }).code).toBe(
      'ValidationException',
    );
    const rsaEnc = kms(m, 'CreateKey', { KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' }).KeyMetadata.KeyId;
    expect(
      callError(m, 'kms', 'Sign', { KeyId: rsaEnc, Message: b64(msg), SigningAlgorithm: 'RSASSA_PSS_SHA_256' }).code,
    ).toBe('InvalidKeyUsageException');
    const sym = kms(m, 'CreateKey', {}).KeyMetadata.KeyId;
    expect(callError(m, 'kms', 'GetPublicKey', { KeyId: sym }).code).toBe('UnsupportedOperationException');
    kms(m, 'DisableKey', { KeyId: ec });
    expect(callError(m, 'kms', 'GetPublicKey', { KeyId: ec }).message).toBe(
      `arn:aws:kms:us-east-1:111122223333:key/${ec} is disabled.`,
    );
    expect(callError(m, 'kms', 'Sign', { KeyId: ec, Message: b64(msg), SigningAlgorithm: 'ECDSA_SHA_256' }).code).toBe(
      'DisabledException',
    );
    const mldsa = kms(m, 'CreateKey', { KeySpec: 'ML_DSA_44', KeyUsage: 'SIGN_VERIFY' }).KeyMetadata.KeyId;
    expect(
      callError(m, 'kms', 'Sign', { KeyId: mldsa, Message: b64(msg), SigningAlgorithm: 'ML_DSA_SHAKE_256' }).message,
    ).toContain('is not supported by the kscli sandbox');
  });

  it('DryRun checks the call and answers DryRunOperationException without signing', () => {
    const m = createModel();
    const ec = kms(m, 'CreateKey', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }).KeyMetadata.KeyId;
    const e = callError(m, 'kms', 'Sign', {
      KeyId: ec,
      Message: b64(msg),
      SigningAlgorithm: 'ECDSA_SHA_256',
      DryRun: true,
    });
    expect(e.code).toBe('DryRunOperationException');
    expect(kms(m, 'GetKeyLastUsage', { KeyId: ec }).KeyLastUsage).toBeUndefined();
  });
});

describe('GenerateMac and VerifyMac', () => {
  it.each([
    ['HMAC_224', 'sha224'],
    ['HMAC_256', 'sha256'],
    ['HMAC_384', 'sha384'],
    ['HMAC_512', 'sha512'],
  ])('%s: the MAC is the HMAC of the key; VerifyMac accepts it and refuses another', (spec, hash) => {
    const m = createModel();
    const { KeyId, MacAlgorithms } = kms(m, 'CreateKey', {
      KeySpec: spec,
      KeyUsage: 'GENERATE_VERIFY_MAC',
    }).KeyMetadata;
    const alg = `HMAC_SHA_${spec.slice(5)}`;
    expect(MacAlgorithms).toEqual([alg]);
    const out = kms(m, 'GenerateMac', { KeyId, Message: b64(msg), MacAlgorithm: alg });
    expect(out).toMatchObject({ MacAlgorithm: alg, KeyId: `arn:aws:kms:us-east-1:111122223333:key/${KeyId}` });
    const mac = Buffer.from(out.Mac, 'base64');
    expect(mac).toHaveLength(createHash(hash).digest().length);
    // deterministic: the same key and message give the same MAC
    expect(kms(m, 'GenerateMac', { KeyId, Message: b64(msg), MacAlgorithm: alg }).Mac).toBe(out.Mac);
    expect(kms(m, 'VerifyMac', { KeyId, Message: b64(msg), MacAlgorithm: alg, Mac: out.Mac }).MacValid).toBe(true);
    const bad = callError(m, 'kms', 'VerifyMac', {
      KeyId,
      Message: b64(Buffer.from('tampered')),
      MacAlgorithm: alg,
      Mac: out.Mac,
    });
    expect(bad.code).toBe('KMSInvalidMacException');
    // not a MAC of some other secret: the HMAC of the key's material only (recomputed from a wrong key differs)
    expect(createHmac(hash, Buffer.alloc(32)).update(msg).digest().equals(mac)).toBe(false);
  });

  it('wrong MAC algorithm for the spec, or a non-HMAC key: InvalidKeyUsageException', () => {
    const m = createModel();
    const hmac = kms(m, 'CreateKey', { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }).KeyMetadata.KeyId;
    expect(
      callError(m, 'kms', 'GenerateMac', { KeyId: hmac, Message: b64(msg), MacAlgorithm: 'HMAC_SHA_512' }).code,
    ).toBe('InvalidKeyUsageException');
    const sym = kms(m, 'CreateKey', {}).KeyMetadata.KeyId;
    expect(
      callError(m, 'kms', 'GenerateMac', { KeyId: sym, Message: b64(msg), MacAlgorithm: 'HMAC_SHA_256' }).message,
    ).toBe(
      `arn:aws:kms:us-east-1:111122223333:key/${sym} key usage is ENCRYPT_DECRYPT which is not valid for this operation.`,
    );
    expect(callError(m, 'kms', 'Encrypt', { KeyId: hmac, Plaintext: b64(msg) }).code).toBe('InvalidKeyUsageException');
  });
});

describe('RSA encryption and data key pairs', () => {
  it.each(['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'])(
    '%s: Encrypt with the key, decrypt with it and with its public key',
    (alg) => {
      const m = createModel();
      const { KeyId, EncryptionAlgorithms } = kms(m, 'CreateKey', { KeySpec: 'RSA_2048' }).KeyMetadata;
      expect(EncryptionAlgorithms).toEqual(['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256']);
      const ct = kms(m, 'Encrypt', { KeyId, Plaintext: b64(msg), EncryptionAlgorithm: alg });
      expect(ct.EncryptionAlgorithm).toBe(alg);
      expect(kms(m, 'Decrypt', { KeyId, CiphertextBlob: ct.CiphertextBlob, EncryptionAlgorithm: alg })).toMatchObject({
        Plaintext: b64(msg),
        EncryptionAlgorithm: alg,
      });
      // a ciphertext made offline with the public key decrypts too (as with AWS)
      const pub = spki(kms(m, 'GetPublicKey', { KeyId }).PublicKey);
      const offline = publicEncrypt(
        { key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: alg.endsWith('SHA_1') ? 'sha1' : 'sha256' },
        msg,
      );
      expect(kms(m, 'Decrypt', { KeyId, CiphertextBlob: b64(offline), EncryptionAlgorithm: alg }).Plaintext).toBe(
        b64(msg),
      );
    },
  );

  it('RSA errors: the default algorithm, a plaintext too long, a ciphertext that does not decrypt, no KeyId', () => {
    const m = createModel();
    const { KeyId } = kms(m, 'CreateKey', { KeySpec: 'RSA_2048' }).KeyMetadata;
    expect(callError(m, 'kms', 'Encrypt', { KeyId, Plaintext: b64(msg) }).code).toBe('InvalidKeyUsageException');
    expect(
      callError(m, 'kms', 'Encrypt', {
        KeyId,
        Plaintext: b64(Buffer.alloc(191)),
        EncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
      }).message,
    ).toBe('Plaintext of 191 bytes is too long for RSA_2048 with RSAES_OAEP_SHA_256: at most 190 bytes.');
    kms(m, 'Encrypt', { KeyId, Plaintext: b64(Buffer.alloc(214)), EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' });
    const ct = kms(m, 'Encrypt', {
      KeyId,
      Plaintext: b64(msg),
      EncryptionAlgorithm: 'RSAES_OAEP_SHA_1',
    }).CiphertextBlob;
    expect(
      callError(m, 'kms', 'Decrypt', { KeyId, CiphertextBlob: ct, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }).code,
    ).toBe('InvalidCiphertextException');
    expect(callError(m, 'kms', 'Decrypt', { CiphertextBlob: ct, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' }).code).toBe(
      'InvalidCiphertextException',
    );
    const sym = kms(m, 'CreateKey', {}).KeyMetadata.KeyId;
    expect(
      callError(m, 'kms', 'Encrypt', { KeyId: sym, Plaintext: b64(msg), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' })
        .code,
    ).toBe('InvalidKeyUsageException');
  });

  it('GenerateDataKeyPair: a key pair whose private key decrypts from the ciphertext; WithoutPlaintext has none', () => {
    const m = createModel();
    const { KeyId } = kms(m, 'CreateKey', {}).KeyMetadata;
    const out = kms(m, 'GenerateDataKeyPair', { KeyId, KeyPairSpec: 'ECC_NIST_P384' });
    const priv = createPrivateKey({
      key: Buffer.from(out.PrivateKeyPlaintext, 'base64'),
      format: 'der',
      type: 'pkcs8',
    });
    expect(priv.asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    expect(createPublicKey(priv).export({ type: 'spki', format: 'der' }).toString('base64')).toBe(out.PublicKey);
    expect(kms(m, 'Decrypt', { CiphertextBlob: out.PrivateKeyCiphertextBlob }).Plaintext).toBe(out.PrivateKeyPlaintext);
    const without = kms(m, 'GenerateDataKeyPairWithoutPlaintext', { KeyId, KeyPairSpec: 'ECC_NIST_EDWARDS25519' });
    expect(Object.keys(without).sort()).toEqual(['KeyId', 'KeyPairSpec', 'PrivateKeyCiphertextBlob', 'PublicKey']);
    const rsa = kms(m, 'CreateKey', { KeySpec: 'RSA_2048' }).KeyMetadata.KeyId;
    expect(callError(m, 'kms', 'GenerateDataKeyPair', { KeyId: rsa, KeyPairSpec: 'ECC_NIST_P256' }).code).toBe(
      'InvalidKeyUsageException',
    );
    expect(callError(m, 'kms', 'GenerateDataKeyPair', { KeyId, KeyPairSpec: 'RSA_1024' }).code).toBe(
      'ValidationException',
    );
  });
});

describe('DeriveSharedSecret', () => {
  it('ECDH with a KEY_AGREEMENT key gives the secret the peer derives from the public key; other curves and usages refused', () => {
    const m = createModel();
    const { KeyId } = kms(m, 'CreateKey', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' }).KeyMetadata;
    const peer = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const out = kms(m, 'DeriveSharedSecret', {
      KeyId,
      KeyAgreementAlgorithm: 'ECDH',
      PublicKey: b64(peer.publicKey.export({ type: 'spki', format: 'der' })),
    });
    const kmsPublic = spki(kms(m, 'GetPublicKey', { KeyId }).PublicKey);
    expect(out.SharedSecret).toBe(b64(diffieHellman({ privateKey: peer.privateKey, publicKey: kmsPublic })));
    expect(out).toMatchObject({ KeyAgreementAlgorithm: 'ECDH', KeyOrigin: 'AWS_KMS' });
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({
      type: 'spki',
      format: 'der',
    });
    expect(
      callError(m, 'kms', 'DeriveSharedSecret', { KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: b64(p384) }).code,
    ).toBe('ValidationException');
    const signing = kms(m, 'CreateKey', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }).KeyMetadata.KeyId;
    expect(
      callError(m, 'kms', 'DeriveSharedSecret', { KeyId: signing, KeyAgreementAlgorithm: 'ECDH', PublicKey: b64(p384) })
        .code,
    ).toBe('InvalidKeyUsageException');
  });
});

describe('GrantTokens on the operations that take them', () => {
  it('up to 10 well-formed tokens pass; 11, an empty one or one KMS did not issue are refused', () => {
    const m = createModel();
    const { KeyId } = kms(m, 'CreateKey', {}).KeyMetadata;
    const { GrantToken } = kms(m, 'CreateGrant', {
      KeyId,
      GranteePrincipal: 'arn:aws:iam::111122223333:role/app',
      Operations: ['Encrypt', 'DescribeKey'],
    });
    kms(m, 'Encrypt', { KeyId, Plaintext: b64(msg), GrantTokens: [GrantToken] });
    kms(m, 'DescribeKey', { KeyId, GrantTokens: Array(10).fill(GrantToken) });
    const eleven = callError(m, 'kms', 'DescribeKey', { KeyId, GrantTokens: Array(11).fill(GrantToken) });
    expect(eleven.message).toBe(
      "1 validation error detected: Value '[11 items]' at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10",
    );
    expect(callError(m, 'kms', 'Encrypt', { KeyId, Plaintext: b64(msg), GrantTokens: [''] }).code).toBe(
      'ValidationException',
    );
    const forged = callError(m, 'kms', 'GenerateDataKey', { KeyId, KeySpec: 'AES_256', GrantTokens: ['not-a-token'] });
    expect([forged.code, forged.message]).toEqual(['InvalidGrantTokenException', 'The grant token is not valid.']);
  });
});
