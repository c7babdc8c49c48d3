/** kscli disable-keys' options as a plan file saves them (src/commands/option-schemas.ts). */
import { Type } from '@sinclair/typebox';
import { KeyFlagsSchema, KeySelectionSchema, StoreIdSchema } from '../option-schemas.js';

export const DisableKeysOptionsSchema = Type.Object({
  storeId: StoreIdSchema,
  selection: KeySelectionSchema,
  days: Type.Integer({ minimum: 1, maximum: 90 }),
  allowDynamoDbArchive: Type.Boolean(),
  alarm: Type.Boolean(),
  snsTopicArn: Type.Optional(Type.String()),
  logGroup: Type.Optional(Type.String()),
  flags: KeyFlagsSchema,
});
