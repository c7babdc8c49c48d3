/**
 * The in-process harness hands a freshly built demo state to the model the first time a start time
 * is asked for, and a parsed copy of its JSON after that (helpers/in-process-sandbox.ts demoState,
 * issue 17). Both must be the same state: the demo must be plain JSON data (no undefined members,
 * no Dates, no NaN), and each call must give a state of its own.
 */
import { describe, expect, it } from 'vitest';
import { demoState, IN_PROCESS_EPOCH } from './helpers/in-process-sandbox.js';

/** scenario() stamps clockOffsetMs against the wall clock; createModel replaces it from its own `now` */
const withoutOffset = (state: unknown): Record<string, unknown> => {
  const { clockOffsetMs: _ignored, ...rest } = state as Record<string, unknown>;
  return rest;
};

describe('in-process demo state', () => {
  it('is the same built fresh or parsed from JSON, and never shared between two sandboxes', () => {
    for (const start of [IN_PROCESS_EPOCH + 7 * 60_000, Date.UTC(2027, 1, 3, 4, 5)]) {
      const first = demoState(start) as Record<string, unknown>;
      expect(first).toStrictEqual(JSON.parse(JSON.stringify(first)));
      const second = demoState(start) as Record<string, unknown>;
      const third = demoState(start) as Record<string, unknown>;
      expect(withoutOffset(second)).toStrictEqual(withoutOffset(first));
      expect(withoutOffset(third)).toStrictEqual(withoutOffset(first));
      expect(second).not.toBe(first);
      expect(third).not.toBe(second);
      (second.keys as unknown[]).length = 0;
      expect((third.keys as unknown[]).length).toBeGreaterThan(0);
    }
  });
});
