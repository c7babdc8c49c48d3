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
import type { Command } from 'commander';
import type { App, CommandModule } from '../../app.js';
import { renderResult } from '../../ui/render/output.js';
import { validateStoreId } from '../../workflow/validate.js';
import { forceOption, storeIdArgument } from '../shared-flags.js';
import { withDeps } from '../with-deps.js';
import { inStoreRegion, REGIONS_HELP } from '../regions-flag.js';

export interface BackupsFlags {
  delete: boolean;
  force: boolean;
  regions?: string;
}

export const backupsCommand: CommandModule = {
  register(program: Command, app: App) {
    program
      .command('backups')
      .addArgument(storeIdArgument())
      .description(
        "CloudHSM cluster backups that may still hold the store's key material (--delete removes READY ones)",
      )
      .option('--delete', 'delete the READY backups that may hold key material (restorable for 7 days)', false)
      .addOption(
        forceOption('with --delete: delete them even though the store still holds keys (their recovery copies)'),
      )
      .option('--regions <list|all>', `where to look for the store: ${REGIONS_HELP}`)
      .addHelpText(
        'after',
        '\nExamples:\n  kscli backups cks-1234567890abcdef0\n  kscli backups cks-1234567890abcdef0 --delete --dry-run\n  kscli backups cks-1234567890abcdef0 --regions all\n',
      )
      .action((storeIdInput: string, flags: BackupsFlags) => {
        const storeId = validateStoreId(storeIdInput);
        return inStoreRegion(app, storeId, flags.regions, (inRegion) =>
          withDeps(inRegion, async (deps) => {
            const { backupDeletionSpec, runBackupsReport } = await import('./run.js');
            if (flags.delete) {
              const { runPlanCommand } = await import('../plan-command.js');
              const options = { storeId, force: Boolean(flags.force) };
              return runPlanCommand(deps, 'backups', backupDeletionSpec(deps, options), undefined, options);
            }
            const { backupsRenderer } = await import('../../ui/render/backups.js');
            renderResult(deps, backupsRenderer, await runBackupsReport(deps, storeId));
            return 0;
          }),
        );
      });
  },
};
