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
import { requireUsable, resolveKey } from './keys.js';
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
function markUsed(acc: Account, k: KeyRecord, op: string, requestId: string): void {
  k.lastUsage = { op, t: acc.nowMs(), requestId };
  acc.dirty = true;
}

const encrypt: Handler = (acc, input, ctx) => {
  const k = resolveKey(acc, input.KeyId, true);
  const plaintext = blobBytes(input.Plaintext);
  if (!plaintext || plaintext.length === 0 || plaintext.length > 4096) {
    throw new SandboxError(
      'ValidationException',
      "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length between 1 and 4096",
    );
  }
  requireUsable(acc, k);
  markUsed(acc, k, 'Encrypt', ctx.requestId);
  return {
    CiphertextBlob: makeCiphertext(k.id, plaintext),
    KeyId: acc.keyArn(k.id),
    EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
  };
};

const decrypt: Handler = (acc, input, ctx) => {
  const parsed = parseCiphertext(input.CiphertextBlob);
  if (!parsed) throw new SandboxError('InvalidCiphertextException', 'The ciphertext is invalid.');
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
  markUsed(acc, k, 'Decrypt', ctx.requestId);
  return {
    KeyId: acc.keyArn(k.id),
    Plaintext: parsed.plaintext.toString('base64'),
    EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
  };
};

const generateDataKey: Handler = (acc, input, ctx) => {
  const k = resolveKey(acc, input.KeyId, true);
  let size: number;
  if (input.KeySpec !== undefined) {
    if (input.KeySpec !== 'AES_256' && input.KeySpec !== 'AES_128') {
      throw new SandboxError(
        'ValidationException',
        "1 validation error detected: Value at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]",
      );
    }
    size = input.KeySpec === 'AES_256' ? 32 : 16;
  } else {
    size = intInRange(input.NumberOfBytes, 'numberOfBytes', 1, 1024, 0);
    if (size === 0) throw new SandboxError('ValidationException', 'Please specify either number of bytes or key spec.');
  }
  requireUsable(acc, k);
  markUsed(acc, k, 'GenerateDataKey', ctx.requestId);
  const plaintext = randomBytes(size);
  return {
    CiphertextBlob: makeCiphertext(k.id, plaintext),
    Plaintext: plaintext.toString('base64'),
    KeyId: acc.keyArn(k.id),
  };
};

export const cryptoHandlers: Record<string, Handler> = {
  Encrypt: encrypt,
  Decrypt: decrypt,
  GenerateDataKey: generateDataKey,
};

export const CRYPTO_OPERATIONS = new Set([
  'Encrypt',
  'Decrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'ReEncrypt',
]);
