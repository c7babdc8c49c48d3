/**
 * Fields that several --output json documents share, so they are written the same way everywhere.
 */
import type { StoreInfo } from '../../aws/ports.js';

/** A date as JSON: ISO 8601, or null when there is none. */
export const iso = (d: Date | undefined): string | null => (d ? d.toISOString() : null);

/** A store as every JSON document shows it. */
export interface StoreJson {
  storeId: string;
  name: string;
  type: StoreInfo['type'];
  connectionState: StoreInfo['connectionState'];
  /** only when connectionState is FAILED */
  connectionErrorCode?: string;
  clusterId: string | null;
  creationDate: string;
}

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
