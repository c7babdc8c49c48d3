/**
 * The RSA key pairs GetParametersForImport answers with (import.ts).
 *
 * AWS makes a new wrapping key pair for every call. Making one costs the sandbox about 0.3 s of
 * CPU for RSA_2048 and 1.4 s for RSA_4096 (Node's generateKeyPairSync on the 2-core test machine),
 * and `npm test` asked for about 120 of them: 33 s of CPU, the largest single cost of the unit and
 * in-process tests (issue 17, profiled). So a process keeps up to POOL_SIZE pairs of each size,
 * made when first needed, and hands them out in turn, never the pair the key's current parameters
 * already hold: two calls in a row for one key answer different public keys, as AWS's do.
 *
 * What a client could tell apart from AWS: material wrapped under parameters two or more calls
 * old, imported with the newest token of the same key, is accepted when both calls drew the same
 * pair (AWS refuses it with InvalidCiphertextException). Tokens stay one per call and only a key's
 * latest token is good, as in AWS; kscli itself never imports key material.
 */
import { generateKeyPairSync } from 'node:crypto';

export interface WrappingKeyPair {
  /** PKCS#8 PEM: what the key's import parameters keep (in the state file) to unwrap with */
  privateKeyPem: string;
  /** SubjectPublicKeyInfo DER: GetParametersForImport's PublicKey */
  publicKeyDer: Buffer;
}

/** pairs kept per RSA size, per process */
export const POOL_SIZE = 4;

const pools = new Map<number, WrappingKeyPair[]>();
const turns = new Map<number, number>();

function makePair(bits: number): WrappingKeyPair {
  const pair = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 65537 });
  return {
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyDer: pair.publicKey.export({ type: 'spki', format: 'der' }),
  };
}

/**
 * The next wrapping key pair of `bits`, other than the one whose private key is `current` (the
 * key's outstanding parameters, if any).
 */
export function nextWrappingKeyPair(bits: number, current?: string): WrappingKeyPair {
  const pool = pools.get(bits) ?? [];
  pools.set(bits, pool);
  for (;;) {
    const turn = turns.get(bits) ?? 0;
    turns.set(bits, (turn + 1) % POOL_SIZE);
    const pair = (pool[turn] ??= makePair(bits));
    if (pair.privateKeyPem !== current) return pair;
  }
}
