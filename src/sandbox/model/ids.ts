/**
 * Identifiers shaped like AWS's, from a source of random bytes. The served sandbox uses the
 * system's (crypto); tests that must replay exactly (the property test: a seed names one run)
 * give the account a seeded source instead, so key ids, event ids and request ids repeat.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { seededRandom } from './seeded-random.js';

export interface IdSource {
  /** random bytes (secrets the sandbox issues: AssumeRole's secret key and session token) */
  bytes(n: number): Buffer;
  uuid(): string;
  hex(len: number): string;
  /** cks- followed by 17 hex digits, like `cks-1234567890abcdef0` */
  customKeyStoreId(): string;
  /** a KMS grant id: 64 hex digits */
  grantId(): string;
}

export function idSource(bytes: (n: number) => Buffer): IdSource {
  const hex = (len: number) =>
    bytes(Math.ceil(len / 2))
      .toString('hex')
      .slice(0, len);
  return {
    bytes,
    uuid() {
      const b = bytes(16);
      return formatUuid((i) => b[i]!);
    },
    hex,
    customKeyStoreId: () => `cks-${hex(17)}`,
    grantId: () => hex(64),
  };
}

/** Ids from a seed: the same seed gives the same sequence of ids. */
export function seededIds(seed: number): IdSource {
  const next = seededRandom(seed);
  const ids = idSource((n) => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(next() * 256);
    return b;
  });
  // every request and every CloudTrail event takes a uuid: the same 16 draws, in order, without
  // a Buffer (issue 17: a test's hot path)
  ids.uuid = () => formatUuid(() => Math.floor(next() * 256));
  return ids;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** The RFC 4122 version 4 layout (what crypto.randomUUID returns) of 16 bytes, asked for in order. */
function formatUuid(byte: (i: number) => number): string {
  let s = '';
  for (let i = 0; i < 16; i++) {
    let b = byte(i);
    if (i === 6) b = (b & 0x0f) | 0x40;
    else if (i === 8) b = (b & 0x3f) | 0x80;
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[b];
  }
  return s;
}

/** The system's randomness (the served sandbox); randomUUID draws from a pool: 100,000 keys stay fast. */
export const cryptoIds: IdSource = { ...idSource((n) => randomBytes(n)), uuid: () => randomUUID() };
