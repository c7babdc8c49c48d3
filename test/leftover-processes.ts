/**
 * The kscli processes a test run left behind: children of a test worker that died without its
 * clean-up (SIGKILL, a crash, vitest ending a worker on a timeout). The harness stops its children
 * itself (helpers/sandbox-serve.ts stops every `sandbox serve` on exit), but a worker killed with
 * SIGKILL runs no code: its `sandbox serve` children kept their port and state file and lived on,
 * reparented to init, run after run on a developer's machine.
 *
 * A leftover of this run is a process of ours that runs kscli's binary (its command line names
 * `binPath`) with an environment variable inside the run's directory: every process a test starts
 * has one (TMPDIR from vitest.config.ts `env`, or, in the e2e harness's environment built from
 * nothing, HOME and KSCLI_COMPILE_CACHE_DIR under it), and nothing outside the run has one, so
 * neither a kscli the developer runs by hand nor another run's processes are touched. Read from
 * /proc (Linux; elsewhere there is nothing to read and nothing is reaped).
 */
import { readdirSync, readFileSync } from 'node:fs';

const readProc = (pid: string, file: string): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined; // gone meanwhile, or not ours to read
  }
};

/** pids of processes running `binPath` with an environment variable set to `runDir` or a path inside it */
export function leftoverProcesses(runDir: string, binPath: string): number[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid);
  } catch {
    return [];
  }
  return pids
    .filter((pid) => readProc(pid, 'cmdline')?.split('\0').includes(binPath))
    .filter((pid) =>
      readProc(pid, 'environ')
        ?.split('\0')
        .map((e) => e.slice(e.indexOf('=') + 1))
        .some((v) => v === runDir || v.startsWith(`${runDir}/`)),
    )
    .map(Number);
}

/** SIGKILLs the run's leftovers; returns their pids (a leftover means a test file died without its clean-up) */
export function reapLeftovers(runDir: string, binPath: string): number[] {
  const pids = leftoverProcesses(runDir, binPath);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // ended meanwhile
    }
  }
  return pids;
}
