/**
 * The run's clean-up of processes a dead test file left (test/leftover-processes.ts, called from
 * test/global-setup.ts): it stops a process running kscli's binary with the run's directory in its
 * environment, orphaned as a `sandbox serve` is when its worker gets SIGKILL, and nothing else: not
 * the same binary run from outside the run's directory, not another program inside it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { leftoverProcesses, reapLeftovers } from '../leftover-processes.js';

const started: ChildProcess[] = [];
afterAll(() => {
  for (const c of started) c.kill('SIGKILL');
});

/** a process that idles until killed, detached from this one (as an orphan is), with `env` */
function idle(script: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, [script, 'sandbox', 'serve'], { env, stdio: 'ignore', detached: true });
  child.unref();
  started.push(child);
  return child;
}
const exited = (c: ChildProcess) =>
  c.exitCode !== null || c.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => c.once('exit', () => resolve()));

describe.skipIf(!existsSync('/proc/self/environ'))('leftover kscli processes of a test run', () => {
  it('are the binary’s processes with the run’s directory in their environment, and only those', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'kscli-leftovers-run-'));
    const outside = mkdtempSync(join(tmpdir(), 'kscli-leftovers-other-'));
    mkdirSync(join(runDir, 'bin'));
    const bin = join(runDir, 'bin', 'kscli.js');
    const other = join(runDir, 'bin', 'other.js');
    for (const f of [bin, other]) writeFileSync(f, 'setInterval(() => {}, 1000);\n');
    const env = (home: string) => ({ PATH: process.env.PATH, HOME: home });

    const orphan = idle(bin, env(join(runDir, 'home')));
    const byHand = idle(bin, env(outside));
    const otherProgram = idle(other, env(join(runDir, 'home')));
    // the processes are up once /proc shows their environment
    await expect.poll(() => leftoverProcesses(runDir, bin), { timeout: 10_000 }).toEqual([orphan.pid]);

    expect(reapLeftovers(runDir, bin)).toEqual([orphan.pid]);
    await exited(orphan);
    expect(orphan.signalCode).toBe('SIGKILL');
    expect(byHand.exitCode ?? byHand.signalCode).toBeNull();
    expect(otherProgram.exitCode ?? otherProgram.signalCode).toBeNull();
    expect(leftoverProcesses(runDir, bin)).toEqual([]);
  });
});
