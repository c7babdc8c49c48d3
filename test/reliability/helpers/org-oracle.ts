/**
 * Issue 18: `kscli inventory` over an organization, judged from the world. The promise: every
 * account x Region asked for is either READ or REPORTED (a gap or a skip), never silently absent.
 *
 * "Read" is the sandbox's word, not kscli's: the sandbox's request log holds a successful
 * DescribeCustomKeyStores by kscli acting in that account and Region, and every custom key store
 * the sandbox holds there is among kscli's rows. "Reported" is kscli's gaps/skipped lists (the
 * promise is about them): a gap or skip naming the account (no Region: the whole account) or the
 * account and the Region. Which Regions were asked for is the world's too: for `--regions all`, the
 * Regions the account has enabled in the sandbox (default Regions, and the opt-in ones it enabled);
 * for a list, every Region of the list.
 */
import type { RequestLogEntry } from '../../../src/sandbox/index.js';

/** The organization sandbox's persisted document, as far as the judge reads it. */
export interface OrgDoc {
  org: {
    managementAccountId: string;
    regions: string[];
    accounts: Array<{ id: string; state: string; optIn: string[] }>;
  };
  cells: Array<{ accountId: string; region: string; stores: Array<{ id: string }> }>;
}

/** The part of `kscli inventory --output json` the judge reads. */
export interface InventoryJson {
  complete: boolean;
  stores: Array<{ accountId: string; region: string; storeId: string }>;
  gaps: Array<{ accountId: string; region?: string | null; kind: string }>;
  skipped: Array<{ accountId: string; region?: string | null; kind: string }>;
}

/** Opt-in Regions of the sandbox's partition (src/sandbox/model/org/partition.ts isOptInRegion). */
export type IsOptIn = (region: string) => boolean;

/** The account x Region cells the run had to cover, from the world. */
export function worldMatrix(doc: OrgDoc, regions: 'all' | string[], isOptIn: IsOptIn): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const a of doc.org.accounts) {
    const mgmt = a.id === doc.org.managementAccountId;
    const asked =
      regions === 'all' ? doc.org.regions.filter((r) => mgmt || !isOptIn(r) || a.optIn.includes(r)) : regions;
    for (const r of asked) out.push([a.id, r]);
  }
  return out;
}

/** The violations of one inventory run: cells neither read (by the world's record) nor reported. */
export function inventoryViolations(
  doc: OrgDoc,
  regions: 'all' | string[],
  isOptIn: IsOptIn,
  json: InventoryJson,
  requests: RequestLogEntry[],
  code: number,
): string[] {
  const v: string[] = [];
  const reported = (list: InventoryJson['gaps'], account: string, region: string) =>
    list.some((g) => g.accountId === account && (!g.region || g.region === region));
  const described = new Set(
    requests
      .filter((r) => r.operation === 'DescribeCustomKeyStores' && r.outcome === 'ok' && !r.fault)
      .map((r) => `${r.account}/${r.region}`),
  );
  const rows = new Set(json.stores.map((s) => `${s.accountId}/${s.region}/${s.storeId}`));
  for (const [account, region] of worldMatrix(doc, regions, isOptIn)) {
    if (reported(json.gaps, account, region) || reported(json.skipped, account, region)) continue;
    if (!described.has(`${account}/${region}`)) {
      v.push(
        `ORG1 ${account} x ${region} is silently absent: no gap or skip names it, and the sandbox served kscli no DescribeCustomKeyStores there`,
      );
      continue;
    }
    const cell = doc.cells.find((c) => c.accountId === account && c.region === region);
    for (const s of cell?.stores ?? [])
      if (!rows.has(`${account}/${region}/${s.id}`))
        v.push(`ORG1 ${account} x ${region} counts as read, yet store ${s.id} the sandbox holds there is not listed`);
  }
  // the exit code follows the gaps: 6 "complete with gaps", 0 only when nothing is missing
  if (json.gaps.length > 0 && code !== 6) v.push(`ORG2 ${json.gaps.length} gap(s), yet exit ${code} (6 expected)`);
  if (json.gaps.length === 0 && code !== 0) v.push(`ORG2 no gap, yet exit ${code} (0 expected)`);
  if (json.complete !== (json.gaps.length === 0))
    v.push(`ORG2 complete is ${json.complete} with ${json.gaps.length} gap(s)`);
  return v;
}
