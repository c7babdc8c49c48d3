/**
 * The order test files start in (vitest.config.ts `sequence.sequencer`).
 *
 * Vitest starts the files that took longest last time first, from its results cache; a fresh
 * clone (CI) has no cache and starts the largest files first. The in-process property test takes
 * three to four times longer than any other file (1,300 generated schedules), and started by size
 * it began 447 s into a run and ran alone at its end: the suite's wall time was its start plus its
 * length. It goes first; the rest keep vitest's order.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** the longest files, longest first (paths from the repository root) */
const LONGEST = ['test/reliability/invariants.property.test.ts'];

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
