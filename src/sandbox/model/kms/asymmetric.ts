/**
 * Asymmetric and HMAC cryptography with Node's crypto (API reference Sign, Verify, GetPublicKey,
 * GenerateMac, VerifyMac, GenerateDataKeyPair(WithoutPlaintext), DeriveSharedSecret, and
 * Encrypt/Decrypt with RSA keys): real signatures, MACs and RSA-OAEP ciphertexts that any library checks with the key's
 * public key, under AWS's rules: the key usage (InvalidKeyUsageException), the algorithm the key
 * spec allows (InvalidKeyUsageException), the key state (requireUsable: the key-state table's
 * cryptographic row), KMSInvalidSignatureException and KMSInvalidMacException for a failed check.
 */
import {
  constants,
  createHash,
  createHmac,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import type { Handler } from '../handler.js';
import type { KeyRecord } from '../state.js';
import { makeCiphertext, markUsed, requireEncryptKey } from './crypto.js';
import { algorithmsOf } from './key-specs.js';
import { keySpecOf, keyUsageOf, requireUsable, resolveKey } from './keys.js';
import { CURVES, HMAC_BYTES, hmacSecretOf, privateKeyOf, publicKeyDer, rsaBits, unsupportedSpec } from './material.js';
import { digestLength, hashOf, signDigest, signingAlgorithmsFor, verifyDigest } from './signatures.js';
import { CIPHERTEXT_BLOB, checkBlob, checkEnum, dryRunDone, PLAINTEXT_BLOB } from './validate.js';

const SIGNING_ALGORITHMS = [
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
  'ECDSA_SHA_256',
  'ECDSA_SHA_384',
  'ECDSA_SHA_512',
  'SM2DSA',
  'ML_DSA_SHAKE_256',
  'ED25519_SHA_512',
  'ED25519_PH_SHA_512',
] as const;
const MESSAGE_TYPES = ['RAW', 'DIGEST', 'EXTERNAL_MU'] as const;
const MAC_ALGORITHMS = ['HMAC_SHA_224', 'HMAC_SHA_256', 'HMAC_SHA_384', 'HMAC_SHA_512'] as const;
export const ENCRYPTION_ALGORITHMS = ['SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'SM2PKE'] as const;
const KEY_PAIR_SPECS = [
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'ECC_NIST_P521',
  'ECC_SECG_P256K1',
  'SM2',
  'ECC_NIST_EDWARDS25519',
] as const;

/** InvalidKeyUsageException for a key whose KeyUsage is not the operation's. */
export function requireUsage(acc: Account, k: KeyRecord, usage: string): void {
  if (keyUsageOf(k) !== usage)
    throw new SandboxError(
      'InvalidKeyUsageException',
      `${acc.keyArn(k.id)} key usage is ${keyUsageOf(k)} which is not valid for this operation.`,
    );
}

/**
 * InvalidKeyUsageException for an algorithm the key spec does not allow (AWS: "The encryption
 * algorithm or signing algorithm specified for the operation is incompatible with the type of key
 * material in the KMS key"); the wording is chosen.
 */
function incompatible(acc: Account, k: KeyRecord, algorithm: string): SandboxError {
  return new SandboxError(
    'InvalidKeyUsageException',
    `Algorithm ${algorithm} is incompatible with key spec ${keySpecOf(k)} of ${acc.keyArn(k.id)}.`,
  );
}

// ---- Sign, Verify, GetPublicKey ----

/** The digest KMS signs: the hash of a RAW message, or a DIGEST as given (its length checked). */
function digestOf(algorithm: string, message: Buffer, type: string): Buffer {
  if (type === 'EXTERNAL_MU')
    // AWS: EXTERNAL_MU is for ML-DSA keys only (chosen wording)
    throw new SandboxError('ValidationException', `MessageType EXTERNAL_MU is valid only for ML_DSA keys.`);
  if (type === 'RAW') return createHash(hashOf(algorithm)).update(message).digest();
  if (message.length !== digestLength(algorithm))
    // AWS: with DIGEST the message must be as long as the algorithm's hash (chosen wording)
    throw new SandboxError('ValidationException', `Digest is invalid length for algorithm ${algorithm}.`);
  return message;
}

interface SignatureRequest {
  k: KeyRecord;
  key: KeyObject;
  algorithm: string;
  digest: Buffer;
}

function signatureRequest(acc: Account, input: Record<string, unknown>, op: string): SignatureRequest {
  const k = resolveKey(acc, input.KeyId, true);
  const message = checkBlob(input, 'Message', { ...PLAINTEXT_BLOB, required: true })!;
  const type = checkEnum(input.MessageType, 'messageType', MESSAGE_TYPES) ?? 'RAW';
  const algorithm = checkEnum(input.SigningAlgorithm, 'signingAlgorithm', SIGNING_ALGORITHMS, true)!;
  requireUsable(acc, k);
  requireUsage(acc, k, 'SIGN_VERIFY');
  const spec = keySpecOf(k);
  if (spec === 'SM2' || spec.startsWith('ML_DSA_')) unsupportedSpec(acc, k, op);
  if (!signingAlgorithmsFor(spec).includes(algorithm)) throw incompatible(acc, k, algorithm);
  const digest = digestOf(algorithm, message, type);
  return { k, key: privateKeyOf(acc, k, op), algorithm, digest };
}

const sign: Handler = (acc, input, ctx) => {
  const r = signatureRequest(acc, input, 'Sign');
  dryRunDone(input);
  const signature = signDigest(r.key, r.algorithm, r.digest);
  markUsed(acc, r.k, 'Sign', ctx.requestId);
  return { KeyId: acc.keyArn(r.k.id), Signature: signature.toString('base64'), SigningAlgorithm: r.algorithm };
};

const verify: Handler = (acc, input, ctx) => {
  const signature = checkBlob(input, 'Signature', { ...CIPHERTEXT_BLOB, required: true })!;
  const r = signatureRequest(acc, input, 'Verify');
  dryRunDone(input);
  if (!verifyDigest(r.key, r.algorithm, r.digest, signature))
    // AWS answers an invalid signature with this error, never with SignatureValid false; wording chosen
    throw new SandboxError(
      'KMSInvalidSignatureException',
      'The signature verification failed: the signature is not valid for this message, KMS key and signing algorithm.',
    );
  markUsed(acc, r.k, 'Verify', ctx.requestId);
  return { KeyId: acc.keyArn(r.k.id), SignatureValid: true, SigningAlgorithm: r.algorithm };
};

/** GetPublicKey: the DER SubjectPublicKeyInfo of an asymmetric key, with its spec, usage and algorithms. */
const getPublicKey: Handler = (acc, input) => {
  const k = resolveKey(acc, input.KeyId, true);
  requireUsable(acc, k);
  const spec = keySpecOf(k);
  if (spec === 'SYMMETRIC_DEFAULT' || spec.startsWith('HMAC_'))
    // AWS: GetPublicKey is for asymmetric keys (UnsupportedOperationException); wording chosen
    throw new SandboxError(
      'UnsupportedOperationException',
      `${acc.keyArn(k.id)} is a ${spec} key; GetPublicKey works on asymmetric KMS keys only.`,
    );
  if (spec === 'SM2' || spec.startsWith('ML_DSA_')) unsupportedSpec(acc, k, 'GetPublicKey');
  return {
    KeyId: acc.keyArn(k.id),
    PublicKey: publicKeyDer(acc, k, 'GetPublicKey').toString('base64'),
    CustomerMasterKeySpec: spec,
    KeySpec: spec,
    KeyUsage: keyUsageOf(k),
    ...algorithmsOf(spec, keyUsageOf(k)),
  };
};

// ---- GenerateMac, VerifyMac ----

function macRequest(acc: Account, input: Record<string, unknown>): { k: KeyRecord; algorithm: string; mac: Buffer } {
  const message = checkBlob(input, 'Message', { ...PLAINTEXT_BLOB, required: true })!;
  const k = resolveKey(acc, input.KeyId, true);
  const algorithm = checkEnum(input.MacAlgorithm, 'macAlgorithm', MAC_ALGORITHMS, true)!;
  requireUsable(acc, k);
  requireUsage(acc, k, 'GENERATE_VERIFY_MAC');
  // an HMAC_256 key computes HMAC_SHA_256 only
  if (algorithm !== `HMAC_SHA_${keySpecOf(k).slice(5)}` || HMAC_BYTES[keySpecOf(k)] === undefined)
    throw incompatible(acc, k, algorithm);
  const mac = createHmac(`sha${algorithm.slice(9)}`, hmacSecretOf(acc, k))
    .update(message)
    .digest();
  return { k, algorithm, mac };
}

const generateMac: Handler = (acc, input, ctx) => {
  const r = macRequest(acc, input);
  dryRunDone(input);
  markUsed(acc, r.k, 'GenerateMac', ctx.requestId);
  return { Mac: r.mac.toString('base64'), MacAlgorithm: r.algorithm, KeyId: acc.keyArn(r.k.id) };
};

const verifyMac: Handler = (acc, input, ctx) => {
  const given = checkBlob(input, 'Mac', { ...CIPHERTEXT_BLOB, required: true })!;
  const r = macRequest(acc, input);
  dryRunDone(input);
  if (given.length !== r.mac.length || !timingSafeEqual(given, r.mac))
    // AWS answers a MAC that does not verify with this error, never with MacValid false; wording chosen
    throw new SandboxError(
      'KMSInvalidMacException',
      'The MAC verification failed: the MAC is not valid for this message, KMS key and MAC algorithm.',
    );
  markUsed(acc, r.k, 'VerifyMac', ctx.requestId);
  return { KeyId: acc.keyArn(r.k.id), MacValid: true, MacAlgorithm: r.algorithm };
};

// ---- RSA encryption (Encrypt and Decrypt with ENCRYPT_DECRYPT RSA keys) ----

export function isRsaEncryptionKey(k: KeyRecord): boolean {
  return keyUsageOf(k) === 'ENCRYPT_DECRYPT' && rsaBits(keySpecOf(k)) !== undefined;
}

function oaep(acc: Account, k: KeyRecord, algorithm: string): string {
  if (algorithm === 'RSAES_OAEP_SHA_1') return 'sha1';
  if (algorithm === 'RSAES_OAEP_SHA_256') return 'sha256';
  // SYMMETRIC_DEFAULT (the default) or SM2PKE with an RSA key
  throw incompatible(acc, k, algorithm);
}

/** RSAES-OAEP with the key's public key: the largest plaintext is k - 2·hLen - 2 bytes. */
export function rsaEncrypt(acc: Account, k: KeyRecord, algorithm: string, plaintext: Buffer): Buffer {
  const hash = oaep(acc, k, algorithm);
  const max = rsaBits(keySpecOf(k))! / 8 - 2 * (hash === 'sha1' ? 20 : 32) - 2;
  if (plaintext.length > max)
    // UNCONFIRMED which error AWS answers for a plaintext too long for the key; ValidationException chosen
    throw new SandboxError(
      'ValidationException',
      `Plaintext of ${plaintext.length} bytes is too long for ${keySpecOf(k)} with ${algorithm}: at most ${max} bytes.`,
    );
  const key = privateKeyOf(acc, k, 'Encrypt');
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, plaintext);
}

export function rsaDecrypt(acc: Account, k: KeyRecord, algorithm: string, ciphertext: Buffer): Buffer {
  const hash = oaep(acc, k, algorithm);
  try {
    return privateDecrypt(
      { key: privateKeyOf(acc, k, 'Decrypt'), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash },
      ciphertext,
    );
  } catch {
    throw new SandboxError('InvalidCiphertextException', 'The ciphertext is invalid.');
  }
}

// ---- GenerateDataKeyPair(WithoutPlaintext) ----

function newKeyPair(spec: string): { privateDer: Buffer; publicDer: Buffer } {
  const pair =
    rsaBits(spec) !== undefined
      ? generateKeyPairSync('rsa', { modulusLength: rsaBits(spec)!, publicExponent: 65537 })
      : spec === 'ECC_NIST_EDWARDS25519'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('ec', { namedCurve: CURVES[spec]! });
  return {
    privateDer: pair.privateKey.export({ type: 'pkcs8', format: 'der' }),
    publicDer: pair.publicKey.export({ type: 'spki', format: 'der' }),
  };
}

function dataKeyPair(acc: Account, input: Record<string, unknown>) {
  const k = resolveKey(acc, input.KeyId, true);
  const spec = checkEnum(input.KeyPairSpec, 'keyPairSpec', KEY_PAIR_SPECS, true)!;
  requireUsable(acc, k);
  requireEncryptKey(acc, k);
  if (spec === 'SM2')
    // AWS offers SM2 in China Regions only; the sandbox has no SM2 cryptography (README)
    throw new SandboxError(
      'UnsupportedOperationException',
      'KeyPairSpec SM2 is not supported by the kscli sandbox (AWS offers it in China Regions only).',
    );
  if (input.Recipient !== undefined && input.Recipient !== null)
    // a Nitro Enclaves attestation document cannot be checked offline (README)
    throw new SandboxError(
      'UnsupportedOperationException',
      'Recipient (a Nitro Enclaves attestation document) is not supported by the kscli sandbox.',
    );
  dryRunDone(input);
  const pair = newKeyPair(spec);
  return {
    k,
    out: {
      PrivateKeyCiphertextBlob: makeCiphertext(k.id, pair.privateDer),
      PublicKey: pair.publicDer.toString('base64'),
      KeyId: acc.keyArn(k.id),
      KeyPairSpec: spec,
    },
    privateDer: pair.privateDer,
  };
}

const generateDataKeyPair: Handler = (acc, input, ctx) => {
  const { k, out, privateDer } = dataKeyPair(acc, input);
  markUsed(acc, k, 'GenerateDataKeyPair', ctx.requestId);
  return { ...out, PrivateKeyPlaintext: privateDer.toString('base64') };
};

const generateDataKeyPairWithoutPlaintext: Handler = (acc, input, ctx) => {
  const { k, out } = dataKeyPair(acc, input);
  markUsed(acc, k, 'GenerateDataKeyPairWithoutPlaintext', ctx.requestId);
  return out;
};

// ---- DeriveSharedSecret ----

/**
 * DeriveSharedSecret: ECDH between the key's private key and a peer's public key (DER
 * SubjectPublicKeyInfo on the same curve), for KEY_AGREEMENT keys. The raw shared secret is
 * returned, as AWS does without a Recipient.
 */
const deriveSharedSecret: Handler = (acc, input, ctx) => {
  const k = resolveKey(acc, input.KeyId, true);
  checkEnum(input.KeyAgreementAlgorithm, 'keyAgreementAlgorithm', ['ECDH'] as const, true);
  const peer = checkBlob(input, 'PublicKey', { min: 1, max: 8192, required: true })!;
  requireUsable(acc, k);
  requireUsage(acc, k, 'KEY_AGREEMENT');
  if (input.Recipient !== undefined && input.Recipient !== null)
    throw new SandboxError(
      'UnsupportedOperationException',
      'Recipient (a Nitro Enclaves attestation document) is not supported by the kscli sandbox.',
    );
  const privateKey = privateKeyOf(acc, k, 'DeriveSharedSecret');
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: peer, format: 'der', type: 'spki' });
  } catch {
    // wording chosen: AWS documents that the public key must be a DER-encoded X.509 public key
    throw new SandboxError('ValidationException', 'PublicKey must be a DER-encoded X.509 SubjectPublicKeyInfo.');
  }
  if (publicKey.asymmetricKeyDetails?.namedCurve !== privateKey.asymmetricKeyDetails?.namedCurve)
    throw new SandboxError(
      'ValidationException',
      `PublicKey must be on the curve of ${keySpecOf(k)}, the key spec of ${acc.keyArn(k.id)}.`,
    );
  dryRunDone(input);
  const secret = diffieHellman({ privateKey, publicKey });
  markUsed(acc, k, 'DeriveSharedSecret', ctx.requestId);
  return {
    KeyId: acc.keyArn(k.id),
    SharedSecret: secret.toString('base64'),
    KeyAgreementAlgorithm: 'ECDH',
    KeyOrigin: k.origin === 'EXTERNAL' ? 'EXTERNAL' : 'AWS_KMS',
  };
};

export const asymmetricHandlers: Record<string, Handler> = {
  DeriveSharedSecret: deriveSharedSecret,
  Sign: sign,
  Verify: verify,
  GetPublicKey: getPublicKey,
  GenerateMac: generateMac,
  VerifyMac: verifyMac,
  GenerateDataKeyPair: generateDataKeyPair,
  GenerateDataKeyPairWithoutPlaintext: generateDataKeyPairWithoutPlaintext,
};
