/**
 * The order test files start in (vitest.config.ts `sequence.sequencer`).
 *
 * Vitest starts the files that took longest last time first, from its results cache; a fresh
 * clone (CI) has no cache and starts the largest files first. The in-process property test takes
 * three times longer than any other file (1,300 generated schedules), and started by size it began
 * 447 s into a run and ran alone at its end: the suite's wall time was its start plus its length.
 * The next longest files follow it, so that the small ones fill the end of the run: in session 9's
 * run 28, faults.e2e (54 s) and interrupt.e2e (24 s) started 221 s into a 305 s run.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** the longest files, longest first (paths from the repository root; seconds of wall in run 28) */
const LONGEST = [
  'test/reliability/invariants.property.test.ts', // 148
  'test/e2e/evidence-logs.test.ts', // 59
  'test/reliability/faults.e2e.test.ts', // 54
  'test/e2e/readme.test.ts', // 49
  'test/e2e/next-steps.test.ts', // 31
  'test/e2e/terminal-width.test.ts', // 24
  'test/reliability/interrupt.e2e.test.ts', // 24
  'test/e2e/secrets.test.ts', // 24
  'test/e2e/evidence.test.ts', // 24
  'test/e2e/in-process-fidelity.test.ts', // 23
  'test/e2e/bad-input.test.ts', // 22
  'test/e2e/closed-output.test.ts', // 20
];

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification): number => {
      const i = LONGEST.findIndex((path) => spec.moduleId.endsWith(path));
      return i < 0 ? LONGEST.length : i;
    };
    // Array.prototype.sort is stable: vitest's own order holds among files of one rank
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}
