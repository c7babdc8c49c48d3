/**
 * Issue 18: one sabotage per SAFEGUARD, each alone, judged by the world (helpers/world-oracle.ts).
 * Each removes ONE safeguard of kscli and comes with a seeded schedule (the same engine, `play`, as
 * the generated runs) that needs it: the schedule passes with the real kscli (the check can pass)
 * and fails, under the invariant named for the safeguard, with the safeguard gone (the check can
 * fail). The judge reads the sandbox's record (its request log with the faults it injected and the
 * answers of Logs Insights, its states at the save and at each request, the prompter's
 * transcript), never kscli's plan text, so kscli's misreading cannot blind it.
 * The table in test/reliability/README.md lists them with the run at which each was caught.
 */
import { afterAll, afterEach, describe, it, vi } from 'vitest';
import type { AwsPorts } from '../../src/aws/ports.js';
import { DEMO_IDLE_STORE_ID } from '../../src/sandbox/model/index.js';
import { removeHomes, type ScenarioSpec } from './helpers/schedule-engine.js';
import { expectCaught, kscliStep, schedule, withPort } from './helpers/sabotage-kit.js';

const bug = vi.hoisted(() => ({ active: undefined as string | undefined }));

vi.mock('../../src/workflow/plan-runner/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/workflow/plan-runner/index.js')>();
  return {
    ...real,
    // R1-prompt: the confirmation prompt is skipped on a terminal (the run goes ahead as if confirmed)
    runPlan: async (deps: any, spec: any, hooks: any, opts?: any) =>
      real.runPlan(
        bug.active === 'R1-prompt' ? { ...deps, prompter: { confirmDestructive: async () => true } } : deps,
        spec,
        hooks,
        opts,
      ),
  };
});

vi.mock('../../src/workflow/plan-runner/apply-items.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/workflow/plan-runner/apply-items.js')>();
  return {
    ...real,
    // recheck: the target is not read again right before its call (the plan's view is trusted)
    applyPlan: (executables: any[], opts: any) =>
      real.applyPlan(
        bug.active === 'recheck' ? executables.map((e) => ({ ...e, recheck: undefined })) : executables,
        opts,
      ),
  };
});

vi.mock('../../src/workflow/delete-store.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/workflow/delete-store.js')>();
  return {
    ...real,
    // re-list: the re-check before DeleteCustomKeyStore reads the store but not its keys again
    // (the keys the plan found are taken as still true)
    planDeleteStore: async (...args: Parameters<typeof real.planDeleteStore>) => {
      const plan = await real.planDeleteStore(...args);
      if (bug.active !== 're-list') return plan;
      const [ctx, , storeKeys] = args;
      for (const ex of plan.executables)
        if (ex.item.action === real.DELETE_STORE && ex.recheck)
          ex.recheck = async () => {
            const store = await ctx.aws.kms().describeStore(ctx.store.id);
            return real.evaluateDeleteStore(ctx.store.id, !!store, store?.connectionState, storeKeys, false);
          };
      return plan;
    },
  };
});

vi.mock('../../src/workflow/plan-file/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/workflow/plan-file/index.js')>();
  return {
    ...real,
    // drift: apply does not compare the world with the saved plan (the apply-item restriction stays)
    staleness: async (...args: Parameters<typeof real.staleness>) =>
      bug.active === 'drift' ? [] : real.staleness(...args),
  };
});

vi.mock('../../src/workflow/evidence/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/workflow/evidence/index.js')>();
  return {
    ...real,
    // alarm: the alarm-in-place check passes whatever CloudWatch holds
    alarmInPlace: async (...args: Parameters<typeof real.alarmInPlace>) =>
      bug.active === 'alarm' ? { name: 'alarm-in-place', ok: true } : real.alarmInPlace(...args),
  };
});

vi.mock('../../src/workflow/evidence/logs-coverage.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/workflow/evidence/logs-coverage.js')>();
  return {
    ...real,
    // B11 (partial log group): the log group's reach (its creation, retention, oldest event) is
    // not read: a group shorter than the window is taken as covering all of it, so the query runs
    // over the whole window (the sandbox answers Complete with what the group holds) and neither
    // LookupEvents for the older days nor GetKeyLastUsage is asked. (Turning `extent` to full
    // alone is caught by kscli's own second lock: the verdict compares the evidence's start with
    // each key's window and says unknown.)
    surveyLogCoverage: async (...args: Parameters<typeof real.surveyLogCoverage>) => {
      const c = await real.surveyLogCoverage(...args);
      return bug.active === 'partial-log-group' && c.extent === 'partial'
        ? { ...c, extent: 'full' as const, from: args[1].windowStart, limits: [] }
        : c;
    },
  };
});

afterEach(() => {
  bug.active = undefined;
});
afterAll(() => removeHomes());

/** kscli's Logs Insights port with GetQueryResults' answer rewritten. */
const queryAnswer = (rewrite: (status: string) => boolean): AwsPorts =>
  withPort('logs', (real) => ({
    getQueryResults: async (id) => {
      const r = await real.getQueryResults(id);
      return rewrite(r.status) ? { ...r, status: 'Complete' } : r;
    },
  }));

interface WorldSabotage {
  invariant: string;
  /** the promise, and the safeguard removed */
  name: string;
  ports?: AwsPorts;
  module?: string;
  schedule: ScenarioSpec;
}

const ALL_FLAGS = ['--allow-in-use', '--allow-unknown-usage', '--no-alarm', '--allow-data-loss'];

const SABOTAGES: WorldSabotage[] = [
  {
    invariant: 'O1',
    name: 'a failed CloudTrail LookupEvents is read as "no events" (the key looks unused)',
    ports: withPort('cloudtrail', (real) => ({
      lookupEvents: async (q, onPage) => {
        try {
          return await real.lookupEvents(q, onPage);
        } catch {
          return [];
        }
      },
    })),
    schedule: schedule([kscliStep({ fault: { kind: 'errorRate', op: 'LookupEvents', rate: 1, seed: 1 } })]),
  },
  {
    invariant: 'O1',
    name: 'Logs Insights trust check (an answer at all): a failed GetQueryResults is read as a complete query with no rows',
    ports: withPort('logs', (real) => ({
      getQueryResults: async (id) => {
        try {
          return await real.getQueryResults(id);
        } catch {
          return {
            status: 'Complete',
            rows: [],
            statistics: { recordsMatched: 0, recordsScanned: 1, bytesScanned: 1 },
          };
        }
      },
    })),
    schedule: schedule([kscliStep({ fault: { kind: 'errorRate', op: 'GetQueryResults', rate: 1, seed: 1 } })]),
  },
  {
    invariant: 'O1',
    name: 'Logs Insights trust check (status Complete): a query a colleague cancelled is read as complete (its rows so far: none)',
    ports: queryAnswer((s) => s === 'Cancelled'),
    schedule: schedule([kscliStep({ readRace: { op: 'StartQuery', afterPrompt: false, what: 'stop-query' } })], {
      insightsRunMs: 4000,
    }),
  },
  {
    invariant: 'O1',
    name: 'Logs Insights trust check (status Complete): a query still Running is read as complete with its partial rows (kscli stops polling: the keys look unused, no fallback)',
    ports: queryAnswer((s) => s === 'Running' || s === 'Scheduled'),
    // --allow-in-use: GetKeyLastUsage (a second source) would block the used key anyway; the gap is the query's
    schedule: schedule([kscliStep()], { insightsRunMs: 4000 }),
  },
  {
    invariant: 'O1',
    name: 'Logs Insights trust check (coverage): a log group created 20 days ago is taken as covering the 90-day window (judged by what the reads covered against what the group held)',
    module: 'partial-log-group',
    schedule: schedule([kscliStep()], { shortLogGroup: { how: 'created', days: 20 } }),
  },
  {
    invariant: 'O1',
    name: 'Logs Insights trust check (coverage): a log group keeping 1 day is taken as covering the window, so the Decrypt of 3 days ago (in CloudTrail event history only) is missed',
    module: 'partial-log-group',
    schedule: schedule([kscliStep({ flags: ['--no-alarm', '--allow-data-loss'] })], {
      shortLogGroup: { how: 'retention', days: 1 },
    }),
  },
  {
    invariant: 'O1',
    name: 'Logs Insights trust check (coverage), with --evidence logs (the log group alone: issue 23 makes the uncovered stretch a gap): a log group created 20 days ago is taken as covering the window',
    module: 'partial-log-group',
    schedule: schedule([kscliStep({ evidence: 'logs' })], { shortLogGroup: { how: 'created', days: 20 } }),
  },
  {
    invariant: 'R1',
    name: 'the confirmation prompt is skipped on a terminal (judged from the prompter transcript)',
    module: 'R1-prompt',
    schedule: schedule([kscliStep({ confirm: 'prompt', flags: ALL_FLAGS })]),
  },
  {
    invariant: 'P3',
    name: "apply's drift comparison alone removed (the apply-item restriction stays): a saved plan applied after a colleague created a key in the store",
    module: 'drift',
    schedule: schedule([
      kscliStep({ flags: ALL_FLAGS, planOut: true }),
      { kind: 'actor', action: 'create-key', pick: 0 },
      { kind: 'apply', pick: 0, tamper: false },
    ]),
  },
  {
    invariant: 'S2',
    name: "delete-store's re-list before DeleteCustomKeyStore alone removed: a colleague connects the DISCONNECTED store and creates a key in it between the re-check's store read and the delete",
    module: 're-list',
    schedule: schedule(
      [
        kscliStep({
          cmd: 'delete-store',
          confirm: 'prompt',
          flags: ALL_FLAGS,
          readRace: { op: 'DescribeCustomKeyStores', afterPrompt: true, what: 'connect-create' },
        }),
      ],
      { store: DEMO_IDLE_STORE_ID },
    ),
  },
  {
    invariant: 'A1',
    name: 'the alarm-in-place check alone removed: keys are scheduled with no pending-deletion alarm and no --no-alarm',
    module: 'alarm',
    schedule: schedule([kscliStep({ flags: ['--allow-in-use', '--allow-unknown-usage', '--allow-data-loss'] })]),
  },
  {
    invariant: 'S4',
    name: 'the re-check before each call alone removed: a colleague disconnects the CloudHSM store after the first ScheduleKeyDeletion',
    module: 'recheck',
    schedule: schedule([kscliStep({ flags: ALL_FLAGS, midBatch: { after: 1, what: 'disconnect' } })]),
  },
];

describe('each safeguard is necessary on its own, judged from the world (issue 18)', () => {
  for (const s of SABOTAGES) {
    it(`${s.invariant}: ${s.name}`, { timeout: 120_000 }, async () => {
      await expectCaught(s.invariant, s.schedule, {
        ports: s.ports,
        arm: () => {
          bug.active = s.module;
        },
      });
    });
  }
});
