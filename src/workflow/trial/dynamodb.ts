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
 * HOOK `DynamoDbDependents`: when the dependents evidence of issue 19 (data-evidence: AWS Config,
 * DynamoDB DescribeTable) is on main, it answers through this interface instead of the grants, with
 * the table names. Not wired yet.
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

export const grantsDynamoDbDependents = (aws: AwsPorts): DynamoDbDependents => ({
  tablesUnderKey: (key) => dynamoDbFromGrants(aws, key),
});
