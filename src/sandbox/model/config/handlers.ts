/**
 * AWS Config (JSON 1.1, `StarlingDoveService.<Op>`): the configuration recorder and its status,
 * aggregators, and advanced query in one account (SelectResourceConfig) and through an
 * aggregator (SelectAggregateResourceConfig) over the cells it aggregates.
 *
 * Advanced query (aws-facts-data-at-rest A): Expression 1-4096 characters; Limit (and, for the
 * aggregate call, MaxResults) 0-100, 0 or absent meaning the default page (25 rows, 500 for
 * aggregate queries); Results are JSON strings; QueryInfo.SelectFields names the selected
 * properties; NextToken pages on. Errors: InvalidExpressionException, InvalidLimitException,
 * InvalidNextTokenException, NoSuchConfigurationAggregatorException. The request quota of these
 * calls is not documented (UNCONFIRMED: server/quotas.ts gives them a plausible one).
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import { changed, dataOf, dataVersion, storedData } from '../data/access.js';
import type { AggregatorRecord, RecorderRecord } from '../data/state.js';
import { intInRange } from '../errors.js';
import type { Handler } from '../handler.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';
import { estateOf } from './estate.js';
import { recordedItems } from './items.js';
import { buildIndex, isAggregateQuery, runQuery, type Item, type QueryResult } from './query/evaluate.js';
import { parseQuery } from './query/parser.js';
import { ConfigQueryError } from './query/tokenizer.js';

export const MAX_EXPRESSION = 4096;
export const MAX_SELECT_LIMIT = 100;
export const DEFAULT_PAGE = 25;
export const DEFAULT_AGGREGATE_PAGE = 500;

function noSuchRecorder(name: unknown): SandboxError {
  return new SandboxError(
    'NoSuchConfigurationRecorderException',
    `Cannot find configuration recorder with the specified name '${String(name)}'.`,
  );
}

function noSuchAggregator(): SandboxError {
  return new SandboxError(
    'NoSuchConfigurationAggregatorException',
    'The configuration aggregator does not exist. Check the configuration aggregator name and try again.',
  );
}

function recorderArn(acc: Account, r: RecorderRecord): string {
  return `arn:aws:config:${acc.region}:${acc.accountId}:configuration-recorder/${r.name}/${fingerprint(r.name)}`;
}

function recordersNamed(acc: Account, names: unknown): RecorderRecord[] {
  const all = storedData(acc)?.recorders ?? [];
  if (!Array.isArray(names) || names.length === 0) return all;
  return names.map((n) => {
    const r = all.find((x) => x.name === n);
    if (!r) throw noSuchRecorder(n);
    return r;
  });
}

const describeConfigurationRecorders: Handler = (acc, input) => ({
  ConfigurationRecorders: recordersNamed(acc, input.ConfigurationRecorderNames).map((r) => ({
    arn: recorderArn(acc, r),
    name: r.name,
    roleARN: r.roleArn,
    recordingGroup: {
      allSupported: r.allSupported,
      includeGlobalResourceTypes: r.includeGlobalResourceTypes,
      resourceTypes: r.allSupported ? [] : [...r.resourceTypes],
      exclusionByResourceTypes: { resourceTypes: [...r.exclusions] },
      recordingStrategy: {
        useOnly: r.allSupported
          ? 'ALL_SUPPORTED_RESOURCE_TYPES'
          : r.exclusions.length > 0
            ? 'EXCLUSION_BY_RESOURCE_TYPES'
            : 'INCLUSION_BY_RESOURCE_TYPES',
      },
    },
    recordingMode: { recordingFrequency: r.frequency, recordingModeOverrides: [] },
    recordingScope: 'PAID',
  })),
});

const describeConfigurationRecorderStatus: Handler = (acc, input) => ({
  ConfigurationRecordersStatus: recordersNamed(acc, input.ConfigurationRecorderNames).map((r) => ({
    arn: recorderArn(acc, r),
    name: r.name,
    ...(r.lastStart !== undefined ? { lastStartTime: new Date(r.lastStart) } : {}),
    ...(r.lastStop !== undefined ? { lastStopTime: new Date(r.lastStop) } : {}),
    recording: r.recording,
    lastStatus: r.lastStatus,
    ...(r.lastErrorCode ? { lastErrorCode: r.lastErrorCode, lastErrorMessage: r.lastErrorMessage ?? '' } : {}),
    lastStatusChangeTime: new Date(r.recording ? (r.lastStart ?? 0) : (r.lastStop ?? r.lastStart ?? 0)),
  })),
});

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

const putConfigurationRecorder: Handler = (acc, input) => {
  const rec = (input.ConfigurationRecorder ?? {}) as Record<string, unknown>;
  const name = str(rec.name) ?? 'default';
  const group = (rec.recordingGroup ?? {}) as Record<string, unknown>;
  const strategy = str((group.recordingStrategy as Record<string, unknown> | undefined)?.useOnly);
  const types = strings(group.resourceTypes);
  const exclusions = strings((group.exclusionByResourceTypes as Record<string, unknown> | undefined)?.resourceTypes);
  const allSupported = group.allSupported === undefined ? types.length === 0 : group.allSupported === true;
  const d = dataOf(acc);
  // AWS allows one customer-managed recorder per account and Region
  if (d.recorders.length > 0 && d.recorders[0]!.name !== name)
    throw new SandboxError(
      'MaxNumberOfConfigurationRecordersExceededException',
      'Failed to put configuration recorder because you have reached the limit for the maximum number of customer managed configuration records: (1)',
    );
  const existing = d.recorders[0];
  const next: RecorderRecord = {
    name,
    roleArn:
      str(rec.roleARN) ??
      `arn:aws:iam::${acc.accountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
    allSupported: allSupported && strategy !== 'EXCLUSION_BY_RESOURCE_TYPES',
    includeGlobalResourceTypes: group.includeGlobalResourceTypes === true,
    resourceTypes: types,
    exclusions: strategy === 'EXCLUSION_BY_RESOURCE_TYPES' ? exclusions : [],
    recording: existing?.recording ?? false,
    frequency:
      str((rec.recordingMode as Record<string, unknown> | undefined)?.recordingFrequency) === 'DAILY'
        ? 'DAILY'
        : 'CONTINUOUS',
    lastStatus: existing?.lastStatus ?? 'PENDING',
    ...(existing?.lastStart !== undefined ? { lastStart: existing.lastStart } : {}),
    ...(existing?.lastStop !== undefined ? { lastStop: existing.lastStop } : {}),
  };
  // exclusion: everything but the excluded types (allSupported false in AWS's answer, the list in exclusions)
  if (strategy === 'EXCLUSION_BY_RESOURCE_TYPES') next.allSupported = false;
  d.recorders[0] = next;
  changed(acc);
  return {};
};

function recorderCalled(acc: Account, input: Record<string, unknown>): RecorderRecord {
  const r = storedData(acc)?.recorders.find((x) => x.name === input.ConfigurationRecorderName);
  if (!r) throw noSuchRecorder(input.ConfigurationRecorderName);
  return r;
}

const startConfigurationRecorder: Handler = (acc, input) => {
  const r = recorderCalled(acc, input);
  if (!r.recording) {
    r.recording = true;
    r.lastStart = acc.nowMs();
    r.lastStatus = 'SUCCESS';
    changed(acc);
  }
  return {};
};

const stopConfigurationRecorder: Handler = (acc, input) => {
  const r = recorderCalled(acc, input);
  if (r.recording) {
    r.recording = false;
    r.lastStop = acc.nowMs();
    changed(acc);
  }
  return {};
};

const deleteConfigurationRecorder: Handler = (acc, input) => {
  recorderCalled(acc, input);
  const d = dataOf(acc);
  d.recorders = d.recorders.filter((x) => x.name !== input.ConfigurationRecorderName);
  changed(acc);
  return {};
};

function aggregatorArn(acc: Account, a: AggregatorRecord): string {
  return `arn:aws:config:${acc.region}:${acc.accountId}:config-aggregator/config-aggregator-${fingerprint(a.name).padStart(8, '0').slice(0, 8)}`;
}

function aggregatorOutput(acc: Account, a: AggregatorRecord): Record<string, unknown> {
  return {
    ConfigurationAggregatorName: a.name,
    ConfigurationAggregatorArn: aggregatorArn(acc, a),
    ...(a.accounts
      ? {
          AccountAggregationSources: [
            {
              AccountIds: [...a.accounts.ids],
              AllAwsRegions: a.accounts.allRegions,
              ...(a.accounts.allRegions ? {} : { AwsRegions: [...a.accounts.regions] }),
            },
          ],
        }
      : {}),
    ...(a.organization
      ? {
          OrganizationAggregationSource: {
            RoleArn: a.organization.roleArn,
            AllAwsRegions: a.organization.allRegions,
            ...(a.organization.allRegions ? {} : { AwsRegions: [...a.organization.regions] }),
          },
        }
      : {}),
    CreationTime: new Date(a.created),
    LastUpdatedTime: new Date(a.created),
  };
}

const describeConfigurationAggregators: Handler = (acc, input) => {
  const all = storedData(acc)?.aggregators ?? [];
  const names = strings(input.ConfigurationAggregatorNames);
  const picked = names.length === 0 ? all : names.map((n) => all.find((a) => a.name === n) ?? throwNoSuch());
  const limit = intInRange(input.Limit, 'limit', 0, 100, 0, (m) => new SandboxError('InvalidLimitException', m)) || 100;
  const fp = fingerprint(names);
  let start = 0;
  if (input.NextToken !== undefined) {
    const body = decodeToken(input.NextToken, fp);
    if (!body || typeof body.p !== 'number')
      throw new SandboxError('InvalidNextTokenException', 'The nextToken provided is invalid');
    start = body.p;
  }
  const page = picked.slice(start, start + limit);
  const end = start + page.length;
  return {
    ConfigurationAggregators: page.map((a) => aggregatorOutput(acc, a)),
    ...(end < picked.length ? { NextToken: encodeToken({ p: end, f: fp }) } : {}),
  };
};

function throwNoSuch(): never {
  throw noSuchAggregator();
}

const putConfigurationAggregator: Handler = (acc, input) => {
  const name = str(input.ConfigurationAggregatorName);
  if (!name) throw new SandboxError('InvalidParameterValueException', 'ConfigurationAggregatorName is required.');
  const org = input.OrganizationAggregationSource as Record<string, unknown> | undefined;
  const src = (Array.isArray(input.AccountAggregationSources) ? input.AccountAggregationSources[0] : undefined) as
    Record<string, unknown> | undefined;
  if (!org === !src)
    throw new SandboxError(
      'InvalidParameterValueException',
      'Specify either AccountAggregationSources or OrganizationAggregationSource.',
    );
  const rec: AggregatorRecord = {
    name,
    created: acc.nowMs(),
    ...(org
      ? {
          organization: {
            roleArn: str(org.RoleArn) ?? '',
            allRegions: org.AllAwsRegions === true,
            regions: strings(org.AwsRegions),
          },
        }
      : {
          accounts: {
            ids: strings(src!.AccountIds),
            allRegions: src!.AllAwsRegions === true,
            regions: strings(src!.AwsRegions),
          },
        }),
  };
  const d = dataOf(acc);
  const i = d.aggregators.findIndex((a) => a.name === name);
  if (i >= 0) d.aggregators[i] = { ...rec, created: d.aggregators[i]!.created };
  else d.aggregators.push(rec);
  changed(acc);
  return { ConfigurationAggregator: aggregatorOutput(acc, d.aggregators[i >= 0 ? i : d.aggregators.length - 1]!) };
};

const deleteConfigurationAggregator: Handler = (acc, input) => {
  const d = storedData(acc);
  if (!d?.aggregators.some((a) => a.name === input.ConfigurationAggregatorName)) throw noSuchAggregator();
  d.aggregators = d.aggregators.filter((a) => a.name !== input.ConfigurationAggregatorName);
  changed(acc);
  return {};
};

/**
 * Per account: query results (paging re-runs nothing) and, per scope and data version, the items
 * and their value indexes by path (a store's keys are looked up in an index, not by scanning
 * 50,000 items for each of hundreds of queries). Dropped when the data changes.
 */
interface ScopeCache {
  version: string;
  items: Item[];
  indexes: Map<string, Map<string, number[]>>;
  results: Map<string, QueryResult>;
}
const caches = new WeakMap<Account, Map<string, ScopeCache>>();
const RESULT_CACHE_SIZE = 64;

function scopeCache(acc: Account, scope: string, version: string, items: () => Item[]): ScopeCache {
  let m = caches.get(acc);
  if (!m) caches.set(acc, (m = new Map()));
  let c = m.get(scope);
  if (!c || c.version !== version)
    m.set(scope, (c = { version, items: items(), indexes: new Map(), results: new Map() }));
  return c;
}

function cachedRun(c: ScopeCache, expression: string, run: () => QueryResult): QueryResult {
  const hit = c.results.get(expression);
  if (hit) return hit;
  const r = run();
  if (c.results.size >= RESULT_CACHE_SIZE) c.results.delete(c.results.keys().next().value!);
  c.results.set(expression, r);
  return r;
}

function select(
  acc: Account,
  input: Record<string, unknown>,
  scope: string,
  items: () => Item[],
  version: string,
): unknown {
  const expression = input.Expression;
  if (typeof expression !== 'string' || expression.length < 1 || expression.length > MAX_EXPRESSION)
    // UNCONFIRMED whether AWS answers a length violation as ValidationException (the generic
    // constraint error) or InvalidExpressionException; kscli must keep expressions under the cap
    throw new SandboxError(
      'ValidationException',
      `1 validation error detected: Value at 'expression' failed to satisfy constraint: Member must have length between 1 and ${MAX_EXPRESSION}`,
    );
  const limitInput = input.Limit ?? input.MaxResults;
  const limit = intInRange(
    limitInput,
    'limit',
    0,
    MAX_SELECT_LIMIT,
    0,
    (m) => new SandboxError('InvalidLimitException', `Invalid limit: ${m}`),
  );
  let query;
  try {
    query = parseQuery(expression);
  } catch (e) {
    if (e instanceof ConfigQueryError) throw new SandboxError('InvalidExpressionException', e.message);
    throw e;
  }
  const c = scopeCache(acc, scope, version, items);
  const index = (path: string): Map<string, number[]> => {
    let idx = c.indexes.get(path);
    if (!idx) c.indexes.set(path, (idx = buildIndex(c.items, path)));
    return idx;
  };
  const result = cachedRun(c, expression, () => runQuery(query, c.items, index));
  const pageSize = limit > 0 ? limit : isAggregateQuery(query) ? DEFAULT_AGGREGATE_PAGE : DEFAULT_PAGE;
  const fp = fingerprint([scope, expression]);
  let start = 0;
  if (input.NextToken !== undefined && input.NextToken !== '') {
    const body = decodeToken(input.NextToken, fp);
    if (!body || typeof body.p !== 'number' || body.p > result.rows.length)
      throw new SandboxError('InvalidNextTokenException', 'The nextToken provided is invalid');
    start = body.p;
  }
  const page = result.rows.slice(start, start + pageSize);
  const end = start + page.length;
  return {
    Results: page.map((r) => JSON.stringify(r)),
    QueryInfo: { SelectFields: result.fields.map((Name) => ({ Name })) },
    ...(end < result.rows.length ? { NextToken: encodeToken({ p: end, f: fp }) } : {}),
  };
}

const selectResourceConfig: Handler = (acc, input) =>
  select(acc, input, 'account', () => recordedItems(acc), String(dataVersion(acc)));

const selectAggregateResourceConfig: Handler = (acc, input) => {
  const name = input.ConfigurationAggregatorName;
  if (typeof name !== 'string' || name === '')
    throw new SandboxError(
      'ValidationException',
      "1 validation error detected: Value null at 'configurationAggregatorName' failed to satisfy constraint: Member must not be null",
    );
  const agg = storedData(acc)?.aggregators.find((a) => a.name === name);
  if (!agg) throw noSuchAggregator();
  const estate = estateOf(acc);
  const orgAccounts = estate.organizationAccounts();
  const cells = [...estate.cells()].filter((c) => {
    if (agg.organization) {
      // an organization aggregator covers every account of the organization (the caller's alone without one)
      const inOrg = orgAccounts ? orgAccounts.includes(c.accountId) : c.accountId === acc.accountId;
      return inOrg && (agg.organization.allRegions || agg.organization.regions.includes(c.region));
    }
    const src = agg.accounts!;
    return src.ids.includes(c.accountId) && (src.allRegions || src.regions.includes(c.region));
  });
  const version = cells.map((c) => `${c.accountId}/${c.region}:${dataVersion(c)}`).join(',');
  return select(acc, input, `aggregator:${name}`, () => cells.flatMap((c) => recordedItems(c)), version);
};

export const configHandlers: Record<string, Handler> = {
  DescribeConfigurationRecorders: describeConfigurationRecorders,
  DescribeConfigurationRecorderStatus: describeConfigurationRecorderStatus,
  PutConfigurationRecorder: putConfigurationRecorder,
  StartConfigurationRecorder: startConfigurationRecorder,
  StopConfigurationRecorder: stopConfigurationRecorder,
  DeleteConfigurationRecorder: deleteConfigurationRecorder,
  DescribeConfigurationAggregators: describeConfigurationAggregators,
  PutConfigurationAggregator: putConfigurationAggregator,
  DeleteConfigurationAggregator: deleteConfigurationAggregator,
  SelectResourceConfig: selectResourceConfig,
  SelectAggregateResourceConfig: selectAggregateResourceConfig,
};
