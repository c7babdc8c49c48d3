/**
 * Where a test's kscli runs: in the test's process (run-in-process.ts, the default: the built
 * program without Node's start-up and src/main.ts) or as `node bin/kscli.js` (run.ts). The files
 * about the binary's own behaviour (argv errors and exit codes as a shell sees them, closed output,
 * the terminal, signals, secrets, locks held by two processes) say 'child'. A call that needs a
 * process of its own (onSpawn, stdin, or while another in-process run is under way) is a child
 * whatever the file says. `KSCLI_E2E_RUNNER=child` makes every run a child (the release check).
 */
import { runKscli, type RunOptions, type RunResult } from './run.js';
import { inProcessRunning, runInProcess } from './run-in-process.js';

export type Runner = 'in-process' | 'child';

const needsChild = (opts: RunOptions): boolean =>
  opts.onSpawn !== undefined || opts.stdin !== undefined || inProcessRunning();

export function runKscliBy(runner: Runner, args: string[], opts: RunOptions): Promise<RunResult> {
  const inProcess = runner === 'in-process' && process.env.KSCLI_E2E_RUNNER !== 'child' && !needsChild(opts);
  return inProcess ? runInProcess(args, opts) : runKscli(args, opts);
}
