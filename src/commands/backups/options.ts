/** kscli backups --delete's options as a plan file saves them (src/commands/option-schemas.ts). */
import { Type } from '@sinclair/typebox';
import { StoreIdSchema } from '../option-schemas.js';

export const BackupDeletionOptionsSchema = Type.Object({
  storeId: StoreIdSchema,
  force: Type.Boolean(),
  /** --cluster: the cluster of a deleted store whose records do not name it */
  cluster: Type.Optional(Type.String({ pattern: '^cluster-[0-9a-zA-Z]{11,16}$' })),
});
