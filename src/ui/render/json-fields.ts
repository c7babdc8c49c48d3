/**
 * Fields that several --output json documents share, so they are written the same way everywhere.
 */
import type { StoreInfo } from '../../aws/ports.js';
import type { Static } from '@sinclair/typebox';
import type { StoreJson as StoreJsonSchema } from '../../schemas/common.js';

/** A date as JSON: ISO 8601, or null when there is none. */
export const iso = (d: Date | undefined): string | null => (d ? d.toISOString() : null);

/** A store as every JSON document shows it. */
/** The published schema's type (src/schemas/common.ts). */
export type StoreJson = Static<typeof StoreJsonSchema>;

export function storeJson(s: StoreInfo): StoreJson {
  return {
    storeId: s.id,
    name: s.name,
    type: s.type,
    connectionState: s.connectionState,
    ...(s.connectionErrorCode ? { connectionErrorCode: s.connectionErrorCode } : {}),
    clusterId: s.clusterId ?? null,
    creationDate: s.creationDate.toISOString(),
  };
}
