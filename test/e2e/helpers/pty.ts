/**
 * Runs kscli on a pseudo-terminal, for the interactive paths (the typed confirmation, Ctrl-C at the
 * prompt), through util-linux `script`, which every Linux CI image has: no native module needed.
 * The test scripts the operator: wait until the output matches, then type.
 *
 * Returns the same RunResult as runKscli (stdout holds everything the terminal showed: stdout and
 * stderr are one stream on a terminal). `ptyAvailable` is false where `script` is missing; tests
 * skip with a message then.
 */
import { spawn, spawnSync } from 'node:child_process';
import { BIN, ROOT } from './build.js';
import { toProcessEnv, type Env } from './env.js';
import type { RunResult } from './run.js';

export const ptyAvailable = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

export interface PtyStep {
  /** wait until the terminal output (ANSI codes removed) matches */
  waitFor: RegExp;
  /** then type this (use '\r' for Enter, '\x03' for Ctrl-C) */
  send: string;
}

// eslint-disable-next-line no-control-regex -- terminal output: ANSI escape sequences are what we strip
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g;
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function runInPty(
  args: string[],
  opts: {
    env: Env;
    steps?: PtyStep[];
    timeoutMs?: number;
    /** leave ANSI escapes in stdout (colour checks) */ keepAnsi?: boolean;
    /** the terminal's size (`stty` on the pty before kscli starts); default: none reported */
    size?: { cols: number; rows: number };
  },
): Promise<RunResult> {
  const steps = opts.steps ?? [];
  const started = Date.now();
  const kscli = [process.execPath, BIN, ...args].map(quote).join(' ');
  // the pty `script` opens reports no size unless told: a size is set like a terminal window's
  const command = opts.size ? `stty cols ${opts.size.cols} rows ${opts.size.rows} && exec ${kscli}` : kscli;
  return new Promise((resolve, reject) => {
    // -q quiet, -f flush, -e return the child's exit code, -c run this command; no typescript file
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: ROOT,
      env: toProcessEnv({ SHELL: '/bin/sh', ...opts.env }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    let stderr = '';
    let step = 0;
    let timedOut = false;
    const advance = () => {
      while (step < steps.length && steps[step]!.waitFor.test(screen.replace(ANSI, ''))) {
        child.stdin.write(steps[step]!.send);
        step += 1;
      }
    };
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      screen += s;
      advance();
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.stdin.on('error', () => {});
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const text = opts.keepAnsi ? screen : screen.replace(ANSI, '');
      resolve({
        args,
        code,
        signal,
        stdout: text,
        stderr,
        timedOut,
        durationMs: Date.now() - started,
        stderrLines: stderr.split('\n').filter((l) => l.trim() !== ''),
        json: () => {
          throw new Error('a terminal run has no separate JSON stdout');
        },
        describe: () =>
          `kscli ${args.join(' ')} (on a pty; ${step}/${steps.length} steps typed)\n-> exit ${code}${timedOut ? ' TIMED OUT' : ''}\n--- terminal ---\n${text}\n--- script stderr ---\n${stderr}`,
      });
    });
  });
}
