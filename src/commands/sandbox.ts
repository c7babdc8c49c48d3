/**
 * kscli sandbox serve | reset | advance | status: run, reset, inspect and time-travel the local
 * sandbox account (issue 4). The sandbox modules are imported inside the actions, so that
 * `kscli --version` and `--help` never load them.
 *
 * JSON (--output json):
 *   status:  { schemaVersion, statePath, now, accountId, stores: [{id, name, type, connectionState, keyStates}],
 *              keysOutsideStores, alarms: [{name, state}], backups: [{id, clusterId, state}] }
 *   advance: { schemaVersion, statePath, from, to, deletedKeys: [{keyId, storeId?, backingKeysDeletionStatus?}],
 *              storeTransitions: [{storeId, from, to}], purgedBackups: [id] }
 *   reset:   { schemaVersion, statePath, scenario, ...status }
 */
import { Command, Option } from 'commander';
import type { App, CommandModule } from '../cli.js';
import { ExitCode, KscliError } from '../errors.js';
import { writeJson } from '../ui/json.js';
import { renderTable } from '../ui/table.js';
import type { AdvanceReport, SandboxStatus } from '../sandbox/contract.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function badFlag(message: string, hint?: string): KscliError {
  return new KscliError(ExitCode.BadInput, message, hint);
}

function nonNegativeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw badFlag(`${flag} ${value}: expected a number >= 0`);
  return n;
}

function nonNegativeInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw badFlag(`${flag} ${value}: expected a whole number >= 0`);
  return Number(value);
}

function positiveInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw badFlag(`${flag} ${value}: expected a whole number >= 1`);
  return Number(value);
}

async function statePathOf(app: App, opts: { state?: string }): Promise<string> {
  if (opts.state) return opts.state;
  const { defaultStatePath } = await import('../sandbox/index.js');
  return defaultStatePath(app.env);
}

function countsText(counts: Record<string, number>): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${state} ${n}`);
  return parts.length ? parts.join(', ') : 'no keys';
}

export function renderStatus(status: SandboxStatus, statePath: string): string {
  let text = `sandbox account ${status.accountId}, clock ${status.now.toISOString()}\nstate file ${statePath}\n`;
  if (status.estate) {
    const e = status.estate;
    text += `organization ${e.organizationId}: ${e.accounts} accounts, ${e.regions.length} Regions (${e.regions.join(', ')}), ${e.stores} custom key stores in ${e.storedCells} account-Regions\n`;
    text += `the management account's us-east-1 below; kscli inventory --org lists them all\n`;
  }
  text += '\n';
  text += renderTable(
    ['STORE', 'NAME', 'TYPE', 'CONNECTION', 'KEYS'],
    status.stores.map((s) => [s.id, s.name, s.type, s.connectionState, countsText(s.keyStates)]),
  );
  text += `\nkeys outside custom key stores: ${status.keysOutsideStores}\n`;
  text += status.alarms.length ? `\n${renderTable(['ALARM', 'STATE'], status.alarms.map((a) => [a.name, a.state]))}` : '\nno CloudWatch alarms\n';
  if (status.backups.length) text += `\n${renderTable(['BACKUP', 'CLUSTER', 'STATE'], status.backups.map((b) => [b.id, b.clusterId, b.state]))}`;
  return text;
}

export function renderAdvance(report: AdvanceReport): string {
  const days = (report.to.getTime() - report.from.getTime()) / 86_400_000;
  let text = `sandbox clock moved ${Number(days.toFixed(3))} days: ${report.from.toISOString()} -> ${report.to.toISOString()}\n`;
  if (report.deletedKeys.length) {
    text += `\nkeys deleted (their waiting period ended):\n`;
    text += renderTable(
      ['KEY', 'STORE', 'KEY MATERIAL IN HSM'],
      report.deletedKeys.map((k) => [k.keyId, k.storeId ?? '-', k.backingKeysDeletionStatus === 'FAILURE' ? 'FAILURE (orphaned: the store was not connected)' : (k.backingKeysDeletionStatus ?? '-')]),
    );
  }
  if (report.storeTransitions.length) {
    text += `\nstore connection changes:\n`;
    text += renderTable(['STORE', 'FROM', 'TO'], report.storeTransitions.map((t) => [t.storeId, t.from, t.to]));
  }
  if (report.purgedBackups.length) text += `\nbackups purged (7 days after deletion): ${report.purgedBackups.join(', ')}\n`;
  if (!report.deletedKeys.length && !report.storeTransitions.length && !report.purgedBackups.length) text += 'nothing came due\n';
  return text;
}

function statusJson(status: SandboxStatus): Record<string, unknown> {
  return { ...status, now: status.now.toISOString() };
}

interface ServeOptions {
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

async function serve(app: App, opts: ServeOptions): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const { parsePerOperationFlags } = await import('../sandbox/server/faults.js');
  const { parseQuotaFlags } = await import('../sandbox/server/quotas.js');
  const { startSandbox } = await import('../sandbox/index.js');
  type FaultConfig = import('../sandbox/index.js').FaultConfig;

  const port = opts.port === undefined ? 0 : Number(opts.port);
  if (!/^\d+$/.test(opts.port ?? '0') || port > 65535) throw badFlag(`--port ${opts.port}: expected a port number 0-65535 (0 picks a free one)`);
  let faults: FaultConfig = {};
  if (opts.faultsFile) {
    try {
      faults = JSON.parse(readFileSync(opts.faultsFile, 'utf8')) as FaultConfig;
    } catch (e) {
      throw badFlag(`--faults-file ${opts.faultsFile}: ${(e as Error).message.split('\n')[0]}`, 'give a JSON file like {"errorRate": {"*": 0.1}, "latencyMs": 20}');
    }
  }
  let quotaOverrides: Record<string, number>;
  try {
    const perOp = (flags: string[] | undefined, kind: string, max?: number) => parsePerOperationFlags(flags, kind, { max });
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
    throw badFlag((e as Error).message);
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
  app.io.err.write(`sandbox: state ${statePath}; request log ${statePath}.requests.jsonl; admin API ${sandbox.url}/__sandbox/; stop with Ctrl-C\n`);

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

export const sandboxCommand: CommandModule = {
  register(program: Command, app: App) {
    const sandbox = program
      .command('sandbox')
      .description('run, reset, inspect and time-travel the local sandbox account (no AWS account needed)')
      .addHelpText(
        'after',
        '\nThe sandbox is a local AWS account (KMS, CloudHSM v2, CloudTrail, CloudWatch, Logs, STS, SNS) kept in one JSON file\n' +
          '($KSCLI_SANDBOX_STATE, else ~/.kscli/sandbox/state.json; created from the demo scenario when missing).\n\n' +
          'Example:\n  kscli sandbox serve --port 4566 &\n  kscli --endpoint-url http://127.0.0.1:4566 stores\n  kscli sandbox advance --days 31\n',
      );

    sandbox
      .command('serve')
      .description('serve the sandbox account on 127.0.0.1 until Ctrl-C (SIGINT) or SIGTERM; prints "listening on URL" first')
      .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', '0')
      .option('--state <file>', 'state file (default $KSCLI_SANDBOX_STATE, else ~/.kscli/sandbox/state.json)')
      .option('--latency-ms <n>', 'added to every answer')
      .option('--error-rate <R[:Op]>', 'probability of a 5xx (KMSInternalException for KMS), globally or for one operation; repeatable', collect)
      .option('--throttle-rate <R[:Op]>', 'probability of a ThrottlingException beyond the quotas; repeatable', collect)
      .option('--drop-rate <R[:Op]>', 'probability that the connection is closed without an answer, before the call is handled; repeatable', collect)
      .option('--drop-after-rate <R[:Op]>', 'probability that the call is handled and then the answer is lost; repeatable', collect)
      .option('--slow-ms <N[:Op]>', 'extra delay for every answer or one operation (e.g. past the SDK timeout); repeatable', collect)
      .option('--stale-ms <N[:Op]>', 'after a mutation of a key or store, DescribeKey/DescribeCustomKeyStores show its previous state for N ms; repeatable', collect)
      .option('--fault-seed <n>', 'seed for reproducible faults')
      .option('--faults-file <file>', 'fault configuration as JSON, e.g. {"errorRate": {"*": 0.1}, "latencyMs": 20}')
      .option('--quota <Op=N>', 'replace the request quota of one operation (requests per second); repeatable', collect)
      .option('--no-quotas', 'answer every request, whatever the rate')
      .addHelpText(
        'after',
        '\nAt run time: POST /__sandbox/faults (JSON as --faults-file), GET /__sandbox/requests, POST /__sandbox/advance {"days": N}.\n\n' +
          'Example:\n  kscli sandbox serve --port 0 --state /tmp/sb.json --latency-ms 5 --error-rate 0.2:ScheduleKeyDeletion --fault-seed 7\n',
      )
      .action((opts: ServeOptions) => serve(app, opts));

    sandbox
      .command('reset')
      .description('replace the sandbox account with a fresh scenario (and start a new request log)')
      .addOption(new Option('--scenario <name>', 'demo: the documented demo account; large: many keys, no usage; org: an organization of many accounts and Regions').choices(['demo', 'large', 'org']).default('demo'))
      .option('--keys <n>', 'large scenario: keys in the account (default 10000)')
      .option('--store-keys <m>', 'large scenario: keys in cks-1234567890abcdef0 (default 200)')
      .option('--accounts <n>', 'org scenario: accounts in the organization, the management account included (default 6)')
      .option('--regions <m>', 'org scenario: Regions of the partition (default 4; up to 34)')
      .option('--stores <s>', 'org scenario: custom key stores scattered among accounts and Regions (default 6)')
      .option('--seed <n>', 'org scenario: seed of the placement (default 1)')
      .option('--state <file>', 'state file (default $KSCLI_SANDBOX_STATE, else ~/.kscli/sandbox/state.json)')
      .addHelpText(
        'after',
        '\nExample:\n  kscli sandbox reset\n  kscli sandbox reset --scenario large --keys 5000 --store-keys 300 --state /tmp/big.json\n' +
          '  kscli sandbox reset --scenario org --accounts 1000 --regions 17 --stores 50 --state /tmp/org.json\n',
      )
      .action(async (opts: { scenario: 'demo' | 'large' | 'org'; keys?: string; storeKeys?: string; accounts?: string; regions?: string; stores?: string; seed?: string; state?: string }) => {
        const keys = positiveInteger('--keys', opts.keys);
        const storeKeys = positiveInteger('--store-keys', opts.storeKeys);
        const accounts = positiveInteger('--accounts', opts.accounts);
        const regions = positiveInteger('--regions', opts.regions);
        const stores = nonNegativeInteger('--stores', opts.stores);
        const seed = nonNegativeInteger('--seed', opts.seed);
        if (opts.scenario !== 'large' && (keys !== undefined || storeKeys !== undefined)) throw badFlag('--keys and --store-keys apply to --scenario large only');
        if (opts.scenario !== 'org' && [accounts, regions, stores, seed].some((v) => v !== undefined)) throw badFlag('--accounts, --regions, --stores and --seed apply to --scenario org only');
        if (keys !== undefined && storeKeys !== undefined && storeKeys > keys) throw badFlag(`--store-keys ${storeKeys} is more than --keys ${keys}`);
        if (accounts !== undefined && accounts > 10_000) throw badFlag(`--accounts ${accounts}: an organization holds at most 10000 accounts`);
        if (regions !== undefined && regions > 34) throw badFlag(`--regions ${regions}: the aws partition has 34 commercial Regions`);
        const statePath = await statePathOf(app, opts);
        const { realModelFactory, resetState } = await import('../sandbox/index.js');
        const status = resetState(await realModelFactory(), statePath, opts.scenario, { keys, storeKeys, accounts, regions, stores, seed });
        if (app.globals().output === 'json') writeJson(app.io.out, { statePath, scenario: opts.scenario, ...statusJson(status) });
        else app.io.out.write(`sandbox reset to the ${opts.scenario} scenario\n\n${renderStatus(status, statePath)}`);
      });

    sandbox
      .command('advance')
      .description('move the sandbox clock forward and apply what AWS would have done meanwhile (deletions, connection changes)')
      .option('--days <n>', 'days to move forward')
      .option('--hours <n>', 'hours to move forward')
      .option('--state <file>', 'state file (default $KSCLI_SANDBOX_STATE, else ~/.kscli/sandbox/state.json)')
      .addHelpText('after', '\nExample:\n  kscli sandbox advance --days 31    # keys scheduled for deletion with a 30-day window are now deleted\n')
      .action(async (opts: { days?: string; hours?: string; state?: string }) => {
        if ((opts.days === undefined) === (opts.hours === undefined)) throw badFlag('give exactly one of --days N or --hours N', 'e.g. kscli sandbox advance --days 31');
        const days = nonNegativeNumber('--days', opts.days);
        const hours = nonNegativeNumber('--hours', opts.hours);
        const ms = days !== undefined ? days * 86_400_000 : hours! * 3_600_000;
        const statePath = await statePathOf(app, opts);
        const { realModelFactory, advanceState, callOwningServer } = await import('../sandbox/index.js');
        // a running server holds unsaved changes in memory: it must do the advance itself
        const viaServer = (await callOwningServer(statePath, 'POST', 'advance', { ms })) as (Omit<AdvanceReport, 'from' | 'to'> & { from: string; to: string }) | undefined;
        const report: AdvanceReport = viaServer ? { ...viaServer, from: new Date(viaServer.from), to: new Date(viaServer.to) } : advanceState(await realModelFactory(), statePath, ms);
        if (viaServer) app.io.err.write(`sandbox: advanced through the running server (${statePath}.server.json)\n`);
        if (app.globals().output === 'json') writeJson(app.io.out, { statePath, ...report, from: report.from.toISOString(), to: report.to.toISOString() });
        else app.io.out.write(renderAdvance(report));
      });

    sandbox
      .command('status')
      .description('the sandbox account at a glance: clock, stores, key counts per state, alarms and their states')
      .option('--state <file>', 'state file (default $KSCLI_SANDBOX_STATE, else ~/.kscli/sandbox/state.json)')
      .addHelpText('after', '\nExample:\n  kscli sandbox status\n  kscli sandbox status --output json | jq .stores\n')
      .action(async (opts: { state?: string }) => {
        const statePath = await statePathOf(app, opts);
        const { realModelFactory, readStatus, callOwningServer } = await import('../sandbox/index.js');
        const viaServer = (await callOwningServer(statePath, 'GET', 'status')) as (Omit<SandboxStatus, 'now'> & { now: string }) | undefined;
        const status: SandboxStatus = viaServer ? { ...viaServer, now: new Date(viaServer.now) } : readStatus(await realModelFactory(), statePath);
        if (app.globals().output === 'json') writeJson(app.io.out, { statePath, ...statusJson(status) });
        else app.io.out.write(renderStatus(status, statePath));
      });
  },
};
