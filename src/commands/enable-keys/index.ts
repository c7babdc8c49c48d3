/**
 * kscli enable-keys <storeId> [--key K...] [--exclude-key K...]
 * The trial's rollback (issue 20): re-enables the keys of the store that kscli disabled for a
 * trial (they carry its kscli:trial-* tags) and removes the tags; a key Disabled before the trial
 * is left Disabled unless named with --key. Exit 0 done (or nothing to do), 3 blocked, 5 cancelled.
 *
 * JSON (--output json): the mutating-command document (schemas/plan.json) with "command":
 * "enable-keys", plan actions "EnableKey", and "trial" (the trials that were undone).
 */
import type { Command } from 'commander';
import type { App, CommandModule } from '../../app.js';
import { validateStoreId } from '../../workflow/validate.js';
import { addKeyOptions, parseKeyFlags, storeIdArgument, type KeyFlags } from '../shared-flags.js';
import { withDeps } from '../with-deps.js';

export const enableKeysCommand: CommandModule = {
  register(program: Command, app: App) {
    const cmd = program
      .command('enable-keys')
      .addArgument(storeIdArgument())
      .description(
        "roll back a trial: re-enable the store's keys kscli disabled for it (a key Disabled before it only when named with --key)",
      );
    addKeyOptions(cmd);
    cmd
      .addHelpText(
        'after',
        '\nExamples:\n  kscli enable-keys cks-1234567890abcdef0 --dry-run\n  kscli enable-keys cks-1234567890abcdef0 --yes\n  kscli enable-keys cks-1234567890abcdef0 --key 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9   # a key Disabled before the trial\n',
      )
      .action((storeIdInput: string, flags: KeyFlags) => {
        const storeId = validateStoreId(storeIdInput);
        return withDeps(app, async (deps) => {
          const selection = parseKeyFlags(flags, deps.region);
          const [{ runPlanCommand }, { enableKeysSpec }] = await Promise.all([
            import('../plan-command.js'),
            import('./run.js'),
          ]);
          const options = { storeId, selection, flags: { key: flags.key, excludeKey: flags.excludeKey } };
          return runPlanCommand(deps, 'enable-keys', enableKeysSpec(options), undefined, options);
        });
      });
  },
};
