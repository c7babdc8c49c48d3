/**
 * Running the built kscli (bin/kscli.js over dist/) and its sandbox as child processes, with an
 * isolated HOME (no journal, lock or AWS config of the person running the benchmark is read or
 * written) and dummy credentials in the environment (the sandbox accepts any signature).
 */
import { existsSync, mkdtempSync, readFileSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, startServer } from './children.mjs';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const BIN = join(ROOT, 'bin', 'kscli.js');
const USAGE_PRELOAD = fileURLToPath(new URL('./resource-usage-preload.mjs', import.meta.url));
const TRACE_PRELOAD = fileURLToPath(new URL('./module-trace-preload.mjs', import.meta.url));

/** The environment every child gets: nothing of the caller's AWS setup, only what tools need to start. */
export function childEnv(home) {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    TMPDIR: home,
    NO_COLOR: '1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK0000000',
    AWS_SECRET_ACCESS_KEY: 'benchmark-dummy-secret',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: join(home, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
  // the AWS CLI may be a pyenv shim, which needs these to find its interpreter
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith('PYENV') && v !== undefined) env[k] = v;
  return env;
}

export function makeTempDir(prefix = 'kscli-bench-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Runs `node bin/kscli.js ...args`. With `measure`, a preload records the process's own peak RSS
 * and CPU time (`usage: {maxRssKb, userCpuS, systemCpuS, peakLiveHeapKb}`; the last one only with
 * `liveHeapEveryMs` and `nodeArgs: ['--expose-gc']`); with `nodeArgs`, extra Node flags (e.g.
 * --cpu-prof) go before the script.
 */
export async function kscli(
  args,
  { home, env, timeoutMs = 300_000, measure = false, nodeArgs = [], liveHeapEveryMs } = {},
) {
  const childEnvironment = { ...(env ?? childEnv(home)) };
  if (liveHeapEveryMs) childEnvironment.KSCLI_BENCH_LIVE_HEAP_MS = String(liveHeapEveryMs);
  const pre = [...nodeArgs];
  let usageFile;
  if (measure) {
    usageFile = join(home, `usage-${process.hrtime.bigint()}.json`);
    childEnvironment.KSCLI_BENCH_USAGE_FILE = usageFile;
    pre.push('--import', USAGE_PRELOAD);
  }
  const r = await run(process.execPath, [...pre, BIN, ...args], { env: childEnvironment, cwd: home, timeoutMs });
  if (usageFile && existsSync(usageFile)) r.usage = JSON.parse(readFileSync(usageFile, 'utf8'));
  return r;
}

/** Runs kscli with the module-trace preload; resolves the list of loaded module files/URLs. */
export async function kscliModules(args, { home }) {
  const traceFile = join(home, `trace-${process.hrtime.bigint()}.txt`);
  const env = { ...childEnv(home), KSCLI_BENCH_TRACE_FILE: traceFile };
  const r = await run(process.execPath, ['--import', TRACE_PRELOAD, BIN, ...args], {
    env,
    cwd: home,
    timeoutMs: 60_000,
  });
  const lines = existsSync(traceFile) ? readFileSync(traceFile, 'utf8').split('\n').filter(Boolean) : [];
  return { run: r, modules: [...new Set(lines.map((l) => l.slice(4)))] };
}

/** The npm package a loaded module belongs to (`@aws-sdk/client-kms`, `commander`), or undefined. */
export function packageOf(moduleId) {
  const path = moduleId.startsWith('file://') ? fileURLToPath(moduleId) : moduleId;
  const at = path.lastIndexOf('/node_modules/');
  if (at < 0) return undefined;
  const rest = path.slice(at + '/node_modules/'.length).split('/');
  return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
}

/**
 * `kscli sandbox reset --scenario large`: resolves the JSON status it prints. `resources` adds the
 * generated data-at-rest resources (issue 19's rows); the one reset every row shares.
 */
export async function resetLarge(statePath, keys, storeKeys, home, { resources, timeoutMs = 300_000 } = {}) {
  const r = await kscli(
    [
      '--output',
      'json',
      'sandbox',
      'reset',
      '--scenario',
      'large',
      '--keys',
      String(keys),
      '--store-keys',
      String(storeKeys),
      ...(resources ? ['--resources', String(resources)] : []),
      '--state',
      statePath,
    ],
    { home, timeoutMs },
  );
  if (r.code !== 0)
    throw new Error(
      `sandbox reset (${keys} keys${resources ? `, ${resources} resources` : ''}) failed with exit ${r.code}: ${r.stderr.trim().slice(-1000)}`,
    );
  return { status: JSON.parse(r.stdout), wallMs: r.wallMs };
}

/** The store of the large scenario holding `storeKeys` keys. */
export function storeWithKeys(status, storeKeys) {
  const count = (s) => Object.values(s.keyStates ?? {}).reduce((a, b) => a + b, 0);
  const store = status.stores?.find((s) => count(s) === storeKeys) ?? status.stores?.[0];
  if (!store) throw new Error('the large scenario has no custom key store');
  return store.id;
}

/**
 * `kscli sandbox serve --port 0` on `statePath`: resolves `{url, pid, child}` once it printed
 * `listening on URL`. Quotas are AWS's unless `extraArgs` says otherwise; `nodeArgs` go to Node
 * (the profile scripts pass `--cpu-prof`).
 */
export async function serveSandbox(statePath, { home, latencyMs = 20, extraArgs = [], nodeArgs = [] }) {
  const args = [
    ...nodeArgs,
    BIN,
    'sandbox',
    'serve',
    '--port',
    '0',
    '--state',
    statePath,
    '--latency-ms',
    String(latencyMs),
    ...extraArgs,
  ];
  const { child, firstLine, stderr } = await startServer(process.execPath, args, {
    env: childEnv(home),
    cwd: home,
    timeoutMs: 120_000,
  });
  const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(firstLine);
  if (!m) throw new Error(`sandbox serve printed "${firstLine}" instead of "listening on http://127.0.0.1:PORT"`);
  return { url: m[1], pid: child.pid, child, stderr };
}

/**
 * The sandbox request log (`<state>.requests.jsonl`, one JSON object per line): `mark()` returns
 * the current end, `since(mark)` the entries appended after it (those of one measured run).
 */
export class RequestLogReader {
  constructor(statePath) {
    this.file = `${statePath}.requests.jsonl`;
  }

  mark() {
    return existsSync(this.file) ? statSync(this.file).size : 0;
  }

  since(offset) {
    if (!existsSync(this.file)) return [];
    const size = statSync(this.file).size;
    if (size <= offset) return [];
    const buf = Buffer.alloc(size - offset);
    const fd = openSync(this.file, 'r');
    try {
      readSync(fd, buf, 0, buf.length, offset);
    } finally {
      closeSync(fd);
    }
    return buf
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l));
  }
}

/** Calls per operation in request-log entries: `{DescribeKey: {ok: 10000, throttled: 3, other: 0}}`. */
export function countCalls(entries) {
  const out = {};
  for (const e of entries) {
    const op = e.operation ?? '?';
    const c = (out[op] ??= { ok: 0, throttled: 0, other: 0 });
    if (/Throttl/.test(e.outcome) || e.fault === 'quota') c.throttled += 1;
    else if (e.outcome === 'ok') c.ok += 1;
    else c.other += 1;
  }
  return out;
}

/**
 * When the calls of one run reached the sandbox, in seconds after the kscli process was spawned:
 * `{firstRequestS, phases: {DescribeKey: {fromS, toS, count}}, lastRequestS}`. It shows where the
 * wall time beyond the quota floor goes (start-up, the scan's ramp, what follows the scan).
 */
export function timeline(entries, startedAtMs) {
  const at = (e) => (Date.parse(e.time) - startedAtMs) / 1000;
  const phases = {};
  for (const e of entries) {
    const p = (phases[e.operation ?? '?'] ??= { fromS: Infinity, toS: -Infinity, count: 0 });
    p.fromS = Math.min(p.fromS, at(e));
    p.toS = Math.max(p.toS, at(e));
    p.count += 1;
  }
  for (const p of Object.values(phases)) {
    p.fromS = Math.round(p.fromS * 1000) / 1000;
    p.toS = Math.round(p.toS * 1000) / 1000;
  }
  const times = entries.map(at);
  return {
    firstRequestS: times.length ? Math.min(...times) : null,
    lastRequestS: times.length ? Math.max(...times) : null,
    phases,
  };
}

/** Requests the sandbox answered (not throttled) for one operation. */
export function answered(counts, op) {
  const c = counts[op];
  return c ? c.ok + c.other : 0;
}
