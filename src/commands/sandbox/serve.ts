/**
 * kscli sandbox serve: the sandbox account on 127.0.0.1 until Ctrl-C (SIGINT) or SIGTERM. The
 * first stdout line is "listening on URL" (scripts and tests read the port from it). The sandbox
 * modules are imported here lazily, so that `kscli --version` and `--help` never load them.
 */
import type { App } from '../../app.js';
import { badInput } from '../../errors.js';
import { nonNegativeNumber } from './flags.js';
import { statePathOf } from './run.js';

export interface ServeOptions {
  port?: string;
  state?: string;
  latencyMs?: string;
  errorRate?: string[];
  throttleRate?: string[];
  dropRate?: string[];
  dropAfterRate?: string[];
  slowMs?: string[];
  staleMs?: string[];
  faultSeed?: string;
  faultsFile?: string;
  quota?: string[];
  quotas: boolean;
}

export async function serve(app: App, opts: ServeOptions): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const { parsePerOperationFlags } = await import('../../sandbox/server/faults.js');
  const { parseQuotaFlags } = await import('../../sandbox/server/quotas.js');
  const { startSandbox } = await import('../../sandbox/index.js');
  type FaultConfig = import('../../sandbox/index.js').FaultConfig;

  const port = opts.port === undefined ? 0 : Number(opts.port);
  if (!/^\d+$/.test(opts.port ?? '0') || port > 65535)
    throw badInput(`--port ${opts.port}: expected a port number 0-65535 (0 picks a free one)`);
  let faults: FaultConfig = {};
  if (opts.faultsFile) {
    try {
      faults = JSON.parse(readFileSync(opts.faultsFile, 'utf8')) as FaultConfig;
    } catch (e) {
      throw badInput(
        `--faults-file ${opts.faultsFile}: ${(e as Error).message.split('\n')[0]}`,
        'give a JSON file like {"errorRate": {"*": 0.1}, "latencyMs": 20}',
      );
    }
  }
  let quotaOverrides: Record<string, number>;
  try {
    const perOp = (flags: string[] | undefined, kind: string, max?: number) =>
      parsePerOperationFlags(flags, kind, { max });
    faults = {
      ...faults,
      ...(opts.errorRate && { errorRate: perOp(opts.errorRate, 'error-rate', 1) }),
      ...(opts.throttleRate && { throttleRate: perOp(opts.throttleRate, 'throttle-rate', 1) }),
      ...(opts.dropRate && { dropRate: perOp(opts.dropRate, 'drop-rate', 1) }),
      ...(opts.dropAfterRate && { dropAfterRate: perOp(opts.dropAfterRate, 'drop-after-rate', 1) }),
      ...(opts.slowMs && { slowMs: perOp(opts.slowMs, 'slow-ms') }),
      ...(opts.staleMs && { staleMs: perOp(opts.staleMs, 'stale-ms') }),
    };
    quotaOverrides = parseQuotaFlags(opts.quota);
  } catch (e) {
    throw badInput((e as Error).message);
  }
  const latencyMs = nonNegativeNumber('--latency-ms', opts.latencyMs);
  const seed = nonNegativeNumber('--fault-seed', opts.faultSeed);
  if (seed !== undefined) faults.seed = seed;

  const statePath = await statePathOf(app, opts);
  const sandbox = await startSandbox({
    statePath,
    port,
    latencyMs,
    faults,
    quotas: { enabled: opts.quotas, overrides: quotaOverrides },
    onNotice: (m) => app.io.err.write(`sandbox: ${m}\n`),
  });
  // the FIRST stdout line: scripts and tests read the port from it
  app.io.out.write(`listening on ${sandbox.url}\n`);
  app.io.err.write(
    `sandbox: state ${statePath}; request log ${statePath}.requests.jsonl; admin API ${sandbox.url}/__sandbox/; stop with Ctrl-C\n`,
  );

  await new Promise<void>((resolve) => {
    const offInt = app.system?.onInterrupt(() => stop());
    const offTerm = app.system?.onTerminate?.(() => stop());
    function stop() {
      offInt?.();
      offTerm?.();
      resolve();
    }
  });
  await sandbox.close();
  app.io.err.write(`sandbox: stopped; state saved to ${statePath}\n`);
}
