/** kscli enable-keys' options as a plan file saves them (src/commands/option-schemas.ts). */
import { Type } from '@sinclair/typebox';
import { KeyFlagsSchema, KeySelectionSchema, StoreIdSchema } from '../option-schemas.js';

export const EnableKeysOptionsSchema = Type.Object({
  storeId: StoreIdSchema,
  selection: KeySelectionSchema,
  flags: KeyFlagsSchema,
});
