/**
 * kscli disable-keys <storeId> [--key K...] [--exclude-key K...] [--trial-days N]
 * A trial (issue 20, src/workflow/trial/): tags each key with the trial's window and disables it,
 * after ensuring the disabled-key-use alarm; `kscli enable-keys` undoes it. A key whose usage
 * verdict is in-use is blocked unless --allow-in-use (src/workflow/trial/evaluate.ts withUseVerdict);
 * --evidence, --log-group(-arn) and --days choose its evidence as for schedule-deletion. Exit 0 when done
 * (the trial's end is printed), 3 blocked, 2 bad input, 5 cancelled at the prompt.
 *
 * JSON (--output json): the mutating-command document (schemas/plan.json) with "command":
 * "disable-keys", plan actions "DisableKey" / "PutMetricFilter" / "PutMetricAlarm", and "trial".
 */
import { validateStoreId } from '../../input/validate.js';
import { definePlanCommand } from '../descriptor.js';
import {
  addKeyOptions,
  allowInUseOption,
  daysOption,
  evidenceOption,
  logGroupArnOption,
  logGroupOption,
  parseEvidenceSourceFlags,
  noAlarmOption,
  parseKeyFlags,
  snsTopicArnOption,
  storeIdArgument,
  type EvidenceSourceFlags,
  type KeyFlags,
} from '../shared-flags.js';
import type { TrialUsageOptions } from './options.js';
import { allowDynamoDbArchiveOption, parseTrialFlags, trialDaysOption, type TrialFlags } from '../trial-flags.js';

export interface DisableKeysFlags extends KeyFlags, TrialFlags, EvidenceSourceFlags {
  allowInUse: boolean;
  alarm: boolean;
  snsTopicArn?: string;
  logGroup?: string;
}

export interface DisableKeysInput {
  storeId: string;
  days: number;
  allowDynamoDbArchive: boolean;
  usage: TrialUsageOptions;
  flags: DisableKeysFlags;
}

export function parseDisableKeys(args: string[], flags: DisableKeysFlags): DisableKeysInput {
  const trial = parseTrialFlags(flags);
  const source = parseEvidenceSourceFlags(flags);
  return {
    usage: {
      allowInUse: Boolean(flags.allowInUse),
      evidence: source.evidence,
      ...(source.logGroupArn ? { logGroupArn: source.logGroupArn } : {}),
      ...(source.days !== undefined ? { days: source.days } : {}),
    },
    storeId: validateStoreId(args[0] ?? ''),
    days: trial.trialDays ?? 14,
    allowDynamoDbArchive: trial.allowDynamoDbArchive,
    flags,
  };
}

export default definePlanCommand({
  name: 'disable-keys',
  summary:
    'a trial before deletion: disable the keys of a store (all, or --key ones) and watch who fails; kscli enable-keys undoes it',
  mutates: true,
  subject: 'store',
  schemas: [{ schema: 'plan', usage: 'disable-keys' }],
  define(cmd) {
    cmd
      .addArgument(storeIdArgument())
      .addOption(trialDaysOption('how long the trial lasts, in days (1-90)', '14'))
      .addOption(allowDynamoDbArchiveOption())
      .addOption(
        allowInUseOption(
          'disable keys whose usage verdict is in-use as well: their known callers fail until enable-keys (recorded in the journal)',
        ),
      )
      .addOption(noAlarmOption('do not create the disabled-key-use alarm (recorded in the journal)'))
      .addOption(snsTopicArnOption('SNS topic the disabled-key-use alarm notifies'))
      .addOption(
        logGroupOption('CloudWatch Logs group of the trail to put the metric filter on (and to query for evidence)'),
      )
      .addOption(evidenceOption())
      .addOption(logGroupArnOption())
      .addOption(daysOption());
    addKeyOptions(cmd);
    cmd.addHelpText(
      'after',
      '\nExamples:\n  kscli disable-keys cks-1234567890abcdef0 --dry-run   # exit 3 while a key is in use (--allow-in-use, or --exclude-key it)\n  kscli disable-keys cks-1234567890abcdef0 --key alias/reports-archive --trial-days 7 --yes\n',
    );
  },
  parse: parseDisableKeys,
  options: (deps, i) => ({
    storeId: i.storeId,
    selection: parseKeyFlags(i.flags, deps.region),
    days: i.days,
    allowDynamoDbArchive: i.allowDynamoDbArchive,
    usage: i.usage,
    alarm: i.flags.alarm !== false,
    ...(i.flags.snsTopicArn ? { snsTopicArn: i.flags.snsTopicArn } : {}),
    ...(i.flags.logGroup ? { logGroup: i.flags.logGroup } : {}),
    flags: { key: i.flags.key, excludeKey: i.flags.excludeKey },
  }),
  load: () => import('./run.js').then((m) => m.planModule),
});
