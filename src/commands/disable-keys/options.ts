/** kscli disable-keys' options as a plan file saves them (src/commands/option-schemas.ts). */
import { Type, type Static } from '@sinclair/typebox';
import { EvidenceOptionsSchema, KeyFlagsSchema, KeySelectionSchema, StoreIdSchema } from '../option-schemas.js';

/** the in-use gate's flags: --allow-in-use, and where the evidence comes from (--evidence, --log-group-arn, --days) */
export const TrialUsageOptionsSchema = Type.Pick(EvidenceOptionsSchema, [
  'allowInUse',
  'evidence',
  'logGroupArn',
  'days',
]);
export type TrialUsageOptions = Static<typeof TrialUsageOptionsSchema>;

export const DisableKeysOptionsSchema = Type.Object({
  storeId: StoreIdSchema,
  selection: KeySelectionSchema,
  days: Type.Integer({ minimum: 1, maximum: 90 }),
  allowDynamoDbArchive: Type.Boolean(),
  // absent in plan files of kscli before the in-use gate: read as no --allow-in-use
  usage: Type.Optional(TrialUsageOptionsSchema),
  alarm: Type.Boolean(),
  snsTopicArn: Type.Optional(Type.String()),
  logGroup: Type.Optional(Type.String()),
  flags: KeyFlagsSchema,
});
