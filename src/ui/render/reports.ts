/**
 * The backups and orphans reports: printed by `kscli backups`, `kscli orphans`, and by
 * `kscli delete-store` after it deletes a CloudHSM store.
 */
import type { BackupsReport } from '../../workflow/backups.js';
import type { OrphanedMaterial } from '../../workflow/orphans.js';
import type { Style } from '../style.js';
import { renderTable } from '../table.js';
import type { TableLayout } from './output.js';
import type { BackupsReportJson, OrphansReportJson, StoreDeletedJson } from '../../schemas/reports.js';
import { deletedPhrase, type StoreDeletion } from '../../workflow/deleted-store.js';
import type { Static } from '@sinclair/typebox';

/** The published schema's types (src/schemas/reports.ts). */
export type { BackupsReportJson, OrphansReportJson } from '../../schemas/reports.js';

export function backupsJson(r: BackupsReport): BackupsReportJson {
  return {
    clusterIds: r.clusterIds,
    since: r.since.toISOString(),
    sinceSource: r.sinceSource,
    backups: r.lines.map((l) => ({
      backupId: l.backup.backupId,
      region: l.backup.region ?? r.region,
      clusterId: l.backup.clusterId ?? null,
      ...(l.backup.sourceBackup ? { sourceBackup: l.backup.sourceBackup } : {}),
      ...(l.backup.sourceRegion ? { sourceRegion: l.backup.sourceRegion } : {}),
      state: l.backup.state,
      createTimestamp: l.backup.createTimestamp?.toISOString() ?? null,
      deleteTimestamp: l.backup.deleteTimestamp?.toISOString() ?? null,
      neverExpires: l.backup.neverExpires ?? false,
      mayHoldKeyMaterial: l.atRisk,
      reason: l.reason,
    })),
    warnings: r.warnings,
    ...(r.copyRegions ? { copyRegions: r.copyRegions } : {}),
  };
}

export function renderBackups(style: Style, r: BackupsReport, layout: TableLayout = {}): string {
  const atRisk = r.lines.filter((l) => l.atRisk);
  let s = `Backups of cluster(s) ${r.clusterIds.join(', ') || '-'} taken since ${r.since.toISOString()} (${r.sinceSource}): ${atRisk.length} may hold the store's key material\n`;
  if (r.lines.length) {
    s += renderTable(
      ['BACKUP', 'REGION', 'CLUSTER', 'STATE', 'CREATED', 'MAY HOLD KEYS'],
      r.lines.map((l) => [
        l.backup.backupId,
        l.backup.region ? `${l.backup.region} (copy)` : r.region,
        l.backup.clusterId ?? '-',
        l.backup.state,
        l.backup.createTimestamp?.toISOString() ?? '-',
        l.atRisk ? style.warn('yes') : 'no',
      ]),
      { width: layout.width, record: { head: [0, 5], flow: true } },
    );
  }
  if (r.copyRegions) s += `Cross-Region copies searched by their source in ${r.copyRegions.length} other Region(s).\n`;
  for (const w of r.warnings) s += `${style.warn('note:')} ${w}\n`;
  return s;
}

export function storeDeletedJson(d: StoreDeletion): Static<typeof StoreDeletedJson> {
  return { deletedOn: d.deletedOn?.toISOString() ?? null, source: d.source };
}

/** The first line of an after-care report on a store that no longer exists. */
export function deletedLine(style: Style, d: StoreDeletion): string {
  const from =
    d.source === 'cluster-flag'
      ? 'the cluster named with --cluster'
      : `its records (${d.keys.length} key(s) known, cluster(s) ${d.clusterIds.join(', ') || 'unknown'})`;
  return `${style.warn(`store ${d.storeId} ${deletedPhrase(d)}`)}: reported from ${from}\n`;
}

/** `steps`: the clean-up, its commands with the run's context flags (orphans.ts orphanCleanupSteps). */
export function orphansJson(orphans: OrphanedMaterial[], steps: string[]): OrphansReportJson {
  return { orphans, cleanupSteps: orphans.length ? steps : [] };
}

export function renderOrphans(
  style: Style,
  storeId: string,
  orphans: OrphanedMaterial[],
  steps: string[],
  layout: TableLayout = {},
): string {
  if (orphans.length === 0)
    return `No orphaned key material found for ${storeId} in the last 90 days of CloudTrail DeleteKey events.\n`;
  let s = `${style.warn(`${orphans.length} deleted key(s) of ${storeId} left key material in the cluster`)} (CloudTrail DeleteKey, backingKeysDeletionStatus FAILURE):\n`;
  s += renderTable(
    ['KEY ARN', 'CLUSTER', 'KEY HANDLES', 'DELETED'],
    orphans.map((o) => [o.keyArn, o.clusterId ?? '-', o.keyHandles.join(',') || '?', o.eventTime]),
    { width: layout.width, record: { flow: true } },
  );
  s += 'Clean-up (cluster tools; KMS cannot do it):\n';
  steps.forEach((step, i) => (s += `  ${i + 1}. ${step}\n`));
  return s;
}
