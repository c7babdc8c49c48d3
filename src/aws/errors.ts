/**
 * Maps what the AWS SDK throws to the error contract of ports.ts:
 * - credentials missing, expired or rejected, access denied  -> KscliError(ExitCode.Credentials)
 * - network failures, 5xx and throttling left after retries   -> KscliError(ExitCode.Failure)
 * - any other service error                                   -> AwsCallError (the workflow decides)
 * Messages are one line and name the call and the fix. They never carry credentials: only the
 * error name, the HTTP status, the request ID and AWS's own message (which names principals and
 * ARNs, never secrets) pass through `sanitize`.
 */
import { AwsCallError, ExitCode, KscliError } from '../errors.js';

/** Where a failed call went, for the message. */
export interface CallSite {
  /** e.g. kms, cloudtrail */
  service: string;
  /** the API name, e.g. DescribeKey */
  operation: string;
  region: string;
  /** the endpoint URL the client sent to */
  endpoint: string;
}

/** What the SDK puts on its errors (service exceptions and network errors alike). */
interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  $response?: unknown;
}

const EXPIRED = {
  problem: 'the AWS credentials have expired',
  fix: 'refresh them (`aws sso login`, or new session credentials) and try again',
};
const BAD_SIGNATURE = {
  problem: 'AWS rejected the request signature',
  fix: 'check the secret access key and the system clock',
};

/** Error names that mean "these credentials do not work", whatever the service. */
const CREDENTIAL_ERRORS: Readonly<Record<string, { problem: string; fix: string }>> = {
  CredentialsProviderError: {
    problem: 'no usable AWS credentials found',
    fix: 'set AWS_PROFILE (or --profile) or run `aws sso login`, or use --sandbox to rehearse without AWS',
  },
  TokenProviderError: {
    problem: 'the AWS SSO session could not be used',
    fix: 'run `aws sso login` for this profile and try again',
  },
  ExpiredToken: EXPIRED,
  ExpiredTokenException: EXPIRED,
  RequestExpired: {
    problem: 'the request expired before AWS received it',
    fix: 'check the system clock, then try again',
  },
  InvalidClientTokenId: {
    problem: 'AWS does not recognise the access key',
    fix: 'check AWS_PROFILE / --profile and AWS_ACCESS_KEY_ID; the key may be deleted or from another partition',
  },
  UnrecognizedClientException: {
    problem: 'AWS does not recognise the access key or session token',
    fix: 'check AWS_PROFILE / --profile, AWS_ACCESS_KEY_ID and AWS_SESSION_TOKEN',
  },
  IncompleteSignature: BAD_SIGNATURE,
  IncompleteSignatureException: BAD_SIGNATURE,
  InvalidSignatureException: BAD_SIGNATURE,
  SignatureDoesNotMatch: BAD_SIGNATURE,
  MissingAuthenticationToken: {
    problem: 'the request carried no credentials',
    fix: 'set AWS_PROFILE (or --profile) or run `aws sso login`',
  },
};

/** Transport-level failures (Node error codes and the SDK's timeout names). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'EPROTO',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
]);
const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

/**
 * Rate throttling, as the SDK's standard retry strategy classifies it, minus the names that are
 * resource quotas in the services kscli calls (KMS and CloudWatch Logs LimitExceededException:
 * retrying does not help, so they reach the workflow as AwsCallError).
 */
const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ThrottledException',
  'SlowDown',
  'BandwidthLimitExceeded',
  'ProvisionedThroughputExceededException',
]);

export function isThrottlingError(error: unknown): boolean {
  const e = error as SdkErrorLike | undefined;
  return e?.$metadata?.httpStatusCode === 429 || THROTTLING_NAMES.has(e?.name ?? '');
}

/** AccessDenied, AccessDeniedException, CloudHsmAccessDeniedException, AccessDeniedFault ... */
function isAccessDenied(name: string): boolean {
  return (
    name.startsWith('AccessDenied') ||
    name.endsWith('AccessDeniedException') ||
    name === 'UnauthorizedOperation' ||
    name === 'AuthorizationError'
  );
}

/** The error to throw for an SDK error raised by one call. Errors that are not from the SDK pass through. */
export function toPortError(error: unknown, site: CallSite): Error {
  if (error instanceof KscliError || error instanceof AwsCallError) return error;
  const e = (error ?? {}) as SdkErrorLike;
  const name = e.name ?? 'Error';
  const call = `${site.service}:${site.operation}`;
  const status = e.$metadata?.httpStatusCode;
  const requestId = e.$metadata?.requestId;
  const attempts = e.$metadata?.attempts;
  const after = attempts && attempts > 1 ? ` after ${attempts} attempts` : '';
  const awsMessage = sanitize(e.message ?? '');

  if (Object.hasOwn(CREDENTIAL_ERRORS, name)) {
    const { problem, fix } = CREDENTIAL_ERRORS[name]!;
    return new KscliError(ExitCode.Credentials, `${problem} (${call} in ${site.region})`, fix, { cause: error });
  }
  if (isAccessDenied(name)) {
    const detail = awsMessage ? `: ${awsMessage}` : '';
    return new KscliError(
      ExitCode.Credentials,
      `access denied for ${call} in ${site.region}${detail}`,
      `allow ${call} for this caller (IAM policy, and the key policy for KMS keys), or use another --profile`,
      { cause: error },
    );
  }

  const code = e.code ?? '';
  if (NETWORK_CODES.has(code) || NETWORK_CODES.has(name) || TIMEOUT_NAMES.has(name)) {
    // The SDK names a dropped connection TimeoutError too; the socket's code says what happened.
    const reason = NETWORK_CODES.has(code)
      ? code === 'ECONNRESET' || code === 'EPIPE'
        ? `connection closed, ${code}`
        : code
      : TIMEOUT_NAMES.has(name)
        ? 'timed out'
        : code || name;
    const fix =
      code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'check --region, --endpoint-url / AWS_ENDPOINT_URL* and DNS'
        : 'check --endpoint-url / AWS_ENDPOINT_URL*, the network, a proxy or firewall, and that the service is reachable';
    return new KscliError(ExitCode.Failure, `cannot reach ${site.endpoint} for ${call} (${reason})${after}`, fix, {
      cause: error,
    });
  }

  if (isThrottlingError(error)) {
    return new KscliError(
      ExitCode.Failure,
      `AWS kept throttling ${call} in ${site.region}${after}: another tool is probably using the same quota`,
      `run again later, or lower kscli's pace with --max-rps ${site.operation}=N`,
      { cause: error },
    );
  }

  if (e.$fault === 'server' || (status !== undefined && status >= 500)) {
    const id = requestId ? `; request ID ${requestId}` : '';
    return new KscliError(
      ExitCode.Failure,
      `AWS failed ${call} in ${site.region} with ${name}${status ? ` (HTTP ${status})` : ''}${after}${awsMessage ? `: ${awsMessage}` : ''}`,
      `an AWS-side error: run again in a few minutes${id}`,
      { cause: error },
    );
  }

  if (e.$fault === 'client') {
    return new AwsCallError(site.operation, name, awsMessage || name, status, requestId, { cause: error });
  }

  if (e.$response !== undefined || e.$metadata !== undefined) {
    // a reply the SDK could not read as the service's protocol: a proxy page, a wrong endpoint
    return new KscliError(
      ExitCode.Failure,
      `unreadable reply from ${site.endpoint} for ${call}${status ? ` (HTTP ${status})` : ''}: not an AWS API answer`,
      'check --endpoint-url / AWS_ENDPOINT_URL* and any proxy between kscli and AWS',
      { cause: error },
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Credential-looking substrings: secret access keys (40 chars) and session tokens (longer). */
const SECRET_LIKE = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{40,}(?![A-Za-z0-9/+=])/g;
/**
 * ARNs, which AWS's messages name and which are never secret. A role's path makes a long run of
 * letters and slashes (`role/application/production/KeyAdministratorRole`) that SECRET_LIKE alone
 * would take for a secret key.
 */
const ARN = /arn:[a-z-]+:[a-z0-9-]*:[a-z0-9-]*:\d{0,12}:[^\s,;'"()]+/g;

/**
 * Whether a run of base64 characters is a secret rather than words: random base64 of 40 characters
 * or more holds a digit, `+` or `=` (all but about 0.1% of secret keys; session tokens always),
 * while paths and names written by people often hold none.
 */
function secretLike(run: string): boolean {
  return /[0-9+=]/.test(run);
}

/** One line, bounded, with anything that looks like a secret removed (ARNs are kept whole). */
export function sanitize(message: string): string {
  const oneLine = message.replace(/\s+/g, ' ').trim();
  let out = '';
  let last = 0;
  const redact = (text: string) => text.replace(SECRET_LIKE, (run) => (secretLike(run) ? '[redacted]' : run));
  for (const match of oneLine.matchAll(ARN)) {
    out += redact(oneLine.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  out += redact(oneLine.slice(last));
  return out.length > 400 ? `${out.slice(0, 397)}...` : out;
}

/** Runs one SDK call and maps its failure. */
export async function mapFailure<T>(site: CallSite, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toPortError(error, site);
  }
}
