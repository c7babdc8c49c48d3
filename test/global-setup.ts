/**
 * One temporary directory per test run, removed when the run ends (vitest.config.ts
 * `globalSetup`). Every temp dir a test file makes (`mkdtempSync(join(tmpdir(), ...))`: homes,
 * workspaces, plan files, sandbox state, the SDK's code cache of the e2e runs) lands in it, because
 * the workers' TMPDIR points there (`os.tmpdir()` reads it), so a test that forgets its own
 * clean-up, or a file that fails half-way, no longer leaves directories in /tmp: a whole `npm test`
 * left about 1,400 of them (session 10 counted 16,000 `kscli-test-*` homes from earlier runs).
 * `KSCLI_E2E_KEEP=1` keeps it, with the workspaces the e2e harness names. Before it goes, the
 * kscli processes the run left running (a worker killed with SIGKILL cannot stop its `sandbox
 * serve` children) are stopped: test/leftover-processes.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reapLeftovers } from './leftover-processes.js';

const BIN = fileURLToPath(new URL('../bin/kscli.js', import.meta.url));

/** the run's directory: made when vitest.config.ts is read, in the main process, before any worker */
export function runTempDir(): string {
  return (process.env.KSCLI_TEST_RUN_TMPDIR ??= mkdtempSync(join(tmpdir(), 'kscli-tests-')));
}

/**
 * Projects inherit the root's globalSetup, and each loads this module anew: the count of setups
 * not torn down yet lives on globalThis, and the last teardown removes the directory.
 */
const run = globalThis as { kscliTestRunUsers?: number };

export default function setup(): () => void {
  const dir = runTempDir();
  run.kscliTestRunUsers = (run.kscliTestRunUsers ?? 0) + 1;
  return () => {
    run.kscliTestRunUsers = (run.kscliTestRunUsers ?? 1) - 1;
    if (run.kscliTestRunUsers > 0) return;
    // the kscli processes of a test file that died without its clean-up (leftover-processes.ts)
    const reaped = reapLeftovers(dir, BIN);
    if (reaped.length)
      console.warn(`tests: stopped ${reaped.length} kscli process(es) a test file left running: ${reaped.join(', ')}`);
    if (process.env.KSCLI_E2E_KEEP === '1') console.warn(`tests: kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  };
}
