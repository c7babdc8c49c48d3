/**
 * Evidence that something other than KMS uses a CloudHSM cluster: its audit log group
 * `/aws/cloudhsm/<cluster ID>` read through CloudWatch Logs Insights (aws-facts-cluster-and-scale
 * 9, 10; estate C2). The logs hold management commands only (no encrypt/decrypt opcodes), so
 * logins are the usage signal: `Opcode CN_LOGIN`, `User Type CN_CRYPTO_USER`, `Response SUCCESS`,
 * a user name other than `kmsuser` (the crypto user KMS signs in as).
 *
 * The same trust rules as for CloudTrail: a log group that is missing, cannot be read, or starts
 * after the window began is a GAP, never "no other user". Logins before the window (an
 * application still logged in since then) are not seen: the plan says so.
 */
import type { LogsPort } from '../../aws/ports.js';
import type { Clock } from '../clock.js';
import { compareText } from '../../util/text-order.js';

export const KMS_CRYPTO_USER = 'kmsuser';

export function auditLogGroup(clusterId: string): string {
  return `/aws/cloudhsm/${clusterId}`;
}

/**
 * Successful crypto-user logins per user name. The messages are text, not JSON, so the user name
 * is parsed out of `User Name : <name>`; each login is echoed into every HSM's stream, so the
 * counts are per stream entry (the plan shows them as seen, and only their presence matters).
 */
export const CRYPTO_LOGINS_QUERY = [
  'filter @message like /Opcode : CN_LOGIN/ and @message like /User Type : CN_CRYPTO_USER/',
  'and @message like /Response : [^\\n]*SUCCESS/',
  '| parse @message /User Name : (?<user>[^\\s]+)/',
  '| stats count(*) as logins, max(@timestamp) as lastLogin by user',
].join(' ');

export interface CryptoUserLogins {
  user: string;
  logins: number;
  lastLogin?: Date;
}

export interface AuditEvidence {
  logGroup: string;
  /**
   * ok: read, and its oldest event is at or before the window start;
   * missing: no such log group; short: it starts after the window began; unreadable: an error
   */
  status: 'ok' | 'missing' | 'short' | 'unreadable';
  windowStart: Date;
  windowEnd: Date;
  oldestEvent?: Date;
  detail?: string;
  /** crypto users other than kmsuser that logged in within the window */
  otherUsers: CryptoUserLogins[];
  /** kmsuser's logins (KMS's own), for the plan's detail */
  kmsLogins: number;
}

/** A log group that begins within this much of the window start still covers it. */
const COVERAGE_SLACK_MS = 24 * 3_600_000;
const POLL_MS = 1_000;
const MAX_POLLS = 600;

export async function readAuditEvidence(
  logs: LogsPort,
  clock: Clock,
  clusterId: string,
  days: number,
): Promise<AuditEvidence> {
  const logGroup = auditLogGroup(clusterId);
  const windowEnd = clock.now();
  const windowStart = new Date(windowEnd.getTime() - days * 86_400_000);
  const base = { logGroup, windowStart, windowEnd, otherUsers: [], kmsLogins: 0 };
  try {
    const group = await logs.describeLogGroup(logGroup);
    if (!group)
      return {
        ...base,
        status: 'missing',
        detail: `log group ${logGroup} does not exist: the cluster's logins cannot be read (clusters created before 2018-01-20 may lack the service-linked role that delivers them)`,
      };
    const oldest = await logs.oldestStreamEvent(logGroup);
    const queryId = await logs.startQuery({
      logGroupIdentifiers: [logGroup],
      startTime: windowStart,
      endTime: windowEnd,
      queryString: CRYPTO_LOGINS_QUERY,
    });
    let polls = 0;
    let res = await logs.getQueryResults(queryId);
    while ((res.status === 'Scheduled' || res.status === 'Running') && polls++ < MAX_POLLS) {
      await clock.sleep(POLL_MS);
      res = await logs.getQueryResults(queryId);
    }
    if (res.status !== 'Complete')
      return { ...base, status: 'unreadable', detail: `the Logs Insights query on ${logGroup} ended ${res.status}` };
    const users = res.rows
      .filter((r) => r.user)
      .map((r) => ({
        user: r.user!,
        logins: Number(r.logins ?? 0),
        ...(r.lastLogin ? { lastLogin: parseInsightsTime(r.lastLogin) } : {}),
      }));
    const kmsLogins = users.find((u) => u.user === KMS_CRYPTO_USER)?.logins ?? 0;
    const otherUsers = users.filter((u) => u.user !== KMS_CRYPTO_USER).sort((a, b) => compareText(a.user, b.user));
    const short = !oldest || oldest.getTime() > windowStart.getTime() + COVERAGE_SLACK_MS;
    return {
      ...base,
      otherUsers,
      kmsLogins,
      ...(oldest ? { oldestEvent: oldest } : {}),
      status: short ? 'short' : 'ok',
      ...(short
        ? {
            detail: oldest
              ? `log group ${logGroup} starts ${oldest.toISOString()}, after the window began (${windowStart.toISOString()}): logins before then are not seen`
              : `log group ${logGroup} holds no events`,
          }
        : {}),
    };
  } catch (err) {
    return {
      ...base,
      status: 'unreadable',
      detail: `${logGroup} could not be read: ${(err as Error).message.split('\n')[0]}`,
    };
  }
}

/** Logs Insights prints times as `2026-12-01 10:00:00.000` (UTC). */
function parseInsightsTime(s: string): Date | undefined {
  const d = new Date(/^\d{4}-\d\d-\d\d \d/.test(s) ? `${s.replace(' ', 'T')}Z` : s);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
