/**
 * Runs the built binary as a child process (`node bin/kscli.js ...args`) with pipes for stdin,
 * stdout and stderr, so it never has a TTY: exactly what a runbook or CI job sees. Captures
 * stdout, stderr and the exit code, with a time limit after which the child is killed and the
 * result says `timedOut`. A JSON document on stdout that does not match its published schema
 * fails the run (schema-check.ts).
 */
import { spawn } from 'node:child_process';
import { BIN, ROOT } from './build.js';
import { toProcessEnv, type Env } from './env.js';
import { schemaViolations } from './schema-check.js';

export interface RunOptions {
  env: Env;
  /** killed (SIGKILL) after this many ms; default 60 s */
  timeoutMs?: number;
  /** written to stdin, which is then closed (default: closed at once, no input) */
  stdin?: string;
  cwd?: string;
  /** called with the child's pid right after spawn (e.g. to watch its lock file or signal it) */
  onSpawn?(pid: number): void;
}

export interface RunResult {
  args: string[];
  /** exit code, or null when killed by a signal */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
  /** stderr split into lines, without empty ones */
  stderrLines: string[];
  /** stdout parsed as JSON (throws with the output when it is not one JSON document) */
  json<T = any>(): T;
  /** a one-paragraph description for assertion messages */
  describe(): string;
}

export function runKscli(args: string[], opts: RunOptions): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: toProcessEnv(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.stdin.on('error', () => {}); // the child may exit before reading its input
    child.stdin.end(opts.stdin ?? '');
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      try {
        resolve(runResult({ args, code, signal, stdout, stderr, timedOut, started }));
      } catch (err) {
        reject(err);
      }
    });
  });
}

/**
 * The result of one kscli run, by a child or in process (run-in-process.ts). Throws when a JSON
 * document on stdout does not match its published schema (schema-check.ts).
 */
export function runResult(
  run: Pick<RunResult, 'args' | 'code' | 'signal' | 'stdout' | 'stderr' | 'timedOut'> & {
    /** Date.now() when the run began */
    started: number;
    /** said in describe() when the run was not a child */
    where?: string;
  },
): RunResult {
  const { args, code, signal, stdout, stderr, timedOut, started } = run;
  const durationMs = Date.now() - started;
  const result: RunResult = {
    args,
    code,
    signal,
    stdout,
    stderr,
    timedOut,
    durationMs,
    stderrLines: stderr.split('\n').filter((l) => l.trim() !== ''),
    json<T>() {
      try {
        return JSON.parse(stdout) as T;
      } catch {
        throw new Error(`stdout of "kscli ${args.join(' ')}" is not one JSON document:\n${stdout}\nstderr:\n${stderr}`);
      }
    },
    describe() {
      return `kscli ${args.join(' ')}${run.where ? ` (${run.where})` : ''}\n-> exit ${code}${signal ? ` (signal ${signal})` : ''}${timedOut ? ' TIMED OUT' : ''} in ${durationMs} ms\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;
    },
  };
  // every JSON document kscli prints must match its published schema (schema-check.ts)
  const violation = schemaViolations(args, stdout);
  if (violation) throw new Error(`${violation}\n${result.describe()}`);
  return result;
}
