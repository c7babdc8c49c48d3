/**
 * Grants as evidence (aws-facts.md section 5, step 1). AWS services that encrypt on a customer's
 * behalf (EBS, RDS, Redshift, Secrets Manager...) create grants on the key; a grant whose grantee
 * is a service principal or a service-linked role means a running service depends on the key,
 * even when nobody has called it recently (an attached EBS volume holds its data key in memory).
 */
import type { GrantInfo } from '../../aws/ports.js';
import type { GrantEvidenceItem } from './types.js';

export function isAwsServicePrincipal(principal: string | undefined): boolean {
  if (!principal) return false;
  // service principals: ec2.amazonaws.com, rds.eu-west-1.amazonaws.com, ...; service-linked roles
  // live under the aws-service-role/ path.
  // EBS's grantee is the assumed role aws:ec2-infrastructure (aws-facts-data-at-rest C)
  return (
    /(^|\.)amazonaws\.com(\.cn)?$/.test(principal) ||
    principal.includes(':role/aws-service-role/') ||
    principal.includes(':assumed-role/aws:ec2-infrastructure/')
  );
}

export function grantEvidence(grants: GrantInfo[]): GrantEvidenceItem[] {
  return grants.map((g) => ({
    grantId: g.grantId,
    ...(g.name ? { name: g.name } : {}),
    ...(g.granteePrincipal ? { granteePrincipal: g.granteePrincipal } : {}),
    ...(g.retiringPrincipal ? { retiringPrincipal: g.retiringPrincipal } : {}),
    operations: g.operations,
    awsService: isAwsServicePrincipal(g.granteePrincipal),
    ...(g.constraints ? { constraints: g.constraints } : {}),
  }));
}
