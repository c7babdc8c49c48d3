/**
 * Runs the BUILT kscli in this test process: `run(argv, { io, env, system })` from dist/cli.js, the
 * module the binary's entry (src/main.ts) hands every argv to. The run is the binary's run minus
 * the process around it: the same bundle, commander parsing the same argv, the same env, real HTTP
 * to `kscli sandbox serve`, the same exit code, stdout and stderr (pipes: no TTY, no colour, no
 * prompt), the same schema check of its JSON.
 *
 * Why: a kscli child costs about 0.2 s of CPU before its first request (Node, the bundle, the SDK's
 * code cache) and runs its code cold; the suite starts about 700 of them (issue 17: npm test within
 * 4 minutes on 2 cores). In process, five workflow files took 48.8 s of CPU instead of 83.5 s with
 * the same 93 tests passing (measured side by side, session 9).
 *
 * What it does not cover, and where that is covered instead:
 * - src/main.ts (process.exitCode, closed stdout, SIGINT/SIGHUP/SIGTERM, `--version` before the
 *   program loads) and Node's start-up: the files that run every kscli as a child (`runner: 'child'`
 *   in startE2E: bad input, closed output, the terminal, completion, secrets, signals), and
 *   in-process-fidelity.test.ts, which runs the same commands both ways and compares everything;
 * - output written past `io` straight to the process's stdout/stderr (a library's warning): only a
 *   child shows it, so the fidelity test and the child files catch it;
 * - a second kscli at the same time (two runs racing for a lock), a test that signals the process
 *   (`onSpawn`) or writes to its stdin: those calls are children (runner.ts chooses);
 * - a time limit: a child is killed after `timeoutMs`; a run in process is bounded by the test's
 *   own timeout instead (a hung run fails its test either way).
 *
 * The SDK reads process.env itself (the credential chain, its own AWS_* settings), so the run's env
 * replaces process.env while it runs, as a child's env would: one in-process run at a time.
 * `KSCLI_E2E_RUNNER=child` runs every kscli of the suite as a child (the release check).
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isProcessAlive } from '../../../src/util/process-alive.js';
import { ROOT } from './build.js';
import { toProcessEnv } from './env.js';
import { runResult, type RunOptions, type RunResult } from './run.js';

type Cli = typeof import('../../../src/cli.js');
type RunContext = Parameters<Cli['run']>[1];

const CLI_MODULE = join(ROOT, 'dist', 'cli.js');
let cli: Promise<Cli> | undefined;
/** dist/cli.js, loaded by Node itself (vitest.config.ts: dist/ is external), once per test process */
const loadCli = (): Promise<Cli> => (cli ??= import(/* @vite-ignore */ pathToFileURL(CLI_MODULE).href) as Promise<Cli>);

let running = false;
/** an in-process run is under way: another kscli now must be a child (one process.env at a time) */
export const inProcessRunning = (): boolean => running;

/** the test runner's own variables stay: vitest's worker reads them while a test runs */
const runnerEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('VITEST')));

export async function runInProcess(args: string[], opts: RunOptions): Promise<RunResult> {
  if (running)
    throw new Error(
      'runInProcess: another in-process kscli run is under way (runner.ts runs a concurrent one as a child)',
    );
  if (opts.onSpawn) throw new Error('runInProcess: onSpawn needs a child process');
  const { run } = await loadCli();
  const started = Date.now();
  let stdout = '';
  let stderr = '';
  // src/ui/io.ts processIO on pipes: no TTY, so no colour, no progress bars, no prompt
  const io: RunContext['io'] = {
    out: { write: (s: string) => (stdout += s) },
    err: { write: (s: string) => (stderr += s) },
    in: process.stdin,
    isTTY: false,
    errIsTTY: false,
    color: false,
    canPrompt: () => false,
  };
  // src/main.ts's hooks without the signals: a test that sends one runs a child (onSpawn)
  const system: RunContext['system'] = {
    pid: process.pid,
    hostname: hostname(),
    isProcessAlive,
    onInterrupt: () => () => {},
    onTerminate: () => () => {},
    exit(code) {
      throw new Error(`kscli asked to exit the process (code ${code}): run this call as a child`);
    },
  };
  const savedEnv = process.env;
  const savedCwd = process.cwd();
  const cwd = opts.cwd ?? ROOT; // a child's default (run.ts)
  running = true;
  let code: number;
  try {
    // src/main.ts sets this one before any SDK module loads
    process.env = {
      ...runnerEnv(),
      ...toProcessEnv(opts.env),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    if (cwd !== savedCwd) process.chdir(cwd);
    code = await run(args, { io, env: process.env, system });
  } finally {
    process.env = savedEnv;
    if (cwd !== savedCwd) process.chdir(savedCwd);
    running = false;
  }
  return runResult({ args, code, signal: null, stdout, stderr, timedOut: false, started, where: 'in process' });
}
