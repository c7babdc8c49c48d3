/**
 * kscli cancel-deletion <storeId> [--key K...] [--exclude-key K...] [--enable]
 * Cancels pending deletions; AWS leaves a cancelled key Disabled, --enable re-enables it (also the
 * keys an earlier, interrupted kscli run cancelled but did not re-enable: the journal says which).
 *
 * JSON (--output json): the mutating-command document (src/ui/render/plan-outcome.ts) with
 * "command": "cancel-deletion" and plan actions "CancelKeyDeletion" / "EnableKey".
 */
import type { Command } from 'commander';
import type { App, CommandModule } from '../../app.js';
import { validateStoreId } from '../../workflow/validate.js';
import { addKeyOptions, parseKeyFlags, storeIdArgument, type KeyFlags } from '../shared-flags.js';
import { withDeps } from '../with-deps.js';

export interface CancelDeletionFlags extends KeyFlags {
  enable: boolean;
}

export const cancelDeletionCommand: CommandModule = {
  register(program: Command, app: App) {
    const cmd = program
      .command('cancel-deletion')
      .addArgument(storeIdArgument())
      .description(
        'cancel pending deletions of the keys of a store (AWS leaves them Disabled; --enable re-enables them)',
      )
      .option('--enable', 're-enable each key after cancelling its deletion', false);
    addKeyOptions(cmd);
    cmd
      .addHelpText(
        'after',
        '\nExamples:\n  kscli cancel-deletion cks-1234567890abcdef0 --key 1234abcd-12ab-34cd-56ef-1234567890ab --enable\n  kscli cancel-deletion cks-1234567890abcdef0 --dry-run\n',
      )
      .action((storeIdInput: string, flags: CancelDeletionFlags) => {
        const storeId = validateStoreId(storeIdInput);
        return withDeps(app, async (deps) => {
          const selection = parseKeyFlags(flags, deps.region);
          const [{ runPlanCommand }, { cancelDeletionSpec }] = await Promise.all([
            import('../plan-command.js'),
            import('./run.js'),
          ]);
          const options = { storeId, selection, enable: Boolean(flags.enable), flags };
          return runPlanCommand(deps, 'cancel-deletion', cancelDeletionSpec(options), undefined, options);
        });
      });
  },
};
