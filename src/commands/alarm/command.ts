/**
 * kscli alarm <storeId> [--sns-topic-arn ARN] [--log-group NAME] [--replace]: ensures, idempotently,
 * the CloudWatch alarm AWS documents for use of a key pending deletion (issue 3; aws-facts 4):
 * a metric filter on the log group of a suitable CloudTrail trail, and an alarm on its metric, in
 * the trail's home region. Planning rules: src/workflow/evidence/alarm-plan.ts.
 *
 * Mutating: plan, --dry-run, confirmation and --yes as for every mutating command
 * (src/workflow/plan-runner/). Exit 0 created or already in place, 3 blocked (no suitable trail, a
 * different filter or alarm without --replace, a missing topic, or a store key encrypting the
 * trail, log group or topic).
 *
 * JSON (--output json): the mutating-command document (src/ui/render/plan-outcome.ts), with plan items
 * {"target": "kscli-kms-key-pending-deletion-use", "targetKind": "metric-filter" | "alarm",
 *  "action": "PutMetricFilter" | "PutMetricAlarm", "status", "reason", "checks", "details": {"logGroup", "region", ...}}.
 */
import { badInput } from '../../errors.js';
import { validateStoreId } from '../../input/validate.js';
import { definePlanCommand } from '../descriptor.js';
import { logGroupOption, snsTopicArnOption, storeIdArgument } from '../shared-flags.js';
import type { AlarmOptions } from './run.js';

export interface AlarmFlags {
  snsTopicArn?: string;
  logGroup?: string;
  replace: boolean;
}

const SNS_TOPIC_ARN = /^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}(\.fifo)?$/;
/** CloudWatch Logs log group names: 1-512 of [.-_/#A-Za-z0-9] */
const LOG_GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;

export function parseAlarmFlags(flags: AlarmFlags): Omit<AlarmOptions, 'storeId'> {
  const { snsTopicArn, logGroup } = flags;
  if (snsTopicArn !== undefined && !SNS_TOPIC_ARN.test(snsTopicArn)) {
    throw badInput(
      `--sns-topic-arn "${snsTopicArn}" is not an SNS topic ARN`,
      'e.g. arn:aws:sns:eu-west-1:111122223333:kms-alerts',
    );
  }
  if (logGroup !== undefined && !LOG_GROUP_NAME.test(logGroup))
    throw badInput(`--log-group "${logGroup}" is not a CloudWatch Logs log group name`);
  return { snsTopicArn, logGroup, replace: Boolean(flags.replace) };
}

export function parseAlarm(args: string[], flags: AlarmFlags): AlarmOptions {
  return { storeId: validateStoreId(args[0] ?? ''), ...parseAlarmFlags(flags) };
}

export default definePlanCommand({
  name: 'alarm',
  summary: 'create (idempotently) the CloudWatch alarm that fires when anyone tries to use a KMS key pending deletion',
  mutates: true,
  subject: 'store',
  schemas: [{ schema: 'plan', usage: 'alarm' }],
  define(cmd) {
    cmd
      .addArgument(storeIdArgument())
      .addOption(snsTopicArnOption("SNS topic the alarm notifies (must exist, in the trail's home region)"))
      .addOption(logGroupOption('use the trail that delivers to this CloudWatch Logs log group'))
      .option('--replace', 'overwrite a kscli filter or alarm whose configuration differs', false)
      .addHelpText(
        'after',
        `
What it creates (in the home region of a CloudTrail trail that is logging, delivers to CloudWatch
Logs, covers this region and records KMS read-only management events):
  metric filter kscli-kms-key-pending-deletion-use on the trail's log group, pattern
    { $.eventSource = kms* && $.errorMessage = "* is pending deletion." }  ->  metric kscli/KeyPendingDeletionUseCount
  alarm kscli-kms-key-pending-deletion-use: Sum over 300 s >= 1 in 1 datapoint, missing data not breaching,
    notifying --sns-topic-arn when given
Refused (exit 3) when the trail, its log group or the topic is encrypted with a key of this store.

Examples:
  kscli alarm cks-1234567890abcdef0 --dry-run
  kscli alarm cks-1234567890abcdef0 --sns-topic-arn arn:aws:sns:us-east-1:111122223333:kms-alerts
  kscli alarm cks-1234567890abcdef0 --log-group aws-cloudtrail-logs-111122223333 --replace --yes
`,
      );
  },
  parse: parseAlarm,
  options: (_deps, input) => input,
  load: () => import('./run.js').then((m) => m.planModule),
});
