/**
 * Issue 6 item 7: invariants under random schedules. fast-check generates sequences of
 *   - kscli runs (schedule-deletion with random --key / --exclude-key subsets, keys of other stores
 *     among them; cancel-deletion [--enable]; disconnect-store; delete-store), with random override
 *     flags, --yes or a confirmation prompt, and injected faults (5xx, throttling, dropped
 *     connections before or after the call was handled, stale reads);
 *   - a colleague acting on the same account: creating a key in the store, scheduling or
 *     cancelling a deletion, disconnecting or connecting the store, a pending key deleted as the
 *     clock passes its date;
 *     at any time between runs, WHILE the plan is on screen (between plan and apply), or between two
 *     mutating calls of a batch;
 *   - SIGINT between two mutating calls of a batch;
 *   - clock advances;
 *   - plans saved with --plan-out, applied later with `kscli apply FILE --yes` (after the colleague or
 *     the clock moved the world, or not; now and then the file edited after saving: exit 2);
 * and after every run checks the invariants of helpers/invariants.ts (S1-S5, J1-J3, E1). At the end,
 * with faults and the colleague gone, re-running delete-store (advancing the clock while it says
 * "pending", adding the override flags its "blocked" message names) must reach "store deleted".
 *
 * Target stores: the demo CloudHSM store (5 keys), the external key store, the idle CloudHSM store.
 * kscli runs in-process (src/cli.ts `run`) against the sandbox's account model through the real
 * AWS adapters (helpers/in-process-sandbox.ts; in-process-fidelity.test.ts shows it makes the same
 * requests as over HTTP). Issue 17 measured the whole file (1,000 legacy + 300 every-path runs) at
 * 103-110 s of CPU alone on the 2-core CI machine (117 s before the harness work of sessions 6 and
 * 7), a fifth of a whole `npm test`; the every-path runs cost about twice as much each (the fast
 * DescribeKey path signs requests).
 *
 * How many runs: `npm test` is the developer's loop and replays the first 500 legacy and 150
 * every-path schedules of the fixed seeds (about 50 s of CPU); CI (`.ci/run`) replays 1,000 and
 * 300 (KSCLI_PROPERTY_RUNS=1000), so nothing lands that the longer set catches. The coverage floors
 * below scale with the count: every floor holds for 500 (printed with KSCLI_RELIABILITY_VERBOSE=1).
 *
 *   KSCLI_PROPERTY_RUNS=1000 npm run test:property       what CI runs
 *   KSCLI_PROPERTY_RUNS=20000 npm run test:property      more runs
 *   KSCLI_PROPERTY_SEED=<seed> KSCLI_PROPERTY_PATH=<path> npm run test:property
 *                                                        replay a failure (fast-check prints both)
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_KEYS, DEMO_STORE_ID, DEMO_IDLE_STORE_ID } from '../../src/sandbox/model/index.js';
import { InProcessSandbox } from './helpers/in-process-sandbox.js';
import { coverage, everyPathArb, play, removeHomes, scenarioArb } from './helpers/schedule-engine.js';
import { storeFacts } from './helpers/world.js';

/** the developer's loop; CI sets KSCLI_PROPERTY_RUNS=1000 (see the header) */
const RUNS = Number(process.env.KSCLI_PROPERTY_RUNS ?? 500);
/**
 * The coverage floors are written for 1,000 legacy (300 every-path) runs and scale with the count
 * down to half of it; a shorter set (a replayed path, a quick local run) checks no floor.
 */
const FLOOR_SCALE = RUNS / 1000;
const floor = (n: number): number => n * FLOOR_SCALE;

type Counter = Exclude<keyof typeof coverage, 'exits'>;
/** Each counter's gain over the set went above its floor (written for the CI count), scaled by `scale`. */
function expectFloors(gained: (c: Counter) => number, floors: Partial<Record<Counter, number>>, scale: number): void {
  for (const [counter, n] of Object.entries(floors) as Array<[Counter, number]>)
    expect(gained(counter), `${counter}: the schedules took this path too rarely`).toBeGreaterThan(n * scale);
}
/**
 * The legacy generator's floors (the generated schedules really took the interesting paths: a
 * property that never meets a fault, a race or an interrupt proves nothing about them).
 */
const LEGACY_FLOORS: Partial<Record<Counter, number>> = {
  promptRaces: 50,
  midBatchActs: 50,
  sigints: 20,
  faultedRuns: 100,
  blockedOnRecheck: 10,
  refusedPrompts: 50,
  dryRuns: 50,
  // AWS's deletion lag met kscli: runs while a key was past its DeletionDate but not deleted, and
  // convergence coming back exactly at the nextRunAfter kscli named
  runsDuringLag: 20,
  cameBackAtNextRun: 100,
  // saved plans applied later (P1, P2): some acted, some were refused because the world moved, some were edited
  planFilesSaved: 100,
  appliesApplied: 20,
  appliesRefused: 20,
  appliesTampered: 10,
};
/** The every-path generator's floors, written for 300 runs: the new paths were really taken. */
const EVERY_FLOORS: Partial<Record<Counter, number>> = {
  alarmRuns: 20,
  scopedDeleteStores: 20,
  appliesDisturbed: 20,
  readRaces: 20,
  queriesStopped: 3,
  // B11: log groups shorter than the evidence window
  shortLogGroups: 20,
};
/**
 * `npm test` replays fixed seeds so that its coverage floors below (how many runs met a SIGINT, a
 * fault, a race) are facts about one known schedule set, not a draw: with a fresh seed each run, the
 * SIGINT count landed on exactly the floor once in CI (20 of 1,000 runs) and failed a green build.
 * `KSCLI_PROPERTY_SEED=random` draws fresh seeds (fast-check prints the seed and path of a failure);
 * `KSCLI_PROPERTY_SEED=<n>` replays one.
 */
const LEGACY_SEED = 6;
const SEED =
  process.env.KSCLI_PROPERTY_SEED === 'random'
    ? undefined
    : process.env.KSCLI_PROPERTY_SEED !== undefined
      ? Number(process.env.KSCLI_PROPERTY_SEED)
      : LEGACY_SEED;
const PATH = process.env.KSCLI_PROPERTY_PATH;
/** issue 18: schedules over every path (alarm, scoped delete-store, disturbed applies, evidence faults, read races) */
const EVERY_RUNS = Number(process.env.KSCLI_PROPERTY_EVERY_RUNS ?? Math.round(RUNS * 0.3));
/**
 * The every-path generator is young: its oracle met one false alarm in its first random runs (a
 * failed LookupEvents segment superseded by the per-key fallback's whole-window read, now judged
 * in world-oracle.ts). Until it has as many runs behind it as the legacy generator, `npm test`
 * replays a fixed seed; KSCLI_PROPERTY_SEED picks another, `KSCLI_PROPERTY_SEED=random` a fresh one.
 */
const EVERY_SEED =
  process.env.KSCLI_PROPERTY_SEED === 'random'
    ? undefined
    : process.env.KSCLI_PROPERTY_SEED !== undefined
      ? Number(process.env.KSCLI_PROPERTY_SEED)
      : 18;

afterAll(() => removeHomes());

describe('invariants under random schedules (issue 6 item 7)', () => {
  it('sanity: the demo store and its keys are what the generators assume', () => {
    const sb = new InProcessSandbox();
    expect(storeFacts(sb.model, DEMO_STORE_ID).keyIds).toContain(DEMO_KEYS.pending);
    expect(storeFacts(sb.model, DEMO_IDLE_STORE_ID).exists).toBe(true);
  });

  it(
    `holds every invariant (S1-S5, X1, K1, O1-O2, N1-N2, B1, D1, R1, P1-P2, J1-J3, E1, I1-I2) after every step and converges (C1, C2, C4, C5), over ${RUNS} generated runs`,
    { timeout: Math.max(600_000, RUNS * 600) },
    async () => {
      await fc.assert(
        fc.asyncProperty(scenarioArb, async (spec) => {
          await play(spec);
        }),
        {
          numRuns: RUNS,
          ...(SEED !== undefined ? { seed: SEED } : {}),
          ...(PATH ? { path: PATH } : {}),
          endOnFailure: process.env.KSCLI_PROPERTY_SHRINK === '0',
        },
      );
      if (process.env.KSCLI_RELIABILITY_VERBOSE) console.info(JSON.stringify(coverage));
      // the generated schedules really took the interesting paths (LEGACY_FLOORS)
      if (RUNS >= 500 && PATH === undefined) {
        expect(coverage.converged).toBe(coverage.scenarios);
        for (const code of ['0', '1', '3', '8', '130'])
          expect(coverage.exits[code] ?? 0, `no run ended with exit ${code}`).toBeGreaterThan(floor(10));
        expectFloors((c) => coverage[c], LEGACY_FLOORS, FLOOR_SCALE);
      }
    },
  );

  it(
    `holds every invariant over ${EVERY_RUNS} schedules over every path (issue 18: alarm, delete-store --key/--exclude-key, apply under faults/SIGINT/a colleague, evidence faults, a colleague between two reads, stopped and slow Logs Insights queries)`,
    { timeout: Math.max(600_000, EVERY_RUNS * 600) },
    async () => {
      const before = { ...coverage };
      await fc.assert(
        fc.asyncProperty(everyPathArb, async (spec) => {
          await play(spec);
        }),
        {
          numRuns: EVERY_RUNS,
          ...(EVERY_SEED !== undefined ? { seed: EVERY_SEED } : {}),
          ...(process.env.KSCLI_PROPERTY_EVERY_PATH ? { path: process.env.KSCLI_PROPERTY_EVERY_PATH } : {}),
          endOnFailure: process.env.KSCLI_PROPERTY_SHRINK === '0',
        },
      );
      if (process.env.KSCLI_RELIABILITY_VERBOSE) console.info(JSON.stringify(coverage));
      if (EVERY_RUNS >= 150 && !process.env.KSCLI_PROPERTY_EVERY_PATH) {
        expectFloors((c) => coverage[c] - before[c], EVERY_FLOORS, EVERY_RUNS / 300);
      }
    },
  );
});
