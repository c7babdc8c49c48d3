/**
 * retire-cluster under random schedules (issue 21): runs of `kscli retire-cluster` with random
 * flags (--allow-crypto-user, --keep-cluster, --delete-backups, --dry-run, short and long
 * --wait-timeout), between a colleague's moves (the demo store taken off the cluster, a new store
 * put on it, the application `app_signer` signing in to the cluster) and the clock moving (AWS
 * finishing HSM and cluster deletions, logins leaving the window). After every run the invariants
 * H1-H3 (helpers/cluster-invariants.ts) are judged from the sandbox's request log and the snapshot
 * of the world at each mutating request.
 *
 * Each invariant is then shown to fire on a kscli with one deliberate bug, slipped under it as a
 * wrapper around the AWS ports it is given (nothing of it ships): H1 kscli reads no store on the
 * cluster; H2 kscli reads HSMs being deleted as gone; H3 kscli's Logs Insights answer loses every
 * user but kmsuser.
 */
import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AwsPorts, CloudHsmPort, KmsPort, LogsPort } from '../../src/aws/ports.js';
import { DEMO_CLUSTER_ID, DEMO_STORE_ID } from '../../src/sandbox/model/index.js';
import { writeAuditLog } from '../../src/sandbox/model/cloudhsm/audit-log.js';
import { InProcessSandbox, inProcessPorts } from './helpers/in-process-sandbox.js';
import { runKscli } from './helpers/kscli-in-process.js';
import { removeTree } from './helpers/remove-tree.js';
import { clusterRequestViolations } from './helpers/cluster-invariants.js';

const RUNS = Number(process.env.KSCLI_CLUSTER_PROPERTY_RUNS ?? 60);
const HOUR = 3_600_000;
const homes: string[] = [];
/** what the unsabotaged schedules made kscli send, so that the property cannot pass by never acting */
const sent: Record<string, number> = {};
afterAll(() => {
  for (const h of homes) removeTree(h);
});

type Step =
  | { kind: 'retire'; allow: boolean; keep: boolean; deleteBackups: boolean; dryRun: boolean; wait: string }
  | { kind: 'detach' }
  | { kind: 'attach' }
  | { kind: 'appLogin' }
  | { kind: 'advance'; hours: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('retire' as const),
      allow: fc.boolean(),
      keep: fc.boolean(),
      deleteBackups: fc.boolean(),
      dryRun: fc.boolean(),
      wait: fc.constantFrom('1s', '30s', '3h'),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'detach' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'attach' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'appLogin' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), hours: fc.integer({ min: 1, max: 2400 }) }),
  },
);

type Sabotage = 'H1' | 'H2' | 'H3' | undefined;

/** kscli's ports, with one deliberate reading bug when `bug` names it. */
function portsWith(real: AwsPorts, bug: Sabotage): AwsPorts {
  if (!bug) return real;
  return new Proxy(real, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (bug === 'H1' && prop === 'kms')
        return (region?: string): KmsPort => {
          const p = target.kms(region);
          return new Proxy(p, {
            get: (t, m) =>
              m === 'describeStores' ? async () => [] : (Reflect.get(t, m) as (...a: unknown[]) => unknown).bind(t),
          });
        };
      if (bug === 'H2' && prop === 'cloudhsm')
        return (region?: string): CloudHsmPort => {
          const p = target.cloudhsm(region);
          return {
            ...bindAll(p),
            describeCluster: async (id: string) => {
              const c = await p.describeCluster(id);
              return c && { ...c, hsms: c.hsms.filter((h) => h.state !== 'DELETE_IN_PROGRESS') };
            },
          };
        };
      if (bug === 'H3' && prop === 'logs')
        return (region?: string): LogsPort => {
          const p = target.logs(region);
          return {
            ...bindAll(p),
            getQueryResults: async (id: string) => {
              const r = await p.getQueryResults(id);
              return { ...r, rows: r.rows.filter((row) => !row.user || row.user === 'kmsuser') };
            },
          };
        };
      return value;
    },
  });
}

function bindAll<T extends object>(p: T): T {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(p) as Array<keyof T>) {
    const f = p[k];
    out[k as string] = typeof f === 'function' ? (f as (...a: unknown[]) => unknown).bind(p) : f;
  }
  // class instances keep their methods on the prototype
  for (const k of Object.getOwnPropertyNames(Object.getPrototypeOf(p))) {
    const f = (p as Record<string, unknown>)[k];
    if (k !== 'constructor' && typeof f === 'function') out[k] = (f as (...a: unknown[]) => unknown).bind(p);
  }
  return out as T;
}

/** Plays one schedule; returns the invariant violations found. */
async function play(steps: Step[], bug: Sabotage): Promise<string[]> {
  const sb = new InProcessSandbox({ config: { hsmDeleteMs: HOUR, clusterDeleteMs: HOUR / 2 } });
  const ports = portsWith(
    inProcessPorts(() => sb),
    bug,
  );
  const home = mkdtempSync(join(tmpdir(), 'kscli-cluster-prop-'));
  homes.push(home);
  const acc = sb.model.acc;
  const violations: string[] = [];
  let attached = 0;
  for (const step of steps) {
    switch (step.kind) {
      case 'detach': {
        // a colleague finished retiring the store: its keys and the store are gone
        const s = acc.storeById.get(DEMO_STORE_ID);
        if (s) {
          for (const id of [...(acc.storeKeys.get(s.id) ?? [])]) acc.removeKey(acc.keyById.get(id)!);
          acc.removeStore(s);
        }
        break;
      }
      case 'attach':
        acc.addStore({
          id: `cks-${String(++attached).padStart(17, '0')}`,
          name: `new-store-${attached}`,
          type: 'AWS_CLOUDHSM',
          created: sb.model.now().getTime(),
          state: 'DISCONNECTED',
          clusterId: DEMO_CLUSTER_ID,
        });
        break;
      case 'appLogin': {
        const c = acc.state.clusters.find((x) => x.id === DEMO_CLUSTER_ID);
        if (c && c.hsms.length > 0)
          writeAuditLog(acc, c, [{ t: sb.model.now().getTime(), user: 'app_signer', type: 'CN_CRYPTO_USER' }]);
        break;
      }
      case 'advance':
        sb.advance(step.hours * HOUR);
        break;
      case 'retire': {
        const argv = ['retire-cluster', DEMO_CLUSTER_ID, '--regions', 'us-east-1', '--output', 'json'];
        argv.push('--wait-timeout', step.wait);
        if (step.allow) argv.push('--allow-crypto-user', 'app_signer');
        if (step.keep) argv.push('--keep-cluster');
        if (step.deleteBackups) argv.push('--delete-backups');
        argv.push(step.dryRun ? '--dry-run' : '--yes');
        const mark = sb.requests.length;
        sb.run += 1;
        const r = await runKscli(sb, ports, home, argv);
        if (![0, 3, 8].includes(r.code)) violations.push(`E exit ${r.code}: ${argv.join(' ')}\n${r.stderr}`);
        for (const req of sb.requests.slice(mark)) {
          if (req.caller !== 'kscli' || !req.mutating) continue;
          if (step.dryRun) violations.push(`D1 mutating request on a dry run: ${req.operation}`);
          if (!bug && req.operation) sent[req.operation] = (sent[req.operation] ?? 0) + 1;
          violations.push(...clusterRequestViolations(req, argv));
        }
        break;
      }
    }
  }
  return violations;
}

const schedules = fc.array(stepArb, { minLength: 3, maxLength: 9 });

describe('retire-cluster invariants under random schedules', () => {
  it(`H1-H3 hold for ${RUNS} random schedules`, async () => {
    await fc.assert(
      fc.asyncProperty(schedules, async (steps) => {
        const v = await play(steps, undefined);
        expect(v, JSON.stringify(steps)).toEqual([]);
      }),
      { numRuns: RUNS, seed: Number(process.env.KSCLI_PROPERTY_SEED ?? 21) },
    );
    // floors: the schedules did retire clusters (HSMs, clusters and backups deleted)
    expect(sent.DeleteHsm ?? 0).toBeGreaterThan(0);
    expect(sent.DeleteCluster ?? 0).toBeGreaterThan(0);
    expect(sent.DeleteBackup ?? 0).toBeGreaterThan(0);
  }, 600_000);

  // each sabotage must be caught by its own invariant on some schedule the engine finds
  for (const bug of ['H1', 'H2', 'H3'] as const) {
    it(`sabotage ${bug} is caught by invariant ${bug}`, async () => {
      let caught: string | undefined;
      await fc
        .assert(
          fc.asyncProperty(schedules, async (steps) => {
            const v = await play(steps, bug);
            const mine = v.find((x) => x.startsWith(`${bug} `));
            if (mine) caught = mine;
            return mine === undefined;
          }),
          { numRuns: 400, seed: 7 },
        )
        .catch(() => undefined);
      expect(caught, `no schedule made invariant ${bug} fire under its sabotage`).toBeDefined();
    }, 600_000);
  }
});
