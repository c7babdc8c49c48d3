/**
 * What delete-store adds to the mutating-command output once a CloudHSM store is deleted: the
 * backups that may still hold its key material and the key material left in the cluster (as
 * `kscli backups` and `kscli orphans` show them).
 */
import type { DeleteStoreCleanup } from '../../workflow/results.js';
import type { PlanOutcomeExtras } from './plan-outcome.js';
import { backupsJson, orphansJson, renderBackups, renderOrphans } from './reports.js';

export const deleteStoreExtras: PlanOutcomeExtras<DeleteStoreCleanup> = {
  json: (c) => ({ backups: backupsJson(c.backups), orphans: orphansJson(c.orphans) }),
  lines: (c, style, layout) => [
    renderBackups(style, c.backups, layout).trimEnd(),
    renderOrphans(style, c.storeId, c.orphans, layout).trimEnd(),
  ],
};
