/**
 * The AWS Config side of the data-at-rest search: the recorder's coverage, then one advanced query
 * per group of resource types, every page (config-query.ts). Failures become coverage gaps for
 * the group's types (the caller may fall back to direct reads), except an unknown aggregator,
 * which is bad input: the operator named something that does not exist (exit 2, nothing read).
 */
import type { AwsPorts } from '../../../aws/ports.js';
import type { DataResource } from '../../../aws/data-ports.js';
import { AwsCallError, ExitCode, KscliError } from '../../../errors.js';
import { sourceGapOf } from '../source-errors.js';
import { groupExpression, MalformedRowError, queryGroups, rowResources, type QueryGroup } from './config-query.js';
import { recorderCoverage, type RecorderCoverage } from './coverage.js';
import type { ResourceTypeSpec } from './resource-types.js';
import type { DependentsRun } from './types.js';

export interface RecorderRead {
  coverage?: RecorderCoverage;
  /** why the recorder could not be read (the coverage is then unknown: nothing counts as recorded) */
  error?: string;
}

export async function readRecorder(aws: AwsPorts, region: string): Promise<RecorderRead> {
  try {
    const config = aws.config(region);
    const [recorders, statuses] = await Promise.all([config.describeRecorders(), config.describeRecorderStatus()]);
    return { coverage: recorderCoverage(recorders, statuses, region) };
  } catch (err) {
    const gap = sourceGapOf(err);
    return { error: `the Config recorder could not be read (${gap.status}: ${gap.error})` };
  }
}

export interface ConfigQueryResult {
  resources: DataResource[];
  /** types whose query failed, with why */
  failed: Map<string, string>;
  queries: DependentsRun['queries'];
}

/** Runs the queries for these types (concurrently, each paged to its end). */
export async function queryConfig(
  aws: AwsPorts,
  specs: readonly ResourceTypeSpec[],
  opts: { region: string; keyForms: string[]; aggregator?: string; signal?: AbortSignal },
): Promise<ConfigQueryResult> {
  const result: ConfigQueryResult = { resources: [], failed: new Map(), queries: [] };
  const groups = queryGroups(specs);
  await Promise.all(groups.map((g) => runGroup(aws, g, opts, result)));
  return result;
}

async function runGroup(
  aws: AwsPorts,
  group: QueryGroup,
  opts: { region: string; keyForms: string[]; aggregator?: string; signal?: AbortSignal },
  out: ConfigQueryResult,
): Promise<void> {
  const { expression } = groupExpression(group, opts.region, opts.keyForms);
  const config = aws.config(opts.region);
  const found: DataResource[] = [];
  let pages = 0;
  let rows = 0;
  let token: string | undefined;
  try {
    do {
      if (opts.signal?.aborted) throw new KscliError(ExitCode.Interrupted, 'interrupted while querying AWS Config');
      const page = opts.aggregator
        ? await config.selectAggregateResourceConfig(opts.aggregator, expression, token)
        : await config.selectResourceConfig(expression, token);
      pages++;
      rows += page.rows.length;
      for (const row of page.rows) found.push(...rowResources(row, group));
      token = page.nextToken;
    } while (token);
    out.resources.push(...found);
  } catch (err) {
    if (err instanceof AwsCallError && err.code === 'NoSuchConfigurationAggregatorException') {
      throw new KscliError(
        ExitCode.BadInput,
        `--config-aggregator ${opts.aggregator}: no such Config aggregator in ${opts.region}`,
        'list them with "aws configservice describe-configuration-aggregators", or leave out --config-aggregator to search this account',
      );
    }
    if (err instanceof KscliError && err.exitCode === ExitCode.Interrupted) throw err;
    const reason =
      err instanceof MalformedRowError
        ? `AWS Config's answer was malformed (${err.message})`
        : (() => {
            const gap = sourceGapOf(err);
            return `AWS Config ${opts.aggregator ? 'SelectAggregateResourceConfig' : 'SelectResourceConfig'} ${gap.status}: ${gap.error}`;
          })();
    for (const t of group.types) out.failed.set(t, reason);
  } finally {
    out.queries.push({ expression, pages, rows, ...(opts.aggregator ? { aggregator: opts.aggregator } : {}) });
  }
}
