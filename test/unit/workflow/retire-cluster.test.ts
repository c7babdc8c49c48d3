/**
 * retire-cluster's preconditions, one test per check (each fails without it), the executables'
 * waits and re-checks against the fake account, and the audit-log reading against the sandbox
 * model (Logs Insights on /aws/cloudhsm/<cluster>).
 */
import { describe, expect, it } from 'vitest';
import type { BackupInfo, ClusterInfo } from '../../../src/aws/ports.js';
import {
  evaluateAuditLog,
  evaluateClusterBackup,
  evaluateClusterDeletion,
  evaluateHsmDeletion,
  evaluateStoresOnCluster,
  planRetireCluster,
  type RetireClusterFacts,
  type RetireClusterOptions,
  type StoresEvidence,
} from '../../../src/workflow/retire-cluster.js';
import { recheckFor } from '../../../src/workflow/cluster/facts.js';
import { readAuditEvidence, type AuditEvidence } from '../../../src/workflow/cluster/audit-log.js';
import { FakeAccount } from '../fakes/fake-aws.js';
import { InProcessSandbox, inProcessPorts } from '../../reliability/helpers/in-process-sandbox.js';
import { addSharedCluster, SHARED_CLUSTER_ID } from '../../../src/sandbox/model/cloudhsm/audit-log.js';
import { cluster as sandboxCluster, DEMO_CLUSTER_ID } from '../../../src/sandbox/model/scenarios.js';
import { ExitCode, KscliError } from '../../../src/errors.js';

const OPTS: RetireClusterOptions = {
  days: 90,
  allowCryptoUsers: [],
  allowAuditGap: false,
  keepCluster: false,
  deleteBackups: false,
  waitTimeoutMs: 60_000,
  pollMs: 1_000,
};
const NO_STORES: StoresEvidence = { regions: ['us-east-1', 'us-west-2'], storesOnCluster: [], gaps: [] };
const now = new Date('2026-11-23T12:00:00Z');
const CLEAN_AUDIT: AuditEvidence = {
  logGroup: '/aws/cloudhsm/cluster-x',
  status: 'ok',
  windowStart: new Date(now.getTime() - 90 * 86_400_000),
  windowEnd: now,
  otherUsers: [],
  kmsLogins: 12,
};
const cluster = (hsmStates: string[] = ['ACTIVE', 'ACTIVE']): ClusterInfo => ({
  clusterId: 'cluster-aaaaaaaaaaa',
  state: 'ACTIVE',
  hsmCount: hsmStates.length,
  activeHsmCount: hsmStates.filter((s) => s === 'ACTIVE').length,
  hsms: hsmStates.map((state, i) => ({ hsmId: `hsm-${i}aaaaaaaaaa`, state })),
  backupRetentionDays: 90,
});
const failed = (checks: ReturnType<typeof evaluateAuditLog>) =>
  checks.filter((c) => !c.ok && !c.overridden).map((c) => c.name);

describe('retire-cluster preconditions', () => {
  it('a store of the account on the cluster, in any Region, blocks (no override)', () => {
    const c = cluster();
    const stores: StoresEvidence = {
      ...NO_STORES,
      storesOnCluster: [
        { storeId: 'cks-1234567890abcdef0', name: 's', region: 'us-west-2', connectionState: 'DISCONNECTED' },
      ],
    };
    const checks = evaluateStoresOnCluster(c.clusterId, stores);
    expect(failed(checks)).toEqual(['no-store-uses-cluster']);
    const item = evaluateHsmDeletion(c, c.hsms[0]!, checks);
    expect(item.status).toBe('blocked');
    expect(item.reason).toMatch(/cks-1234567890abcdef0 \(us-west-2/);
    expect(evaluateClusterDeletion(c, checks, OPTS).status).toBe('blocked');
    expect(evaluateHsmDeletion(c, c.hsms[0]!, evaluateStoresOnCluster(c.clusterId, NO_STORES)).status).toBe('apply');
  });

  it('a Region whose stores could not be read is a gap that blocks', () => {
    const checks = evaluateStoresOnCluster('cluster-aaaaaaaaaaa', {
      ...NO_STORES,
      gaps: [{ region: 'eu-west-1', reason: 'AccessDeniedException' }],
    });
    expect(failed(checks)).toEqual(['stores-read-everywhere']);
    expect(evaluateHsmDeletion(cluster(), cluster().hsms[0]!, checks).status).toBe('blocked');
  });

  it('a missing, short or unreadable audit log is a gap: blocked unless --allow-audit-gap', () => {
    for (const status of ['missing', 'short', 'unreadable'] as const) {
      const audit = { ...CLEAN_AUDIT, status, detail: `log group ${status}` };
      expect(failed(evaluateAuditLog(audit, OPTS))).toEqual(['audit-log-covers-window']);
      const over = evaluateAuditLog(audit, { ...OPTS, allowAuditGap: true });
      expect(failed(over)).toEqual([]);
      expect(over[0]!.overridden).toBe(true);
    }
    expect(failed(evaluateAuditLog(CLEAN_AUDIT, OPTS))).toEqual([]);
  });

  it('another crypto user within the window blocks, unless that user is named with --allow-crypto-user', () => {
    const audit = {
      ...CLEAN_AUDIT,
      otherUsers: [
        { user: 'app_signer', logins: 13, lastLogin: new Date('2026-11-20T00:00:00Z') },
        { user: 'batch', logins: 1 },
      ],
    };
    expect(failed(evaluateAuditLog(audit, OPTS))).toEqual([
      'no-other-crypto-user:app_signer',
      'no-other-crypto-user:batch',
    ]);
    // naming one user overrides that user only
    expect(failed(evaluateAuditLog(audit, { ...OPTS, allowCryptoUsers: ['app_signer'] }))).toEqual([
      'no-other-crypto-user:batch',
    ]);
    const both = evaluateAuditLog(audit, { ...OPTS, allowCryptoUsers: ['app_signer', 'batch'] });
    expect(failed(both)).toEqual([]);
    const item = evaluateHsmDeletion(cluster(), cluster().hsms[0]!, evaluateAuditLog(audit, OPTS));
    expect(item.status).toBe('blocked');
    expect(item.reason).toMatch(/--allow-crypto-user app_signer/);
  });

  it('HSM states: DELETE_IN_PROGRESS is waited for, DELETED skipped; the cluster waits for its HSMs; --keep-cluster keeps it', () => {
    const c = cluster(['DELETE_IN_PROGRESS', 'ACTIVE']);
    expect(evaluateHsmDeletion(c, c.hsms[0]!, []).action).toBe('WaitForHsmDeleted');
    expect(evaluateHsmDeletion(c, { hsmId: 'hsm-z', state: 'DELETED' }, []).status).toBe('skip');
    expect(evaluateHsmDeletion(c, c.hsms[1]!, []).reason).toMatch(/backup/);
    expect(evaluateClusterDeletion(c, [], OPTS)).toMatchObject({ status: 'apply', reason: /once its 2 HSM/ });
    expect(evaluateClusterDeletion(c, [], { keepCluster: true }).status).toBe('skip');
    expect(evaluateClusterDeletion({ ...c, state: 'DELETE_IN_PROGRESS' }, [], OPTS).status).toBe('skip');
  });

  it('backups are kept and described unless --delete-backups; PENDING_DELETION ones say they are restorable', () => {
    const b: BackupInfo = { backupId: 'backup-aaaaaaaaaaa', state: 'READY', createTimestamp: now };
    expect(evaluateClusterBackup(b, { deleteBackups: false }, [])).toMatchObject({ status: 'skip', reason: /kept/ });
    expect(evaluateClusterBackup(b, { deleteBackups: true }, [])).toMatchObject({
      status: 'apply',
      reason: /PENDING_DELETION for 7 days, restorable/,
    });
    expect(evaluateClusterBackup({ ...b, state: 'PENDING_DELETION' }, { deleteBackups: true }, []).reason).toMatch(
      /restorable/,
    );
  });
});

describe('retire-cluster executables (fake account)', () => {
  function setup(): { a: FakeAccount; facts: RetireClusterFacts; ctx: Parameters<typeof planRetireCluster>[0] } {
    const a = new FakeAccount();
    const s = a.addStore({ connectionState: 'DISCONNECTED' });
    a.stores.delete(s.id); // the store is gone; its cluster stays
    const c = a.clusters.get(s.clusterId!)!;
    const facts: RetireClusterFacts = {
      region: 'us-east-1',
      cluster: structuredClone(c),
      stores: NO_STORES,
      audit: CLEAN_AUDIT,
      backups: [],
    };
    const ctx = { aws: a.ports(), clock: a.clock, region: 'us-east-1', say: () => {} };
    return { a, facts, ctx };
  }

  it('DeleteHsm waits for the HSM to be gone; past the timeout it is exit 8 (pending)', async () => {
    const { a, facts, ctx } = setup();
    const plan = planRetireCluster(ctx, facts, recheckFor(ctx, facts, OPTS), OPTS);
    const [first] = plan.executables;
    const err = await first!.apply().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KscliError);
    expect((err as KscliError).exitCode).toBe(ExitCode.Pending);
    expect(a.calls.filter((c) => c.operation === 'DeleteHsm')).toHaveLength(1);
    // once AWS removed it, the same item finishes without a second DeleteHsm
    a.finishHsmDeletions();
    await expect(first!.apply()).resolves.toMatchObject({ state: 'DELETED' });
    expect(a.calls.filter((c) => c.operation === 'DeleteHsm')).toHaveLength(1);
  });

  it('the re-check blocks DeleteHsm when a store appeared on the cluster since the plan', async () => {
    const { a, facts, ctx } = setup();
    const plan = planRetireCluster(ctx, facts, recheckFor(ctx, facts, OPTS), OPTS);
    a.addStore({ clusterId: facts.cluster.clusterId });
    const again = await plan.executables[0]!.recheck!();
    expect(again.status).toBe('blocked');
    expect(again.reason).toMatch(/still use cluster/);
  });

  it('the re-check never lets DeleteCluster through while the cluster has HSMs', async () => {
    const { facts, ctx } = setup();
    const plan = planRetireCluster(ctx, facts, recheckFor(ctx, facts, OPTS), OPTS);
    const deleteCluster = plan.executables.at(-1)!;
    expect(deleteCluster.item.action).toBe('DeleteCluster');
    const again = await deleteCluster.recheck!();
    expect(again.status).toBe('blocked');
    expect(again.reason).toMatch(/still has 2 HSM/);
  });
});

describe('the audit log, read through Logs Insights (sandbox model)', () => {
  it('the demo cluster: covered, only kmsuser', async () => {
    const sb = new InProcessSandbox();
    const aws = inProcessPorts(() => sb);
    const clock = { now: () => sb.model.now(), sleep: async () => {} };
    const ev = await readAuditEvidence(aws.logs(), clock, DEMO_CLUSTER_ID, 90);
    expect(ev.status).toBe('ok');
    expect(ev.otherUsers).toEqual([]);
    expect(ev.kmsLogins).toBeGreaterThan(0);
  });

  it('a cluster where an application logs in weekly: the user is named; a missing group is a gap', async () => {
    const sb = new InProcessSandbox();
    const t = sb.model.now().getTime();
    addSharedCluster(sb.model.acc, sandboxCluster(SHARED_CLUSTER_ID, t - 500 * 86_400_000, 'vpc-1', '3'), t);
    const aws = inProcessPorts(() => sb);
    const clock = { now: () => sb.model.now(), sleep: async () => {} };
    const ev = await readAuditEvidence(aws.logs(), clock, SHARED_CLUSTER_ID, 90);
    expect(ev.status).toBe('ok');
    expect(ev.otherUsers.map((u) => u.user)).toEqual(['app_signer']);
    expect(ev.otherUsers[0]!.logins).toBeGreaterThanOrEqual(12);
    const missing = await readAuditEvidence(aws.logs(), clock, 'cluster-nonexistent1', 90);
    expect(missing.status).toBe('missing');
    // a window longer than the log group is a gap ("short")
    const long = await readAuditEvidence(aws.logs(), clock, DEMO_CLUSTER_ID, 600);
    expect(long.status).toBe('short');
  });
});
