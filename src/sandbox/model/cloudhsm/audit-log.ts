/**
 * CloudHSM audit logs in CloudWatch Logs (aws-facts-cluster-and-scale 9, 10; estate C2): the log
 * group `/aws/cloudhsm/<cluster ID>`, one log stream per HSM named by its HSM ID, text messages
 * (not JSON) with the fields Time, Sequence No, Reboot counter, Command Type, Opcode, Session
 * Handle, Response, Log type, and for logins User Name and User Type. A login is echoed into the
 * streams of the other HSMs, so each login appears once per HSM.
 *
 * The scenarios write logins only (the usage signal kscli reads): KMS signs in as the crypto user
 * `kmsuser` when the store connects; the admin's crypto officer now and then; on the organization
 * scenario's shared cluster, a second crypto user (an application) logs in every week.
 */
import type { Account } from '../account.js';
import { DAY_MS, type ClusterRecord, type LogEventRecord, type LogGroupRecord } from '../state.js';

export function auditLogGroupName(clusterId: string): string {
  return `/aws/cloudhsm/${clusterId}`;
}

export type AuditUserType = 'CN_CRYPTO_USER' | 'CN_CRYPTO_OFFICER';

export interface AuditLogin {
  t: number;
  user: string;
  type: AuditUserType;
}

function stamp(t: number): string {
  const d = new Date(t);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  // the HSM's own format: MM/DD/YY HH:MM:SS.micro, then the epoch in microseconds
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${p(d.getUTCFullYear() % 100)} ${p(d.getUTCHours())}:${p(
    d.getUTCMinutes(),
  )}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds() * 1000, 6)}, usecs:${t * 1000}`;
}

/** One login record as the HSM writes it. */
export function loginMessage(login: AuditLogin, seq: number, session: number): string {
  const typeCode = login.type === 'CN_CRYPTO_USER' ? 1 : 2;
  return [
    `Time: ${stamp(login.t)}`,
    `Sequence No : 0x${seq.toString(16)}`,
    'Reboot counter : 0xe8',
    'Command Type(hex) : CN_MGMT_CMD (0x0)',
    'Opcode : CN_LOGIN (0xd)',
    `Session Handle : 0x${session.toString(16)}`,
    'Response : 0:HSM Return: SUCCESS',
    'Log type : MINIMAL_LOG_ENTRY (0)',
    `User Name : ${login.user}`,
    `User Type : ${login.type} (${typeCode})`,
  ].join('\n');
}

/** Creates (or extends) the cluster's audit log group with these logins, in time order. */
export function writeAuditLog(acc: Account, c: ClusterRecord, logins: AuditLogin[]): LogGroupRecord {
  const name = auditLogGroupName(c.id);
  let group = acc.state.logGroups.find((g) => g.name === name);
  if (!group) {
    group = { name, created: c.created, logGroupClass: 'STANDARD', storedBytes: 0, filters: [] };
    acc.state.logGroups.push(group);
  }
  const events: LogEventRecord[] = group.events ?? [];
  const seqs = new Map<string, number>();
  let session = 0x1004001;
  for (const login of [...logins].sort((a, b) => a.t - b.t)) {
    session += 0x1000;
    for (const h of c.hsms) {
      const seq = seqs.get(h.HsmId) ?? 0;
      seqs.set(h.HsmId, seq + 1);
      const m = loginMessage(login, seq, session);
      events.push({ t: login.t, m, s: h.HsmId });
      group.storedBytes += m.length;
    }
  }
  events.sort((a, b) => a.t - b.t);
  group.events = events;
  acc.dirty = true;
  return group;
}

/** Logins every `everyDays` days from `from` to `to` (epoch ms), at a fixed hour. */
export function periodicLogins(
  user: string,
  type: AuditUserType,
  from: number,
  to: number,
  everyDays: number,
  offsetMs = 0,
): AuditLogin[] {
  const out: AuditLogin[] = [];
  for (let t = from + offsetMs; t <= to; t += everyDays * DAY_MS) out.push({ t, user, type });
  return out;
}

/**
 * The demo's audit log of a cluster that only KMS uses: kmsuser signs in every week (the store's
 * connections), the admin's crypto officer `admin` every 30 days. It starts with the cluster.
 */
export function kmsOnlyAuditLog(acc: Account, c: ClusterRecord, now: number): void {
  writeAuditLog(acc, c, [
    ...periodicLogins('kmsuser', 'CN_CRYPTO_USER', c.created + DAY_MS, now - DAY_MS, 7, 3_600_000),
    ...periodicLogins('admin', 'CN_CRYPTO_OFFICER', c.created + DAY_MS, now - DAY_MS, 30, 7_200_000),
  ]);
}

/**
 * The organization scenario's shared cluster (in the management account's us-east-1): its KMS
 * store was deleted long ago, but an application signs in as the crypto user `app_signer` every
 * week, so retiring it would break that application. kscli must refuse it.
 */
export const SHARED_CLUSTER_ID = 'cluster-3c45d6efghi';
export const SHARED_CLUSTER_APP_USER = 'app_signer';

export function addSharedCluster(acc: Account, c: ClusterRecord, now: number): void {
  acc.state.clusters.push(c);
  writeAuditLog(acc, c, [
    ...periodicLogins('kmsuser', 'CN_CRYPTO_USER', c.created + DAY_MS, now - 200 * DAY_MS, 7, 3_600_000),
    ...periodicLogins(SHARED_CLUSTER_APP_USER, 'CN_CRYPTO_USER', c.created + DAY_MS, now - DAY_MS, 7, 5_400_000),
    ...periodicLogins('admin', 'CN_CRYPTO_OFFICER', c.created + DAY_MS, now - DAY_MS, 30, 7_200_000),
  ]);
}
