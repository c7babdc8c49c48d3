/**
 * Issue 18: safeguards whose bugs only the WORLD-judged invariants can see (helpers/world-oracle.ts).
 * Each sabotage removes ONE safeguard of kscli and comes with a seeded schedule (the same engine,
 * `play`, as the generated runs) that needs it: the schedule passes with the real kscli (the check
 * can pass) and fails, under the invariant named for the safeguard, with the safeguard gone (the
 * check can fail). The judge reads the sandbox's request log (the faults it injected, the prompter's
 * transcript), never kscli's plan text, so kscli's misreading cannot blind it.
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { AwsPorts, CloudTrailPort, LogsPort } from '../../src/aws/ports.js';
import { DEMO_STORE_ID } from '../../src/sandbox/model/index.js';
import {
  DEFAULT_WORLD,
  play,
  realPorts,
  removeHomes,
  type ScenarioSpec,
  type Step,
} from './helpers/schedule-engine.js';

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

afterEach(() => {
  bug.active = undefined;
});
afterAll(() => removeHomes());

/** kscli's ports with one service's port wrapped. */
function withPort<K extends 'cloudtrail' | 'logs'>(
  service: K,
  wrap: (real: K extends 'logs' ? LogsPort : CloudTrailPort) => Partial<K extends 'logs' ? LogsPort : CloudTrailPort>,
): AwsPorts {
  const make = (region?: string) => {
    const real = realPorts[service](region) as K extends 'logs' ? LogsPort : CloudTrailPort;
    const replaced = wrap(real) as Record<string, unknown>;
    return new Proxy(real as object, {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && prop in replaced) return replaced[prop];
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  };
  return { ...realPorts, region: realPorts.region, [service]: make } as AwsPorts;
}

/** One schedule-deletion run of the demo store, with the given flags, confirmation and fault. */
function scheduleDeletion(over: Partial<Extract<Step, { kind: 'kscli' }>>): ScenarioSpec {
  return {
    store: DEMO_STORE_ID,
    disconnectMs: 2000,
    world: DEFAULT_WORLD,
    steps: [
      {
        kind: 'kscli',
        cmd: 'schedule-deletion',
        keys: [],
        exclude: [],
        alias: false,
        shortWait: false,
        arnForm: false,
        enable: false,
        flags: ['--allow-in-use', '--no-alarm', '--allow-data-loss'],
        windowDays: 7,
        confirm: 'yes',
        dryRun: false,
        planOut: false,
        ...over,
      },
    ],
  };
}

interface WorldSabotage {
  invariant: string;
  /** the safeguard removed */
  name: string;
  ports?: AwsPorts;
  module?: string;
  schedule: ScenarioSpec;
}

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
    schedule: scheduleDeletion({ fault: { kind: 'errorRate', op: 'LookupEvents', rate: 1, seed: 1 } }),
  },
  {
    invariant: 'O1',
    name: 'Logs Insights trust check: a failed GetQueryResults is read as a complete query with no rows',
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
    schedule: scheduleDeletion({ fault: { kind: 'errorRate', op: 'GetQueryResults', rate: 1, seed: 1 } }),
  },
  {
    invariant: 'R1',
    name: 'the confirmation prompt is skipped on a terminal (judged from the prompter transcript)',
    module: 'R1-prompt',
    schedule: scheduleDeletion({
      confirm: 'prompt',
      flags: ['--allow-in-use', '--allow-unknown-usage', '--no-alarm', '--allow-data-loss'],
    }),
  },
];

describe('world-judged invariants catch safeguards removed one at a time (issue 18)', () => {
  for (const s of SABOTAGES) {
    const tag = new RegExp(`^${s.invariant} `, 'm');
    it(`${s.invariant}: ${s.name}`, { timeout: 120_000 }, async () => {
      // with the real kscli the seeded schedule passes: the check can pass
      await play(s.schedule);
      // with the safeguard removed, the invariant named for it fires: the check can fail
      bug.active = s.module;
      const err = await play(s.schedule, s.ports).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err?.message ?? 'the sabotage went unnoticed').toMatch(tag);
    });
  }
});
