/**
 * kscli inventory: every custom key store across accounts x Regions, one row per store (issue 11).
 * The commander definition; the work is in run.ts, the renderings in src/ui/inventory-render.ts.
 *
 * JSON (--output json):
 * {
 *   "schemaVersion": 1, "complete": true | false, "accountSource": "caller" | "file" | "org",
 *   "regions": "home" | "all" | ["eu-west-1", ...],
 *   "summary": {"accounts", "accountsWithStores", "accountRegionsRead", "stores", "keys", "hsms", "gaps", "skipped"},
 *   "stores": [{"accountId", "accountName": string | null, "region", "storeId", "name", "type", "connectionState",
 *               "connectionErrorCode"?, "clusterId": string | null, "creationDate",
 *               "cluster": {"state", "hsmCount", "activeHsmCount"} | null, "clusterError"?,
 *               "keyCount", "keyCounts": {"Enabled": n, ...}, "usage"?: {"inUse", "unused", "unknown"} | null}],
 *   "gaps": [{"accountId", "accountName", "region": string | null, "kind", "errorCode": string | null, "reason"}],
 *   "skipped": [{"accountId", "accountName", "region": string | null, "kind", "reason"}]
 * }
 * Exit: 0 complete, 6 complete with gaps (each listed), 2 bad input, 4 the account source itself
 * cannot be read (ListAccounts denied).
 */
import { defineCommand } from '../descriptor.js';
import { withDeps } from '../with-deps.js';
import {
  parseConcurrency,
  parseExternalId,
  parseOu,
  parseRegions,
  parseRoleName,
  DEFAULT_ROLE_NAME,
} from '../../input/estate-options.js';
import { parsePositiveInt } from '../../input/validate.js';
import { badInput, ExitCode } from '../../errors.js';
import { regionsOption } from '../regions-flag.js';

export interface InventoryFlags {
  org?: boolean;
  ou?: string;
  accounts?: string;
  roleName?: string;
  externalId?: string;
  regions?: string;
  concurrency?: string;
  usage?: boolean;
  days?: string;
  unusedDays?: string;
}

export default defineCommand({
  name: 'inventory',
  summary: 'every custom key store across accounts and Regions: state, keys, HSMs and (--usage) usage; read-only',
  mutates: false,
  schemas: [{ schema: 'inventory', usage: 'inventory' }],
  formats: ['markdown', 'csv'],
  define(cmd, app) {
    cmd
      .description(
        'every custom key store across accounts and Regions: state, keys, HSMs and (--usage) usage; read-only',
      )
      .option(
        '--org',
        'every ACTIVE account of the AWS Organization (ListAccounts: run from the management account or a delegated administrator)',
        false,
      )
      .option('--ou <id>', 'with --org: only this organizational unit and the OUs below it')
      .option(
        '--accounts <file>',
        'the accounts listed in FILE: IDs one per line, a CSV with an account_id column, or a c7n-org accounts.yml',
      )
      .option('--role-name <name>', `role assumed in each other account (default ${DEFAULT_ROLE_NAME})`)
      .option('--external-id <id>', 'sts:ExternalId for the role trust policies that demand one')
      .option(
        ...regionsOption(
          'Regions to read',
          'comma-separated, or all: every Region each account has enabled (default: --region)',
        ),
      )
      .option('--concurrency <n>', 'account-Regions read at once across the estate (default 32)')
      .option('--usage', 'add the usage verdict counts per store (CloudTrail evidence; slower)', false)
      .option('--days <n>', 'with --usage: CloudTrail history to examine, in days (max 90)')
      .option('--unused-days <n>', 'with --usage: a key unused for this many days counts as unused (default 90)')
      .addHelpText(
        'after',
        "\nThe caller's own account is read with the current credentials; every other account through STS AssumeRole\n" +
          '(session name kscli-<operator>). Accounts or Regions that cannot be read are gaps: listed, and exit code 6.\n' +
          'Nothing is changed (--dry-run is accepted and changes nothing either).\n\n' +
          'Examples:\n  kscli inventory --regions all\n' +
          '  kscli inventory --org --regions all --output csv > stores.csv   # exit 6 when an account or Region cannot be read\n' +
          '  kscli inventory --org --ou ou-k5c1-dev00001 --role-name OrganizationAccountAccessRole --external-id kscli-audit --output markdown\n' +
          `  printf 'accounts:\\n  - account_id: "111122223333"\\n' > accounts.yml\n` +
          '  kscli inventory --accounts accounts.yml --usage --output json   # a c7n-org accounts.yml\n',
      )
      .action((flags: InventoryFlags) => {
        // every flag checked before any AWS call
        if (flags.org && flags.accounts) throw badInput('give either --org or --accounts FILE, not both');
        if (flags.ou && !flags.org) throw badInput('--ou narrows --org: add --org');
        if (!flags.usage && (flags.days !== undefined || flags.unusedDays !== undefined))
          throw badInput('--days and --unused-days apply with --usage');
        const parsed = {
          // every enabled Region by default (issue 21: the home Region alone misses most of an
          // estate's stores; Prowler and ScoutSuite default to all Regions); an explicit --region
          // still names one Region, --regions narrows
          regions: parseRegions(flags.regions ?? (app.globals().region ? undefined : 'all')),
          concurrency: parseConcurrency(flags.concurrency),
          roleName: parseRoleName(flags.roleName),
          externalId: parseExternalId(flags.externalId),
          ou: parseOu(flags.ou),
          days: parsePositiveInt(flags.days, '--days', 90),
          unusedDays: parsePositiveInt(flags.unusedDays, '--unused-days', 3650),
        };
        return withDeps(app, async (deps) => {
          const [{ runInventoryCommand }, { renderInventory }] = await Promise.all([
            import('./run.js'),
            import('../../ui/render/inventory.js'),
          ]);
          const view = await runInventoryCommand(deps, flags, parsed);
          renderInventory(deps, view);
          return view.result.gaps.length > 0 ? ExitCode.Incomplete : ExitCode.Ok;
        });
      });
  },
});
