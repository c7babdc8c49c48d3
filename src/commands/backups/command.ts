/**
 * kscli backups <storeId> [--delete]: CloudHSM cluster backups that may still hold the store's key
 * material (src/workflow/backups.ts). With --delete, READY ones are deleted after confirmation (a
 * mutating plan like the others); they stay restorable for 7 days (PENDING_DELETION), and deleting a
 * backup also removes every other key and user it holds. While the store still holds keys, the
 * backups are their recovery copies: deleting them is blocked unless --force.
 *
 * JSON (--output json): the report as src/ui/render/backups.ts documents it; with --delete, the
 * mutating-command document (src/ui/render/plan-outcome.ts), "command": "backups", plan actions "DeleteBackup".
 */
import { renderResult } from '../../ui/render/output.js';
import { validateStoreId } from '../../input/validate.js';
import { definePlanCommand } from '../descriptor.js';
import { inStoreRegion, regionsOption } from '../regions-flag.js';
import { forceOption, storeIdArgument } from '../shared-flags.js';
import { withDeps } from '../with-deps.js';
import { validateClusterId } from '../retire-cluster/command.js';

export interface BackupsFlags {
  delete: boolean;
  force: boolean;
  regions?: string;
  cluster?: string;
}

export interface BackupsInput {
  storeId: string;
  delete: boolean;
  force: boolean;
  regions?: string;
  cluster?: string;
}

export const parseBackups = (args: string[], flags: BackupsFlags): BackupsInput => ({
  storeId: validateStoreId(args[0] ?? ''),
  delete: Boolean(flags.delete),
  force: Boolean(flags.force),
  regions: flags.regions,
  ...(flags.cluster !== undefined ? { cluster: validateClusterId(flags.cluster) } : {}),
});

export default definePlanCommand({
  name: 'backups',
  summary: "CloudHSM cluster backups that may still hold the store's key material (--delete removes READY ones)",
  mutates: { withFlag: 'delete' },
  subject: 'store',
  schemas: [
    { schema: 'plan', usage: 'backups --delete' },
    { schema: 'backups', usage: 'backups' },
  ],
  define(cmd) {
    cmd
      .addArgument(storeIdArgument())
      .option('--delete', 'delete the READY backups that may hold key material (restorable for 7 days)', false)
      .addOption(
        forceOption('with --delete: delete them even though the store still holds keys (their recovery copies)'),
      )
      .option(...regionsOption('where to look for the store'))
      .option(
        '--cluster <cluster-id>',
        "a deleted store's cluster, when neither the journal nor CloudTrail (90 days) names it",
      )
      .addHelpText(
        'after',
        '\nExamples:\n  kscli backups cks-1234567890abcdef0\n  kscli backups cks-1234567890abcdef0 --delete --dry-run   # exit 3 while the store holds keys: these backups are their recovery copies\n  kscli backups cks-1234567890abcdef0 --regions all\n  kscli backups cks-1234567890abcdef0 --cluster cluster-1a23b4cdefg   # after the store is gone, with no record of its cluster\n',
      );
  },
  parse: parseBackups,
  options: (_deps, i) => ({ storeId: i.storeId, force: i.force, ...(i.cluster ? { cluster: i.cluster } : {}) }),
  load: () => import('./run.js').then((m) => m.planModule),
  // without --delete: the report (no plan)
  report: (app, i) =>
    withDeps(app, async (deps) => {
      const [{ runBackupsReport }, { backupsRenderer }] = await Promise.all([
        import('./run.js'),
        import('../../ui/render/backups.js'),
      ]);
      renderResult(deps, backupsRenderer, await runBackupsReport(deps, i.storeId, i.cluster));
      return 0;
    }),
  // --regions: find the store's region first, then run there
  around: (app, i, run) => inStoreRegion(app, i.storeId, i.regions, run),
});
