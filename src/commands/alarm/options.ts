/** kscli alarm's options as a plan file saves them (src/commands/option-schemas.ts). */
import { Type } from '@sinclair/typebox';
import { StoreIdSchema } from '../option-schemas.js';

export const AlarmOptionsSchema = Type.Object({
  storeId: StoreIdSchema,
  snsTopicArn: Type.Optional(Type.String()),
  logGroup: Type.Optional(Type.String()),
  replace: Type.Boolean(),
});
