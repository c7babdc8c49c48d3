/**
 * kscli find-keys, rendered.
 *
 * JSON (--output json), exactly:
 * {
 *   "schemaVersion": 1,
 *   "store": {"storeId", "name", "type", "connectionState", "connectionErrorCode"?, "clusterId", "creationDate"},
 *   "keys": [{"keyId", "arn", "state", "aliases": ["alias/x"], "creationDate": ISO, "deletionDate": ISO | null}]
 * }
 */
import type { FindKeysResult } from '../../workflow/results.js';
import { isoWithRelative } from '../dates.js';
import { renderTable } from '../table.js';
import { iso, storeJson } from './json-fields.js';
import type { Renderer } from './output.js';
import type { Body } from '../../schemas/common.js';
import type { FindKeysDocument } from '../../schemas/find-keys.js';

/** The published schema's type (src/schemas/find-keys.ts). */
export type FindKeysJson = Body<FindKeysDocument>;

export const findKeysRenderer: Renderer<FindKeysResult> = {
  json: ({ store, keys, aliases }): FindKeysJson => ({
    store: storeJson(store),
    keys: keys.map((k) => ({
      keyId: k.keyId,
      arn: k.arn,
      state: k.state,
      aliases: aliases.get(k.keyId) ?? [],
      creationDate: k.creationDate.toISOString(),
      deletionDate: iso(k.deletionDate),
    })),
  }),
  table({ store, keys, aliases }, { style, width, now }) {
    let s = `${store.id} (${store.name}, ${store.type}, ${store.connectionState}): ${keys.length} key(s)\n`;
    if (keys.length) {
      s += renderTable(
        ['KEY ID', 'STATE', 'ALIASES', 'CREATED', 'DELETION'],
        keys.map((k) => [
          k.keyId,
          k.state === 'PendingDeletion' ? style.warn(k.state) : k.state,
          // one alias per line inside its column on a terminal; the unwrapped layout keeps one line per key
          (aliases.get(k.keyId) ?? []).join(width ? '\n' : ',') || '-',
          k.creationDate.toISOString(),
          k.deletionDate ? (now ? isoWithRelative(k.deletionDate, now) : k.deletionDate.toISOString()) : '-',
        ]),
        { width, record: { head: [0, 1], flow: true } },
      );
    }
    return s;
  },
};
