/**
 * A cluster plan's observer (plan-runner/subject.ts SubjectObserver), for retire-cluster's saved
 * plans: what the plan rests on (the cluster's state, its HSMs, its backups, the key stores that
 * use it and the Regions whose stores could not be read, the audit log's verdict and the crypto
 * users it shows) and how two of them differ. It is made from the facts the plan was prepared from
 * (src/workflow/cluster/facts.ts): `kscli apply` prepares the plan again, so the facts are read
 * again, never taken from the file. Schema: src/schemas/plan-file.ts (ClusterObservations).
 */
import type { BackupObservation } from '../plan-file/document.js';
import { compareBackups } from '../plan-file/compare.js';
import type { SubjectObserver } from '../plan-runner/subject.js';
import type { RetireClusterFacts } from '../retire-cluster.js';
import { compareText } from '../../util/text-order.js';

export interface ClusterObservation {
  clusterId: string;
  state: string;
  /** every HSM, sorted by hsmId (each bills by the hour until it is gone) */
  hsms: { hsmId: string; state: string }[];
  /** the cluster's backups, sorted by backupId */
  backups: BackupObservation[];
  /** the key stores that use the cluster, "<storeId> in <region>", sorted */
  storesOnCluster: string[];
  /** the Regions whose key stores could not be read, sorted */
  regionGaps: string[];
  /** the audit log's verdict over the window, and the crypto users other than kmsuser that logged in */
  audit: { logGroup: string; status: string; otherUsers: string[] };
}

export interface ClusterObservations {
  cluster: ClusterObservation;
}

const byId =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    compareText(key(a), key(b));

export function clusterObservations(f: RetireClusterFacts): ClusterObservations {
  return {
    cluster: {
      clusterId: f.cluster.clusterId,
      state: f.cluster.state,
      hsms: f.cluster.hsms.map((h) => ({ hsmId: h.hsmId, state: h.state })).sort(byId((h) => h.hsmId)),
      backups: f.backups
        .map((b) => ({ backupId: b.backupId, clusterId: b.clusterId ?? null, state: b.state }))
        .sort(byId((b) => b.backupId)),
      storesOnCluster: f.stores.storesOnCluster.map((s) => `${s.storeId} in ${s.region}`).sort(),
      regionGaps: f.stores.gaps.map((g) => g.region).sort(),
      audit: {
        logGroup: f.audit.logGroup,
        status: f.audit.status,
        otherUsers: f.audit.otherUsers.map((u) => u.user).sort(),
      },
    },
  };
}

/** Lines for what was added to and removed from a list, in the words `said` gives. */
function listChanges(before: string[], after: string[], said: { added(x: string): string; gone(x: string): string }) {
  return [
    ...after.filter((x) => !before.includes(x)).map(said.added),
    ...before.filter((x) => !after.includes(x)).map(said.gone),
  ];
}

export function compareClusterObservations(before: ClusterObservations, after: ClusterObservations): string[] {
  const b = before.cluster;
  const a = after.cluster;
  const lines: string[] = [];
  if (b.state !== a.state) lines.push(`cluster ${b.clusterId} was ${b.state}, is now ${a.state}`);
  const now = new Map(a.hsms.map((h) => [h.hsmId, h]));
  const was = new Set(b.hsms.map((h) => h.hsmId));
  for (const h of b.hsms) {
    const x = now.get(h.hsmId);
    if (!x) lines.push(`HSM ${h.hsmId} no longer exists (it was ${h.state})`);
    else if (x.state !== h.state) lines.push(`HSM ${h.hsmId} was ${h.state}, is now ${x.state}`);
  }
  for (const h of a.hsms)
    if (!was.has(h.hsmId)) lines.push(`a new HSM appeared in cluster ${b.clusterId}: ${h.hsmId} (${h.state})`);
  lines.push(...compareBackups(b.backups, a.backups));
  lines.push(
    ...listChanges(b.storesOnCluster, a.storesOnCluster, {
      added: (s) => `key store ${s} now uses cluster ${b.clusterId}`,
      gone: (s) => `key store ${s} no longer uses cluster ${b.clusterId}`,
    }),
    ...listChanges(b.regionGaps, a.regionGaps, {
      added: (r) => `the key stores of ${r} could not be read now (they were when the plan was made)`,
      gone: (r) => `the key stores of ${r} can be read now (they could not when the plan was made)`,
    }),
  );
  if (b.audit.logGroup !== a.audit.logGroup || b.audit.status !== a.audit.status)
    lines.push(
      `the audit log was ${b.audit.logGroup} (${b.audit.status}), is now ${a.audit.logGroup} (${a.audit.status})`,
    );
  lines.push(
    ...listChanges(b.audit.otherUsers, a.audit.otherUsers, {
      added: (u) => `crypto user ${u} logged in to the cluster (the plan did not show it)`,
      gone: (u) => `crypto user ${u} no longer shows in the audit window`,
    }),
  );
  return lines;
}

export const clusterObserver: SubjectObserver<RetireClusterFacts, ClusterObservations> = {
  observe: async (_deps, prepared) => clusterObservations(prepared.facts),
  compare: compareClusterObservations,
};
