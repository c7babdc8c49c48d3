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
 *     "keysInTrial": 0 | null (keys disabled for a kscli trial; null: tags not read, "keysInTrialError" says why)
 *   }]
 * }
 */
import type { StoresResult } from '../../workflow/results.js';
import { renderTable } from '../table.js';
import { trialCountText } from '../../workflow/trial/count.js';
import type { Style } from '../style.js';
import { storeJson } from './json-fields.js';
import type { Renderer } from './output.js';
import type { Body } from '../../schemas/common.js';
import type { StoresDocument } from '../../schemas/stores.js';

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
    })),
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
    const table = r.stores.map(({ store: s, keyCount, keyCounts, trial }) => [
      s.id,
      s.name,
      s.type,
      s.connectionState === 'CONNECTED'
        ? st.ok(s.connectionState)
        : s.connectionState === 'FAILED'
          ? st.bad(`FAILED (${s.connectionErrorCode ?? '?'})`)
          : s.connectionState,
      s.clusterId ?? '-',
      s.creationDate.toISOString().slice(0, 10),
      keyCount === 0
        ? '0'
        : `${keyCount}: ${Object.entries(keyCounts)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')}${trialCountText(trial)}`,
    ]);
    return renderTable(['STORE', 'NAME', 'TYPE', 'STATE', 'CLUSTER', 'CREATED', 'KEYS'], table, {
      width,
      record: { head: [0, 3], flow: true },
    });
  },
};

/** `stores --regions`: a REGION column, then one line per Region that could not be read. */
function multiRegionTable(r: StoresResult, st: Style): string {
  let out =
    r.stores.length === 0
      ? `no custom key stores in the Regions read (${r.regions === 'all' ? 'every enabled Region' : (r.regions ?? []).join(', ')})\n`
      : renderTable(
          ['REGION', 'STORE', 'NAME', 'TYPE', 'STATE', 'CLUSTER', 'KEYS'],
          r.stores.map(({ store: s, keyCount, keyCounts, region, trial }) => [
            region ?? r.region,
            s.id,
            s.name,
            s.type,
            s.connectionState === 'FAILED' ? st.bad(`FAILED (${s.connectionErrorCode ?? '?'})`) : s.connectionState,
            s.clusterId ?? '-',
            keyCount === 0
              ? '0'
              : `${keyCount}: ${Object.entries(keyCounts)
                  .map(([k, n]) => `${k} ${n}`)
                  .join(', ')}${trialCountText(trial)}`,
          ]),
        );
  for (const g of r.gaps ?? []) out += `${st.warn('gap')}: ${g.region ?? 'all Regions'}: ${g.kind}: ${g.reason}\n`;
  for (const k of r.skipped ?? []) out += `skipped: ${k.region ?? 'all Regions'}: ${k.kind}: ${k.reason}\n`;
  return out;
}
