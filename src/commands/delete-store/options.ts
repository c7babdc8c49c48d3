/** kscli delete-store's options as a plan file saves them (src/commands/option-schemas.ts). */
import { Type } from '@sinclair/typebox';
import { TrialFlagOptionsSchema } from '../trial-flags.js';
import { EvidenceOptionsSchema, KeyFlagsSchema, KeySelectionSchema, StoreIdSchema } from '../option-schemas.js';

export const DeleteStoreOptionsSchema = Type.Object({
  storeId: StoreIdSchema,
  selection: KeySelectionSchema,
  windowDays: Type.Integer({ minimum: 7, maximum: 30 }),
  waitTimeoutMs: Type.Number({ minimum: 0 }),
  allowDisconnected: Type.Boolean(),
  evidence: EvidenceOptionsSchema,
  trial: Type.Optional(TrialFlagOptionsSchema),
  flags: KeyFlagsSchema,
});
