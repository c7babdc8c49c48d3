/**
 * The data-at-rest flags (issue 19): --dependents auto|config|direct|off, --config-aggregator NAME
 * (usage, schedule-deletion, delete-store) and --allow-data-loss (the deletion commands). Parsing
 * loads no evidence code (the modes are listed here, and checked against the workflow's by a test).
 */
import { Option } from 'commander';
import { ExitCode, KscliError } from '../errors.js';
import { withFixedValues } from './fixed-values.js';

export type DependentsFlagMode = 'auto' | 'config' | 'direct' | 'off';
const MODES: readonly DependentsFlagMode[] = ['auto', 'config', 'direct', 'off'];
/** ConfigurationAggregatorName: 1..256 of [\w-] (botocore model). */
const AGGREGATOR_NAME = /^[\w-]{1,256}$/;

export interface DependentsFlags {
  dependents?: string;
  configAggregator?: string;
}

export const dependentsOption = (): Option =>
  withFixedValues(
    new Option(
      '--dependents <source>',
      'where to look for data encrypted under each key: auto (AWS Config for the types its recorder records, direct reads for the rest), config, direct, off',
    ),
    MODES,
  ).default('auto');
export const configAggregatorOption = (): Option =>
  new Option(
    '--config-aggregator <name>',
    "search through this AWS Config aggregator (SelectAggregateResourceConfig): finds resources in the organization's other accounts encrypted under these keys",
  );
export const allowDataLossOption = (): Option =>
  new Option(
    '--allow-data-loss',
    'schedule keys that protect data (resources encrypted under them become unreadable; recorded in the journal)',
  ).default(false);

export function parseDependentsFlags(flags: DependentsFlags): {
  dependents: DependentsFlagMode;
  configAggregator?: string;
} {
  const mode = String(flags.dependents ?? 'auto');
  if (!MODES.includes(mode as DependentsFlagMode))
    throw new KscliError(
      ExitCode.BadInput,
      `--dependents "${mode}" must be one of ${MODES.join(', ')}`,
      'auto is the default: AWS Config where it records the type, direct reads for the rest',
    );
  const agg = flags.configAggregator;
  if (agg !== undefined) {
    if (!AGGREGATOR_NAME.test(agg))
      throw new KscliError(
        ExitCode.BadInput,
        `--config-aggregator "${agg}" is not a Config aggregator name (letters, digits, _ and -, up to 256)`,
        'list them with "aws configservice describe-configuration-aggregators"',
      );
    if (mode === 'direct' || mode === 'off')
      throw new KscliError(
        ExitCode.BadInput,
        `--config-aggregator with --dependents ${mode}: the aggregator is read only through AWS Config`,
        'use --dependents auto or config with --config-aggregator',
      );
  }
  return { dependents: mode as DependentsFlagMode, ...(agg ? { configAggregator: agg } : {}) };
}
