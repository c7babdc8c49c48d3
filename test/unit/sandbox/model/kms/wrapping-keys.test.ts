/**
 * The wrapping key pairs of GetParametersForImport come from a pool per process (wrapping-keys.ts):
 * at most POOL_SIZE pairs of a size are ever made, handed out in turn, and a key's next parameters
 * never repeat the pair of its current ones. (Other files of this worker may have drawn from the
 * pool before: the checks hold from any turn.)
 */
import { createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nextWrappingKeyPair, POOL_SIZE } from '../../../../../src/sandbox/model/kms/wrapping-keys.js';

describe('wrapping key pairs', () => {
  it(`makes at most ${POOL_SIZE} pairs of a size, in turn, each a real RSA pair of that size`, () => {
    const drawn = Array.from({ length: 2 * POOL_SIZE }, () => nextWrappingKeyPair(2048));
    expect(new Set(drawn.map((p) => p.privateKeyPem)).size).toBe(POOL_SIZE);
    for (let i = 0; i < POOL_SIZE; i++) expect(drawn[i + POOL_SIZE]!.privateKeyPem).toBe(drawn[i]!.privateKeyPem);
    const pair = drawn[0]!;
    const pub = createPublicKey({ key: pair.publicKeyDer, format: 'der', type: 'spki' });
    expect(pub.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const secret = randomBytes(32);
    expect(privateDecrypt(createPrivateKey(pair.privateKeyPem), publicEncrypt(pub, secret))).toEqual(secret);
  });

  it("never answers the pair of the key's current parameters, even when its turn has come", () => {
    const current = nextWrappingKeyPair(2048);
    // POOL_SIZE - 1 more draws: the turn is back at `current`
    for (let i = 1; i < POOL_SIZE; i++) nextWrappingKeyPair(2048);
    const next = nextWrappingKeyPair(2048, current.privateKeyPem);
    expect(next.privateKeyPem).not.toBe(current.privateKeyPem);
  });
});
