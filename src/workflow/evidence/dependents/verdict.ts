/**
 * The verdict gains data (issue 19). A pure function of the use verdict (verdict.ts) and the data
 * at rest found under the key:
 *
 *   protects-data  resources are encrypted under the key: deleting it destroys their data. Blocks
 *                  scheduling unless --allow-data-loss (a separate check: a key that is also in
 *                  use still needs --allow-in-use).
 *   unknown        no use found and no data found, but a core resource type was not covered (the
 *                  gap is named): never `unused`.
 *   otherwise      the use verdict, unchanged.
 */
import type { Check } from '../../plan.js';
import type { GrantEvidenceItem, Verdict, VerdictResult } from '../types.js';
import { grantNamedResources } from './service-grants.js';
import { shortType } from './resource-types.js';
import type { FoundResource, KeyDependents, TypeCoverage } from './types.js';

/** How many resources a reason line names before "(+N more)". */
export const RESOURCES_NAMED = 3;

/** "EC2 Snapshot snap-0a1b, S3 Bucket reports-archive (+2 more)" */
export function resourceList(resources: FoundResource[], max = RESOURCES_NAMED, keyAccount?: string): string {
  const named = resources.slice(0, max).map((r) => {
    // another account's resource (an aggregator's answer) says whose it is
    const other = r.accountId && keyAccount && r.accountId !== keyAccount ? ` in account ${r.accountId}` : '';
    return `${shortType(r.resourceType)} ${r.resourceId}${other}`;
  });
  return `${named.join(', ')}${resources.length > max ? ` (+${resources.length - max} more)` : ''}`;
}

/**
 * Adds the resources that service grants name, for the types no reader covered (service-grants.ts);
 * a grant naming an EBS or DynamoDB resource a covered reader did not find is reported as stale.
 */
export function withServiceGrants(
  dep: KeyDependents,
  grants: GrantEvidenceItem[],
  coverage: TypeCoverage[],
  key: { arn: string; accountId?: string; region?: string },
): KeyDependents {
  if (dep.status === 'off') return dep;
  const named = grantNamedResources(grants);
  if (named.length === 0) return dep;
  const resources = [...dep.resources];
  const staleGrants = [...dep.staleGrants];
  for (const n of named) {
    if (resources.some((r) => r.resourceType === n.resourceType && r.resourceId === n.resourceId)) continue;
    const cov = coverage.find((c) => c.resourceType === n.resourceType);
    if (cov && cov.by !== 'not-covered') {
      // comparable IDs only: RDS's db-id is the DbiResourceId, not the identifier the readers list
      if (n.contextKey === 'aws:ebs:id' || n.contextKey === 'aws:dynamodb:tableName')
        staleGrants.push({ grantId: n.grantId, resource: `${shortType(n.resourceType)} ${n.resourceId}` });
      continue;
    }
    resources.push({
      resourceType: n.resourceType,
      resourceId: n.resourceId,
      ...(key.region ? { region: key.region } : {}),
      ...(key.accountId ? { accountId: key.accountId } : {}),
      kmsKeyRef: key.arn,
      property: `grant constraint ${n.contextKey}`,
      source: 'service-grant',
      grantId: n.grantId,
    });
  }
  return { ...dep, resources, staleGrants, status: resources.length ? 'found' : dep.status };
}

export interface CombinedVerdict extends VerdictResult {
  /** the verdict the use evidence alone gives, with a data gap turning unused into unknown */
  useVerdict: Exclude<Verdict, 'protects-data'>;
  useReason: string;
  /** 'data-at-rest' (override --allow-data-loss) when data was found */
  dataCheck?: Check;
}

export function combineVerdict(
  use: VerdictResult & { verdict: Exclude<Verdict, 'protects-data'> },
  dep: KeyDependents | undefined,
  allowDataLoss: boolean,
  keyAccount?: string,
): CombinedVerdict {
  if (!dep || dep.status === 'off' || dep.status === 'none-found') {
    return { ...use, useVerdict: use.verdict, useReason: use.reason };
  }
  if (dep.status === 'gap') {
    const gap = `data at rest not covered: ${dep.gaps.join('; ')}`;
    if (use.verdict === 'unused') {
      const reason = `no use and no data found, but ${gap}; ${use.reason}`;
      return { verdict: 'unknown', reason, useVerdict: 'unknown', useReason: reason };
    }
    return { ...use, reason: `${use.reason}; ${gap}`, useVerdict: use.verdict, useReason: `${use.reason}; ${gap}` };
  }
  const n = dep.resources.length;
  const detail = `${n} resource(s) encrypted under it: ${resourceList(dep.resources, RESOURCES_NAMED, keyAccount)}; deleting the key destroys their data`;
  return {
    verdict: 'protects-data',
    reason: `protects data: ${detail} (${use.verdict}: ${use.reason})`,
    useVerdict: use.verdict,
    useReason: use.reason,
    dataCheck: {
      name: 'data-at-rest',
      ok: false,
      detail,
      overrideFlag: '--allow-data-loss',
      ...(allowDataLoss ? { overridden: true } : {}),
    },
  };
}
