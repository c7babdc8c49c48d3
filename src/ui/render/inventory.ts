/**
 * The renderings of `kscli inventory` (issue 11): a table for a terminal, one JSON document, CSV
 * (one row per store) and Markdown (a report to paste). Gaps are part of every rendering: one line
 * each (CSV has no place for them: the command writes them to stderr, gapLines).
 *
 * JSON: src/schemas/inventory.ts (schemas/inventory.json).
 */
import type { InventoryResult, StoreRow } from '../../workflow/estate/inventory.js';
import type { Gap, Skip } from '../../workflow/estate/gaps.js';
import { renderTable } from '../table.js';
import { trialCountText } from '../../workflow/trial/count.js';
import type { Style } from '../style.js';
import type { Deps } from '../../deps.js';
import { renderResult, type Renderer } from './output.js';
import type { Body } from '../../schemas/common.js';
import type { InventoryDocument } from '../../schemas/inventory.js';
import type { EstateCosts, PricedCluster } from '../../workflow/cost/estate-costs.js';
import { formatUsd, monthlyText } from '../../workflow/cost/hsm-cost.js';

export type InventoryJson = Body<InventoryDocument>;

export interface InventoryMeta {
  accountSource: 'caller' | 'file' | 'org';
  regions: 'home' | 'all' | string[];
  usage: boolean;
  /**
   * The retire-cluster line to paste for a cluster in `region`, with the run's context flags
   * (ui/next-step.ts: --sandbox, --profile, --endpoint-url ...; issue 23); without it, a bare one.
   */
  retireStep?: (clusterId: string, region: string) => string;
}

const KEY_STATES = ['Enabled', 'Disabled', 'PendingDeletion', 'Unavailable'] as const;

function keysText(r: StoreRow): string {
  if (r.keyCount === 0) return '0';
  return `${r.keyCount}: ${Object.entries(r.keyCounts)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ')}${trialCountText(r.trial)}`;
}

function hsmText(r: StoreRow): string {
  if (r.store.type !== 'AWS_CLOUDHSM') return '-';
  if (r.clusterError) return '?';
  if (r.cluster === null) return 'not found';
  if (!r.cluster) return '-';
  return `${r.cluster.hsmCount} (${r.cluster.state})`;
}

function usageText(r: StoreRow): string {
  if (r.usageError) return '?';
  if (!r.usage) return '-';
  return `${r.usage.protectsData ? `protects-data ${r.usage.protectsData}, ` : ''}in-use ${r.usage.inUse}, unused ${r.usage.unused}, unknown ${r.usage.unknown}`;
}

function accountText(id: string, name?: string): string {
  return name ? `${id} (${name})` : id;
}

function stateText(r: StoreRow, st?: Style): string {
  const s = r.store;
  if (s.connectionState === 'FAILED')
    return st ? st.bad(`FAILED (${s.connectionErrorCode ?? '?'})`) : `FAILED (${s.connectionErrorCode ?? '?'})`;
  if (s.connectionState === 'CONNECTED' && st) return st.ok(s.connectionState);
  return s.connectionState;
}

export function summaryOf(result: InventoryResult) {
  let keys = 0;
  let hsms = 0;
  const accounts = new Set<string>();
  for (const r of result.rows) {
    keys += r.keyCount;
    hsms += r.cluster?.hsmCount ?? 0;
    accounts.add(r.accountId);
  }
  return {
    accounts: result.accounts.length,
    accountsWithStores: accounts.size,
    accountRegionsRead: result.progress.regionsDone,
    stores: result.rows.length,
    keys,
    hsms,
    gaps: result.gaps.length,
    skipped: result.skips.length,
  };
}

function gapLine(g: Gap | Skip): string {
  return `${accountText(g.accountId, g.accountName)} ${g.region ?? 'all Regions'}: ${g.kind}: ${g.reason}`;
}

/** How many skipped lines the table prints before summing up the rest (JSON lists all). */
const SKIPS_SHOWN = 20;

/** The screen and Markdown lines of the estate's HSM cost (undefined costs: no cluster anywhere). */
export function costLines(costs: EstateCosts | undefined, result: InventoryResult, meta?: InventoryMeta): string[] {
  const lines: string[] = [];
  if (costs) {
    lines.push(
      `HSMs: ${costs.total.hsms} in ${costs.total.clusters} cluster(s), ≈ ${formatUsd(costs.total.monthlyUsd)} a month`,
      `idle clusters behind deleted or empty stores: ${costs.idle.hsms} HSMs, ≈ ${formatUsd(costs.idle.monthlyUsd)} a month`,
    );
    for (const c of costs.clusters.filter((x) => x.idle)) lines.push(`  ${idleLine(c, meta?.retireStep)}`);
    lines.push(costs.priceLine);
  }
  for (const g of result.clusterGaps)
    lines.push(`not counted: ${accountText(g.accountId, g.accountName)} ${g.region}: ${g.reason}`);
  return lines;
}

function idleLine(c: PricedCluster, retireStep?: InventoryMeta['retireStep']): string {
  const step =
    retireStep?.(c.cluster.clusterId, c.region) ?? `kscli retire-cluster ${c.cluster.clusterId} --region ${c.region}`;
  const why =
    c.idle === 'no-key-store' ? 'no custom key store uses it' : `its store(s) ${c.storeIds.join(', ')} hold no key`;
  return `${accountText(c.accountId, c.accountName)} ${c.region} ${c.cluster.clusterId}: ${c.cluster.hsmCount} HSM(s), ≈ ${formatUsd(c.cost.monthlyUsd)} a month, ${why} (${step}, with that account's credentials)`;
}

export function renderInventoryTable(
  result: InventoryResult,
  meta: InventoryMeta,
  st: Style,
  costs?: EstateCosts,
): string {
  const s = summaryOf(result);
  let out = '';
  if (result.rows.length > 0) {
    const headers = [
      'ACCOUNT',
      'REGION',
      'STORE',
      'NAME',
      'TYPE',
      'STATE',
      'CLUSTER',
      'HSMS',
      'MONTHLY',
      'KEYS',
      ...(meta.usage ? ['USAGE'] : []),
    ];
    out += renderTable(
      headers,
      result.rows.map((r, i) => [
        accountText(r.accountId, r.accountName),
        r.region,
        r.store.id,
        r.store.name,
        r.store.type,
        stateText(r, st),
        r.store.clusterId ?? '-',
        hsmText(r),
        monthlyText(costs?.rowCosts[i]),
        keysText(r),
        ...(meta.usage ? [usageText(r)] : []),
      ]),
    );
  } else out += 'no custom key stores found\n';
  if (result.gaps.length > 0) {
    out += `\n${st.warn(`gaps (${result.gaps.length}): not read, may hide key stores`)}\n`;
    for (const g of result.gaps) out += `  ${gapLine(g)}\n`;
  }
  if (result.skips.length > 0) {
    out += `\nskipped (${result.skips.length}): nothing readable there\n`;
    for (const k of result.skips.slice(0, SKIPS_SHOWN)) out += `  ${gapLine(k)}\n`;
    if (result.skips.length > SKIPS_SHOWN)
      out += `  ... and ${result.skips.length - SKIPS_SHOWN} more (--output json lists them all)\n`;
  }
  out += `\n${s.stores} custom key store(s), ${s.keys} key(s), ${s.hsms} HSM(s) in ${s.accountsWithStores} of ${s.accounts} account(s); ${s.accountRegionsRead} account-Region(s) read`;
  out += result.gaps.length > 0 ? `; ${st.warn(`INCOMPLETE: ${result.gaps.length} gap(s)`)}\n` : '; complete\n';
  const cost = costLines(costs, result, meta);
  if (cost.length > 0)
    out += cost.map((l) => (l.startsWith('idle clusters') && costs?.idle.hsms ? st.warn(l) : l)).join('\n') + '\n';
  return out;
}

export function inventoryJson(result: InventoryResult, meta: InventoryMeta, costs?: EstateCosts): InventoryJson {
  return {
    complete: result.gaps.length === 0,
    accountSource: meta.accountSource,
    regions: meta.regions,
    summary: summaryOf(result),
    stores: result.rows.map((r, i) => ({
      accountId: r.accountId,
      accountName: r.accountName ?? null,
      region: r.region,
      storeId: r.store.id,
      name: r.store.name,
      type: r.store.type,
      connectionState: r.store.connectionState,
      ...(r.store.connectionErrorCode ? { connectionErrorCode: r.store.connectionErrorCode } : {}),
      clusterId: r.store.clusterId ?? null,
      creationDate: r.store.creationDate.toISOString(),
      cluster: r.cluster
        ? { state: r.cluster.state, hsmCount: r.cluster.hsmCount, activeHsmCount: r.cluster.activeHsmCount }
        : null,
      ...(r.clusterError ? { clusterError: r.clusterError } : {}),
      ...(costs?.rowCosts[i] ? { hsmMonthlyUsd: costs.rowCosts[i].monthlyUsd } : {}),
      keyCount: r.keyCount,
      keyCounts: r.keyCounts,
      keysInTrial: r.trial.keysInTrial,
      ...(r.trial.error ? { keysInTrialError: r.trial.error } : {}),
      ...(meta.usage ? { usage: r.usage ?? null, ...(r.usageError ? { usageError: r.usageError } : {}) } : {}),
    })),
    ...(costs ? { costs: costsJson(costs) } : {}),
    clusterGaps: result.clusterGaps.map((g) => ({
      accountId: g.accountId,
      accountName: g.accountName ?? null,
      region: g.region,
      errorCode: g.errorCode ?? null,
      reason: g.reason,
    })),
    gaps: result.gaps.map((g) => ({
      accountId: g.accountId,
      accountName: g.accountName ?? null,
      region: g.region ?? null,
      kind: g.kind,
      errorCode: g.errorCode ?? null,
      reason: g.reason,
    })),
    skipped: result.skips.map((k) => ({
      accountId: k.accountId,
      accountName: k.accountName ?? null,
      region: k.region ?? null,
      kind: k.kind,
      reason: k.reason,
    })),
  };
}

function costsJson(c: EstateCosts): NonNullable<InventoryJson['costs']> {
  return {
    total: c.total,
    idle: c.idle,
    clusters: c.clusters.map((x) => ({
      accountId: x.accountId,
      accountName: x.accountName ?? null,
      region: x.region,
      clusterId: x.cluster.clusterId,
      state: x.cluster.state,
      hsmCount: x.cluster.hsmCount,
      usdPerHour: x.cost.usdPerHour,
      monthlyUsd: x.cost.monthlyUsd,
      storeIds: x.storeIds,
      idle: x.idle ?? null,
    })),
    prices: c.prices,
  };
}

function csvCell(v: string | number | undefined | null): string {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderInventoryCsv(result: InventoryResult, meta: InventoryMeta, costs?: EstateCosts): string {
  const header = [
    'account_id',
    'account_name',
    'region',
    'store_id',
    'store_name',
    'type',
    'connection_state',
    'connection_error_code',
    'cluster_id',
    'cluster_state',
    'hsm_count',
    'hsm_monthly_usd',
    'key_count',
    ...KEY_STATES.map((k) => `keys_${k.replace(/[A-Z]/g, (c, i: number) => (i ? '_' : '') + c.toLowerCase())}`),
    'keys_other',
    ...(meta.usage ? ['keys_in_use', 'keys_unused', 'keys_usage_unknown', 'keys_protecting_data'] : []),
    // issue 20: last, so that readers of the earlier columns by position are unaffected (empty: unknown)
    'keys_in_trial',
  ];
  const lines = [header.join(',')];
  for (const [i, r] of result.rows.entries()) {
    const known = KEY_STATES.reduce((n, k) => n + (r.keyCounts[k] ?? 0), 0);
    lines.push(
      [
        r.accountId,
        r.accountName,
        r.region,
        r.store.id,
        r.store.name,
        r.store.type,
        r.store.connectionState,
        r.store.connectionErrorCode,
        r.store.clusterId,
        r.cluster?.state,
        r.cluster?.hsmCount,
        costs?.rowCosts[i]?.monthlyUsd,
        r.keyCount,
        ...KEY_STATES.map((k) => r.keyCounts[k] ?? 0),
        r.keyCount - known,
        ...(meta.usage
          ? [r.usage?.inUse, r.usage?.unused, r.usage?.unknown, r.usage ? (r.usage.protectsData ?? 0) : undefined]
          : []),
        r.trial.keysInTrial,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The gaps and skips as stderr lines, for CSV (which has no room for them). */
export function gapLines(result: InventoryResult): string {
  return [
    ...result.gaps.map((g) => `kscli: gap: ${gapLine(g)}`),
    ...result.skips.map((k) => `kscli: skipped: ${gapLine(k)}`),
  ]
    .map((l) => `${l}\n`)
    .join('');
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderInventoryMarkdown(
  result: InventoryResult,
  meta: InventoryMeta,
  generatedAt: Date,
  costs?: EstateCosts,
): string {
  const s = summaryOf(result);
  let md = `# Custom key store inventory\n\n`;
  md += `Generated by kscli on ${generatedAt.toISOString()}. Accounts: ${meta.accountSource === 'org' ? 'AWS Organizations' : meta.accountSource === 'file' ? 'accounts file' : 'current credentials'}; Regions: ${Array.isArray(meta.regions) ? meta.regions.join(', ') : meta.regions === 'all' ? 'all enabled' : 'the default Region'}.\n\n`;
  md += `- **${s.stores}** custom key stores, **${s.keys}** keys, **${s.hsms}** HSMs, in ${s.accountsWithStores} of ${s.accounts} accounts (${s.accountRegionsRead} account-Regions read)\n`;
  if (costs) {
    md += `- HSMs cost **≈ ${formatUsd(costs.total.monthlyUsd)} a month** (${costs.total.hsms} HSMs in ${costs.total.clusters} clusters)\n`;
    md += `- Idle clusters behind deleted or empty stores: **${costs.idle.hsms} HSMs, ≈ ${formatUsd(costs.idle.monthlyUsd)} a month**\n`;
    for (const c of costs.clusters.filter((x) => x.idle)) md += `  - ${mdCell(idleLine(c))}\n`;
    md += `- ${mdCell(costs.priceLine)}\n`;
  }
  for (const g of result.clusterGaps)
    md += `- Not counted: ${mdCell(`${accountText(g.accountId, g.accountName)} ${g.region}: ${g.reason}`)}\n`;
  md += `- ${result.gaps.length === 0 ? 'Complete: every account and Region asked for was read.' : `**Incomplete: ${result.gaps.length} gap(s)** (listed below)`}\n\n`;
  if (result.rows.length > 0) {
    const headers = [
      'Account',
      'Region',
      'Store',
      'Name',
      'Type',
      'State',
      'Cluster',
      'HSMs',
      'Monthly',
      'Keys',
      ...(meta.usage ? ['Usage'] : []),
    ];
    md += `| ${headers.join(' | ')} |\n|${headers.map(() => '---').join('|')}|\n`;
    for (const [i, r] of result.rows.entries()) {
      const cells = [
        accountText(r.accountId, r.accountName),
        r.region,
        `\`${r.store.id}\``,
        r.store.name,
        r.store.type,
        stateText(r),
        r.store.clusterId ?? '-',
        hsmText(r),
        monthlyText(costs?.rowCosts[i]),
        keysText(r),
        ...(meta.usage ? [usageText(r)] : []),
      ];
      md += `| ${cells.map(mdCell).join(' | ')} |\n`;
    }
    md += '\n';
  }
  if (result.gaps.length > 0) {
    md += `## Gaps\n\n`;
    for (const g of result.gaps) md += `- ${mdCell(gapLine(g))}\n`;
    md += '\n';
  }
  if (result.skips.length > 0) {
    md += `## Skipped\n\n`;
    for (const k of result.skips) md += `- ${mdCell(gapLine(k))}\n`;
    md += '\n';
  }
  return md;
}

/** What `kscli inventory` renders. */
export interface InventoryView {
  result: InventoryResult;
  meta: InventoryMeta;
  generatedAt: Date;
  /** the estate's HSM costs (absent: no cluster anywhere) */
  costs?: EstateCosts;
}

export const inventoryRenderer: Renderer<InventoryView> = {
  json: (v) => inventoryJson(v.result, v.meta, v.costs),
  table: (v, ctx) => renderInventoryTable(v.result, v.meta, ctx.style, v.costs),
  csv: (v) => renderInventoryCsv(v.result, v.meta, v.costs),
  markdown: (v) => renderInventoryMarkdown(v.result, v.meta, v.generatedAt, v.costs),
};

/** `kscli inventory`'s output: the document in the chosen format; with CSV, the gaps and skips on stderr. */
export function renderInventory(
  deps: Pick<Deps, 'io' | 'globals' | 'style'> & Partial<Pick<Deps, 'clock'>>,
  view: InventoryView,
): void {
  renderResult(deps, inventoryRenderer, view);
  // CSV has no room for them: one stderr line per gap and skip
  if (deps.globals.output === 'csv') deps.io.err.write(gapLines(view.result));
}
