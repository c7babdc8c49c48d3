/**
 * Child processes of the benchmark: every one is tracked, bounded in time, and killed (with its
 * whole process group: the AWS CLI loop's shell starts grandchildren) when the run ends, even on an
 * error or Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';

const live = new Set();
/** Set once the run is being torn down: no new child may start after that. */
let shuttingDown = false;

function refuseIfShuttingDown(cmd) {
  if (shuttingDown) throw new Error(`not starting ${cmd}: the benchmark is stopping`);
}

/** Signals the child's process group (it was started detached, so it leads one). */
function killGroup(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** SIGTERM every live child (the sandbox saves its state on it), SIGKILL what is left after `graceMs`. */
export async function killAll(graceMs = 3000) {
  shuttingDown = true;
  const children = [...live];
  for (const child of children) killGroup(child, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while ([...live].length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const child of live) killGroup(child, 'SIGKILL');
}

/** Synchronous last resort for `process.on('exit')`: no waiting is possible there. */
export function killAllNow() {
  shuttingDown = true;
  for (const child of live) killGroup(child, 'SIGKILL');
}

function track(child) {
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  return child;
}

/**
 * Runs a command to completion; resolves `{code, signal, stdout, stderr, wallMs, startedAtMs, timedOut}`.
 * Wall time runs from spawn to exit, as a user at a shell would feel it.
 */
export function run(cmd, args, { env, cwd, timeoutMs = 120_000, input } = {}) {
  refuseIfShuttingDown(cmd);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const startedAtMs = Date.now();
    const child = track(spawn(cmd, args, { env, cwd, detached: true, stdio: ['pipe', 'pipe', 'pipe'] }));
    const out = [];
    const err = [];
    let timedOut = false;
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGKILL');
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        wallMs: performance.now() - started,
        startedAtMs,
        timedOut,
      });
    });
    child.stdin.end(input ?? '');
  });
}

/** Is `cmd` runnable (`cmd --version` exits 0)? */
export async function available(cmd, env) {
  try {
    const r = await run(cmd, ['--version'], { env, timeoutMs: 30_000 });
    return r.code === 0 ? (r.stdout + r.stderr).trim().split('\n')[0] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A long-running child that prints a readiness line first (`kscli sandbox serve`): resolves with
 * the child and the first stdout line once it appears, rejects if the child exits or is too slow.
 */
export function startServer(cmd, args, { env, cwd, timeoutMs = 60_000 } = {}) {
  refuseIfShuttingDown(cmd);
  return new Promise((resolve, reject) => {
    const child = track(spawn(cmd, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }));
    const err = [];
    child.stderr.on('data', (d) => err.push(d));
    const lines = createInterface({ input: child.stdout });
    const fail = (why) => {
      clearTimeout(timer);
      killGroup(child, 'SIGKILL');
      reject(new Error(`${[cmd, ...args].join(' ')}: ${why}\n${Buffer.concat(err).toString('utf8').slice(-2000)}`));
    };
    const timer = setTimeout(() => fail(`no first line within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (e) => fail(e.message));
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal}) before it was ready`));
    lines.once('line', (line) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      // keep draining stdout so the child never blocks on a full pipe
      lines.on('line', () => {});
      resolve({ child, firstLine: line, stderr: () => Buffer.concat(err).toString('utf8') });
    });
  });
}

/** Stops one server: SIGTERM (the sandbox saves its state), SIGKILL after `graceMs`. */
export async function stop(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * CPU seconds a live process has used so far (user + system), from /proc; undefined where there is
 * no /proc (the row then reports no CPU split).
 */
export function cpuSecondsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the parenthesised command name: state is field 3, utime 14, stime 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100; // USER_HZ is 100 on every Linux we run on
  } catch {
    return undefined;
  }
}

/** Removes a temporary directory, ignoring errors (the run must still report). */
export function removeDir(dir) {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    /* best effort */
  }
}
