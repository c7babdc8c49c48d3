/**
 * kscli cancel-deletion <storeId> [--key K...] [--exclude-key K...] [--enable]
 * Cancels pending deletions; AWS leaves a cancelled key Disabled, --enable re-enables it (also the
 * keys an earlier, interrupted kscli run cancelled but did not re-enable: the journal says which).
 *
 * JSON (--output json): the mutating-command document (see schedule-deletion.ts) with
 * "command": "cancel-deletion" and plan actions "CancelKeyDeletion" / "EnableKey".
 */
import type { Command } from 'commander';
import type { App, CommandModule } from '../app.js';
import { cancelledNotEnabled, planCancelDeletion } from '../workflow/cancel-deletion.js';
import { validateStoreId } from '../workflow/validate.js';
import { addKeyOptions, parseKeyOptions, withDeps } from './common.js';
import { runMutating } from './run-plan.js';

export const cancelDeletionCommand: CommandModule = {
  register(program: Command, app: App) {
    const cmd = program
      .command('cancel-deletion')
      .argument('<storeId>', 'custom key store ID (cks-...)')
      .description('cancel pending deletions of the keys of a store (AWS leaves them Disabled; --enable re-enables them)')
      .option('--enable', 're-enable each key after cancelling its deletion', false);
    addKeyOptions(cmd);
    cmd
      .addHelpText('after', '\nExamples:\n  kscli cancel-deletion cks-1234567890abcdef0 --key 1234abcd-12ab-34cd-56ef-1234567890ab --enable\n  kscli cancel-deletion cks-1234567890abcdef0 --dry-run\n')
      .action((storeIdInput: string, opts: Record<string, any>) => {
        const storeId = validateStoreId(storeIdInput);
        return withDeps(app, async (deps) => {
          const sel = parseKeyOptions(opts, deps.region);
          return runMutating(deps, {
            command: 'cancel-deletion',
            storeId,
            keyRefs: [...sel.include, ...sel.exclude],
            selection: { key: opts.key, excludeKey: opts.excludeKey, enable: Boolean(opts.enable) },
            plan: (ctx, keys, journal) =>
              planCancelDeletion(ctx, keys, sel, { enable: Boolean(opts.enable), cancelledEarlier: cancelledNotEnabled(journal.entries()) }),
          });
        });
      });
  },
};
