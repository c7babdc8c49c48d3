/**
 * `kscli sandbox serve` as a child process, the way a user runs it: port 0 (a free port), our own
 * state file, a short latency. The URL is parsed from the first stdout line
 * (`listening on http://127.0.0.1:PORT`, the documented contract). `stop()` sends SIGTERM (the
 * server saves its state and exits) and SIGKILLs it if it lingers.
 *
 * The other sandbox commands (`advance`, `status`, `reset`) run as separate kscli runs (in the
 * test's process, runner.ts) on the same state file while the server runs: the server notices the
 * file changed and reloads, exactly as when a user runs `kscli sandbox advance --days 31` in a
 * second terminal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { BIN, ROOT } from './build.js';
import { kscliEnv, toProcessEnv } from './env.js';
import { countRequests, readRequestLog, type LoggedRequest } from './request-log.js';
import type { RunResult } from './run.js';
import { runKscliBy } from './runner.js';
import type { Workspace } from './workspace.js';

export interface ServeOptions {
  /** --latency-ms (default 1: realistic ordering, fast suite) */
  latencyMs?: number;
  /** more `sandbox serve` flags (fault options, --no-quotas, ...) */
  args?: string[];
  /** ms to wait for the "listening on" line (default 60 s: files that start several sandboxes at once, on a loaded machine) */
  startTimeoutMs?: number;
  /**
   * 'fast' (default): the sandbox's simulated waits are set to 0 (TEST_TIMING) once it listens and
   * after every reset, and the quotas of the two per-key evidence calls are raised (TEST_PACE), so
   * a run waits only where kscli polls. 'aws': the timing the scenario or state file gives
   * (AWS-like: Logs Insights queries take about a second, a store disconnects in 2 s and kscli
   * polls every 5 s) and AWS's quotas, for tests about those waits.
   */
  timing?: 'fast' | 'aws';
}

/**
 * The sandbox settings (SandboxConfig) a served test sandbox starts with: Logs Insights queries
 * complete at the first poll and stores connect and disconnect at once. Each of these is real time
 * a kscli run would spend waiting (about 1.3 s per usage run, 5 s per disconnect: kscli polls the
 * store every 5 s), and the suite has a budget (issue 17: npm test in 4 minutes). The waits
 * themselves stay covered: the files that are about them pass `timing: 'aws'`
 * (interrupt.e2e: Ctrl-C while kscli waits for DISCONNECTED; runbook: the demo as an operator runs it),
 * the sandbox's unit tests check the timing model and the README test's sandbox blocks use it too.
 */
/**
 * The per-key evidence calls' quotas in a 'fast' test sandbox, and the pace `startE2E`'s kscli is
 * told (`--max-rps`): AWS allows LookupEvents 2/s and GetKeyLastUsage 5/s, which kscli's pacing
 * keeps to, so each usage or plan of the demo store waits about a second for its 5 LookupEvents.
 * The pacing itself is tested under AWS's quotas (evidence.test.ts: at most 2 LookupEvents and 5
 * GetKeyLastUsage per second, never throttled; the runbook and interrupt files run with 'aws').
 */
export const TEST_PACE = { LookupEvents: 100, GetKeyLastUsage: 100 } as const;

export const TEST_TIMING = {
  insightsScheduledMs: 0,
  insightsMinRunMs: 0,
  insightsScanBytesPerSec: 0,
  disconnectMs: 0,
  connectMs: 0,
} as const;

export interface ServedSandbox {
  /** http://127.0.0.1:PORT */
  url: string;
  statePath: string;
  /** everything the server wrote to stderr so far */
  stderr(): string;
  /** the request log as it is now */
  requests(): LoggedRequest[];
  /** how many requests are logged now: pass it to `requestsSince` */
  mark(): number;
  /** the requests logged after a `mark()` */
  requestsSince(mark: number): LoggedRequest[];
  /** `kscli sandbox <args> --state FILE` (advance, status, reset) in its own process */
  admin(args: string[], opts?: { output?: 'json' | 'table' }): Promise<RunResult>;
  /** `kscli sandbox advance --days N` on this state file; returns the parsed JSON report */
  advanceDays(days: number): Promise<any>;
  /** `kscli sandbox status --output json` on this state file */
  status(): Promise<any>;
  /**
   * Resets the running server to a scenario (POST /__sandbox/reset; default the demo account):
   * the same state and empty request log as `admin(['reset'])`, without starting a kscli process
   * (about 0.5 s of CPU each). Use `admin(['reset'])` where the test is about that command.
   */
  reset(body?: Record<string, unknown>): Promise<any>;
  /**
   * Replaces the fault configuration of the running server (POST /__sandbox/faults), e.g.
   * `{ errorRate: { '*': 1 } }` or `{ throttleRate: { ScheduleKeyDeletion: 0.5 }, seed: 7 }`.
   * The serve latency is kept unless the config names its own `latencyMs`. `setFaults({})` clears.
   */
  setFaults(config: Record<string, unknown>): Promise<void>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// a crashed test file must not leave servers behind
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startServe(ws: Workspace, opts: ServeOptions = {}): Promise<ServedSandbox> {
  const args = [
    BIN,
    'sandbox',
    'serve',
    '--port',
    '0',
    '--state',
    ws.statePath,
    '--latency-ms',
    String(opts.latencyMs ?? 1),
    // the sandbox answers twice the pace kscli is told: pacing is still what keeps it unthrottled
    ...((opts.timing ?? 'fast') === 'fast'
      ? Object.entries(TEST_PACE).flatMap(([op, n]) => ['--quota', `${op}=${2 * n}`])
      : []),
    ...(opts.args ?? []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: toProcessEnv(kscliEnv(ws, { credentials: false })),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => running.delete(child));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `sandbox serve printed no "listening on" line in ${opts.startTimeoutMs ?? 60_000} ms; stderr:\n${stderr}`,
        ),
      );
    }, opts.startTimeoutMs ?? 60_000);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line.trim());
      if (m) resolve(m[1]!);
      else
        reject(
          new Error(
            `sandbox serve: the first stdout line is not "listening on http://127.0.0.1:PORT": ${JSON.stringify(line)}`,
          ),
        );
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox serve exited (code ${code}) before listening; stderr:\n${stderr}`));
    });
  });

  const fast = (opts.timing ?? 'fast') === 'fast';
  const configure = async () => {
    if (!fast) return;
    const res = await fetch(`${url}/__sandbox/config`, { method: 'POST', body: JSON.stringify(TEST_TIMING) });
    if (!res.ok) throw new Error(`POST /__sandbox/config answered ${res.status}: ${await res.text()}`);
  };
  await configure();

  const admin = async (sandboxArgs: string[], o: { output?: 'json' | 'table' } = {}) => {
    // a second kscli on the same state file, as in another terminal (in the test's process: runner.ts)
    const r = await runKscliBy(
      'in-process',
      ['sandbox', ...sandboxArgs, '--state', ws.statePath, '--output', o.output ?? 'json'],
      { env: kscliEnv(ws, { credentials: false }), timeoutMs: 30_000 },
    );
    // `kscli sandbox reset` writes a fresh account with the scenario's timing: the test's comes back
    if (sandboxArgs[0] === 'reset' && r.code === 0) await configure();
    return r;
  };
  const adminJson = async (sandboxArgs: string[]) => {
    const r = await admin(sandboxArgs);
    if (r.code !== 0) throw new Error(`kscli sandbox ${sandboxArgs.join(' ')} failed:\n${r.describe()}`);
    return r.json();
  };

  return {
    url,
    statePath: ws.statePath,
    stderr: () => stderr,
    requests: () => readRequestLog(ws.statePath),
    mark: () => countRequests(ws.statePath),
    requestsSince: (mark) => readRequestLog(ws.statePath, mark),
    admin,
    advanceDays: (days) => adminJson(['advance', '--days', String(days)]),
    status: () => adminJson(['status']),
    async reset(body = {}) {
      const res = await fetch(`${url}/__sandbox/reset`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`POST /__sandbox/reset answered ${res.status}: ${await res.text()}`);
      const status: unknown = await res.json();
      await configure();
      return status;
    },
    async setFaults(config) {
      const res = await fetch(`${url}/__sandbox/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ latencyMs: opts.latencyMs ?? 1, ...config }),
      });
      if (!res.ok) throw new Error(`POST /__sandbox/faults answered ${res.status}: ${await res.text()}`);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
