/**
 * AWS Config advanced queries for the resources that name a key (aws-facts-data-at-rest A).
 *
 * - One query per GROUP of resource types: types are packed together as long as no two of their
 *   key properties differ only in case (Config refuses `configuration.kmsKeyId` and
 *   `configuration.KMSKeyId` in one query), so Secrets Manager's KMSKeyId and EFS's KmsKeyId get
 *   queries of their own.
 * - Server-side filtering when it fits: `prop IN (every form of every key)` for each property, when
 *   the expression stays within Config's 4,096 characters; otherwise (a large store) the query
 *   asks for every resource of those types in the Region and kscli matches them itself (paged,
 *   100 rows a page). The SQL subset has no NULL test, so no cheaper filter exists.
 * - KMS keys are regional: only resources of the key's Region can name it (`awsRegion = ...`),
 *   which also keeps an aggregator's answer to one Region of the organization.
 */
import type { DataResource } from '../../../aws/data-ports.js';
import { RESOURCE_TYPES, type ResourceTypeSpec } from './resource-types.js';

/** Config's Expression limit. */
export const MAX_EXPRESSION_CHARS = 4096;

const BASE_FIELDS = [
  'resourceId',
  'resourceType',
  'resourceName',
  'arn',
  'accountId',
  'awsRegion',
  'resourceCreationTime',
];

export interface QueryGroup {
  types: string[];
  paths: string[];
}

/** Packs the types into groups whose property paths never differ only in case. */
export function queryGroups(specs: readonly ResourceTypeSpec[]): QueryGroup[] {
  const groups: QueryGroup[] = [];
  for (const spec of specs) {
    if (spec.configPaths.length === 0) continue;
    const fits = (g: QueryGroup) =>
      spec.configPaths.every((p) => g.paths.every((q) => q === p || q.toLowerCase() !== p.toLowerCase()));
    let group = groups.find(fits);
    if (!group) groups.push((group = { types: [], paths: [] }));
    group.types.push(spec.type);
    for (const p of spec.configPaths) if (!group.paths.includes(p)) group.paths.push(p);
  }
  return groups;
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The expression for one group: filtered by the keys' forms when it fits in 4,096 characters,
 * else every resource of the group's types in the Region (`filtered` says which).
 */
export function groupExpression(
  group: QueryGroup,
  region: string,
  keyForms: string[],
): { expression: string; filtered: boolean } {
  const select = `SELECT ${[...BASE_FIELDS, ...group.paths].join(', ')}`;
  const where = `WHERE resourceType IN (${group.types.map(quote).join(', ')}) AND awsRegion = ${quote(region)}`;
  const scan = `${select} ${where}`;
  if (keyForms.length === 0) return { expression: scan, filtered: false };
  const list = `(${keyForms.map(quote).join(', ')})`;
  const filtered = `${scan} AND (${group.paths.map((p) => `${p} IN ${list}`).join(' OR ')})`;
  return filtered.length <= MAX_EXPRESSION_CHARS
    ? { expression: filtered, filtered: true }
    : { expression: scan, filtered: false };
}

/** Every value at a dotted path; arrays on the way are walked (S3 rules, DynamoDB replicas). */
export function valuesAt(root: unknown, path: string): string[] {
  let level: unknown[] = [root];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (let v of level) {
      // Config keeps some supplementary configurations as JSON text
      if (typeof v === 'string') {
        try {
          v = JSON.parse(v) as unknown;
        } catch {
          continue;
        }
      }
      if (Array.isArray(v)) v = v.flat();
      for (const item of Array.isArray(v) ? v : [v]) {
        if (item && typeof item === 'object' && part in item) next.push((item as Record<string, unknown>)[part]);
      }
    }
    level = next.flatMap((x) => (Array.isArray(x) ? x : [x]));
  }
  return level.filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** A row that is not what was asked for: the query's answer cannot be trusted. */
export class MalformedRowError extends Error {}

/** The resources a row describes, one per property naming a key. Throws MalformedRowError. */
export function rowResources(row: unknown, group: QueryGroup): DataResource[] {
  if (!row || typeof row !== 'object' || Array.isArray(row)) {
    throw new MalformedRowError(`a result row is not a JSON object: ${String(row).slice(0, 80)}`);
  }
  const r = row as Record<string, unknown>;
  const str = (k: string) => (typeof r[k] === 'string' && r[k] !== '' ? (r[k] as string) : undefined);
  const type = str('resourceType');
  const id = str('resourceId');
  if (!type || !id) throw new MalformedRowError('a result row has no resourceType or resourceId');
  if (!group.types.includes(type)) throw new MalformedRowError(`a result row of type ${type} was not asked for`);
  const spec = RESOURCE_TYPES.find((t) => t.type === type)!;
  const created = str('resourceCreationTime');
  const createdAt = created && !Number.isNaN(Date.parse(created)) ? new Date(created) : undefined;
  const out: DataResource[] = [];
  for (const path of spec.configPaths) {
    for (const ref of new Set(valuesAt(r, path))) {
      out.push({
        resourceType: type,
        resourceId: id,
        ...(str('arn') ? { arn: str('arn')! } : {}),
        ...(str('resourceName') && str('resourceName') !== id ? { name: str('resourceName')! } : {}),
        ...(str('accountId') ? { accountId: str('accountId')! } : {}),
        ...(str('awsRegion') ? { region: str('awsRegion')! } : {}),
        ...(createdAt ? { createdAt } : {}),
        kmsKeyRef: ref,
        property: path,
      });
    }
  }
  return out;
}
