/**
 * Encrypt, Decrypt and GenerateDataKey. Nothing is really encrypted: a ciphertext is the bytes
 * `KSBX1:<key id>:<base64 plaintext>`, which lets symmetric Decrypt without KeyId find its key,
 * as real KMS ciphertexts do. Blobs go out as base64 strings (their JSON wire form) and come in as
 * base64 strings or bytes.
 */
import { randomBytes } from 'node:crypto';
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import { intInRange } from '../errors.js';
import type { Handler } from '../handler.js';
import { keySpecOf, keyUsageOf, requireUsable, resolveKey } from './keys.js';
import { checkEnum, dryRunDone, optionalString } from './validate.js';
import { ENCRYPTION_ALGORITHMS, isRsaEncryptionKey, rsaDecrypt, rsaEncrypt } from './asymmetric.js';
import type { KeyRecord } from '../state.js';

const PREFIX = 'KSBX1:';

export function blobBytes(value: unknown): Buffer | undefined {
  if (typeof value === 'string') return Buffer.from(value, 'base64');
  if (value instanceof Uint8Array) return Buffer.from(value);
  return undefined;
}

export function makeCiphertext(keyId: string, plaintext: Buffer): string {
  return Buffer.from(`${PREFIX}${keyId}:${plaintext.toString('base64')}`, 'utf8').toString('base64');
}

/** The key id and plaintext inside a sandbox ciphertext, or undefined when it is not one. */
export function parseCiphertext(blob: unknown): { keyId: string; plaintext: Buffer } | undefined {
  const bytes = blobBytes(blob);
  if (!bytes) return undefined;
  const text = bytes.toString('utf8');
  if (!text.startsWith(PREFIX)) return undefined;
  const rest = text.slice(PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon <= 0) return undefined;
  return { keyId: rest.slice(0, colon), plaintext: Buffer.from(rest.slice(colon + 1), 'base64') };
}

/** Success of a cryptographic call: what GetKeyLastUsage will answer (the event id comes in recordCall). */
export function markUsed(acc: Account, k: KeyRecord, op: string, requestId: string): void {
  k.lastUsage = { op, t: acc.nowMs(), requestId };
  acc.dirty = true;
}

/**
 * Encrypt: symmetric encryption keys make sandbox envelopes (SYMMETRIC_DEFAULT only); RSA
 * ENCRYPT_DECRYPT keys encrypt for real with RSAES_OAEP_SHA_1/256 (asymmetric.ts), which the
 * request must name (the default SYMMETRIC_DEFAULT is incompatible with them).
 */
const encrypt: Handler = (acc, input, ctx) => {
  const k = resolveKey(acc, input.KeyId, true);
  const plaintext = blobBytes(input.Plaintext);
  if (!plaintext || plaintext.length === 0 || plaintext.length > 4096) {
    throw new SandboxError(
      'ValidationException',
      "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length between 1 and 4096",
    );
  }
  const algorithm =
    checkEnum(input.EncryptionAlgorithm, 'encryptionAlgorithm', ENCRYPTION_ALGORITHMS) ?? 'SYMMETRIC_DEFAULT';
  requireUsable(acc, k);
  if (isRsaEncryptionKey(k)) {
    const ciphertext = rsaEncrypt(acc, k, algorithm, plaintext);
    dryRunDone(input);
    markUsed(acc, k, 'Encrypt', ctx.requestId);
    return { CiphertextBlob: ciphertext.toString('base64'), KeyId: acc.keyArn(k.id), EncryptionAlgorithm: algorithm };
  }
  requireEncryptKey(acc, k);
  requireSymmetricAlgorithm(acc, k, algorithm);
  dryRunDone(input);
  markUsed(acc, k, 'Encrypt', ctx.requestId);
  return {
    CiphertextBlob: makeCiphertext(k.id, plaintext),
    KeyId: acc.keyArn(k.id),
    EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
  };
};

/** A symmetric key encrypts with SYMMETRIC_DEFAULT only (InvalidKeyUsageException; wording chosen). */
function requireSymmetricAlgorithm(acc: Account, k: KeyRecord, algorithm: string): void {
  if (algorithm !== 'SYMMETRIC_DEFAULT')
    throw new SandboxError(
      'InvalidKeyUsageException',
      `Algorithm ${algorithm} is incompatible with key spec ${keySpecOf(k)} of ${acc.keyArn(k.id)}.`,
    );
}

/**
 * Decrypt: a sandbox envelope names its key (KeyId optional, as for AWS's symmetric
 * ciphertexts); an RSA ciphertext needs KeyId and the algorithm it was made with (AWS: "required
 * for asymmetric KMS keys"), and one that does not decrypt is InvalidCiphertextException.
 */
const decrypt: Handler = (acc, input, ctx) => {
  const algorithm =
    checkEnum(input.EncryptionAlgorithm, 'encryptionAlgorithm', ENCRYPTION_ALGORITHMS) ?? 'SYMMETRIC_DEFAULT';
  const parsed = parseCiphertext(input.CiphertextBlob);
  if (!parsed) {
    const named = input.KeyId !== undefined ? resolveKey(acc, input.KeyId, true) : undefined;
    const bytes = blobBytes(input.CiphertextBlob);
    if (!named || !bytes || !isRsaEncryptionKey(named))
      throw new SandboxError('InvalidCiphertextException', 'The ciphertext is invalid.');
    requireUsable(acc, named);
    const plaintext = rsaDecrypt(acc, named, algorithm, bytes);
    dryRunDone(input);
    markUsed(acc, named, 'Decrypt', ctx.requestId);
    return { KeyId: acc.keyArn(named.id), Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: algorithm };
  }
  const k = acc.keyById.get(parsed.keyId);
  if (!k) throw new SandboxError('NotFoundException', `Key '${acc.keyArn(parsed.keyId)}' does not exist`);
  if (input.KeyId !== undefined) {
    const named = resolveKey(acc, input.KeyId, true);
    if (named.id !== k.id)
      throw new SandboxError(
        'IncorrectKeyException',
        'The key ID in the request does not identify a KMS key that can perform this operation.',
      );
  }
  requireUsable(acc, k);
  requireSymmetricAlgorithm(acc, k, algorithm);
  dryRunDone(input);
  markUsed(acc, k, 'Decrypt', ctx.requestId);
  return {
    KeyId: acc.keyArn(k.id),
    Plaintext: parsed.plaintext.toString('base64'),
    EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
  };
};

/**
 * The data key size: KeySpec (AES_256, AES_128) or NumberOfBytes (1-1024), exactly one of them.
 * AWS: "You must specify either the KeySpec or the NumberOfBytes parameter (but not both)".
 */
function dataKeySize(input: Record<string, unknown>): number {
  const hasSpec = input.KeySpec !== undefined && input.KeySpec !== null;
  const hasBytes = input.NumberOfBytes !== undefined && input.NumberOfBytes !== null;
  if (hasSpec && hasBytes)
    // chosen wording: AWS documents the rule, not the text
    throw new SandboxError('ValidationException', 'Specify either KeySpec or NumberOfBytes, not both.');
  if (hasSpec) {
    const spec = checkEnum(input.KeySpec, 'keySpec', ['AES_256', 'AES_128'] as const);
    return spec === 'AES_256' ? 32 : 16;
  }
  const size = intInRange(input.NumberOfBytes, 'numberOfBytes', 1, 1024, 0);
  if (size === 0) throw new SandboxError('ValidationException', 'Please specify either number of bytes or key spec.');
  return size;
}

/** Data keys come from symmetric encryption keys only (InvalidKeyUsageException otherwise). */
export function requireEncryptKey(acc: Account, k: KeyRecord): void {
  if (keyUsageOf(k) !== 'ENCRYPT_DECRYPT' || keySpecOf(k) !== 'SYMMETRIC_DEFAULT')
    throw new SandboxError(
      'InvalidKeyUsageException',
      `${acc.keyArn(k.id)} key usage is ${keyUsageOf(k)} which is not valid for this operation.`,
    );
}

const generateDataKey: Handler = (acc, input, ctx) => {
  const k = resolveKey(acc, input.KeyId, true);
  const size = dataKeySize(input);
  requireUsable(acc, k);
  requireEncryptKey(acc, k);
  markUsed(acc, k, 'GenerateDataKey', ctx.requestId);
  const plaintext = randomBytes(size);
  return {
    CiphertextBlob: makeCiphertext(k.id, plaintext),
    Plaintext: plaintext.toString('base64'),
    KeyId: acc.keyArn(k.id),
  };
};

const generateDataKeyWithoutPlaintext: Handler = (acc, input, ctx) => {
  const k = resolveKey(acc, input.KeyId, true);
  const size = dataKeySize(input);
  requireUsable(acc, k);
  requireEncryptKey(acc, k);
  markUsed(acc, k, 'GenerateDataKeyWithoutPlaintext', ctx.requestId);
  return { CiphertextBlob: makeCiphertext(k.id, randomBytes(size)), KeyId: acc.keyArn(k.id) };
};

/**
 * ReEncrypt: decrypts under the source key (found in the ciphertext; SourceKeyId must match it)
 * and encrypts under DestinationKeyId. Both keys must be usable (key-state table, footnotes 1-3, 11).
 */
const reEncrypt: Handler = (acc, input, ctx) => {
  const parsed = parseCiphertext(input.CiphertextBlob);
  if (!parsed) throw new SandboxError('InvalidCiphertextException', 'The ciphertext is invalid.');
  const source = acc.keyById.get(parsed.keyId);
  if (!source) throw new SandboxError('NotFoundException', `Key '${acc.keyArn(parsed.keyId)}' does not exist`);
  if (input.SourceKeyId !== undefined && resolveKey(acc, input.SourceKeyId, true).id !== source.id)
    throw new SandboxError(
      'IncorrectKeyException',
      'The key ID in the request does not identify a KMS key that can perform this operation.',
    );
  const dest = resolveKey(acc, input.DestinationKeyId, true);
  requireUsable(acc, source);
  requireUsable(acc, dest);
  requireEncryptKey(acc, dest);
  markUsed(acc, source, 'ReEncrypt', ctx.requestId);
  if (dest !== source) markUsed(acc, dest, 'ReEncrypt', ctx.requestId);
  return {
    CiphertextBlob: makeCiphertext(dest.id, parsed.plaintext),
    SourceKeyId: acc.keyArn(source.id),
    KeyId: acc.keyArn(dest.id),
    SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
  };
};

/**
 * GenerateRandom: 1-1024 bytes. With CustomKeyStoreId the bytes come from that CloudHSM store's
 * cluster: the store must exist (CustomKeyStoreNotFoundException), be a CloudHSM store
 * (UnsupportedOperationException for an external key store, as AWS documents) and be connected
 * (CustomKeyStoreInvalidStateException).
 */
const generateRandom: Handler = (acc, input) => {
  const size = intInRange(input.NumberOfBytes, 'numberOfBytes', 1, 1024, 0);
  if (size === 0)
    throw new SandboxError(
      'ValidationException',
      "1 validation error detected: Value null at 'numberOfBytes' failed to satisfy constraint: Member must not be null",
    );
  const storeId = optionalString(input, 'CustomKeyStoreId', { min: 1, max: 64 });
  if (storeId !== undefined) {
    const store = acc.storeById.get(storeId);
    if (!store)
      throw new SandboxError('CustomKeyStoreNotFoundException', `Custom key store ${storeId} does not exist.`);
    if (store.type !== 'AWS_CLOUDHSM')
      throw new SandboxError(
        'UnsupportedOperationException',
        `GenerateRandom is not supported for the external key store ${storeId}.`,
      );
    if (store.state !== 'CONNECTED')
      throw new SandboxError(
        'CustomKeyStoreInvalidStateException',
        `Custom key store ${storeId} is not connected. Its connection state is ${store.state}.`,
      );
  }
  return { Plaintext: randomBytes(size).toString('base64') };
};

export const cryptoHandlers: Record<string, Handler> = {
  Encrypt: encrypt,
  Decrypt: decrypt,
  GenerateDataKey: generateDataKey,
  GenerateDataKeyWithoutPlaintext: generateDataKeyWithoutPlaintext,
  ReEncrypt: reEncrypt,
  GenerateRandom: generateRandom,
};

/** The cryptographic operations: read-only in CloudTrail (aws-facts 4.2). */
export const CRYPTO_OPERATIONS = new Set([
  'Encrypt',
  'Decrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'ReEncrypt',
  'Sign',
  'Verify',
  'GenerateMac',
  'VerifyMac',
  'DeriveSharedSecret',
]);
