/**
 * The flags (and the store argument) that several commands share, each defined once: its name,
 * argument, default and parser live here; a command may word the description for its own context
 * (the help text is part of the interface, so each command keeps its sentence). Each flag group has
 * a typed shape as commander hands it to the action, and a parser that turns it into the typed
 * options the workflow takes (bad input: exit 2, before any AWS call).
 */
import {
  allowDataLossOption,
  configAggregatorOption,
  dependentsOption,
  parseDependentsFlags,
  type DependentsFlagMode,
  type DependentsFlags,
} from './dependents-flags.js';
import { Argument, Option, type Command } from 'commander';
import { ExitCode, KscliError } from '../errors.js';
import { withFixedValues } from './fixed-values.js';
import type { EvidenceOptions } from '../workflow/evidence-port.js';
import type { EvidenceMode } from '../workflow/evidence/types.js';

const badInput = (message: string, hint?: string) => new KscliError(ExitCode.BadInput, message, hint);
import { parseDuration, parseKeyRef, parsePositiveInt, parseWindowDays, type KeyRef } from '../input/validate.js';

/** --evidence's choices: every EvidenceMode (the compiler checks the record's keys; no workflow module loads for --help). */
const EVIDENCE_MODES = Object.keys({ auto: 0, logs: 0, api: 0 } satisfies Record<EvidenceMode, 0>);

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

export const excludeKeyOption = (): Option =>
  new Option('--exclude-key <id|arn|alias>', 'leave this key out (repeatable)').argParser(collect).default([]);

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

export interface EvidenceFlags extends EvidenceSourceFlags {
  allowInUse: boolean;
  allowDataLoss?: boolean;
  allowUnknownUsage: boolean;
  /** false with --no-alarm */
  alarm: boolean;
  snsTopicArn?: string;
  logGroup?: string;
  unusedDays?: string;
}

// ---- where the use evidence comes from (issue 10): usage, schedule-deletion, delete-store ----

export interface EvidenceSourceFlags extends DependentsFlags {
  evidence?: string;
  logGroupArn?: string;
  days?: string;
}

/** CloudTrail event history's reach (aws-facts 5): the evidence module's MAX_CLOUDTRAIL_DAYS, not imported so that parsing flags loads no evidence code. */
const MAX_CLOUDTRAIL_DAYS = 90;
/** Ten years: more than any log group holds (Logs Insights has nothing before 2018-11-05). */
export const MAX_EVIDENCE_DAYS = 3650;
const LOG_GROUP_ARN = /^arn:aws[\w-]*:logs:[\w-]+:\d{12}:log-group:[-._/#A-Za-z0-9]+(:\*)?$/;

export const evidenceOption = (): Option =>
  withFixedValues(
    new Option(
      '--evidence <source>',
      "where use evidence comes from: auto (the trail's log group via Logs Insights where it covers the window, the per-key APIs for the rest), logs (the log group alone: what it does not cover is a gap, keys there unknown; no group: refuse), api (GetKeyLastUsage + LookupEvents per key)",
    ),
    EVIDENCE_MODES,
  ).default('auto');
export const logGroupArnOption = (): Option =>
  new Option(
    '--log-group-arn <arn>',
    "the CloudTrail log group to query for evidence, by ARN: another region, or another account (an organization trail's)",
  );

export interface EvidenceSourceOptions {
  evidence: EvidenceMode;
  /** issue 19: --dependents, --config-aggregator */
  dependents: DependentsFlagMode;
  configAggregator?: string;
  logGroupArn?: string;
  days?: number;
}

export function parseEvidenceSourceFlags(flags: EvidenceSourceFlags): EvidenceSourceOptions {
  const evidence = String(flags.evidence ?? 'auto');
  if (!EVIDENCE_MODES.includes(evidence))
    throw badInput(`--evidence "${evidence}" must be one of ${EVIDENCE_MODES.join(', ')}`, 'auto is the default');
  const logGroupArn = flags.logGroupArn;
  if (logGroupArn !== undefined && !LOG_GROUP_ARN.test(logGroupArn)) {
    throw badInput(
      `--log-group-arn "${logGroupArn}" is not a log group ARN`,
      'give arn:aws:logs:REGION:ACCOUNT:log-group:NAME (aws logs describe-log-groups shows it), or --log-group NAME for this account',
    );
  }
  const days = parseDaysFlag(flags.days);
  if (days !== undefined && days > MAX_CLOUDTRAIL_DAYS && evidence === 'api') {
    throw badInput(
      `--days ${days} with --evidence api: CloudTrail event history reaches back ${MAX_CLOUDTRAIL_DAYS} days`,
      "use --evidence auto or logs: a trail's log group that keeps events that long can answer",
    );
  }
  return {
    evidence: evidence as EvidenceMode,
    ...parseDependentsFlags(flags),
    ...(logGroupArn ? { logGroupArn } : {}),
    ...(days !== undefined ? { days } : {}),
  };
}

export const allowInUseOption = (
  description = 'schedule keys whose usage verdict is in-use, and with --trial-days disable them for the trial (recorded in the journal)',
): Option => new Option('--allow-in-use', description).default(false);
export const allowUnknownUsageOption = (): Option =>
  new Option(
    '--allow-unknown-usage',
    'schedule keys whose usage cannot be established (recorded in the journal)',
  ).default(false);
export const noAlarmOption = (
  description = "do not require the pending-deletion alarm, nor create a trial's disabled-key-use alarm (recorded in the journal)",
): Option => new Option('--no-alarm', description);
export const snsTopicArnOption = (description = 'SNS topic the pending-deletion alarm notifies'): Option =>
  new Option('--sns-topic-arn <arn>', description);
export const logGroupOption = (
  description = 'CloudWatch Logs group of the trail to put the metric filter on (and to query for evidence)',
): Option => new Option('--log-group <name>', description);
export const daysOption = (
  description = `evidence window in days (default 90; above 90 only where the trail's log group keeps events that long, max ${MAX_EVIDENCE_DAYS})`,
): Option => new Option('--days <n>', description);
export const unusedDaysOption = (
  description = 'a key unused for this many days counts as unused (default 90, or --days when larger)',
): Option => new Option('--unused-days <n>', description);

export function addEvidenceOptions(cmd: Command): Command {
  return cmd
    .addOption(allowInUseOption())
    .addOption(allowUnknownUsageOption())
    .addOption(allowDataLossOption())
    .addOption(noAlarmOption())
    .addOption(snsTopicArnOption())
    .addOption(logGroupOption())
    .addOption(evidenceOption())
    .addOption(logGroupArnOption())
    .addOption(dependentsOption())
    .addOption(configAggregatorOption())
    .addOption(daysOption())
    .addOption(unusedDaysOption());
}

/** --days: above 90 only through a log group (checked against --evidence by parseEvidenceSourceFlags). */
export const parseDaysFlag = (value: string | undefined): number | undefined =>
  parsePositiveInt(value, '--days', MAX_EVIDENCE_DAYS);
/** --unused-days: at most ten years. */
export const parseUnusedDaysFlag = (value: string | undefined): number | undefined =>
  parsePositiveInt(value, '--unused-days', 3650);

export function parseEvidenceFlags(flags: EvidenceFlags): EvidenceOptions {
  return {
    allowInUse: Boolean(flags.allowInUse),
    allowUnknownUsage: Boolean(flags.allowUnknownUsage),
    ...(flags.allowDataLoss ? { allowDataLoss: true } : {}),
    alarm: flags.alarm !== false,
    snsTopicArn: flags.snsTopicArn,
    logGroup: flags.logGroup,
    ...parseEvidenceSourceFlags(flags),
    unusedDays: parseUnusedDaysFlag(flags.unusedDays),
  };
}

// ---- the flags of the store-retirement steps ----

/** --window-days: AWS's waiting period before a key scheduled for deletion is deleted, 7 to 30. */
export const windowDaysOption = (description: string): Option =>
  new Option('--window-days <days>', description).default('30');
export const parseWindowDaysFlag = (value: string | undefined): number => parseWindowDays(value);

/** --wait-timeout: how long disconnect-store and delete-store wait for DISCONNECTED. */
export const waitTimeoutOption = (): Option =>
  new Option('--wait-timeout <duration>', 'how long to wait for DISCONNECTED, e.g. 90s, 30m').default('20m');
export const parseWaitTimeoutFlag = (value: string): number => parseDuration(value, '--wait-timeout');

/** --allow-disconnected: schedule keys of a CloudHSM store that is not CONNECTED (material orphaned). */
export const allowDisconnectedOption = (description: string): Option =>
  new Option('--allow-disconnected', description).default(false);

/** --force: each command says what it overrides. */
export const forceOption = (description: string): Option => new Option('--force', description).default(false);
