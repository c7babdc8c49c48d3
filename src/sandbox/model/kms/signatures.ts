/**
 * The signature primitives of KMS's signing algorithms, over a message digest. KMS signs either a
 * message (MessageType RAW: KMS hashes it) or a digest the caller made (DIGEST); Node's
 * crypto.sign always hashes, so both kinds are signed here from the digest:
 * - RSASSA_PKCS1_V1_5: the DigestInfo of RFC 8017 9.2, padded and exponentiated by privateEncrypt;
 * - RSASSA_PSS: EMSA-PSS (RFC 8017 9.1) with MGF1 of the same hash and a salt as long as the
 *   digest (what KMS uses), exponentiated without padding;
 * - ECDSA: the scalar arithmetic of FIPS 186-4 with BigInt, the curve multiplications by Node's
 *   ECDH (k·G). Verification uses the key's own private scalar: u1·G + u2·Q = (u1 + u2·d)·G.
 * Signatures are what AWS returns (RSA: the raw signature; ECDSA: DER-encoded r and s), so
 * OpenSSL or any library verifies them with the public key of GetPublicKey.
 */
import {
  constants,
  createECDH,
  createHash,
  createPublicKey,
  privateEncrypt,
  publicDecrypt,
  randomBytes,
  type KeyObject,
} from 'node:crypto';

/** The hash of a signing algorithm (`..._SHA_256` → sha256). */
export function hashOf(algorithm: string): 'sha256' | 'sha384' | 'sha512' {
  return algorithm.endsWith('384') ? 'sha384' : algorithm.endsWith('512') ? 'sha512' : 'sha256';
}

export function digestLength(algorithm: string): number {
  return { sha256: 32, sha384: 48, sha512: 64 }[hashOf(algorithm)];
}

/** The signing algorithms each key spec allows (API reference, SigningAlgorithmSpec). */
export function signingAlgorithmsFor(spec: string): string[] {
  if (spec.startsWith('RSA_'))
    return [
      'RSASSA_PSS_SHA_256',
      'RSASSA_PSS_SHA_384',
      'RSASSA_PSS_SHA_512',
      'RSASSA_PKCS1_V1_5_SHA_256',
      'RSASSA_PKCS1_V1_5_SHA_384',
      'RSASSA_PKCS1_V1_5_SHA_512',
    ];
  if (spec === 'ECC_NIST_P256' || spec === 'ECC_SECG_P256K1') return ['ECDSA_SHA_256'];
  if (spec === 'ECC_NIST_P384') return ['ECDSA_SHA_384'];
  if (spec === 'ECC_NIST_P521') return ['ECDSA_SHA_512'];
  return [];
}

// ---- RSA ----

/** DER prefixes of the DigestInfo structures (RFC 8017 9.2, note 1). */
const DIGEST_INFO: Record<string, string> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

function mgf1(hash: string, seed: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  for (let counter = 0; out.length * seed.length < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    out.push(createHash(hash).update(seed).update(c).digest());
  }
  return Buffer.concat(out).subarray(0, length);
}

function modulusBits(key: KeyObject): number {
  return createPublicKey(key).asymmetricKeyDetails?.modulusLength ?? 2048;
}

function pssEncode(hash: string, digest: Buffer, emBits: number): Buffer {
  const hLen = digest.length;
  const emLen = Math.ceil(emBits / 8);
  const salt = randomBytes(hLen);
  const h = createHash(hash).update(Buffer.alloc(8)).update(digest).update(salt).digest();
  const db = Buffer.concat([Buffer.alloc(emLen - 2 * hLen - 2), Buffer.from([1]), salt]);
  const mask = mgf1(hash, h, emLen - hLen - 1);
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= 0xff >> (8 * emLen - emBits);
  return Buffer.concat([db, h, Buffer.from([0xbc])]);
}

function pssVerify(hash: string, digest: Buffer, em: Buffer, emBits: number): boolean {
  const hLen = digest.length;
  const emLen = Math.ceil(emBits / 8);
  if (em.length < emLen || em[em.length - 1] !== 0xbc) return false;
  em = em.subarray(em.length - emLen);
  const masked = Buffer.from(em.subarray(0, emLen - hLen - 1));
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  if ((masked[0]! & ~(0xff >> (8 * emLen - emBits))) !== 0) return false;
  const mask = mgf1(hash, h, masked.length);
  for (let i = 0; i < masked.length; i++) masked[i]! ^= mask[i]!;
  masked[0]! &= 0xff >> (8 * emLen - emBits);
  const one = masked.indexOf(1);
  if (one < 0 || masked.subarray(0, one).some((b) => b !== 0)) return false;
  const salt = masked.subarray(one + 1);
  if (salt.length !== hLen) return false;
  const h2 = createHash(hash).update(Buffer.alloc(8)).update(digest).update(salt).digest();
  return h2.equals(h);
}

function rsaSign(key: KeyObject, algorithm: string, digest: Buffer): Buffer {
  const hash = hashOf(algorithm);
  if (algorithm.startsWith('RSASSA_PKCS1_V1_5'))
    return privateEncrypt(
      { key, padding: constants.RSA_PKCS1_PADDING },
      Buffer.concat([Buffer.from(DIGEST_INFO[hash]!, 'hex'), digest]),
    );
  const bits = modulusBits(key);
  const em = pssEncode(hash, digest, bits - 1);
  const k = Math.ceil(bits / 8);
  return privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, Buffer.concat([Buffer.alloc(k - em.length), em]));
}

function rsaVerify(key: KeyObject, algorithm: string, digest: Buffer, signature: Buffer): boolean {
  const hash = hashOf(algorithm);
  const pub = createPublicKey(key);
  const bits = modulusBits(key);
  if (signature.length !== Math.ceil(bits / 8)) return false;
  try {
    if (algorithm.startsWith('RSASSA_PKCS1_V1_5'))
      return publicDecrypt({ key: pub, padding: constants.RSA_PKCS1_PADDING }, signature).equals(
        Buffer.concat([Buffer.from(DIGEST_INFO[hash]!, 'hex'), digest]),
      );
    return pssVerify(hash, digest, publicDecrypt({ key: pub, padding: constants.RSA_NO_PADDING }, signature), bits - 1);
  } catch {
    return false; // a signature that is not a number below the modulus, or bad padding
  }
}

// ---- ECDSA ----

/** The group orders of the curves (SEC 2; FIPS 186-4 D.1.2). */
const ORDERS: Record<string, bigint> = {
  prime256v1: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  secp384r1: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  secp521r1:
    0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
  secp256k1: 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n,
};
const FIELD_BYTES: Record<string, number> = { prime256v1: 32, secp384r1: 48, secp521r1: 66, secp256k1: 32 };

export function curveOrder(curve: string): bigint {
  return ORDERS[curve]!;
}

function toBig(b: Buffer): bigint {
  return b.length === 0 ? 0n : BigInt(`0x${b.toString('hex')}`);
}

function toBytes(n: bigint, length: number): Buffer {
  return Buffer.from(n.toString(16).padStart(length * 2, '0'), 'hex');
}

function mod(a: bigint, n: bigint): bigint {
  const r = a % n;
  return r < 0n ? r + n : r;
}

/** a⁻¹ mod n (n prime): a^(n-2). */
function inverse(a: bigint, n: bigint): bigint {
  let result = 1n;
  let base = mod(a, n);
  let e = n - 2n;
  while (e > 0n) {
    if (e & 1n) result = (result * base) % n;
    base = (base * base) % n;
    e >>= 1n;
  }
  return result;
}

/** The x coordinate of k·G (Node's ECDH computes the public key of the private scalar k). */
export function baseMultX(curve: string, k: bigint): bigint {
  const len = FIELD_BYTES[curve]!;
  const ecdh = createECDH(curve);
  ecdh.setPrivateKey(toBytes(k, len));
  return toBig(ecdh.getPublicKey().subarray(1, 1 + len));
}

function derInt(n: bigint): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let b = Buffer.from(hex, 'hex');
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return Buffer.concat([Buffer.from([0x02]), derLength(b.length), b]);
}

function derLength(n: number): Buffer {
  return n < 0x80 ? Buffer.from([n]) : Buffer.from([0x81, n]);
}

/** ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 3279), as KMS returns it. */
function derSignature(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([derInt(r), derInt(s)]);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}

function parseDerSignature(sig: Buffer): { r: bigint; s: bigint } | undefined {
  let i = 0;
  const len = (): number | undefined => {
    const first = sig[i++];
    if (first === undefined) return undefined;
    if (first < 0x80) return first;
    if (first === 0x81) return sig[i++];
    return undefined;
  };
  if (sig[i++] !== 0x30) return undefined;
  const total = len();
  if (total === undefined || i + total !== sig.length) return undefined;
  const ints: bigint[] = [];
  for (let n = 0; n < 2; n++) {
    if (sig[i++] !== 0x02) return undefined;
    const l = len();
    if (l === undefined || l === 0 || i + l > sig.length) return undefined;
    ints.push(toBig(sig.subarray(i, i + l)));
    i += l;
  }
  return i === sig.length ? { r: ints[0]!, s: ints[1]! } : undefined;
}

function privateScalar(key: KeyObject): { curve: string; d: bigint } {
  const jwk = key.export({ format: 'jwk' });
  const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
  return { curve, d: toBig(Buffer.from(jwk.d ?? '', 'base64url')) };
}

function ecdsaSign(key: KeyObject, digest: Buffer): Buffer {
  const { curve, d } = privateScalar(key);
  const n = ORDERS[curve]!;
  const z = toBig(digest); // every KMS ECDSA pair has a digest no longer than the order
  for (;;) {
    const k = mod(toBig(randomBytes(FIELD_BYTES[curve]! + 8)), n - 1n) + 1n;
    const r = mod(baseMultX(curve, k), n);
    if (r === 0n) continue;
    const s = mod(inverse(k, n) * (z + r * d), n);
    if (s !== 0n) return derSignature(r, s);
  }
}

function ecdsaVerify(key: KeyObject, digest: Buffer, signature: Buffer): boolean {
  const { curve, d } = privateScalar(key);
  const n = ORDERS[curve]!;
  const sig = parseDerSignature(signature);
  if (!sig || sig.r <= 0n || sig.r >= n || sig.s <= 0n || sig.s >= n) return false;
  const w = inverse(sig.s, n);
  const scalar = mod(toBig(digest) * w + sig.r * w * d, n);
  if (scalar === 0n) return false;
  return mod(baseMultX(curve, scalar), n) === sig.r;
}

// ---- either ----

export function signDigest(key: KeyObject, algorithm: string, digest: Buffer): Buffer {
  return algorithm.startsWith('ECDSA') ? ecdsaSign(key, digest) : rsaSign(key, algorithm, digest);
}

export function verifyDigest(key: KeyObject, algorithm: string, digest: Buffer, signature: Buffer): boolean {
  return algorithm.startsWith('ECDSA')
    ? ecdsaVerify(key, digest, signature)
    : rsaVerify(key, algorithm, digest, signature);
}
