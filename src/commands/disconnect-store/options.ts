/** kscli disconnect-store's options as a plan file saves them (src/commands/option-schemas.ts). */
import { Type } from '@sinclair/typebox';
import { StoreIdSchema } from '../option-schemas.js';

export const DisconnectStoreOptionsSchema = Type.Object({
  storeId: StoreIdSchema,
  waitTimeoutMs: Type.Number({ minimum: 0 }),
  force: Type.Boolean(),
  allowOrphanedMaterial: Type.Boolean(),
});
