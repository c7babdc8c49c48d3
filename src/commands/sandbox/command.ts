/**
 * kscli sandbox serve | reset | advance | status: run, reset, inspect and time-travel the local
 * sandbox account (issue 4). Parse here -> run (./run.ts, ./serve.ts) -> render
 * (src/ui/render/sandbox.ts, which documents the JSON). The sandbox modules are imported inside the
 * actions, so that `kscli --version` and `--help` never load them.
 */
import { homedir } from 'node:os';
import { Option } from 'commander';
import type { App } from '../../app.js';
import { defineCommand } from '../descriptor.js';
import { collect } from '../shared-flags.js';
import type { Renderer } from '../../ui/render/output.js';
import { badInput } from '../../errors.js';
import { nonNegativeNumber, positiveInteger, share, wholeNumber } from './flags.js';
import type { ServeOptions } from './serve.js';

export interface SandboxResetFlags {
  scenario: 'demo' | 'large' | 'org' | 'empty';
  accountId?: string;
  keys?: string;
  storeKeys?: string;
  accounts?: string;
  regions?: string;
  stores?: string;
  seed?: string;
  usedShare?: string;
  noiseEvents?: string;
  resources?: string;
  state?: string;
}

export interface SandboxAdvanceFlags {
  days?: string;
  hours?: string;
  state?: string;
}

export interface SandboxStatusFlags {
  state?: string;
}

/** Renders a sandbox result in this run's --output format (the sandbox commands build no Deps). */
async function output<R>(app: App, renderer: Renderer<R>, result: R): Promise<void> {
  const [{ render }, { createStyle }] = await Promise.all([
    import('../../ui/render/output.js'),
    import('../../ui/style.js'),
  ]);
  const g = app.globals();
  render(app.io.out, g.output, { style: createStyle(g.color), width: app.io.columns }, renderer, result);
}

/** The subcommands' work and renderers, loaded when a subcommand runs (not for --help). */
const load = () =>
  Promise.all([import('./run.js'), import('../../ui/render/sandbox.js')]).then(([run, render]) => ({
    ...run,
    ...render,
  }));

export default defineCommand({
  name: 'sandbox',
  summary: 'run, reset, inspect and time-travel the local sandbox account (no AWS account needed)',
  mutates: false,
  schemas: [
    { schema: 'sandbox-status', usage: 'sandbox status' },
    { schema: 'sandbox-reset', usage: 'sandbox reset' },
    { schema: 'sandbox-advance', usage: 'sandbox advance' },
  ],
  define(cmd, app) {
    const sandbox = cmd
      .description('run, reset, inspect and time-travel the local sandbox account (no AWS account needed)')
      .addHelpText(
        'after',
        '\nThe sandbox is a local AWS account (KMS, CloudHSM v2, CloudTrail, CloudWatch, Logs, STS, SNS) kept in one JSON file\n' +
          '($KSCLI_SANDBOX_STATE, else ~/.kscli/sandbox/state.json; created from the demo scenario when missing).\n\n' +
          'Example:\n  kscli sandbox serve --port 4566 &\n  AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x kscli --endpoint-url http://127.0.0.1:4566 stores   # any credentials\n  kscli sandbox advance --days 31\n',
      );

    sandbox
      .command('serve')
      .description(
        'serve the sandbox account on 127.0.0.1 until Ctrl-C (SIGINT) or SIGTERM; prints "listening on URL" first',
      )
      .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', '0')
      .option('--state <file>', 'state file (default $KSCLI_SANDBOX_STATE, else ~/.kscli/sandbox/state.json)')
      .option('--latency-ms <n>', 'added to every answer')
      .option(
        '--error-rate <R[:Op]>',
        'probability of a 5xx (KMSInternalException for KMS), globally or for one operation; repeatable',
        collect,
      )
      .option('--throttle-rate <R[:Op]>', 'probability of a ThrottlingException beyond the quotas; repeatable', collect)
      .option(
        '--drop-rate <R[:Op]>',
        'probability that the connection is closed without an answer, before the call is handled; repeatable',
        collect,
      )
      .option(
        '--drop-after-rate <R[:Op]>',
        'probability that the call is handled and then the answer is lost; repeatable',
        collect,
      )
      .option(
        '--slow-ms <N[:Op]>',
        'extra delay for every answer or one operation (e.g. past the SDK timeout); repeatable',
        collect,
      )
      .option(
        '--stale-ms <N[:Op]>',
        'after a mutation of a key or store, DescribeKey/DescribeCustomKeyStores show its previous state for N ms; repeatable',
        collect,
      )
      .option('--fault-seed <n>', 'seed for reproducible faults')
      .option('--faults-file <file>', 'fault configuration as JSON, e.g. {"errorRate": {"*": 0.1}, "latencyMs": 20}')
      .option('--quota <Op=N>', 'replace the request quota of one operation (requests per second); repeatable', collect)
      .option('--no-quotas', 'answer every request, whatever the rate')
      .addHelpText(
        'after',
        '\nAt run time: POST /__sandbox/faults (JSON as --faults-file), GET /__sandbox/requests, POST /__sandbox/advance {"days": N}.\n\n' +
          'Example:\n  kscli sandbox serve --port 0 --state sb.json --latency-ms 5 --error-rate 0.2:ScheduleKeyDeletion --fault-seed 7\n',
      )
      .action(async (opts: ServeOptions) => (await import('./serve.js')).serve(app, opts));

    sandbox
      .command('reset')
      .description('replace the sandbox account with a fresh scenario (and start a new request log)')
      .addOption(
        new Option(
          '--scenario <name>',
          'demo: the documented demo account; large: many keys with usage history; org: an organization of many accounts and Regions; empty: an account with nothing in it',
        )
          .choices(['demo', 'large', 'org', 'empty'])
          .default('demo'),
      )
      .option('--keys <n>', 'large scenario: keys in the account (default 10000)')
      .option('--store-keys <m>', 'large scenario: keys in cks-1234567890abcdef0 (default 200)')
      .option(
        '--used-share <s>',
        "large scenario: share of the store's keys with usage history, e.g. 0.1 or 10% (default 10%)",
      )
      .option(
        '--noise-events <n>',
        'large scenario: CloudTrail events of other services in the 380-day history (default 10000)',
      )
      .option(
        '--resources <n>',
        'large scenario: resources holding data at rest (S3, EBS, RDS, DynamoDB, ...), generated when first read (default 0)',
      )
      .option(
        '--accounts <n>',
        'org scenario: accounts in the organization, the management account included (default 6)',
      )
      .option('--regions <m>', 'org scenario: Regions of the partition (default 4; up to 34)')
      .option('--stores <s>', 'org scenario: custom key stores scattered among accounts and Regions (default 6)')
      .option('--seed <n>', 'org scenario: seed of the placement (default 1)')
      .option(
        '--account-id <id>',
        'demo, large or empty scenario: the 12-digit account ID every ARN carries (default 111122223333)',
      )
      .option('--state <file>', 'state file (default $KSCLI_SANDBOX_STATE, else ~/.kscli/sandbox/state.json)')
      .addHelpText(
        'after',
        '\nExample:\n  kscli sandbox reset\n  kscli sandbox reset --scenario large --keys 5000 --store-keys 300 --used-share 25% --state big.json\n' +
          '  kscli sandbox reset --scenario org --accounts 1000 --regions 17 --stores 50 --state org.json\n',
      )
      .action(async (flags: SandboxResetFlags) => {
        const keys = positiveInteger('--keys', flags.keys);
        const storeKeys = positiveInteger('--store-keys', flags.storeKeys);
        const usedShare = share('--used-share', flags.usedShare);
        const noiseEvents = wholeNumber('--noise-events', flags.noiseEvents);
        const resources = wholeNumber('--resources', flags.resources);
        const accounts = positiveInteger('--accounts', flags.accounts);
        const regions = positiveInteger('--regions', flags.regions);
        const stores = wholeNumber('--stores', flags.stores);
        const seed = wholeNumber('--seed', flags.seed);
        if (
          flags.scenario !== 'large' &&
          [keys, storeKeys, usedShare, noiseEvents, resources].some((v) => v !== undefined)
        ) {
          throw badInput(
            '--keys, --store-keys, --used-share, --noise-events and --resources apply to --scenario large only',
          );
        }
        if (flags.scenario !== 'org' && [accounts, regions, stores, seed].some((v) => v !== undefined))
          throw badInput('--accounts, --regions, --stores and --seed apply to --scenario org only');
        if (flags.accountId !== undefined && flags.scenario === 'org')
          throw badInput(
            '--account-id does not apply to --scenario org: its accounts are generated (management account 111122223333, members after it)',
            'use --scenario demo, large or empty with --account-id, or --accounts and --seed with --scenario org',
          );
        if (flags.accountId !== undefined && !/^\d{12}$/.test(flags.accountId))
          throw badInput(`--account-id ${flags.accountId}: an AWS account ID is 12 digits, e.g. 123456789012`);
        if (keys !== undefined && storeKeys !== undefined && storeKeys > keys)
          throw badInput(`--store-keys ${storeKeys} is more than --keys ${keys}`);
        if (accounts !== undefined && accounts > 10_000)
          throw badInput(`--accounts ${accounts}: an organization holds at most 10000 accounts`);
        if (regions !== undefined && regions > 34)
          throw badInput(`--regions ${regions}: the aws partition has 34 commercial Regions`);
        const { runSandboxReset, sandboxResetRenderer, statePathOf } = await load();
        await output(
          app,
          sandboxResetRenderer,
          await runSandboxReset(
            await statePathOf(app, flags),
            flags.scenario,
            {
              keys,
              storeKeys,
              usedShare,
              noiseEvents,
              resources,
              accounts,
              regions,
              stores,
              seed,
              accountId: flags.accountId,
            },
            app.env.HOME ?? homedir(),
          ),
        );
      });

    sandbox
      .command('advance')
      .description(
        'move the sandbox clock forward and apply what AWS would have done meanwhile (deletions, connection changes)',
      )
      .option('--days <n>', 'days to move forward')
      .option('--hours <n>', 'hours to move forward')
      .option('--state <file>', 'state file (default $KSCLI_SANDBOX_STATE, else ~/.kscli/sandbox/state.json)')
      .addHelpText(
        'after',
        '\nExample:\n  kscli sandbox advance --days 31    # keys scheduled for deletion with a 30-day window are now deleted\n',
      )
      .action(async (flags: SandboxAdvanceFlags) => {
        if ((flags.days === undefined) === (flags.hours === undefined))
          throw badInput('give exactly one of --days N or --hours N', 'e.g. kscli sandbox advance --days 31');
        const days = nonNegativeNumber('--days', flags.days);
        const hours = nonNegativeNumber('--hours', flags.hours);
        const ms = days !== undefined ? days * 86_400_000 : hours! * 3_600_000;
        const { runSandboxAdvance, sandboxAdvanceRenderer, statePathOf } = await load();
        const result = await runSandboxAdvance(await statePathOf(app, flags), ms);
        if (result.viaServer)
          app.io.err.write(`sandbox: advanced through the running server (${result.statePath}.server.json)\n`);
        await output(app, sandboxAdvanceRenderer, result);
      });

    sandbox
      .command('status')
      .description('the sandbox account at a glance: clock, stores, key counts per state, alarms and their states')
      .option('--state <file>', 'state file (default $KSCLI_SANDBOX_STATE, else ~/.kscli/sandbox/state.json)')
      .addHelpText('after', '\nExample:\n  kscli sandbox status\n  kscli sandbox status --output json | jq .stores\n')
      .action(async (flags: SandboxStatusFlags) => {
        const { runSandboxStatus, sandboxStatusRenderer, statePathOf } = await load();
        await output(app, sandboxStatusRenderer, await runSandboxStatus(await statePathOf(app, flags)));
      });
  },
});
