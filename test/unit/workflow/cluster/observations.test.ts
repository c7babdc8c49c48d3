import { describe, expect, it } from 'vitest';
import {
  clusterObservations,
  compareClusterObservations,
  type ClusterObservations,
} from '../../../../src/workflow/cluster/observations.js';
import type { RetireClusterFacts } from '../../../../src/workflow/retire-cluster.js';

const CLUSTER = 'cluster-1a23b4cdefg';

function facts(): RetireClusterFacts {
  return {
    region: 'us-east-1',
    cluster: {
      clusterId: CLUSTER,
      state: 'ACTIVE',
      hsmCount: 2,
      activeHsmCount: 2,
      hsms: [
        { hsmId: 'hsm-b', state: 'ACTIVE' },
        { hsmId: 'hsm-a', state: 'ACTIVE', availabilityZone: 'us-east-1a' },
      ],
    },
    stores: { regions: ['us-east-1', 'eu-west-1'], storesOnCluster: [], gaps: [] },
    audit: {
      logGroup: `/aws/cloudhsm/${CLUSTER}`,
      status: 'ok',
      windowStart: new Date('2026-09-01T00:00:00Z'),
      windowEnd: new Date('2026-12-01T00:00:00Z'),
      otherUsers: [],
      kmsLogins: 12,
    },
    backups: [{ backupId: 'backup-2', clusterId: CLUSTER, state: 'READY' }],
  };
}

const obs = (change: (f: RetireClusterFacts) => void = () => {}): ClusterObservations => {
  const f = facts();
  change(f);
  return clusterObservations(f);
};

describe("a cluster plan's observations", () => {
  it('sorted, and free of what moves with the clock (the audit window, kmsuser logins)', () => {
    expect(obs().cluster.hsms.map((h) => h.hsmId)).toEqual(['hsm-a', 'hsm-b']);
    expect(
      compareClusterObservations(
        obs(),
        obs((f) => {
          f.audit.windowStart = new Date('2026-09-02T00:00:00Z');
          f.audit.kmsLogins = 40;
        }),
      ),
    ).toEqual([]);
  });

  it('each difference is one line in the operator’s words', () => {
    const after = obs((f) => {
      f.cluster.state = 'DEGRADED';
      f.cluster.hsms = [
        { hsmId: 'hsm-a', state: 'DELETE_IN_PROGRESS' },
        { hsmId: 'hsm-c', state: 'CREATE_IN_PROGRESS' },
      ];
      f.backups.push({ backupId: 'backup-3', clusterId: CLUSTER, state: 'READY' });
      f.stores.storesOnCluster.push({ storeId: 'cks-1', name: 'x', region: 'eu-west-1', connectionState: 'CONNECTED' });
      f.stores.gaps.push({ region: 'ap-south-1', reason: 'AccessDenied' });
      f.audit.otherUsers.push({ user: 'app_signer', logins: 2 });
    });
    expect(compareClusterObservations(obs(), after)).toEqual([
      `cluster ${CLUSTER} was ACTIVE, is now DEGRADED`,
      'HSM hsm-a was ACTIVE, is now DELETE_IN_PROGRESS',
      'HSM hsm-b no longer exists (it was ACTIVE)',
      `a new HSM appeared in cluster ${CLUSTER}: hsm-c (CREATE_IN_PROGRESS)`,
      'a new backup appeared: backup-3 (READY)',
      `key store cks-1 in eu-west-1 now uses cluster ${CLUSTER}`,
      'the key stores of ap-south-1 could not be read now (they were when the plan was made)',
      `crypto user app_signer logged in to the cluster (the plan did not show it)`,
    ]);
  });

  it('an audit log that went missing is a difference', () => {
    expect(
      compareClusterObservations(
        obs(),
        obs((f) => (f.audit.status = 'missing')),
      ),
    ).toEqual([`the audit log was /aws/cloudhsm/${CLUSTER} (ok), is now /aws/cloudhsm/${CLUSTER} (missing)`]);
  });
});
