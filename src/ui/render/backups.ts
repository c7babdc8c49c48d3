/**
 * kscli backups (the report), rendered.
 *
 * JSON (--output json):
 * {"schemaVersion": 1, "store": {...}, "clusterIds": [...], "since": ISO, "sinceSource": "journal" | "keys" | "store-creation",
 *  "backups": [{"backupId", "clusterId", "state", "createTimestamp", "deleteTimestamp", "neverExpires", "mayHoldKeyMaterial", "reason"}],
 *  "warnings": [...]}
 * (an external key store: {"store", "clusterIds": [], "backups": [], "warnings": ["<why none>"]})
 */
import type { BackupsResult } from '../../workflow/results.js';
import { storeJson } from './json-fields.js';
import type { Body } from '../../schemas/common.js';
import type { BackupsDocument } from '../../schemas/reports.js';
import type { Renderer } from './output.js';
import { backupsJson, deletedLine, renderBackups, storeDeletedJson } from './reports.js';

/** The published schema's type (src/schemas/reports.ts): a store that is not CloudHSM-backed has no since. */
export type BackupsJson = Body<BackupsDocument>;

export const backupsRenderer: Renderer<BackupsResult> = {
  json: (r): BackupsJson =>
    r.kind === 'not-cloudhsm'
      ? { store: storeJson(r.store), clusterIds: [], backups: [], warnings: [r.note] }
      : {
          store: storeJson(r.store),
          ...backupsJson(r.report),
          ...(r.deleted ? { storeDeleted: storeDeletedJson(r.deleted) } : {}),
        },
  table: (r, { style, width }) =>
    r.kind === 'not-cloudhsm'
      ? `${r.note}\n`
      : `${r.deleted ? deletedLine(style, r.deleted) : ''}${renderBackups(style, r.report, { width })}`,
};
