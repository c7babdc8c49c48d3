/**
 * kscli stores, rendered.
 *
 * JSON (--output json):
 * {
 *   "schemaVersion": 1,
 *   "region": "eu-west-1",
 *   "stores": [{
 *     "storeId": "cks-1234567890abcdef0", "name": "prod-hsm", "type": "AWS_CLOUDHSM" | "EXTERNAL_KEY_STORE",
 *     "connectionState": "CONNECTED", "connectionErrorCode"?: "NETWORK_ERRORS" (only when FAILED),
 *     "clusterId": "cluster-abc..." | null, "creationDate": "2024-01-02T03:04:05.000Z",
 *     "keyCount": 3, "keyCounts": {"Enabled": 2, "PendingDeletion": 1},
 *     "keysInTrial": 0 | null (keys disabled for a kscli trial; null: tags not read, "keysInTrialError" says why),
 *     "cluster"?: {"state": "ACTIVE", "hsmCount": 2, "usdPerHour": 1.6, "monthlyUsd": 2336, "priceSource": "price-list"} | null,
 *     "clusterError"?: "why the cluster could not be read"
 *   }],
 *   "prices"?: {"source": "price-list" | "table", "hoursPerMonth": 730, "tableDate"?, "priceListError"?}
 * }
 */
import type { StoreRow, StoresResult } from '../../workflow/results.js';
import { monthlyText } from '../../workflow/cost/hsm-cost.js';
import { renderTable } from '../table.js';
import { trialCountText } from '../../workflow/trial/count.js';
import type { Style } from '../style.js';
import { storeJson } from './json-fields.js';
import type { Renderer } from './output.js';
import type { Body } from '../../schemas/common.js';
import type { StoresDocument } from '../../schemas/stores.js';
import { thousands } from '../../util/text-order.js';

/** The published schema's type (src/schemas/stores.ts). */
export type StoresJson = Body<StoresDocument>;

export const storesRenderer: Renderer<StoresResult> = {
  json: (r): StoresJson => ({
    region: r.region,
    stores: r.stores.map((s) => ({
      ...storeJson(s.store),
      keyCount: s.keyCount,
      keyCounts: s.keyCounts,
      keysInTrial: s.trial.keysInTrial,
      ...(s.trial.error ? { keysInTrialError: s.trial.error } : {}),
      ...(s.region ? { region: s.region } : {}),
      ...clusterJson(s),
    })),
    ...(r.prices ? { prices: r.prices } : {}),
    ...(r.regions
      ? {
          regions: r.regions,
          complete: (r.gaps ?? []).length === 0,
          gaps: (r.gaps ?? []).map((g) => ({
            region: g.region ?? null,
            kind: g.kind,
            errorCode: g.errorCode ?? null,
            reason: g.reason,
          })),
          skipped: (r.skipped ?? []).map((k) => ({ region: k.region ?? null, kind: k.kind, reason: k.reason })),
        }
      : {}),
  }),
  table(r, { style: st, width }) {
    if (r.regions) return multiRegionTable(r, st);
    if (r.stores.length === 0) return `no custom key stores in region ${r.region}\n`;
    const table = r.stores.map(({ store: s, keyCount, keyCounts, trial, ...c }) => [
      s.id,
      s.name,
      s.type,
      s.connectionState === 'CONNECTED'
        ? st.ok(s.connectionState)
        : s.connectionState === 'FAILED'
          ? st.bad(`FAILED (${s.connectionErrorCode ?? '?'})`)
          : s.connectionState,
      s.clusterId ?? '-',
      hsmCell(c),
      monthlyText(c.cost),
      s.creationDate.toISOString().slice(0, 10),
      keyCount === 0
        ? '0'
        : `${keyCount}: ${Object.entries(keyCounts)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')}${trialCountText(trial)}`,
    ]);
    return (
      renderTable(['STORE', 'NAME', 'TYPE', 'STATE', 'CLUSTER', 'HSMS', 'MONTHLY', 'CREATED', 'KEYS'], table, {
        width,
        record: { head: [0, 3], flow: true },
      }) + priceFooter(r)
    );
  },
};

/** `stores --regions`: a REGION column, then one line per Region that could not be read. */
function multiRegionTable(r: StoresResult, st: Style): string {
  let out =
    r.stores.length === 0
      ? `no custom key stores in the Regions read (${r.regions === 'all' ? 'every enabled Region' : (r.regions ?? []).join(', ')})\n`
      : renderTable(
          ['REGION', 'STORE', 'NAME', 'TYPE', 'STATE', 'CLUSTER', 'HSMS', 'MONTHLY', 'KEYS'],
          r.stores.map(({ store: s, keyCount, keyCounts, region, trial, ...c }) => [
            region ?? r.region,
            s.id,
            s.name,
            s.type,
            s.connectionState === 'FAILED' ? st.bad(`FAILED (${s.connectionErrorCode ?? '?'})`) : s.connectionState,
            s.clusterId ?? '-',
            hsmCell(c),
            monthlyText(c.cost),
            keyCount === 0
              ? '0'
              : `${keyCount}: ${Object.entries(keyCounts)
                  .map(([k, n]) => `${k} ${n}`)
                  .join(', ')}${trialCountText(trial)}`,
          ]),
        ) + priceFooter(r);
  for (const g of r.gaps ?? []) out += `${st.warn('gap')}: ${g.region ?? 'all Regions'}: ${g.kind}: ${g.reason}\n`;
  for (const k of r.skipped ?? []) out += `skipped: ${k.region ?? 'all Regions'}: ${k.kind}: ${k.reason}\n`;
  return out;
}

/** HSM count of a CloudHSM store's cluster: `2`, `?` (not read), `not found`, `-` (external). */
function hsmCell(c: Pick<StoreRow, 'cluster' | 'clusterError'>): string {
  if (c.clusterError) return '?';
  if (c.cluster === null) return 'not found';
  if (!c.cluster) return '-';
  return c.cluster.state === 'ACTIVE' ? String(c.cluster.hsmCount) : `${c.cluster.hsmCount} (${c.cluster.state})`;
}

/** The total and where the prices came from, under the table. */
function priceFooter(r: StoresResult): string {
  if (!r.priceLine) return '';
  const priced = r.stores.filter((s) => s.cost);
  const hsms = priced.reduce((n, s) => n + (s.cost?.hsmCount ?? 0), 0);
  const usd = priced.reduce((n, s) => n + (s.cost?.monthlyUsd ?? 0), 0);
  let out = `\n${hsms} HSM(s) behind these stores, ≈ $${thousands(usd)} a month\n${r.priceLine}\n`;
  const unread = r.stores.filter((s) => s.clusterError);
  for (const s of unread)
    out += `cluster ${s.store.clusterId ?? '?'} not read (its cost is not counted): ${s.clusterError}\n`;
  return out;
}

function clusterJson(s: StoreRow): Pick<StoresJson['stores'][number], 'cluster' | 'clusterError'> {
  if (s.store.type !== 'AWS_CLOUDHSM') return {};
  if (s.clusterError) return { cluster: null, clusterError: s.clusterError };
  if (!s.cluster) return { cluster: null };
  return {
    cluster: {
      state: s.cluster.state,
      hsmCount: s.cluster.hsmCount,
      ...(s.cost ? { usdPerHour: s.cost.usdPerHour, monthlyUsd: s.cost.monthlyUsd, priceSource: s.cost.source } : {}),
    },
  };
}
