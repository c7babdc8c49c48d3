/**
 * One test file's world: a workspace, a `sandbox serve` child on a free port, and `kscli(...)`,
 * which runs the built kscli against it with the dummy credentials and `--endpoint-url`: in the
 * test's process, or as `node bin/kscli.js` with `{ runner: 'child' }` (runner.ts says which files
 * need that).
 *
 *   let t: E2E;
 *   beforeAll(async () => { t = await startE2E('runbook'); });
 *   afterAll(() => t?.stop());
 *   it('...', async () => {
 *     const mark = t.sandbox.mark();
 *     const r = await t.kscli(['find-keys', DEMO.hsmStore, '--output', 'json']);
 *     expectExit(r, 0);
 *     expectNoMutatingRequests(t.sandbox.requestsSince(mark));
 *   });
 *
 * One sandbox per file; tests inside a file that share its state run in order (vitest's default).
 */
import { assertBuilt } from './build.js';
import { kscliEnv, type EnvOptions } from './env.js';
import type { RunOptions, RunResult } from './run.js';
import { runKscliBy, type Runner } from './runner.js';
import { startServe, TEST_PACE, type ServedSandbox, type ServeOptions } from './sandbox-serve.js';
import { createWorkspace, type Workspace } from './workspace.js';

export interface KscliCall extends Partial<RunOptions>, EnvOptions {
  /** false: do not add `--endpoint-url <sandbox>` (default true) */
  endpoint?: boolean;
}

export interface E2E {
  ws: Workspace;
  sandbox: ServedSandbox;
  /** runs `kscli --endpoint-url <sandbox> ...args` (global options may follow the command too) */
  kscli(args: string[], call?: KscliCall): Promise<RunResult>;
  /** the env every kscli run gets (dummy credentials, isolated HOME and AWS files) */
  env(opts?: EnvOptions): ReturnType<typeof kscliEnv>;
  /** stops the server and removes the workspace (keeps it when KSCLI_E2E_KEEP=1, for debugging) */
  stop(): Promise<void>;
}

export interface E2EOptions {
  /** where `t.kscli` runs kscli (runner.ts): in process (the default) or as a child */
  runner?: Runner;
}

export async function startE2E(label: string, serve: ServeOptions = {}, opts: E2EOptions = {}): Promise<E2E> {
  assertBuilt();
  const ws = createWorkspace(label);
  const sandbox = await startServe(ws, serve);
  // a 'fast' sandbox answers the per-key evidence calls at TEST_PACE: kscli is told so (the
  // variadic --max-rps ends at the --endpoint-url that always follows it)
  const pace =
    (serve.timing ?? 'fast') === 'fast'
      ? ['--max-rps', ...Object.entries(TEST_PACE).map(([op, n]) => `${op}=${n}`)]
      : [];
  return {
    ws,
    sandbox,
    env: (opts) => kscliEnv(ws, opts),
    kscli(args, call = {}) {
      const env = call.env ?? kscliEnv(ws, { credentials: call.credentials, extra: call.extra });
      const full = call.endpoint === false ? args : [...pace, '--endpoint-url', sandbox.url, ...args];
      const run = { env, timeoutMs: call.timeoutMs ?? 60_000, stdin: call.stdin, cwd: call.cwd, onSpawn: call.onSpawn };
      return runKscliBy(opts.runner ?? 'in-process', full, run);
    },
    async stop() {
      await sandbox.stop();
      if (process.env.KSCLI_E2E_KEEP === '1') console.warn(`e2e: kept ${ws.dir}`);
      else ws.remove();
    },
  };
}
