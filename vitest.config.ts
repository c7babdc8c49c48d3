import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // e2e tests spawn the built binary and sandbox servers; two cores, so keep the pool small.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        // Unit tests import src/ and call it: no child processes, no signals, no process-wide state
        // a test leaves behind (class-level SDK mocks are restored in afterAll, env stubs undone).
        // They share one module graph per worker thread instead of re-importing src/ and the SDK
        // for each of 135 files: 135 s of CPU became 45-50 s (import time 74 s -> 14 s), and
        // shuffled file orders pass (`--sequence.shuffle.files --sequence.seed=N`).
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], pool: 'threads', isolate: false },
      },
      {
        extends: true,
        // the binary's behaviour (argv, exit codes, signals, TTY, protocols) and the property tests,
        // some with vi.mock: each file in a process of its own
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts', 'test/reliability/**/*.test.ts'] },
      },
    ],
  },
});
