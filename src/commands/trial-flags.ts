/**
 * The trial's flags (issue 20): --trial-days on delete-store, schedule-deletion and disable-keys,
 * --allow-dynamodb-archive, and --end-trial (a running trial cut short, by key). Kept out of
 * shared-flags.ts so that the trial is one place.
 */
import { Type } from '@sinclair/typebox';
import { Option, type Command } from 'commander';
import { parsePositiveInt } from '../input/validate.js';
import { collect } from './shared-flags.js';

/** LookupEvents keeps 90 days: a longer trial could not be judged (workflow/trial/tags.ts). */
const MAX_TRIAL_DAYS = 90;

export interface TrialFlags {
  trialDays?: string;
  allowDynamodbArchive?: boolean;
  endTrial?: string[];
}

export interface TrialFlagOptions {
  /** undefined: no new trial (a trial already running is still honoured) */
  trialDays?: number;
  allowDynamoDbArchive: boolean;
  endTrial: string[];
}

export const trialDaysOption = (description: string, defaultDays?: string): Option => {
  const o = new Option('--trial-days <n>', description);
  return defaultDays ? o.default(defaultDays) : o;
};
export const allowDynamoDbArchiveOption = (): Option =>
  new Option(
    '--allow-dynamodb-archive',
    'allow a trial longer than 7 days on keys that DynamoDB tables use (DynamoDB archives such a table after 7 days)',
  ).default(false);
export const endTrialOption = (): Option =>
  new Option('--end-trial <id|arn|alias>', 'schedule this key although its trial is still running (repeatable)')
    .argParser(collect)
    .default([]);

/** delete-store and schedule-deletion: --trial-days (no default), --allow-dynamodb-archive, --end-trial. */
export function addTrialOptions(cmd: Command): Command {
  return cmd
    .addOption(
      trialDaysOption(
        `disable the keys it would schedule for N days first (1-${MAX_TRIAL_DAYS}) and schedule them only if nobody fails meanwhile`,
      ),
    )
    .addOption(allowDynamoDbArchiveOption())
    .addOption(endTrialOption());
}

export function parseTrialFlags(flags: TrialFlags): TrialFlagOptions {
  const trialDays = parsePositiveInt(flags.trialDays, '--trial-days', MAX_TRIAL_DAYS);
  return {
    ...(trialDays !== undefined ? { trialDays } : {}),
    allowDynamoDbArchive: Boolean(flags.allowDynamodbArchive),
    endTrial: flags.endTrial ?? [],
  };
}

/** The trial options as a plan file saves them (src/commands/option-schemas.ts). */
export const TrialFlagOptionsSchema = Type.Object({
  trialDays: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TRIAL_DAYS })),
  allowDynamoDbArchive: Type.Boolean(),
  endTrial: Type.Array(Type.String()),
});
