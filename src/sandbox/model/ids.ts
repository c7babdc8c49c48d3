/** Identifiers shaped like AWS's. */
import { randomBytes, randomUUID } from 'node:crypto';

export function uuid(): string {
  return randomUUID();
}

export function hex(len: number): string {
  return randomBytes(Math.ceil(len / 2)).toString('hex').slice(0, len);
}

/** cks- followed by 17 hex digits, like `cks-1234567890abcdef0` */
export function customKeyStoreId(): string {
  return `cks-${hex(17)}`;
}

/** a KMS grant id: 64 hex digits */
export function grantId(): string {
  return hex(64);
}
