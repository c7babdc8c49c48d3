/**
 * kscli retire-cluster <cluster-id> [--days N] [--allow-crypto-user NAME]... [--allow-audit-gap]
 *   [--keep-cluster] [--delete-backups] [--wait-timeout 20m] [--regions LIST]
 * After the last CloudHSM key store on a cluster is deleted, the cluster keeps billing for its HSMs
 * (issue 21). This deletes the HSMs one at a time (waiting for each), then the cluster; the plan
 * shows its HSMs, backups, the cost saved and the evidence (src/workflow/retire-cluster.ts).
 * Exit 0 done or nothing to do; 3 blocked; 8 while AWS deletes an HSM (run again). `--plan-out` saves
 * the plan; `kscli apply` refuses it once the cluster, its HSMs, backups or stores changed (exit 3).
 *
 * JSON (--output json): the mutating-command document (schemas/plan.json) with
 * "command": "retire-cluster", "subject": {"kind": "cluster", "id"}, one plan line per HSM
 * (DeleteHsm / WaitForHsmDeleted), per backup (DeleteBackup) and the cluster (DeleteCluster).
 */
import { Option } from 'commander';
import { badInput } from '../../errors.js';
import { parseRegions } from '../../input/estate-options.js';
import { parseDuration, parsePositiveInt } from '../../input/validate.js';
import { definePlanCommand } from '../descriptor.js';
import { collect } from '../shared-flags.js';
import type { RetireClusterCommandOptions } from './run.js';

export interface RetireClusterFlags {
  days?: string;
  allowCryptoUser: string[];
  allowAuditGap: boolean;
  keepCluster: boolean;
  deleteBackups: boolean;
  waitTimeout: string;
  regions?: string;
}

/** ClusterId: `cluster-` and 11-16 letters and digits (the API's pattern is cluster-[2-7a-zA-Z]{11,16}). */
const CLUSTER_ID = /^cluster-[0-9a-zA-Z]{11,16}$/;
/** The audit log window: CloudWatch keeps what its retention says; a year and a bit is plenty. */
const MAX_AUDIT_DAYS = 400;

export function validateClusterId(input: string): string {
  const id = input.trim();
  if (!CLUSTER_ID.test(id))
    throw badInput(
      `"${input}" is not a CloudHSM cluster ID`,
      'cluster IDs look like cluster-1a23b4cdefg (kscli stores shows the cluster of each CloudHSM store)',
    );
  return id;
}

export function parseRetireCluster(args: string[], flags: RetireClusterFlags): RetireClusterCommandOptions {
  const clusterId = validateClusterId(args[0] ?? '');
  const regions = parseRegions(flags.regions);
  return {
    clusterId,
    days: parsePositiveInt(flags.days, '--days', MAX_AUDIT_DAYS) ?? 90,
    allowCryptoUsers: [...new Set(flags.allowCryptoUser ?? [])].sort(),
    allowAuditGap: Boolean(flags.allowAuditGap),
    keepCluster: Boolean(flags.keepCluster),
    deleteBackups: Boolean(flags.deleteBackups),
    waitTimeoutMs: parseDuration(flags.waitTimeout ?? '20m', '--wait-timeout'),
    ...(regions.mode === 'list' ? { regions: regions.regions } : {}),
  };
}

export default definePlanCommand({
  name: 'retire-cluster',
  summary: 'delete a CloudHSM cluster no key store uses any more: its HSMs (each billed by the hour), then the cluster',
  mutates: true,
  subject: 'cluster',
  schemas: [{ schema: 'plan', usage: 'retire-cluster' }],
  define(cmd) {
    cmd
      .argument('<cluster-id>', 'the CloudHSM cluster, e.g. cluster-1a23b4cdefg')
      .addOption(new Option('--days <n>', `audit log window in days (default 90, max ${MAX_AUDIT_DAYS})`))
      .addOption(
        new Option(
          '--allow-crypto-user <name>',
          'a crypto user other than kmsuser whose logins you accept (repeatable)',
        )
          .argParser(collect)
          .default([]),
      )
      .option('--allow-audit-gap', 'go on although the audit log is missing or does not cover --days', false)
      .option(
        '--keep-cluster',
        'delete only the HSMs: the cluster and its backups stay (HSMs can be added back)',
        false,
      )
      .option(
        '--delete-backups',
        "also delete the cluster's READY backups (PENDING_DELETION for 7 days, restorable)",
        false,
      )
      .addOption(
        new Option('--wait-timeout <duration>', 'how long to wait for each HSM to be deleted, e.g. 90s, 30m').default(
          '20m',
        ),
      )
      .addOption(
        new Option(
          '--regions <list|all>',
          'Regions to search for key stores on the cluster (default: every enabled Region)',
        ),
      )
      .addHelpText(
        'after',
        // each example says its exit code (the README test runs them against an account whose store
        // still uses the cluster): blocked, exit 3, until the last store on the cluster is deleted
        '\nExamples:\n' +
          '  kscli retire-cluster cluster-1a23b4cdefg --dry-run    # exit 3 while a key store still uses the cluster\n' +
          '  kscli retire-cluster cluster-1a23b4cdefg --keep-cluster --yes    # exit 3 likewise; exit 8 while AWS deletes an HSM: run again\n' +
          '  kscli retire-cluster cluster-1a23b4cdefg --allow-crypto-user app_signer --delete-backups    # exit 3 likewise\n',
      );
  },
  parse: (args, flags) => parseRetireCluster(args, flags as RetireClusterFlags),
  options: (_deps, input) => input,
  load: () => import('./run.js').then((m) => m.planModule),
});
