/**
 * The flags (and the store argument) that several commands share, each defined once: its name,
 * argument, default and parser live here; a command may word the description for its own context
 * (the help text is part of the interface, so each command keeps its sentence). Each flag group has
 * a typed shape as commander hands it to the action, and a parser that turns it into the typed
 * options the workflow takes (bad input: exit 2, before any AWS call).
 */
import { Argument, Option, type Command } from 'commander';
import type { EvidenceOptions } from '../workflow/evidence-port.js';
import { parseDuration, parseKeyRef, parsePositiveInt, parseWindowDays, type KeyRef } from '../workflow/validate.js';

/** commander's repeatable-flag parser: `--key a --key b` gives ['a', 'b'] */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `<storeId>`: the first argument of every store command (validated by the command, which names the fix). */
export const storeIdArgument = (): Argument => new Argument('<storeId>', 'custom key store ID (cks-...)');

// ---- --key / --exclude-key ----

export interface KeyFlags {
  key: string[];
  excludeKey: string[];
}

export interface KeySelectionOptions {
  include: KeyRef[];
  exclude: KeyRef[];
}

export const keyOption = (description = 'only this key (repeatable); default: every key of the store'): Option =>
  new Option('--key <id|arn|alias>', description).argParser(collect).default([]);

export const excludeKeyOption = (): Option => new Option('--exclude-key <id|arn|alias>', 'leave this key out (repeatable)').argParser(collect).default([]);

export function addKeyOptions(cmd: Command): Command {
  return cmd.addOption(keyOption()).addOption(excludeKeyOption());
}

/** Key references need the region (an alias ARN or key ARN names one): parsed once Deps knows it. */
export function parseKeyFlags(flags: Partial<KeyFlags>, region: string): KeySelectionOptions {
  return {
    include: (flags.key ?? []).map((k) => parseKeyRef(k, region)),
    exclude: (flags.excludeKey ?? []).map((k) => parseKeyRef(k, region)),
  };
}

// ---- the evidence flags of schedule-deletion and delete-store (issue 3) ----

export interface EvidenceFlags {
  allowInUse: boolean;
  allowUnknownUsage: boolean;
  /** false with --no-alarm */
  alarm: boolean;
  snsTopicArn?: string;
  logGroup?: string;
  days?: string;
  unusedDays?: string;
}

export const allowInUseOption = (): Option => new Option('--allow-in-use', 'schedule keys whose usage verdict is in-use (recorded in the journal)').default(false);
export const allowUnknownUsageOption = (): Option =>
  new Option('--allow-unknown-usage', 'schedule keys whose usage cannot be established (recorded in the journal)').default(false);
export const noAlarmOption = (): Option => new Option('--no-alarm', 'do not require the pending-deletion alarm (recorded in the journal)');
export const snsTopicArnOption = (description = 'SNS topic the pending-deletion alarm notifies'): Option => new Option('--sns-topic-arn <arn>', description);
export const logGroupOption = (description = 'CloudWatch Logs group of the trail to put the metric filter on'): Option => new Option('--log-group <name>', description);
export const daysOption = (description = 'CloudTrail history to examine, in days (max 90)'): Option => new Option('--days <n>', description);
export const unusedDaysOption = (description = 'a key unused for this many days counts as unused (default 90)'): Option => new Option('--unused-days <n>', description);

export function addEvidenceOptions(cmd: Command): Command {
  return cmd
    .addOption(allowInUseOption())
    .addOption(allowUnknownUsageOption())
    .addOption(noAlarmOption())
    .addOption(snsTopicArnOption())
    .addOption(logGroupOption())
    .addOption(daysOption())
    .addOption(unusedDaysOption());
}

/** --days: CloudTrail event history keeps 90 days. */
export const parseDaysFlag = (value: string | undefined): number | undefined => parsePositiveInt(value, '--days', 90);
/** --unused-days: at most ten years. */
export const parseUnusedDaysFlag = (value: string | undefined): number | undefined => parsePositiveInt(value, '--unused-days', 3650);

export function parseEvidenceFlags(flags: EvidenceFlags): EvidenceOptions {
  return {
    allowInUse: Boolean(flags.allowInUse),
    allowUnknownUsage: Boolean(flags.allowUnknownUsage),
    alarm: flags.alarm !== false,
    snsTopicArn: flags.snsTopicArn,
    logGroup: flags.logGroup,
    days: parseDaysFlag(flags.days),
    unusedDays: parseUnusedDaysFlag(flags.unusedDays),
  };
}

// ---- the flags of the store-retirement steps ----

/** --window-days: AWS's waiting period before a key scheduled for deletion is deleted, 7 to 30. */
export const windowDaysOption = (description: string): Option => new Option('--window-days <days>', description).default('30');
export const parseWindowDaysFlag = (value: string | undefined): number => parseWindowDays(value);

/** --wait-timeout: how long disconnect-store and delete-store wait for DISCONNECTED. */
export const waitTimeoutOption = (): Option => new Option('--wait-timeout <duration>', 'how long to wait for DISCONNECTED, e.g. 90s, 30m').default('20m');
export const parseWaitTimeoutFlag = (value: string): number => parseDuration(value, '--wait-timeout');

/** --allow-disconnected: schedule keys of a CloudHSM store that is not CONNECTED (material orphaned). */
export const allowDisconnectedOption = (description: string): Option => new Option('--allow-disconnected', description).default(false);

/** --force: each command says what it overrides. */
export const forceOption = (description: string): Option => new Option('--force', description).default(false);
