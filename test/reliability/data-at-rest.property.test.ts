/**
 * Issue 19's invariant, judged from the world (helpers/data-at-rest.ts): random worlds (resources
 * of every searched kind placed under random keys of the demo store, naming the key by ID, ARN,
 * alias name or alias ARN; a recorder recording some types or stopped), random --dependents modes
 * and overrides, one Config or direct-read operation failing every time; after each run:
 *   DL1 no key the world holds data under is scheduled without --allow-data-loss (or its permitted
 *       stand-ins: --dependents off; --allow-unknown-usage where the run could not look)
 *   DL2 the override that allowed it is in the journal's intent line for the call
 * The sabotages that prove each check can fire: sabotage-data-at-rest.property.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dataCase, dataPorts, runDataCase } from './helpers/data-at-rest.js';

const RUNS = 120;

describe('data at rest: no key holding data is scheduled without --allow-data-loss (world-judged)', () => {
  it(`${RUNS} random worlds and runs`, { timeout: 600_000 }, async () => {
    const { ports, ref } = dataPorts();
    const seen = { scheduledWithData: 0, blockedWithData: 0, faulted: 0, byMode: new Map<string, number>() };
    await fc.assert(
      fc.asyncProperty(dataCase, async (c) => {
        const run = await runDataCase(c, ports, ref);
        seen.scheduledWithData += run.scheduledWithData;
        seen.blockedWithData += run.blockedWithData;
        if (c.fault) seen.faulted++;
        seen.byMode.set(c.mode, (seen.byMode.get(c.mode) ?? 0) + 1);
        expect(run.violations, run.violations.join('\n')).toEqual([]);
        // documented exit codes only: 0 done, 3 blocked at the plan (1: a fault outlasted the retries)
        expect([0, 1, 3], `${run.argv.join(' ')}\n${run.result.stderr}`).toContain(run.result.code);
      }),
      { numRuns: RUNS, seed: 19 },
    );
    // the schedules exercised both sides of the invariant: keys with data scheduled (with an
    // override) and keys with data left alone, in every mode and under faults
    expect(seen.scheduledWithData).toBeGreaterThan(10);
    expect(seen.blockedWithData).toBeGreaterThan(10);
    expect(seen.faulted).toBeGreaterThan(RUNS / 4);
    expect([...seen.byMode.keys()].sort()).toEqual(['auto', 'config', 'direct', 'off']);
  });
});
