import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { runTempDir } from './test/global-setup.js';
import { LongestFirst } from './test/sequencer.js';

/** every `*.test.ts` under a directory of the repository, as a path from the root */
const testFiles = (dir: string): string[] =>
  readdirSync(fileURLToPath(new URL(`./${dir}/`, import.meta.url)), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => `${dir}/${f}`);
const source = (file: string): string => readFileSync(fileURLToPath(new URL(`./${file}`, import.meta.url)), 'utf8');
/** replaces a module for the whole file: in a module graph shared with other files it would not take */
const mocksModules = (file: string): boolean => /\bvi\.(mock|doMock)\(/.test(source(file));

/**
 * The reliability files that need a process of their own: the built binary's (`*.e2e.test.ts`:
 * signals, child processes) and those that replace a kscli module or the environment for the
 * whole file (`vi.mock`, `vi.stubEnv`, `vi.stubGlobal`), which must not leak into another file.
 * Read from the files themselves, so a new file lands in the right project without a list to keep.
 */
const RELIABILITY = 'test/reliability';
const stubsProcess = (file: string): boolean => mocksModules(file) || /\bvi\.(stubEnv|stubGlobal)\(/.test(source(file));
const ownProcess = testFiles(RELIABILITY).filter((f) => f.endsWith('.e2e.test.ts') || stubsProcess(f));
/**
 * Unit files that mock a module: the unit project shares one module graph per worker, where a
 * module another file imported first stays the real one and the mock silently does not take.
 */
const unitMocking = testFiles('test/unit').filter(mocksModules);
/** e2e files that mock or stub for a whole file: the e2e files share their worker processes too */
const e2eStubbing = testFiles('test/e2e').filter(stubsProcess);

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
    // 811 s with two workers), so a third file overlaps those waits. A fourth does not pay: 346 s of
    // wall and 650 s of CPU against 332 s and 606 s with three (runs 23 and 22, quiet machine).
    maxWorkers: 3,
    // kscli silences the SDK's Node-version notice itself (src/main.ts); the tests that load the SDK
    // in-process would print it once per worker
    // TMPDIR: every temp dir of the run in one directory, removed at its end (test/global-setup.ts)
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', TMPDIR: runTempDir() },
    globalSetup: ['./test/global-setup.ts'],
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        extends: true,
        // Unit tests import src/ and call it: no child processes, no signals, no process-wide state
        // a test leaves behind (class-level SDK mocks are restored in afterAll, env stubs undone).
        // They share one module graph per worker thread instead of re-importing src/ and the SDK
        // for each of 135 files: 135 s of CPU became 45-50 s (import time 74 s -> 14 s), and
        // shuffled file orders pass (`--sequence.shuffle.files --sequence.seed=N`).
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          exclude: unitMocking,
          pool: 'threads',
          isolate: false,
        },
      },
      {
        extends: true,
        // The in-process reliability tests (kscli's `run` against the sandbox model or an in-process
        // server) import the whole of src/ and the SDK: in a process per file that import was most
        // of the small files' CPU. Sharing a module graph per worker thread, as the unit tests do,
        // took 9 of them from 46.5 s to 33.4 s of CPU (measured side by side, issue 17).
        test: {
          name: 'inproc',
          include: [`${RELIABILITY}/**/*.test.ts`],
          exclude: ownProcess,
          pool: 'threads',
          isolate: false,
          server: { deps: { external: [BUILT] } },
        },
      },
      {
        extends: true,
        // The end-to-end files: the built kscli against `kscli sandbox serve` over real HTTP, in
        // the test's process or as a child (test/e2e/helpers/runner.ts). Forks (process.chdir and
        // process.env per run need a process, not a thread), shared by the files of a worker: the
        // built program and the SDK load once per worker and stay warm, not once per file
        // (e2e and own-process projects alone: 438 s -> 416 s of CPU, session 9). Every file
        // starts its own sandbox and workspace; the harness restores the env and the working
        // directory after each in-process run.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          exclude: e2eStubbing,
          pool: 'forks',
          isolate: false,
          server: { deps: { external: [BUILT] } },
        },
      },
      {
        extends: true,
        // the reliability files about the binary's process (signals, child processes) and the files
        // that mock a module or stub the environment for a whole file: each in a process of its
        // own. (pool 'threads' saved no CPU here: six files of startE2E and three kscli runs each
        // took 16.5-18.1 s of CPU with either pool)
        test: {
          name: 'own-process',
          include: [...ownProcess, ...unitMocking, ...e2eStubbing],
          server: { deps: { external: [BUILT] } },
        },
      },
    ],
  },
});
