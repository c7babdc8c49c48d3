/**
 * Callers that keep calling keys (issue 20): an application role that decrypts with a key every few
 * days, a yearly job that calls a key once. As sandbox time passes (a request's catch-up, or
 * `sandbox advance`), each call that came due is made against the key as it is at that moment:
 *   - key usable (Enabled, store connected): a successful call, recorded as GetKeyLastUsage's
 *     last use and as a CloudTrail event;
 *   - key Disabled: a failed call with errorCode `DisabledException` and errorMessage
 *     "<key ARN> is disabled." (aws-facts 1.2 [1]); pending deletion: `KMSInvalidStateException`
 *     "<key ARN> is pending deletion."; store disconnected: "is unavailable." (the same errors the
 *     sandbox's own Decrypt answers, keys.ts requireUsable);
 *   - key deleted: the caller stops (a real caller would get NotFoundException; nothing kscli
 *     reads depends on it).
 * Events go to event history and to the trails' log groups like any call, so the metric filters,
 * alarms, LookupEvents and Logs Insights all see them.
 *
 * Times are on the sandbox clock and seeded: the gap before each call is drawn from the caller's
 * seed and its call count, so the same state and the same clock moves give the same events.
 */
import type { Account } from './account.js';
import { requireUsable } from './kms/keys.js';
import { SandboxError } from '../contract.js';
import { applyDue, type DueReport } from './timeline.js';
import { appendEvent } from './cloudtrail/trail-events.js';
import { isoSeconds } from './iso-seconds.js';
import { DAY_MS } from './state.js';

/** One caller of one key, kept in the state file (`state.callers`). */
export interface CallerRecord {
  /** the key it calls (key id) */
  keyId: string;
  /** the cryptographic operation, e.g. Decrypt */
  operation: string;
  /** the role it runs as, e.g. arn:aws:iam::111122223333:role/app-backend */
  roleArn: string;
  /** the role session name (the instance, the job run) */
  sessionName: string;
  /** the caller's account (a caller in another account calls the key by ARN) */
  accountId: string;
  /** the Region the call is made in */
  region: string;
  sourceIp: string;
  userAgent: string;
  /** the smallest and largest gap between two calls, ms (equal: a fixed period) */
  minEveryMs: number;
  maxEveryMs: number;
  /** the next call, epoch ms on the sandbox clock */
  nextAt: number;
  /** calls made so far (with the seed, fixes the next gap) */
  calls: number;
  seed: number;
}

function mix(seed: number, n: number): number {
  let t = (seed * 0x9e3779b1 + n * 0x85ebca77) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export function nextGap(c: CallerRecord): number {
  return c.minEveryMs + Math.floor(mix(c.seed, c.calls) * (c.maxEveryMs - c.minEveryMs));
}

/** The CloudTrail userIdentity of an assumed-role session of the caller's role. */
function callerIdentity(c: CallerRecord): Record<string, unknown> {
  const roleName = c.roleArn.slice(c.roleArn.lastIndexOf('/') + 1);
  const principal = `AROA${roleName
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .padEnd(16, '0')
    .slice(0, 16)}`;
  return {
    type: 'AssumedRole',
    principalId: `${principal}:${c.sessionName}`,
    arn: `arn:aws:sts::${c.accountId}:assumed-role/${roleName}/${c.sessionName}`,
    accountId: c.accountId,
    accessKeyId: `ASIA${principal.slice(4, 20)}`,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: principal,
        arn: c.roleArn,
        accountId: c.accountId,
        userName: roleName,
      },
    },
  };
}

/** Makes one due call: succeeds or fails as the key's state says, writes its event. */
function makeCall(acc: Account, c: CallerRecord, t: number): boolean {
  const k = acc.keyById.get(c.keyId);
  if (!k) return false;
  const arn = acc.keyArn(k.id);
  let error: SandboxError | undefined;
  try {
    requireUsable(acc, k);
  } catch (err) {
    if (!(err instanceof SandboxError)) throw err;
    error = err;
  }
  const requestId = acc.ids.uuid();
  const eventId = acc.ids.uuid();
  const event: Record<string, unknown> = {
    eventVersion: '1.11',
    userIdentity: callerIdentity(c),
    eventTime: isoSeconds(t),
    eventSource: 'kms.amazonaws.com',
    eventName: c.operation,
    awsRegion: c.region,
    sourceIPAddress: c.sourceIp,
    userAgent: c.userAgent,
    ...(error ? { errorCode: error.code, errorMessage: error.message } : {}),
    requestParameters: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
    responseElements: null,
    ...(k.storeId ? { additionalEventData: { customKeyStoreId: k.storeId } } : {}),
    requestID: requestId,
    eventID: eventId,
    readOnly: true,
    resources: [{ accountId: acc.accountId, type: 'AWS::KMS::Key', ARN: arn }],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: acc.accountId,
    eventCategory: 'Management',
  };
  appendEvent(acc, event, {
    id: eventId,
    t,
    name: c.operation,
    source: 'kms.amazonaws.com',
    readOnly: true,
    username: c.sessionName,
    resources: [{ type: 'AWS::KMS::Key', name: arn }],
  });
  if (!error) k.lastUsage = { op: c.operation, t, requestId, eventId };
  acc.dirty = true;
  return true;
}

/**
 * Moves the account to `until`: what time does (timeline.ts) and the callers' calls, in time
 * order, so that a call sees the key as it is at its moment (deleted keys included).
 */
export function advanceWorld(acc: Account, until: number, report?: DueReport): void {
  const callers = acc.state.callers;
  if (callers && callers.length > 0) {
    for (;;) {
      let next: CallerRecord | undefined;
      for (const c of callers) if (c.nextAt <= until && (!next || c.nextAt < next.nextAt)) next = c;
      if (!next) break;
      applyDue(acc, next.nextAt, report);
      const alive = makeCall(acc, next, next.nextAt);
      if (!alive) {
        callers.splice(callers.indexOf(next), 1);
        continue;
      }
      next.calls += 1;
      next.nextAt += Math.max(60_000, nextGap(next));
    }
  }
  applyDue(acc, until, report);
}

/**
 * The demo's application role: Decrypt with alias/payments-legacy's key every 3 to 4 days, the
 * next call half a day after the scenario starts (its last call was 3 days before).
 */
export function demoCallers(accountId: string, region: string, keyId: string, now: number): CallerRecord[] {
  return [
    {
      keyId,
      operation: 'Decrypt',
      roleArn: `arn:aws:iam::${accountId}:role/app-backend`,
      sessionName: 'i-0abc123def4567890',
      accountId,
      region,
      sourceIp: '10.0.12.34',
      userAgent: 'aws-sdk-java/2.25.0',
      minEveryMs: 3 * DAY_MS,
      maxEveryMs: 4 * DAY_MS,
      nextAt: now + DAY_MS / 2,
      calls: 0,
      seed: 20,
    },
  ];
}

/** A job that runs once a year and decrypts with `keyId` (the organization scenario). */
export function yearlyJob(accountId: string, region: string, keyId: string, nextAt: number): CallerRecord {
  return {
    keyId,
    operation: 'Decrypt',
    roleArn: `arn:aws:iam::${accountId}:role/yearly-archive-restore`,
    sessionName: 'yearly-restore',
    accountId,
    region,
    sourceIp: '10.1.0.20',
    userAgent: 'aws-cli/2.15.0',
    minEveryMs: 365 * DAY_MS,
    maxEveryMs: 365 * DAY_MS,
    nextAt,
    calls: 0,
    seed: 365,
  };
}
