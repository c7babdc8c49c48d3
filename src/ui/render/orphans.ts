/**
 * kscli orphans, rendered.
 *
 * JSON (--output json):
 * {"schemaVersion": 1, "store": {...as find-keys}, "orphans": [{"keyArn", "clusterId", "keyHandles": ["7"],
 *  "backingKeyIds": [...], "eventTime": ISO, "eventId"}], "cleanupSteps": ["..."]}
 * (an external key store: no orphans, no clean-up steps)
 */
import type { OrphansResult } from '../../workflow/results.js';
import { storeJson } from './json-fields.js';
import type { Body } from '../../schemas/common.js';
import type { OrphansDocument } from '../../schemas/reports.js';
import type { Renderer } from './output.js';
import { deletedLine, orphansJson, renderOrphans, storeDeletedJson } from './reports.js';

/** The published schema's type (src/schemas/reports.ts). */
export type OrphansJson = Body<OrphansDocument>;

export const orphansRenderer: Renderer<OrphansResult> = {
  json: ({ store, orphans, cleanupSteps, deleted }): OrphansJson => ({
    store: storeJson(store),
    ...orphansJson(orphans, cleanupSteps),
    ...(deleted ? { storeDeleted: storeDeletedJson(deleted) } : {}),
  }),
  table({ store, orphans, cleanupSteps, deleted }, { style, width }) {
    if (store.type === 'EXTERNAL_KEY_STORE')
      return `${store.id} is an external key store: KMS never deletes external keys, so nothing can be orphaned.\n`;
    return `${deleted ? deletedLine(style, deleted) : ''}${renderOrphans(style, store.id, orphans, cleanupSteps, { width })}`;
  },
};
