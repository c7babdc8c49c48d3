/**
 * kscli disable-keys <storeId> [--key K...] [--exclude-key K...] [--trial-days N]
 * A trial (issue 20, src/workflow/trial/): tags each key with the trial's window and disables it,
 * after ensuring the disabled-key-use alarm; `kscli enable-keys` undoes it. Exit 0 when done
 * (the trial's end is printed), 3 blocked, 2 bad input, 5 cancelled at the prompt.
 *
 * JSON (--output json): the mutating-command document (schemas/plan.json) with "command":
 * "disable-keys", plan actions "DisableKey" / "PutMetricFilter" / "PutMetricAlarm", and "trial".
 */
import type { Command } from 'commander';
import type { App, CommandModule } from '../../app.js';
import { validateStoreId } from '../../workflow/validate.js';
import {
  addKeyOptions,
  logGroupOption,
  noAlarmOption,
  parseKeyFlags,
  snsTopicArnOption,
  storeIdArgument,
  type KeyFlags,
} from '../shared-flags.js';
import { allowDynamoDbArchiveOption, parseTrialFlags, trialDaysOption, type TrialFlags } from '../trial-flags.js';
import { withDeps } from '../with-deps.js';

export interface DisableKeysFlags extends KeyFlags, TrialFlags {
  alarm: boolean;
  snsTopicArn?: string;
  logGroup?: string;
}

export const disableKeysCommand: CommandModule = {
  register(program: Command, app: App) {
    const cmd = program
      .command('disable-keys')
      .addArgument(storeIdArgument())
      .description(
        'a trial before deletion: disable the keys of a store (all, or --key ones) and watch who fails; kscli enable-keys undoes it',
      )
      .addOption(trialDaysOption('how long the trial lasts, in days (1-90)', '14'))
      .addOption(allowDynamoDbArchiveOption())
      .addOption(noAlarmOption().default(true))
      .addOption(snsTopicArnOption('SNS topic the disabled-key-use alarm notifies'))
      .addOption(logGroupOption('CloudWatch Logs group of the trail to put the metric filter on'));
    addKeyOptions(cmd);
    cmd
      .addHelpText(
        'after',
        '\nExamples:\n  kscli disable-keys cks-1234567890abcdef0 --dry-run\n  kscli disable-keys cks-1234567890abcdef0 --key alias/reports-archive --trial-days 7 --yes\n',
      )
      .action((storeIdInput: string, flags: DisableKeysFlags) => {
        const storeId = validateStoreId(storeIdInput);
        const trial = parseTrialFlags(flags);
        return withDeps(app, async (deps) => {
          const selection = parseKeyFlags(flags, deps.region);
          const [{ runPlanCommand }, { disableKeysSpec }] = await Promise.all([
            import('../plan-command.js'),
            import('./run.js'),
          ]);
          const options = {
            storeId,
            selection,
            days: trial.trialDays ?? 14,
            allowDynamoDbArchive: trial.allowDynamoDbArchive,
            alarm: flags.alarm !== false,
            ...(flags.snsTopicArn ? { snsTopicArn: flags.snsTopicArn } : {}),
            ...(flags.logGroup ? { logGroup: flags.logGroup } : {}),
            flags: { key: flags.key, excludeKey: flags.excludeKey },
          };
          return runPlanCommand(deps, 'disable-keys', disableKeysSpec(options), undefined, options);
        });
      });
  },
};
