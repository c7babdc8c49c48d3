/**
 * Input validation, done before any AWS call (bad input exits 2, architecture.md section 5).
 */
import { badInput } from '../errors.js';

/** `cks-` followed by 17 hex digits (the format of CustomKeyStoreId). */
// AWS issues lower-case IDs and treats another spelling as another (unknown) store; an ID typed or
// pasted in upper case (CKS-1234567890ABCDEF0) can only mean the lower-case one, so it is read as
// that (validateStoreId), rather than refused or sent to AWS as "not found".
const STORE_ID = /^cks-[0-9a-f]{17}$/;
const STORE_ID_ANY_CASE = /^cks-[0-9a-f]{17}$/i;
const KEY_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/i;
const KEY_ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):key\/(.+)$/;
const ALIAS_NAME = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;
const ALIAS_ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):(alias\/[a-zA-Z0-9/_-]{1,250})$/;

export function validateStoreId(value: string): string {
  if (!STORE_ID.test(value) && STORE_ID_ANY_CASE.test(value)) return value.toLowerCase();
  if (!STORE_ID.test(value)) {
    throw badInput(
      `"${value}" is not a custom key store ID`,
      'a store ID is "cks-" followed by 17 hex digits, e.g. cks-1234567890abcdef0 (run "kscli stores" to list them)',
    );
  }
  return value;
}

/** A key reference as the operator typed it, parsed. Aliases are resolved later with DescribeKey. */
export type KeyRef =
  | { kind: 'id'; input: string; keyId: string }
  | { kind: 'arn'; input: string; keyId: string; region: string; account: string }
  | { kind: 'alias'; input: string; region?: string; account?: string };

/**
 * Parses --key / --exclude-key values. An ARN of another region is refused here (the account is
 * checked once STS has answered: checkKeyRefAccount). Exit 2 on anything else.
 */
export function parseKeyRef(value: string, region: string): KeyRef {
  const v = value.trim();
  let m: RegExpExecArray | null;
  if (KEY_ID.test(v)) return { kind: 'id', input: value, keyId: v.toLowerCase() };
  if ((m = KEY_ARN.exec(v))) {
    const [, , arnRegion, account, id] = m;
    if (!KEY_ID.test(id!)) throw badInput(`"${value}" is not a key ARN: "${id}" is not a key ID`);
    if (arnRegion !== region) {
      throw badInput(
        `key ${value} is in region ${arnRegion}, not ${region}`,
        `run with --region ${arnRegion}, or name a key of ${region}`,
      );
    }
    return { kind: 'arn', input: value, keyId: id!.toLowerCase(), region: arnRegion!, account: account! };
  }
  if (ALIAS_NAME.test(v)) return { kind: 'alias', input: value };
  if ((m = ALIAS_ARN.exec(v))) {
    if (m[2] !== region)
      throw badInput(`alias ${value} is in region ${m[2]}, not ${region}`, `run with --region ${m[2]}`);
    return { kind: 'alias', input: value, region: m[2], account: m[3] };
  }
  throw badInput(
    `"${value}" is not a key ID, key ARN or alias`,
    'use a key ID (1234abcd-12ab-34cd-56ef-1234567890ab), a key ARN, or alias/name',
  );
}

/** An ARN naming another account than the caller's is refused (exit 2). */
export function checkKeyRefAccount(ref: KeyRef, account: string): void {
  if ((ref.kind === 'arn' || ref.kind === 'alias') && ref.account && ref.account !== account) {
    throw badInput(`${ref.input} belongs to account ${ref.account}, but the credentials are for account ${account}`);
  }
}

/** --window-days: 7..30 inclusive (the SDK model allows 1..365, so kscli enforces it: aws-facts 3.1). */
export function parseWindowDays(value: string | undefined): number {
  if (value === undefined) return 30;
  if (!/^\d+$/.test(value.trim()))
    throw badInput(`--window-days "${value}" is not a whole number`, 'use a number of days from 7 to 30');
  const n = Number(value);
  if (n < 7 || n > 30)
    throw badInput(`--window-days ${n} is outside 7-30`, 'AWS accepts a waiting period of 7 to 30 days');
  return n;
}

/** Durations like 90s, 30m, 1h, 1h30m (--wait-timeout). Returns milliseconds. */
export function parseDuration(value: string, flag: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value.trim());
  if (!m || value.trim() === '' || (!m[1] && !m[2] && !m[3])) {
    throw badInput(`${flag} "${value}" is not a duration`, 'use e.g. 90s, 30m or 1h30m');
  }
  const ms = ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
  if (ms <= 0) throw badInput(`${flag} must be longer than zero`);
  return ms;
}

/** --expected-account: 12 digits. */
export function validateAccountId(value: string): string {
  if (!/^\d{12}$/.test(value)) throw badInput(`--expected-account "${value}" is not a 12-digit AWS account ID`);
  return value;
}

/** --days / --unused-days: positive whole numbers up to `max`. */
export function parsePositiveInt(value: string | undefined, flag: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > max) {
    throw badInput(`${flag} "${value}" must be a whole number from 1 to ${max}`);
  }
  return Number(value);
}
