/**
 * Grants made by AWS services, read for the resource they name (aws-facts-data-at-rest C): EBS
 * constrains its grant to `aws:ebs:id` (a volume, or a snapshot for CopySnapshot), DynamoDB to
 * `aws:dynamodb:tableName`, RDS's context is `aws:rds:db-id`, Redshift's `aws:redshift:arn`.
 *
 * Grants are neither complete nor current: they do not expire, so a grant can outlive its
 * resource. kscli therefore uses them only where the resource type was NOT covered by Config or a
 * direct read (there a grant is the only sign of the data); where the type was covered and the
 * resource was not found, the grant is reported as likely stale instead of counted.
 */
import type { GrantEvidenceItem } from '../types.js';

export interface GrantNamedResource {
  grantId: string;
  resourceType: string;
  resourceId: string;
  /** the constraint that named it */
  contextKey: string;
}

const CONTEXT_KEYS: ReadonlyArray<{ key: string; type: (value: string) => string }> = [
  { key: 'aws:ebs:id', type: (v) => (v.startsWith('snap-') ? 'AWS::EC2::Snapshot' : 'AWS::EC2::Volume') },
  { key: 'aws:dynamodb:tableName', type: () => 'AWS::DynamoDB::Table' },
  { key: 'aws:rds:db-id', type: () => 'AWS::RDS::DBInstance' },
  { key: 'aws:redshift:arn', type: () => 'AWS::Redshift::Cluster' },
];

export function grantNamedResources(grants: GrantEvidenceItem[]): GrantNamedResource[] {
  const out: GrantNamedResource[] = [];
  for (const g of grants) {
    const context = { ...g.constraints?.encryptionContextSubset, ...g.constraints?.encryptionContextEquals };
    for (const { key, type } of CONTEXT_KEYS) {
      const value = context[key];
      if (value) out.push({ grantId: g.grantId, resourceType: type(value), resourceId: value, contextKey: key });
    }
  }
  return out;
}
