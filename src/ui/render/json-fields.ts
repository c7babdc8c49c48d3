/**
 * Fields that several --output json documents share, so they are written the same way everywhere.
 */
import type { StoreInfo } from '../../aws/ports.js';
import type { Static } from '@sinclair/typebox';
import type { StoreJson as StoreJsonSchema } from '../../schemas/common.js';
import { storeObservation } from '../../workflow/plan-file/observations.js';

/** A date as JSON: ISO 8601, or null when there is none. */
export const iso = (d: Date | undefined): string | null => (d ? d.toISOString() : null);

/** The published schema's type (src/schemas/common.ts). */
export type StoreJson = Static<typeof StoreJsonSchema>;

/**
 * A store as every JSON document shows it: the same fields a saved plan observes, written by one
 * function (the plan file's observation; a plan compares them field by field).
 */
export const storeJson: (s: StoreInfo) => StoreJson = storeObservation;
