/**
 * kscli delete-store <storeId>: the whole multi-week job, as far as the account allows today
 * (src/workflow/delete-store.ts). Exit 0 when the store is deleted (or was already), 8 while keys
 * wait for their deletion date ("pending: run again after <latest DeletionDate + 24 h>"), 3 blocked.
 *
 * JSON (--output json): the mutating-command document (src/ui/render/plan-outcome.ts) with
 * "command": "delete-store", plus the fields of ./run.ts and src/ui/render/delete-store.ts.
 */
import type { Command } from 'commander';
import type { App, CommandModule } from '../../app.js';
import { validateStoreId } from '../../workflow/validate.js';
import {
  addEvidenceOptions,
  addKeyOptions,
  allowDisconnectedOption,
  parseEvidenceFlags,
  parseKeyFlags,
  parseWaitTimeoutFlag,
  parseWindowDaysFlag,
  storeIdArgument,
  waitTimeoutOption,
  windowDaysOption,
  type EvidenceFlags,
  type KeyFlags,
} from '../shared-flags.js';
import { withDeps } from '../with-deps.js';

export interface DeleteStoreFlags extends KeyFlags, EvidenceFlags {
  windowDays: string;
  waitTimeout: string;
  allowDisconnected: boolean;
}

export const deleteStoreCommand: CommandModule = {
  register(program: Command, app: App) {
    const cmd = program
      .command('delete-store')
      .addArgument(storeIdArgument())
      .description(
        'the whole retirement of a store: schedule its keys, wait, disconnect, delete; run it again until it exits 0',
      )
      .addOption(windowDaysOption('waiting period for the keys it schedules, 7 to 30'))
      .addOption(waitTimeoutOption())
      .addOption(
        allowDisconnectedOption('schedule keys even though the CloudHSM store is not CONNECTED (material orphaned)'),
      );
    // narrowing a blocked plan (issue 2); the store cannot be deleted while a key left out exists
    addKeyOptions(cmd);
    addEvidenceOptions(cmd);
    cmd
      .addHelpText(
        'after',
        '\nExamples:\n  kscli delete-store cks-1234567890abcdef0 --dry-run\n  kscli delete-store cks-1234567890abcdef0 --yes --expected-account 111122223333   # exit 8: run again after the date it prints\n  kscli delete-store cks-1234567890abcdef0 --yes --exclude-key 1234abcd-12ab-34cd-56ef-1234567890ab   # schedule the others; the store stays until that key goes too\n',
      )
      .action((storeIdInput: string, flags: DeleteStoreFlags) => {
        const storeId = validateStoreId(storeIdInput);
        const windowDays = parseWindowDaysFlag(flags.windowDays);
        const waitTimeoutMs = parseWaitTimeoutFlag(flags.waitTimeout);
        const evidence = parseEvidenceFlags(flags);
        return withDeps(app, async (deps) => {
          const selection = parseKeyFlags(flags, deps.region);
          const [{ runPlanCommand }, { deleteStoreSpec }] = await Promise.all([
            import('../plan-command.js'),
            import('./run.js'),
          ]);
          const { deleteStoreExtras } = await import('../../ui/render/delete-store.js');
          const options = {
            storeId,
            selection,
            windowDays,
            waitTimeoutMs,
            allowDisconnected: Boolean(flags.allowDisconnected),
            evidence,
            flags,
          };
          return runPlanCommand(deps, 'delete-store', deleteStoreSpec(deps, options), deleteStoreExtras, options);
        });
      });
  },
};
