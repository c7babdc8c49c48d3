/** kscli backups --delete's options as a plan file saves them (src/commands/option-schemas.ts). */
import { Type } from '@sinclair/typebox';
import { StoreIdSchema } from '../option-schemas.js';

export const BackupDeletionOptionsSchema = Type.Object({ storeId: StoreIdSchema, force: Type.Boolean() });
