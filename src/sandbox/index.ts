/**
 * The sandbox's entry point: `startSandbox` (used in-process by `--sandbox`, by
 * `kscli sandbox serve` and by tests) and the helpers tests use to read what happened.
 */
import { FaultInjector, type FaultConfig } from './server/faults.js';
import { QuotaLimiter, type QuotaOptions } from './server/quotas.js';
import { loadOrCreate, ModelHolder, type ModelFactory } from './server/model-holder.js';
import { RequestLog, requestLogPath, type RequestLogEntry } from './server/request-log.js';
import { listen } from './server/server.js';
import { registerServer, unregisterServer } from './server/registry.js';
import { defaultStatePath, StateFile } from './server/state-file.js';

export { readRequestLog, isMutating, requestLogPath, type RequestLogEntry } from './server/request-log.js';
export { defaultStatePath } from './server/state-file.js';
export { resetState, advanceState, readStatus } from './server/offline.js';
export { callOwningServer, readServerRecord } from './server/registry.js';
export type { FaultConfig, PerOperation } from './server/faults.js';
export type { QuotaOptions } from './server/quotas.js';
export type { ModelFactory, ScenarioName, ScenarioParams } from './server/model-holder.js';

export interface StartSandboxOptions {
  /** the state file; default `$KSCLI_SANDBOX_STATE`, else `~/.kscli/sandbox/state.json` */
  statePath?: string;
  /** the environment to take the default state path from (src/main.ts passes process.env) */
  env?: Record<string, string | undefined>;
  /** 0 or absent: a free port */
  port?: number;
  /** added to every answer (the same as faults.latencyMs) */
  latencyMs?: number;
  faults?: FaultConfig;
  quotas?: QuotaOptions;
  /** save the state when requests pause this long, ms (default 20) */
  saveDelayMs?: number;
  /** and at least this often under sustained load, ms (default 1000) */
  saveMaxWaitMs?: number;
  /** how to build models (tests inject a fake); default the real model of src/sandbox/model/ */
  factory?: ModelFactory;
  /** reloads and conflicts, for stderr */
  onNotice?: (message: string) => void;
}

export interface RunningSandbox {
  /** `http://127.0.0.1:PORT`: pass it as the endpoint of every client */
  url: string;
  port: number;
  statePath: string;
  /** change faults at run time (also `POST /__sandbox/faults`) */
  faults: FaultInjector;
  quotas: QuotaLimiter;
  /** the request log kept in memory since start */
  requests(): RequestLogEntry[];
  /** stops listening, drops open connections, saves the state */
  close(): Promise<void>;
}

/** The real model (src/sandbox/model/), loaded lazily so `kscli --version` never pays for it. */
export async function realModelFactory(): Promise<ModelFactory> {
  const { createSandboxModel, scenario, orgScenario } = await import('./model/index.js');
  return {
    fromJSON: (json) => createSandboxModel(json),
    // scenario() returns the state of a ready-made account; the model takes ownership of it
    scenario: (name, opts) => createSandboxModel(name === 'org' ? orgScenario(opts) : scenario(name, opts)),
  };
}

export async function startSandbox(opts: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const statePath = opts.statePath ?? defaultStatePath(opts.env ?? {});
  const factory = opts.factory ?? (await realModelFactory());
  const file = new StateFile(statePath);
  const model = loadOrCreate(file, factory);
  const holder = new ModelHolder(factory, file, model, {
    saveDelayMs: opts.saveDelayMs,
    saveMaxWaitMs: opts.saveMaxWaitMs,
    onNotice: opts.onNotice,
  });
  const log = new RequestLog(requestLogPath(statePath));
  const faults: FaultConfig = { ...(opts.faults ?? {}) };
  if (opts.latencyMs !== undefined) faults.latencyMs = opts.latencyMs;
  const running = await listen({ holder, log, faults, quotas: opts.quotas, port: opts.port });
  const record = { pid: process.pid, url: running.url, startedAt: new Date().toISOString() };
  registerServer(statePath, record);
  return {
    url: running.url,
    port: running.port,
    statePath,
    faults: running.faults,
    quotas: running.quotas,
    requests: () => log.list(),
    close: () => running.close().finally(() => unregisterServer(statePath, record)),
  };
}
