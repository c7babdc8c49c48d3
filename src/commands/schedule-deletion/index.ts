/**
 * kscli schedule-deletion <storeId> [--key K...] [--exclude-key K...] [--window-days 7..30]
 * Preconditions: src/workflow/schedule-deletion.ts. Exit 0 when scheduled (or nothing to do),
 * 3 blocked, 2 bad input, 5 cancelled at the prompt.
 *
 * JSON (--output json): the mutating-command document (src/ui/render/plan-outcome.ts) with
 * "command": "schedule-deletion", plan items
 *   {"target": "<keyId>", "targetKind": "key" | "alarm", "action": "ScheduleKeyDeletion" | "CheckAlarm",
 *    "details": {"arn", "state", "aliases"?, "creationDate", "deletionDate"?, "verdict"?}, ...},
 *   "nextRunAfter"?: ISO (when the scheduled keys will be gone: run delete-store then),
 *   "changedSincePlan"?: [{"keyId", "state", "change": "created" | "deletion-cancelled", "note"}] (after an apply)
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
  parseWindowDaysFlag,
  storeIdArgument,
  windowDaysOption,
  type EvidenceFlags,
  type KeyFlags,
} from '../shared-flags.js';
import { withDeps } from '../with-deps.js';

export interface ScheduleDeletionFlags extends KeyFlags, EvidenceFlags {
  windowDays: string;
  allowDisconnected: boolean;
}

export const scheduleDeletionCommand: CommandModule = {
  register(program: Command, app: App) {
    const cmd = program
      .command('schedule-deletion')
      .addArgument(storeIdArgument())
      .description('schedule deletion of the keys of a store (all, or --key ones), after checking each precondition')
      .addOption(windowDaysOption('waiting period before AWS deletes the keys, 7 to 30'))
      .addOption(
        allowDisconnectedOption(
          'schedule even though the CloudHSM store is not CONNECTED (the key material will be orphaned in the cluster)',
        ),
      );
    addKeyOptions(cmd);
    addEvidenceOptions(cmd);
    cmd
      .addHelpText(
        'after',
        '\nExamples:\n  kscli schedule-deletion cks-1234567890abcdef0 --dry-run\n  kscli schedule-deletion cks-1234567890abcdef0 --key 1234abcd-12ab-34cd-56ef-1234567890ab --window-days 7\n  kscli schedule-deletion cks-1234567890abcdef0 --yes --expected-account 111122223333 --output json\n',
      )
      .action((storeIdInput: string, flags: ScheduleDeletionFlags) => {
        const storeId = validateStoreId(storeIdInput);
        const windowDays = parseWindowDaysFlag(flags.windowDays);
        const evidence = parseEvidenceFlags(flags);
        return withDeps(app, async (deps) => {
          const selection = parseKeyFlags(flags, deps.region);
          const port = await deps.evidence();
          const [{ runPlanCommand }, { scheduleDeletionSpec }] = await Promise.all([
            import('../plan-command.js'),
            import('./run.js'),
          ]);
          const options = {
            storeId,
            selection,
            windowDays,
            allowDisconnected: Boolean(flags.allowDisconnected),
            evidence,
            flags,
          };
          return runPlanCommand(deps, 'schedule-deletion', scheduleDeletionSpec(port, options), undefined, options);
        });
      });
  },
};
