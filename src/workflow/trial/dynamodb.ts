/**
 * Does a DynamoDB table use this key? (the 7-day rule, evaluate.ts). DynamoDB archives a table
 * whose KMS key stays inaccessible for more than 7 days (aws-facts-data-at-rest D), so kscli must
 * know before a longer trial.
 *
 * How kscli tells today: the key's grants. DynamoDB creates a grant for each table encrypted with
 * a customer managed key, with grantee and retiring principal `dynamodb.<region>.amazonaws.com`
 * (aws-facts-data-at-rest C). Grants are neither complete nor current (a stale grant outlives its
 * table), so a DynamoDB grant counts as "a table uses it", and an unreadable grant list as
 * "cannot tell". The table names live in the grant's constraints, which kscli's grant port does not
 * read: the grant name or id is named instead.
 *
 * Preferred: the dependents evidence of issue 19 (AWS Config, else DynamoDB's own listing and
 * DescribeTable: workflow/evidence/dependents/), which names the tables. Where it could not cover
 * DynamoDB tables (recorder off, access denied), the grants answer, and an unreadable grant list is
 * "cannot tell", which blocks a trial over 7 days like a table does.
 */
import type { AwsPorts, KeyInfo } from '../../aws/ports.js';
import { sourceGapOf } from '../evidence/source-errors.js';
import type { DynamoDependence } from './evaluate.js';

export interface DynamoDbDependents {
  tablesUnderKey(key: KeyInfo): Promise<DynamoDependence>;
}

const DYNAMODB_GRANTEE = /^dynamodb(\.[a-z0-9-]+)?\.amazonaws\.com$/;

/** The grants' answer for one key. */
export async function dynamoDbFromGrants(aws: AwsPorts, key: KeyInfo): Promise<DynamoDependence> {
  try {
    const grants = await aws.kms().listGrants(key.keyId);
    const ddb = grants.filter((g) => DYNAMODB_GRANTEE.test(g.granteePrincipal ?? ''));
    if (ddb.length === 0) return { kind: 'none' };
    return { kind: 'tables', names: ddb.map((g) => g.name ?? `grant ${g.grantId}`) };
  } catch (err) {
    return { kind: 'unknown', why: `ListGrants: ${sourceGapOf(err).error}` };
  }
}

const TABLE = 'AWS::DynamoDB::Table';

/** The dependents search for every key at once, per key; the grants where it left DynamoDB uncovered. */
export async function dynamoDbFromDependents(
  aws: AwsPorts,
  keys: KeyInfo[],
  region: string,
): Promise<Map<string, DynamoDependence>> {
  const out = new Map<string, DynamoDependence>();
  if (keys.length === 0) return out;
  let covered = false;
  let byKey = new Map<string, string[]>();
  try {
    const { gatherDependents } = await import('../evidence/dependents/gather.js');
    const result = await gatherDependents(aws, keys, { mode: 'auto', region });
    covered = result.run.coverage.some((c) => c.resourceType === TABLE && c.by !== 'not-covered');
    byKey = new Map(
      [...result.byKey].map(([id, d]) => [
        id,
        d.resources.filter((r) => r.resourceType === TABLE).map((r) => r.name ?? r.resourceId),
      ]),
    );
  } catch {
    covered = false;
  }
  for (const k of keys) {
    const tables = byKey.get(k.keyId) ?? [];
    if (tables.length) out.set(k.keyId, { kind: 'tables', names: tables });
    else out.set(k.keyId, covered ? { kind: 'none' } : await dynamoDbFromGrants(aws, k));
  }
  return out;
}

/** The dependents search (issue 19) behind the one-key interface, computed once for `keys`. */
export function dependentsDynamoDb(aws: AwsPorts, keys: KeyInfo[], region: string): DynamoDbDependents {
  let all: Promise<Map<string, DynamoDependence>> | undefined;
  return {
    tablesUnderKey: async (key) => {
      all ??= dynamoDbFromDependents(aws, keys, region);
      return (await all).get(key.keyId) ?? dynamoDbFromGrants(aws, key);
    },
  };
}
