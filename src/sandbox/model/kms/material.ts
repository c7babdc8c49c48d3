/**
 * Key material of the keys that need real cryptography: asymmetric keys (RSA, NIST and SECG
 * elliptic curves) and HMAC keys. Symmetric encryption keys keep none: their ciphertexts are
 * sandbox envelopes (crypto.ts). The material is made with Node's crypto the first time a key is
 * used (an RSA_4096 key takes seconds to generate, so CreateKey of many keys stays fast) and kept
 * in the state file, so signatures and public keys stay the same across restarts, and is shared
 * by the replicas of a multi-Region key (replicas.ts).
 *
 * SM2 (China Regions only) and ML-DSA keys have no material here: Node 20 implements neither for
 * KMS's use, and the operations that need it refuse such keys (see unsupportedSpec).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import type { KeyRecord } from '../state.js';
import { keySpecOf } from './keys.js';

/** Node's curve names for KMS's ECC key specs. */
export const CURVES: Record<string, string> = {
  ECC_NIST_P256: 'prime256v1',
  ECC_NIST_P384: 'secp384r1',
  ECC_NIST_P521: 'secp521r1',
  ECC_SECG_P256K1: 'secp256k1',
};

/** HMAC key specs: the key length in bytes KMS generates (the digest length). */
export const HMAC_BYTES: Record<string, number> = { HMAC_224: 28, HMAC_256: 32, HMAC_384: 48, HMAC_512: 64 };

export function rsaBits(spec: string): number | undefined {
  const m = /^RSA_(2048|3072|4096)$/.exec(spec);
  return m ? Number(m[1]) : undefined;
}

/** A new private key of a key spec (PKCS#8 PEM), or undefined for specs the sandbox cannot make. */
export function generatePrivateKey(spec: string): string | undefined {
  const bits = rsaBits(spec);
  if (bits !== undefined)
    return generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 65537 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
  const curve = CURVES[spec];
  if (curve)
    return generateKeyPairSync('ec', { namedCurve: curve })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
  return undefined;
}

/**
 * Refuses a key whose spec the sandbox cannot compute with. The refusal is the sandbox's, not
 * AWS's (AWS supports SM2 in China Regions and ML-DSA everywhere): the README's sandbox section
 * names it.
 */
export function unsupportedSpec(acc: Account, k: KeyRecord, op: string): never {
  throw new SandboxError(
    'UnsupportedOperationException',
    `${op} with a ${keySpecOf(k)} key (${acc.keyArn(k.id)}) is not supported by the kscli sandbox: it has no ${keySpecOf(k)} cryptography; use an RSA, ECC_NIST, ECC_SECG_P256K1 or HMAC key.`,
  );
}

/** The private key of an asymmetric key, made on first use and kept on the record. */
export function privateKeyOf(acc: Account, k: KeyRecord, op: string): KeyObject {
  if (!k.material) {
    const pem = generatePrivateKey(keySpecOf(k));
    if (!pem) unsupportedSpec(acc, k, op);
    k.material = pem;
    acc.dirty = true;
  }
  return createPrivateKey(k.material);
}

/** The DER SubjectPublicKeyInfo (X.509) of an asymmetric key: what GetPublicKey returns. */
export function publicKeyDer(acc: Account, k: KeyRecord, op: string): Buffer {
  return createPublicKey(privateKeyOf(acc, k, op)).export({ type: 'spki', format: 'der' });
}

/** The secret of an HMAC key, made on first use. */
export function hmacSecretOf(acc: Account, k: KeyRecord): Buffer {
  if (!k.material) {
    k.material = randomBytes(HMAC_BYTES[keySpecOf(k)] ?? 32).toString('base64');
    acc.dirty = true;
  }
  return Buffer.from(k.material, 'base64');
}
