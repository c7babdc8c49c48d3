/**
 * STS AssumeRole in an organization sandbox (aws-facts-estate-and-scale.md B2). The sandbox issues
 * `ASIA…` session keys it recognises on every later call (org-model.ts maps them to the target
 * account) until they expire.
 * - RoleArn `arn:aws:iam::<12 digits>:role/[path/]name`, RoleSessionName 2-64 `[\w+=,.@-]*`,
 *   DurationSeconds 900-43200 and at most the role's maximum session (1 h, the default); role
 *   chaining (a session assuming a role) caps it at 1 h: asking more is a ValidationError.
 * - A role that does not exist in the account, an account outside the organization, a caller the
 *   role does not trust (only the management account), or a wrong/missing ExternalId: AccessDenied
 *   (HTTP 403, unmodelled), with AWS's message.
 */
import { SandboxError } from '../../contract.js';
import type { IdSource } from '../ids.js';
import type { OrgState, SessionRecord } from './org-state.js';

/** Prefix of the session key IDs this sandbox issues (20 characters in all, like AWS's). */
export const SESSION_KEY_PREFIX = 'ASIASBX';
/** The role's maximum session duration (IAM's default). */
const ROLE_MAX_SESSION_S = 3600;
const CHAINED_MAX_S = 3600;

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function upper(ids: IdSource, n: number): string {
  let s = '';
  for (const b of ids.bytes(n)) s += ALNUM[b & 31];
  return s;
}

function validationError(message: string): SandboxError {
  return new SandboxError('ValidationError', message, 400);
}

export interface AssumeRoleCaller {
  account: string;
  arn: string;
  /** the caller is itself a role session */
  isSession: boolean;
}

export interface AssumeRoleResult {
  accessKeyId: string;
  session: SessionRecord;
  output: Record<string, unknown>;
}

export function assumeRole(
  org: OrgState | undefined,
  caller: AssumeRoleCaller,
  input: Record<string, unknown>,
  nowMs: number,
  /** the model's ids: seeded in tests, so a multi-account run replays from its seed */
  ids: IdSource,
): AssumeRoleResult {
  const roleArn = String(input.RoleArn ?? '');
  const sessionName = String(input.RoleSessionName ?? '');
  const m = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]{1,64})$/.exec(roleArn);
  if (roleArn.length < 20 || roleArn.length > 2048 || !m)
    throw validationError(
      `1 validation error detected: Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must be a role ARN`,
    );
  if (sessionName.length < 2 || sessionName.length > 64 || !/^[\w+=,.@-]*$/.test(sessionName)) {
    throw validationError(
      `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must have length 2-64 and match [\\w+=,.@-]*`,
    );
  }
  const duration =
    input.DurationSeconds === undefined || input.DurationSeconds === '' ? 3600 : Number(input.DurationSeconds);
  if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
    throw validationError(
      `1 validation error detected: Value '${String(input.DurationSeconds)}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`,
    );
  }
  const [, account, roleName] = m as unknown as [string, string, string];
  const denied = () =>
    new SandboxError(
      'AccessDenied',
      `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      403,
    );
  const target = org?.accounts.find((a) => a.id === account);
  const role = target?.roles[roleName];
  // the standard roles trust the management account only
  if (!org || !target || !role || caller.account !== org.managementAccountId) throw denied();
  if (target.state !== 'ACTIVE') throw denied();
  if (role.externalId !== undefined && input.ExternalId !== role.externalId) throw denied();
  if (caller.isSession && duration > CHAINED_MAX_S) {
    throw validationError(
      `The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.`,
    );
  }
  if (duration > ROLE_MAX_SESSION_S)
    throw validationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');

  const accessKeyId = `${SESSION_KEY_PREFIX}${upper(ids, 13)}`;
  const roleId = `AROA${upper(ids, 17)}`;
  const expires = nowMs + duration * 1000;
  const session: SessionRecord = {
    account,
    role: roleName,
    session: sessionName,
    expires,
    sourceAccount: caller.account,
    principalId: `${roleId}:${sessionName}`,
    ...(caller.isSession ? { chained: true } : {}),
  };
  return {
    accessKeyId,
    session,
    output: {
      Credentials: {
        AccessKeyId: accessKeyId,
        SecretAccessKey: ids.bytes(30).toString('base64'),
        // the token's size is not fixed (aws-facts B2); AWS's are several hundred characters
        SessionToken: `IQoJb3JpZ2luX2VjE${ids.bytes(300).toString('base64')}`,
        Expiration: new Date(expires),
      },
      AssumedRoleUser: { AssumedRoleId: session.principalId, Arn: sessionArn(session) },
      PackedPolicySize: 0,
    },
  };
}

export function sessionArn(s: SessionRecord): string {
  return `arn:aws:sts::${s.account}:assumed-role/${s.role}/${s.session}`;
}
