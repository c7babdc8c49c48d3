/**
 * Partial failure is normal across an organization (issue 11): an account whose role cannot be
 * assumed, a Region that is not enabled, a call that is denied or throttled. Each becomes one gap
 * (or one skip) of the report; the rest of the estate is still read.
 *
 * - gap: something that may hide custom key stores could not be read (the exit code says "complete
 *   with gaps");
 * - skip: nothing there can be read by design: an account that is not ACTIVE, a Region the account
 *   has not enabled (AWS keeps no usable resources there for it), a service not offered there.
 */
import { AwsCallError, KscliError } from '../../errors.js';

export type GapKind =
  | 'assume-role-denied'
  | 'access-denied'
  | 'credentials-expired'
  | 'region-not-enabled'
  | 'regions-unknown'
  | 'throttled'
  | 'unreachable'
  | 'error';
export type SkipKind = 'account-not-active' | 'region-not-enabled' | 'service-not-offered';

export interface Gap {
  accountId: string;
  accountName?: string;
  /** absent: the whole account */
  region?: string;
  kind: GapKind;
  /** the AWS error name, when there was one */
  errorCode?: string;
  reason: string;
}

export interface Skip {
  accountId: string;
  accountName?: string;
  region?: string;
  kind: SkipKind;
  reason: string;
}

/** The AWS error name behind a port error (the SDK error is the cause of kscli's errors). */
export function awsErrorName(error: unknown): string | undefined {
  if (error instanceof AwsCallError) return error.code;
  const cause = (error as { cause?: { name?: string; code?: string } })?.cause;
  if (cause?.name && cause.name !== 'Error') return cause.name;
  const name = (error as { name?: string })?.name;
  return name && name !== 'KscliError' && name !== 'Error' ? name : cause?.code;
}

/** ExpiredToken (awsQuery services) or ExpiredTokenException (JSON ones): which one AWS sends is UNCONFIRMED; both count. */
export function isExpiredCredentials(error: unknown): boolean {
  const n = awsErrorName(error);
  return n === 'ExpiredToken' || n === 'ExpiredTokenException' || n === 'RequestExpired';
}

function message(error: unknown): string {
  if (error instanceof KscliError || error instanceof AwsCallError) return error.message;
  return (error as Error)?.message ?? String(error);
}

/** What one failed account or Region becomes in the report. */
export function classify(
  error: unknown,
  where: { accountId: string; accountName?: string; region?: string; assuming?: boolean },
): Gap {
  const code = awsErrorName(error);
  const base = {
    accountId: where.accountId,
    ...(where.accountName ? { accountName: where.accountName } : {}),
    ...(where.region ? { region: where.region } : {}),
    ...(code ? { errorCode: code } : {}),
  };
  const text = message(error);
  if (where.assuming) {
    if (code?.startsWith('AccessDenied'))
      return {
        ...base,
        kind: 'assume-role-denied',
        reason: `the role cannot be assumed (missing, not trusting this caller, or another --external-id): ${text}`,
      };
  }
  if (
    code &&
    (code.startsWith('AccessDenied') || code.endsWith('AccessDeniedException') || code === 'UnauthorizedOperation')
  )
    return { ...base, kind: 'access-denied', reason: text };
  if (code === 'UnrecognizedClientException' || code === 'InvalidClientTokenId') {
    // a valid session token rejected in one Region: the account has not enabled it (aws-facts B3;
    // for KMS specifically UNCONFIRMED, hence "probably")
    return {
      ...base,
      kind: 'region-not-enabled',
      reason: `the Region rejected valid credentials (${code}): probably not enabled for this account`,
    };
  }
  if (isExpiredCredentials(error))
    return { ...base, kind: 'credentials-expired', reason: `credentials expired and could not be renewed: ${text}` };
  if (code && /Throttl|TooManyRequests|RequestLimitExceeded/.test(code))
    return { ...base, kind: 'throttled', reason: text };
  if (/cannot reach|timed out|ECONN|ENOTFOUND/.test(text)) return { ...base, kind: 'unreachable', reason: text };
  if (/kept throttling/.test(text)) return { ...base, kind: 'throttled', reason: text };
  return { ...base, kind: 'error', reason: text };
}
