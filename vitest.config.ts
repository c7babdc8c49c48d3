import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { LongestFirst } from './test/sequencer.js';

/**
 * The build (dist/), which the e2e harness imports a library entry of (helpers/schema-check.ts):
 * loaded by Node itself, like the binary loads it, not re-transformed and evaluated module by
 * module in every test file's process.
 */
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const BUILT = new RegExp(`^${escape(fileURLToPath(new URL('./dist/', import.meta.url)))}`);

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Three files at a time on two cores: since the build is a bundle, e2e files spend much of
    // their time waiting on the sandbox's simulated latencies and timeouts (run 12: 891 s of CPU in
    // 811 s with two workers), so a third file overlaps those waits.
    maxWorkers: 3,
    // kscli silences the SDK's Node-version notice itself (src/main.ts); the tests that load the SDK
    // in-process would print it once per worker
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    sequence: { sequencer: LongestFirst },
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
        // some with vi.mock: each file in a process of its own. (pool 'threads' saved no CPU here:
        // six files of startE2E and three kscli runs each took 16.5-18.1 s of CPU with either pool)
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/reliability/**/*.test.ts'],
          server: { deps: { external: [BUILT] } },
        },
      },
    ],
  },
});
