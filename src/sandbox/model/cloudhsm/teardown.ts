/**
 * CloudHSM v2 teardown: DeleteHsm, DeleteCluster, the backup an HSM's removal takes, and the
 * backup retention policy (aws-facts-cluster-and-scale "Retiring the CloudHSM cluster" 1-5).
 *
 * - DeleteHsm (ClusterId plus exactly one of HsmId, EniId, EniIp) answers `{HsmId}` and leaves
 *   the HSM DELETE_IN_PROGRESS for `config.hsmDeleteMs`; then it is gone from the cluster's list.
 * - Removing an HSM from an ACTIVE cluster takes a backup (all keys and users, kmsuser included).
 *   Whether AWS also does so when the LAST HSM goes is UNCONFIRMED; the sandbox does (the cautious
 *   reading for kscli: one more backup that holds the key material).
 * - DeleteCluster is refused while the cluster has any HSM, DELETE_IN_PROGRESS included (CONFIRMED:
 *   "you must delete all HSMs"; the exact message text is UNCONFIRMED). It answers the cluster
 *   DELETE_IN_PROGRESS, which becomes DELETED after `config.clusterDeleteMs`; DescribeClusters
 *   still lists it (filter `states`).
 * - Retention: a READY backup older than the cluster's retention (7-379 days) is purged by the
 *   service to PENDING_DELETION (restorable for 7 days, then gone), except the cluster's newest
 *   backup: "AWS CloudHSM does not delete a cluster's last backup". Backups marked NeverExpires are
 *   exempt. What retention does after DeleteCluster is UNCONFIRMED; the sandbox stops applying it
 *   (backups not associated with a cluster have no policy), so they stay until deleted by hand.
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import { BACKUP_PENDING_DELETION_MS, clusterOutput } from './cloudhsm.js';
import type { Handler } from '../handler.js';
import {
  DAY_MS,
  DEFAULT_CLUSTER_DELETE_MS,
  DEFAULT_HSM_DELETE_MS,
  type ClusterRecord,
  type HsmRecord,
} from '../state.js';

/** Cluster states in which HSMs can be removed (CREATE_IN_PROGRESS and the deleting ones cannot). */
const HSM_REMOVABLE_STATES = new Set(['UNINITIALIZED', 'INITIALIZE_IN_PROGRESS', 'INITIALIZED', 'ACTIVE', 'DEGRADED']);

function invalidRequest(message: string): SandboxError {
  return new SandboxError('CloudHsmInvalidRequestException', message);
}

function findCluster(acc: Account, id: unknown): ClusterRecord {
  if (typeof id !== 'string' || id === '') throw invalidRequest('ClusterId is required.');
  if (!/^cluster-[0-9a-zA-Z]{11,16}$/.test(id))
    throw invalidRequest(`1 validation error detected: Value '${id}' at 'clusterId' failed to satisfy constraint.`);
  const c = acc.state.clusters.find((x) => x.id === id);
  if (!c || c.state === 'DELETED')
    throw new SandboxError('CloudHsmResourceNotFoundException', `Cluster ${id} not found.`);
  return c;
}

function hsmDeleteMs(acc: Account): number {
  return acc.state.config.hsmDeleteMs ?? DEFAULT_HSM_DELETE_MS;
}

function clusterDeleteMs(acc: Account): number {
  return acc.state.config.clusterDeleteMs ?? DEFAULT_CLUSTER_DELETE_MS;
}

/** A new READY backup of the cluster, as AWS takes when an HSM leaves an active cluster. */
export function takeBackup(acc: Account, c: ClusterRecord, at: number): string {
  const id = `backup-${acc.ids.hex(11)}`;
  acc.state.backups.push({ id, clusterId: c.id, state: 'READY', created: at });
  return id;
}

const deleteHsm: Handler = (acc, input) => {
  const c = findCluster(acc, input.ClusterId);
  const selectors = (['HsmId', 'EniId', 'EniIp'] as const).filter(
    (k) => input[k] !== undefined && input[k] !== null && input[k] !== '',
  );
  if (selectors.length !== 1) throw invalidRequest('Exactly one of HsmId, EniId or EniIp must be specified.');
  const by = selectors[0]!;
  const hsm = c.hsms.find((h) => h[by] === input[by]);
  if (!hsm)
    throw new SandboxError(
      'CloudHsmResourceNotFoundException',
      `HSM ${String(input[by])} not found in cluster ${c.id}.`,
    );
  if (!HSM_REMOVABLE_STATES.has(c.state)) throw invalidRequest(`Cluster ${c.id} is in state ${c.state}.`);
  if (hsm.State === 'DELETE_IN_PROGRESS' || hsm.State === 'DELETED')
    throw invalidRequest(`HSM ${hsm.HsmId} is in state ${hsm.State}.`);
  if (hsm.State === 'CREATE_IN_PROGRESS') throw invalidRequest(`HSM ${hsm.HsmId} is in state CREATE_IN_PROGRESS.`);
  const now = acc.nowMs();
  if (c.state === 'ACTIVE') takeBackup(acc, c, now);
  hsm.State = 'DELETE_IN_PROGRESS';
  hsm.deleteAt = now + hsmDeleteMs(acc);
  acc.dueStale = true;
  acc.dirty = true;
  return { HsmId: hsm.HsmId };
};

const deleteCluster: Handler = (acc, input) => {
  const c = findCluster(acc, input.ClusterId);
  if (c.state === 'DELETE_IN_PROGRESS') throw invalidRequest(`Cluster ${c.id} is in state DELETE_IN_PROGRESS.`);
  if (c.hsms.length > 0)
    throw invalidRequest(
      `Cluster ${c.id} contains ${c.hsms.length} HSM(s). Delete all HSMs in the cluster before deleting the cluster.`,
    );
  c.state = 'DELETE_IN_PROGRESS';
  c.deleteAt = acc.nowMs() + clusterDeleteMs(acc);
  acc.dueStale = true;
  acc.dirty = true;
  return { Cluster: clusterOutput(c) };
};

export const cloudhsmTeardownHandlers: Record<string, Handler> = {
  DeleteHsm: deleteHsm,
  DeleteCluster: deleteCluster,
};

/** A time-driven teardown change: an HSM gone, a cluster DELETED, a backup purged by retention. */
export interface TeardownDue {
  t: number;
  apply: () => void;
}

/** The moment a READY backup falls out of retention, or undefined (exempt or the cluster's last). */
function retentionMoment(c: ClusterRecord, created: number): number {
  return created + c.retentionDays * DAY_MS;
}

/** Everything teardown has due up to `until` (none: an empty list), in no particular order. */
export function teardownDue(acc: Account, until: number): TeardownDue[] {
  const due: TeardownDue[] = [];
  for (const c of acc.state.clusters) {
    for (const h of c.hsms)
      if (h.deleteAt !== undefined && h.deleteAt <= until) due.push({ t: h.deleteAt, apply: () => removeHsm(c, h) });
    if (c.state === 'DELETE_IN_PROGRESS' && c.deleteAt !== undefined && c.deleteAt <= until) {
      const at = c.deleteAt;
      due.push({
        t: at,
        apply: () => {
          c.state = 'DELETED';
          delete c.deleteAt;
        },
      });
    }
  }
  for (const item of retentionDue(acc, until)) due.push(item);
  return due;
}

/** The earliest teardown change still to come (Infinity: none). */
export function nextTeardownAt(acc: Account): number {
  let next = Number.POSITIVE_INFINITY;
  for (const c of acc.state.clusters) {
    for (const h of c.hsms) if (h.deleteAt !== undefined && h.deleteAt < next) next = h.deleteAt;
    if (c.state === 'DELETE_IN_PROGRESS' && c.deleteAt !== undefined && c.deleteAt < next) next = c.deleteAt;
  }
  for (const b of retentionCandidates(acc)) next = Math.min(next, b.at);
  return next;
}

function removeHsm(c: ClusterRecord, h: HsmRecord): void {
  c.hsms = c.hsms.filter((x) => x !== h);
}

/** READY backups that retention will purge, with the moment (never a cluster's newest backup). */
function retentionCandidates(acc: Account): Array<{ id: string; at: number }> {
  const out: Array<{ id: string; at: number }> = [];
  for (const c of acc.state.clusters) {
    // UNCONFIRMED what retention does after DeleteCluster: the sandbox stops applying it
    if (c.state === 'DELETED' || c.state === 'DELETE_IN_PROGRESS') continue;
    const own = acc.state.backups.filter((b) => b.clusterId === c.id && b.state !== 'DELETED');
    if (own.length === 0) continue;
    const newest = own.reduce((a, b) => (b.created > a.created ? b : a));
    for (const b of own)
      if (b !== newest && b.state === 'READY' && !b.neverExpires)
        out.push({ id: b.id, at: retentionMoment(c, b.created) });
  }
  return out;
}

function retentionDue(acc: Account, until: number): TeardownDue[] {
  return retentionCandidates(acc)
    .filter((x) => x.at <= until)
    .map((x) => ({
      t: x.at,
      apply: () => {
        const b = acc.state.backups.find((y) => y.id === x.id);
        // purged by the service: restorable for 7 days, like a DeleteBackup (aws-facts 4, 5)
        if (b && b.state === 'READY') {
          b.state = 'PENDING_DELETION';
          b.deleteAt = x.at + BACKUP_PENDING_DELETION_MS;
        }
      },
    }));
}
