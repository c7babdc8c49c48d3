/**
 * kscli backups (the report), rendered.
 *
 * JSON (--output json):
 * {"schemaVersion": 1, "store": {...}, "clusterIds": [...], "since": ISO, "sinceSource": "journal" | "keys" | "store-creation",
 *  "backups": [{"backupId", "clusterId", "state", "createTimestamp", "deleteTimestamp", "neverExpires", "mayHoldKeyMaterial", "reason"}],
 *  "warnings": [...]}
 * (an external key store: {"store", "clusterIds": [], "backups": [], "warnings": ["<why none>"]})
 */
import type { BackupsResult } from '../../commands/backups/run.js';
import { storeJson, type StoreJson } from './json-fields.js';
import type { Renderer } from './output.js';
import { backupsJson, renderBackups, type BackupsReportJson } from './reports.js';

export type BackupsJson = { store: StoreJson } & (BackupsReportJson | { clusterIds: string[]; backups: []; warnings: string[] });

export const backupsRenderer: Renderer<BackupsResult> = {
  json: (r): BackupsJson =>
    r.kind === 'not-cloudhsm' ? { store: storeJson(r.store), clusterIds: [], backups: [], warnings: [r.note] } : { store: storeJson(r.store), ...backupsJson(r.report) },
  table: (r, { style }) => (r.kind === 'not-cloudhsm' ? `${r.note}\n` : renderBackups(style, r.report)),
};
